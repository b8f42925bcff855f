//! Installs what a fresh machine needs: Debian/Ubuntu packages, the UI's npm packages,
//! and tauri-driver. Each step is skipped when already done.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Result};

use crate::{cargo, npm, step};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
}

/// What Tauri needs to build and run on Debian/Ubuntu.
const RUN_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "curl",
    "file",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
];

/// What the tests add: a virtual display, the WebKit WebDriver, a D-Bus session with
/// gnome-keyring for the real credential store, the PDF tools, and a QR code reader
/// that checks the printed codes scan.
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "webkit2gtk-driver",
    "dbus",
    "gnome-keyring",
    "poppler-utils",
    "qpdf",
    "zbar-tools",
    // The sources of the en_US locale the real-window tests run in (see `real`).
    "locales",
    // Fonts for the scripts the embedded DejaVu lacks (Arabic, Urdu, the Indic scripts,
    // Chinese), so printing takes the computer's-font path as on Windows and macOS.
    "fonts-noto-core",
    "fonts-noto-cjk",
];

/// What the Windows and macOS checks add on Linux (see `cross`): the MinGW-w64 C
/// compiler for the Windows target and Wine to run its tests.
const CROSS_PACKAGES: &[&str] = &["gcc-mingw-w64-x86-64", "wine", "wine64"];

/// Zig from PyPI, the C compiler for the macOS check; pinned so every machine lints
/// with the same headers.
const ZIGLANG: &str = "ziglang==0.17.1";

pub fn install(root: &Path, purpose: Purpose) -> Result<()> {
    if cfg!(target_os = "linux") {
        let mut wanted: Vec<&str> = RUN_PACKAGES.to_vec();
        if purpose == Purpose::Test {
            wanted.extend_from_slice(TEST_PACKAGES);
            wanted.extend_from_slice(CROSS_PACKAGES);
            if !python_module_runs(&["pip", "--version"]) {
                wanted.push("python3-pip");
            }
        }
        if !has("node") || !has("npm") {
            wanted.extend_from_slice(&["nodejs", "npm"]);
        }
        debian_packages(&wanted)?;
    } else if !has("npm") {
        bail!("Node.js (with npm) is needed to build the UI: install it from nodejs.org, then run this again.");
    }
    if purpose == Purpose::Test && !cfg!(target_os = "linux") {
        pdf_tools()?;
    }
    npm_packages(root)?;
    if purpose == Purpose::Test && cfg!(target_os = "linux") && !has("tauri-driver") {
        step(
            "Install tauri-driver",
            cargo().args(["install", "tauri-driver", "--locked"]),
        )?;
    }
    if purpose == Purpose::Test && cfg!(target_os = "linux") {
        cross_tools(root)?;
    }
    Ok(())
}

/// The print tests read PDFs back with Poppler (pdftotext, pdffonts, pdfimages,
/// pdftoppm), qpdf and zbarimg. macOS: Homebrew. Windows: MSYS2's UCRT packages (MSYS2
/// is on GitHub's Windows runners; elsewhere install it from msys2.org first), put on
/// this run's PATH.
fn pdf_tools() -> Result<()> {
    const TOOLS: [&str; 3] = ["pdftotext", "qpdf", "zbarimg"];
    if cfg!(windows) {
        let msys = Path::new(r"C:\msys64");
        let bin = msys.join(r"ucrt64\bin");
        if !TOOLS
            .iter()
            .all(|t| has(t) || bin.join(format!("{t}.exe")).is_file())
        {
            let pacman = msys.join(r"usr\bin\pacman.exe");
            if !pacman.is_file() {
                bail!("the print tests need Poppler, qpdf and zbar: install MSYS2 (msys2.org) into C:\\msys64, then run this again");
            }
            step(
                "Install Poppler, qpdf and zbar (MSYS2)",
                // -Sy: the runner image's package lists may be older than the mirrors.
                Command::new(pacman).args([
                    "-Sy",
                    "--noconfirm",
                    "--needed",
                    "mingw-w64-ucrt-x86_64-poppler",
                    "mingw-w64-ucrt-x86_64-qpdf",
                    "mingw-w64-ucrt-x86_64-zbar",
                ]),
            )?;
        }
        // Last on the PATH of this run and the tests it starts, so MSYS2's programs never
        // stand in for the toolchain's own (OpenSSL's build wants Strawberry Perl).
        let mut paths: Vec<_> =
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
        if !paths.contains(&bin) {
            paths.push(bin);
            std::env::set_var("PATH", std::env::join_paths(paths)?);
        }
    } else if !TOOLS.iter().all(|t| has(t)) {
        if !has("brew") {
            bail!("the print tests need Poppler, qpdf and zbar: install Homebrew (brew.sh), then run this again");
        }
        step(
            "Install Poppler, qpdf and zbar (Homebrew)",
            Command::new("brew").args(["install", "poppler", "qpdf", "zbar"]),
        )?;
    }
    Ok(())
}

