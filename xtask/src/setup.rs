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
];

pub fn install(root: &Path, purpose: Purpose) -> Result<()> {
    if cfg!(target_os = "linux") {
        let mut wanted: Vec<&str> = RUN_PACKAGES.to_vec();
        if purpose == Purpose::Test {
            wanted.extend_from_slice(TEST_PACKAGES);
        }
        if !has("node") || !has("npm") {
            wanted.extend_from_slice(&["nodejs", "npm"]);
        }
        debian_packages(&wanted)?;
    } else if !has("npm") {
        bail!("Node.js (with npm) is needed to build the UI: install it from nodejs.org, then run this again.");
    }
    npm_packages(root)?;
    if purpose == Purpose::Test && cfg!(target_os = "linux") && !has("tauri-driver") {
        step(
            "Install tauri-driver",
            cargo().args(["install", "tauri-driver", "--locked"]),
        )?;
    }
    Ok(())
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
