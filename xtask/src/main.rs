//! Waymark's project commands, the same on Linux, macOS and Windows:
//!
//! - `cargo xtask run`: install what the app needs, build the UI, run the app on the
//!   default data folder (or `WAYMARK_DATA_DIR`).
//! - `cargo xtask test`: install what the tests need, then every check CI runs: fmt,
//!   clippy, the UI's type check, vitest, `cargo test`, the bindings-are-fresh check,
//!   and on Linux the real credential store, the real app window, and the release deb
//!   (built, unpacked, started, driven through workflow 1; see `bundle`).
//! - `cargo xtask bindings`: regenerate the TypeScript IPC types in `ui/src/api/bindings/`.
//! - `cargo xtask bench [--small]`: the benchmarks (release build): printing a social
//!   prescription (time and size), then the caseload (search and patient-page timings),
//!   each printed against its targets.
//! - `cargo xtask bundle`: the release app and this platform's installers (Tauri CLI);
//!   on Linux the deb, then checks that it unpacks, starts, hands a second launch over
//!   and runs workflow 1 in the real window, and prints the sizes.

mod bundle;
mod cross;
mod openssl;
mod real;
mod setup;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    // Not for the internal steps, which run inside a command that has already checked.
    if !matches!(
        args.first().map(String::as_str),
        Some("real-tests" | "bundle-check") | None
    ) {
        openssl::rebuild_untrimmed(&root)?;
    }
    match args.first().map(String::as_str) {
        Some("run") => run(&root),
        Some("test") => test(&root),
        Some("bindings") => bindings(&root),
        Some("bench") => step(
            "Printing benchmark (release build)",
            cargo().current_dir(&root).args([
                "bench",
                "-p",
                "waymark-print",
                "--bench",
                "prescription",
            ]),
        )
        .and_then(|()| {
            step(
                "Caseload benchmark (release build)",
                cargo()
                    .current_dir(&root)
                    .args([
                        "bench",
                        "-p",
                        "waymark-store",
                        "--features",
                        "bench",
                        "--bench",
                        "caseload",
                        "--",
                    ])
                    .args(&args[1..]),
            )
        })
        .and_then(|()| {
            step(
                "Directory import benchmark (release build)",
                cargo().current_dir(&root).args([
                    "bench",
                    "-p",
                    "waymark-store",
                    "--bench",
                    "directory",
                ]),
            )
        }),
        Some("bundle") => bundle::run(&root),
        // The cross-built release waymark.exe alone (Linux; part of `bundle` there).
        Some("windows-exe") => setup::install(&root, setup::Purpose::Test)
            .and_then(|()| build_ui(&root))
            .and_then(|()| bundle::windows_exe(&root)),
        // Internal: the part of `bundle` that runs inside a D-Bus session.
        Some("bundle-check") => match args.get(1) {
            Some(deb) => bundle::check_deb(&root, Path::new(deb)),
            None => bail!("bundle-check needs the deb's path"),
        },
        Some("setup") => setup::install(&root, setup::Purpose::Test),
        // The app embeds ui/dist at compile time, so the UI is built first.
        Some("windows") => setup::install(&root, setup::Purpose::Test)
            .and_then(|()| build_ui(&root))
            .and_then(|()| cross::windows(&root)),
        Some("macos") => setup::install(&root, setup::Purpose::Test)
            .and_then(|()| build_ui(&root))
            .and_then(|()| cross::macos(&root)),
        // Internal: the part of `test` that runs inside a D-Bus session.
        Some("real-tests") => real::inside_session(&root),
        _ => {
            eprintln!(
                "usage: cargo xtask <run | test | bindings | bench | bundle | setup | windows | macos | windows-exe>"
            );
            std::process::exit(2);
        }
    }
}