/// The Rust targets and Zig for the Windows and macOS checks on Linux.
fn cross_tools(root: &Path) -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let missing: Vec<&str> = [crate::cross::WINDOWS, crate::cross::MACOS]
        .into_iter()
        .filter(|t| !installed.lines().any(|l| l.trim() == *t))
        .collect();
    if !missing.is_empty() {
        step(
            &format!("rustup target add {}", missing.join(" ")),
            Command::new("rustup")
                .args(["target", "add"])
                .args(&missing),
        )?;
    }
    // Into a folder of the project's own: no virtual environment needed, and the
    // system Python is left as it is (Debian and Ubuntu refuse pip installs into it).
    let dir = zig_dir(root);
    if !python_module_runs_in(&dir, &["ziglang", "version"]) {
        step(
            &format!("pip install {ZIGLANG} (the C compiler for the macOS check)"),
            Command::new(python())
                .args(["-m", "pip", "install", "--quiet", "--upgrade", "--target"])
                .arg(&dir)
                .arg(ZIGLANG),
        )?;
    }
    Ok(())
}

/// Where `cargo xtask setup` installs Zig (run it with this on `PYTHONPATH`).
pub fn zig_dir(root: &Path) -> std::path::PathBuf {
    root.join("target/xtask/ziglang")
}

pub fn python() -> &'static str {
    "python3"
}

fn python_module_runs(args: &[&str]) -> bool {
    Command::new(python())
        .arg("-m")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn python_module_runs_in(dir: &Path, args: &[&str]) -> bool {
    Command::new(python())
        .arg("-m")
        .args(args)
        .env("PYTHONPATH", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn debian_packages(wanted: &[&str]) -> Result<()> {
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|p| !dpkg_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !has("apt-get") {
        eprintln!(
            "Note: this is not Debian or Ubuntu; make sure the equivalents of these are \
             installed: {}",
            missing.join(" ")
        );
        return Ok(());
    }
    let sudo = !is_root() && has("sudo");
    let apt = |args: &[&str]| {
        let mut cmd = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    step("apt-get update", &mut apt(&["update", "-qq"]))?;
    let mut args = vec!["install", "-y", "-qq"];
    args.extend(&missing);
    step(&format!("Install {}", missing.join(" ")), &mut apt(&args))
}

fn dpkg_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `npm ci` when node_modules is missing or older than the lock file.
fn npm_packages(root: &Path) -> Result<()> {
    let ui = root.join("ui");
    let lock = ui.join("package-lock.json");
    let installed = ui.join("node_modules/.package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = match (modified(&lock), modified(&installed)) {
        (Some(l), Some(i)) => i >= l,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    step(
        "npm ci (the UI's packages)",
        npm()
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&ui),
    )
}

/// Whether `program` is on the PATH (or, for cargo-installed tools, in ~/.cargo/bin).
pub fn has(program: &str) -> bool {
    which(program).is_some()
}

pub fn which(program: &str) -> Option<std::path::PathBuf> {
    let exe = if cfg!(windows) {
        format!("{program}.exe")
    } else {
        program.to_owned()
    };
    let mut dirs: Vec<std::path::PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo").into_os_string()))
    {
        dirs.push(Path::new(&home).join("bin"));
    }
    dirs.into_iter()
        .flat_map(|d| [d.join(&exe), d.join(format!("{program}.cmd"))])
        .find(|p| p.is_file())
}
