//! Windows and macOS checks from Linux, so a break on the platforms practices use is
//! caught on the day it is written:
//!
//! - Windows (`x86_64-pc-windows-gnu`, Debian's MinGW-w64): clippy over the whole
//!   workspace, app included, then the domain, store, print and admin tests run under
//!   Wine in a fresh prefix. Wine matches Windows on what has bitten us (fsync of a
//!   read-only handle is denied; a file another handle holds cannot be renamed or
//!   deleted) but not everywhere: files opened with share-delete behave as on Windows
//!   before 10, and its Credential Manager keeps entries in Wine's registry, so the key
//!   path runs but proves nothing about Windows' own protection. The GitHub
//!   `windows-latest` job covers the rest.
//! - macOS (`aarch64-apple-darwin`): clippy over the whole workspace with Zig (PyPI's
//!   `ziglang`) as the C compiler for OpenSSL and SQLCipher. Nothing can be linked here
//!   (no Apple frameworks), so this type-checks and lints; linking, the Keychain and
//!   SQLCipher's `os_log` path (compiled out here with `SQLCIPHER_OMIT_LOG_DEVICE`) are
//!   left to the `macos-latest` job.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::{cargo, step, tempdir};

pub const WINDOWS: &str = "x86_64-pc-windows-gnu";
pub const MACOS: &str = "aarch64-apple-darwin";

/// Clippy for Windows, then the Windows test binaries under Wine.
pub fn windows(root: &Path) -> Result<()> {
    clippy(root, WINDOWS, &[])?;
    let prefix = wine_prefix(root)?;
    let wine = crate::setup::which("wine").context("wine is not installed")?;
    let runner = |cmd: &mut Command| {
        cmd.env("CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER", &wine)
            .env("WINEPREFIX", &prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", WINE_DLL_OVERRIDES)
            // Tests whose check Wine cannot make faithfully (reading a folder's rights
            // back) check what they can and say so.
            .env("WAYMARK_UNDER_WINE", "1")
            // A console run: no window, so no display either.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
    };
    // One build of the six packages, then two runs: unit tests and the integration
    // tests worth their time under Wine. Left to Linux and the Windows runner:
    // `first_open`, which races 400 fresh processes (93 s under Wine for what the Linux
    // run already proves); the crash test, which needs SIGKILL; and the print crate's
    // integration tests, which read the PDFs back with Poppler, qpdf and zbarimg, Linux
    // programs that a Windows process under Wine cannot start (its unit tests, which
    // expand and parse the embedded fonts, do run here).
    let packages = [
        "-p",
        "waymark-private-fs",
        "-p",
        "waymark-domain",
        "-p",
        "waymark-store",
        "-p",
        "waymark-print",
        "-p",
        "waymark-admin",
        "-p",
        "waymark-feed",
    ];
    let mut totals = Totals::default();
    for (title, targets) in [
        ("Windows unit tests under Wine", &["--lib", "--bins"][..]),
        (
            // The feed's tests: ureq, rustls and ring on Windows, against a loopback
            // server (Wine's sockets stand in for Winsock; TLS is not exercised).
            "Windows integration tests under Wine (store, admin CLI, feed)",
            &["--test", "store", "--test", "cli", "--test", "feed"][..],
        ),
    ] {
        let mut cmd = cargo();
        cmd.args(["test", "--target", WINDOWS])
            .args(packages)
            .args(targets)
            // The real credential store is Wine's Credential Manager: run those too.
            .args(["--", "--include-ignored"])
            .current_dir(root);
        runner(&mut cmd);
        totals.add(counted_step(title, &mut cmd)?);
    }
    let _ = Command::new("wineserver")
        .arg("-k")
        .env("WINEPREFIX", &prefix)
        .status();
    if totals.passed == 0 {
        bail!("no Windows test ran under Wine");
    }
    eprintln!(
        "\nWindows tests under Wine ({} binaries)\nwine: {} passed, {} failed, {} skipped",
        totals.binaries, totals.passed, totals.failed, totals.ignored
    );
    Ok(())
}

/// Clippy for macOS with Zig as the target's C compiler.
pub fn macos(root: &Path) -> Result<()> {
    let zig = zig_wrappers(root)?;
    let target = MACOS.replace('-', "_");
    clippy(
        root,
        MACOS,
        &[
            (format!("CC_{target}"), zig.join("cc").into_os_string()),
            (format!("AR_{target}"), zig.join("ar").into_os_string()),
            // OpenSSL's install step indexes its archives; the host's ranlib cannot
            // read Mach-O ones.
            (
                format!("RANLIB_{target}"),
                zig.join("ranlib").into_os_string(),
            ),
            // Zig ships macOS's libc headers but not the SDK's os/log.h, which SQLCipher
            // includes for its log device; the check goes on without that one path.
            (
                format!("CFLAGS_{target}"),
                "-DSQLCIPHER_OMIT_LOG_DEVICE".into(),
            ),
        ],
    )
}

fn clippy(root: &Path, target: &str, env: &[(String, std::ffi::OsString)]) -> Result<()> {
    let mut cmd = cargo();
    cmd.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--target",
        target,
        "--",
        "-D",
        "warnings",
    ])
    .current_dir(root);
    for (k, v) in env {
        cmd.env(k, v);
    }
    step(&format!("cargo clippy --target {target}"), &mut cmd)
}