fn project_root() -> PathBuf {
    // xtask/ sits at the top of the workspace.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

pub(crate) fn npm() -> Command {
    // npm is a .cmd script on Windows, which Command does not resolve by itself.
    Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" })
}

/// Runs a command to completion, failing with its name when it fails, and says how
/// long it took (what CI's time goes on).
pub(crate) fn step(title: &str, cmd: &mut Command) -> Result<()> {
    eprintln!("\n==> {title}");
    let started = std::time::Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("could not start: {cmd:?}"))?;
    if !status.success() {
        bail!("{title} failed ({status})");
    }
    eprintln!("--> {title}: {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn ui_dir(root: &Path) -> PathBuf {
    root.join("ui")
}

pub(crate) fn build_ui(root: &Path) -> Result<()> {
    step(
        "Build the UI",
        npm().arg("run").arg("build").current_dir(ui_dir(root)),
    )
}

fn run(root: &Path) -> Result<()> {
    setup::install(root, setup::Purpose::Run)?;
    build_ui(root)?;
    step(
        "Run Waymark",
        cargo()
            .args(["run", "--package", "waymark"])
            .current_dir(root),
    )
}

fn test(root: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    setup::install(root, setup::Purpose::Test)?;
    let ui = ui_dir(root);
    step(
        "cargo fmt --check",
        cargo()
            .args(["fmt", "--all", "--", "--check"])
            .current_dir(root),
    )?;
    step(
        "UI type check",
        npm().args(["run", "check"]).current_dir(&ui),
    )?;
    // The app embeds ui/dist at compile time, so the UI is built before any Rust.
    build_ui(root)?;
    // The UI tests run against the real commands, served by this host (see
    // src-tauri/src/test_host.rs); built here so its compile shows as its own step.
    step(
        "Build the UI tests' host",
        cargo()
            .args(["build", "--package", "waymark", "--features", "test-host"])
            .args(["--bin", "waymark-test-host"])
            .current_dir(root),
    )?;
    step(
        "UI tests (vitest, against the real commands)",
        npm()
            .args(["test"])
            .env("WAYMARK_TEST_HOST_BUILT", "1")
            .current_dir(&ui),
    )?;
    step(
        "cargo clippy",
        cargo()
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                // Also lints the benchmark, which needs the store's `bench` feature.
                "--all-features",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(root),
    )?;
    let generated = tempdir(root, "bindings")?;
    step(
        "cargo test --workspace",
        cargo()
            .args(["test", "--workspace"])
            .env("TS_RS_EXPORT_DIR", &generated)
            .current_dir(root),
    )?;
    check_bindings(&generated, &ui.join("src/api/bindings"))?;
    if cfg!(target_os = "linux") {
        // The platforms practices use, from here: clippy for Windows and macOS, and the
        // Windows tests under Wine.
        cross::windows(root)?;
        cross::macos(root)?;
    }
    step(
        "Build the app for the real-window tests",
        cargo()
            .args(["build", "--package", "waymark"])
            .current_dir(root),
    )?;
    if cfg!(target_os = "linux") {
        real::run_in_session(root)?;
        // Last: the release build is the slowest step.
        bundle::build_and_check(root)?;
    } else {
        real::native(root)?;
    }
    eprintln!(
        "\nAll checks passed in {:.1} minutes.",
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

fn bindings(root: &Path) -> Result<()> {
    let out = ui_dir(root).join("src/api/bindings");
    step(
        "Export the IPC types with ts-rs",
        cargo()
            .args(["test", "--package", "waymark", "--lib", "export_bindings"])
            .env("TS_RS_EXPORT_DIR", &out)
            .current_dir(root),
    )
}

/// Fails when the committed bindings differ from what ts-rs just generated.
fn check_bindings(generated: &Path, committed: &Path) -> Result<()> {
    eprintln!("\n==> The committed TypeScript bindings are fresh");
    let list = |dir: &Path| -> Result<Vec<(String, String)>> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "ts") {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((name, std::fs::read_to_string(&path)?.replace("\r\n", "\n")));
            }
        }
        files.sort();
        Ok(files)
    };
    let (fresh, kept) = (list(generated)?, list(committed)?);
    if fresh.is_empty() {
        bail!("ts-rs generated no bindings: were the export tests run?");
    }
    if fresh != kept {
        let names = |v: &[(String, String)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        let stale: Vec<_> = fresh
            .iter()
            .filter(|f| !kept.contains(f))
            .map(|f| f.0.clone())
            .collect();
        bail!(
            "ui/src/api/bindings is stale (differs in {stale:?}; generated {:?}, committed {:?}). \
             Run `cargo xtask bindings` and commit the result.",
            names(&fresh),
            names(&kept)
        );
    }
    Ok(())
}

/// A fresh, empty folder under `target/xtask/`.
pub(crate) fn tempdir(root: &Path, name: &str) -> Result<PathBuf> {
    let dir = root.join("target").join("xtask").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