/// Wine's built-in stand-ins for .NET and the HTML engine would be offered for
/// download on the prefix's first start, the menu builder writes desktop entries, and
/// `bcryptprimitives` must be our stub (see `xtask/wine/processprng.c`).
const WINE_DLL_OVERRIDES: &str = "mscoree,mshtml=;winemenubuilder.exe=d;bcryptprimitives=n";

/// A fresh 64-bit Wine prefix under `target/xtask/`, with the `ProcessPrng` stub that
/// Debian 12's Wine 8 lacks (Rust's standard library imports it; real Windows 10 and 11
/// have it) built from source with MinGW and put in its `system32`.
fn wine_prefix(root: &Path) -> Result<PathBuf> {
    let prefix = tempdir(root, "wine-prefix")?;
    let stub = root.join("target/xtask/bcryptprimitives.dll");
    step(
        "Build the ProcessPrng stub for Wine 8 (MinGW)",
        Command::new("x86_64-w64-mingw32-gcc")
            .args(["-shared", "-O2", "-o"])
            .arg(&stub)
            .arg(root.join("xtask/wine/processprng.c"))
            .arg("-ladvapi32"),
    )?;
    step(
        "Create a fresh Wine prefix",
        Command::new("wineboot")
            .arg("-i")
            .env("WINEPREFIX", &prefix)
            .env("WINEARCH", "win64")
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", WINE_DLL_OVERRIDES)
            .env_remove("DISPLAY")
            .stdout(Stdio::null()),
    )?;
    // wineboot returns before the prefix is fully written; wait for its server.
    let _ = Command::new("wineserver")
        .arg("-w")
        .env("WINEPREFIX", &prefix)
        .status();
    let system32 = prefix.join("drive_c/windows/system32");
    if !system32.is_dir() {
        bail!("the Wine prefix has no system32 at {}", system32.display());
    }
    std::fs::copy(&stub, system32.join("bcryptprimitives.dll"))?;
    seed_credential_manager(&prefix)?;
    Ok(prefix)
}

/// Wine's Credential Manager makes its registry encryption key on first use, with no
/// lock: test processes starting together on a fresh prefix each write their own, and
/// one then reads its just-saved entry back under another's key ("the key could not be
/// read back after saving"). Windows' Credential Manager is a service with no such
/// race, so the prefix gets its key here, once, before any test runs.
fn seed_credential_manager(prefix: &Path) -> Result<()> {
    let mut key = [0u8; 8];
    std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut key)?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    step(
        "Give the Wine prefix its Credential Manager key",
        Command::new("wine")
            .args([
                "reg",
                "add",
                r"HKCU\Software\Wine\Credential Manager",
                "/v",
                "EncryptionKey",
                "/t",
                "REG_BINARY",
                "/d",
                &hex,
                "/f",
            ])
            .env("WINEPREFIX", prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", WINE_DLL_OVERRIDES)
            .env_remove("DISPLAY")
            .stdout(Stdio::null()),
    )?;
    // reg.exe returns before the server has written the hive.
    let _ = Command::new("wineserver")
        .arg("-w")
        .env("WINEPREFIX", prefix)
        .status();
    Ok(())
}

/// `cc`, `ar` and `ranlib` for the macOS target, through Zig. The cc crate adds `--target=`,
/// `-arch` and `-mmacosx-version-min=` for Apple targets, which Zig's clang driver
/// rejects next to its own `-target`; the wrapper drops them.
fn zig_wrappers(root: &Path) -> Result<PathBuf> {
    let dir = tempdir(root, "zig")?;
    let python = crate::setup::python();
    let zig = crate::setup::zig_dir(root);
    let zig = zig.display();
    let cc = format!(
        r#"#!/usr/bin/env bash
# cc for {MACOS} through Zig (written by cargo xtask; see xtask/src/cross.rs).
out=()
skip=0
for a in "$@"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  case "$a" in
    --target=*|-mmacosx-version-min=*) ;;
    -target|-arch) skip=1 ;;
    *) out+=("$a") ;;
  esac
done
PYTHONPATH="{zig}" exec {python} -m ziglang cc -target aarch64-macos "${{out[@]}}"
"#
    );
    let tool = |name: &str| {
        format!("#!/bin/sh\nPYTHONPATH=\"{zig}\" exec {python} -m ziglang {name} \"$@\"\n")
    };
    for (name, text) in [("cc", cc), ("ar", tool("ar")), ("ranlib", tool("ranlib"))] {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(dir)
}

#[derive(Debug, Default)]
struct Totals {
    binaries: u64,
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Totals {
    fn add(&mut self, other: Totals) {
        self.binaries += other.binaries;
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }
}

/// Runs a `cargo test`, echoing its output, and adds up its `test result:` lines.
fn counted_step(title: &str, cmd: &mut Command) -> Result<Totals> {
    eprintln!("\n==> {title}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start: {cmd:?}"))?;
    let mut totals = Totals::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line?;
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                totals.binaries += 1;
                for part in rest.split(';') {
                    let mut words = part.split_whitespace().rev();
                    let (Some(what), Some(n)) = (words.next(), words.next()) else {
                        continue;
                    };
                    let n: u64 = n.parse().unwrap_or(0);
                    match what {
                        "passed" => totals.passed += n,
                        "failed" => totals.failed += n,
                        "ignored" => totals.ignored += n,
                        _ => {}
                    }
                }
            }
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{title} failed ({status})");
    }
    Ok(totals)
}
