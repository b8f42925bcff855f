//! The tests that need the real machine (Linux): the Secret Service credential store
//! inside a private D-Bus session with an unlocked gnome-keyring, and the real app
//! window under Xvfb driven through tauri-driver and WebKitWebDriver.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::{cargo, step, tempdir};

/// On Windows and macOS (the GitHub runners): the store and the admin tool against the
/// real Credential Manager or Keychain, then a smoke launch of the debug app on a fresh
/// data folder. The real-window tests need WebKitWebDriver, which has no macOS
/// counterpart; on Windows they would need Edge's WebDriver, not installed here.
pub fn native(root: &Path) -> Result<()> {
    // On macOS the test process files the key and `waymark-admin`, another program,
    // reads it: the Keychain would ask a person to allow that, and CI has nobody to
    // click, so the admin tool's end-to-end test is left out there.
    let admin = !cfg!(target_os = "macos");
    credential_store_tests(root, "the real OS credential store", admin, || Ok(()))?;
    if !admin {
        eprintln!(
            "\nNote: waymark-admin against the real Keychain is not run on macOS (see docs/platforms.md)."
        );
    }
    smoke_launch(root, None)
}

/// Starts the debug app with `WAYMARK_SMOKE` on a fresh data folder: it must create
/// and open the caseload (key in the real credential store), show its window and quit
/// with status 0, within a minute. On Linux it runs on the Xvfb `display`, so the mode
/// the Windows and macOS runners use is known to work before it reaches them.
fn smoke_launch(root: &Path, display: Option<u32>) -> Result<()> {
    eprintln!("\n==> Smoke launch of the app on a fresh data folder");
    let app = root.join("target/debug").join(if cfg!(windows) {
        "waymark.exe"
    } else {
        "waymark"
    });
    let data_dir = tempdir(root, "smoke-data")?;
    let logs = tempdir(root, "smoke-logs")?;
    let mut cmd = Command::new(&app);
    if let Some(display) = display {
        cmd.env("DISPLAY", format!(":{display}"));
    }
    let mut child = Guard(
        cmd.env("WAYMARK_SMOKE", "1")
            .env("XDG_CONFIG_HOME", tempdir(root, "smoke-config")?)
            .env("WAYMARK_DATA_DIR", &data_dir)
            .env("WAYMARK_LOG_DIR", &logs)
            .spawn()
            .with_context(|| format!("starting {}", app.display()))?,
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait()? {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            bail!("the app did not quit within a minute of its smoke launch");
        }
        sleep(Duration::from_millis(200));
    };
    if !status.success() {
        bail!("the smoke launch failed ({status})");
    }
    if !data_dir.join("waymark.db").is_file() {
        bail!(
            "the smoke launch made no caseload in {}",
            data_dir.display()
        );
    }
    eprintln!(
        "The app opened a fresh caseload and quit in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Re-runs this tool inside a fresh D-Bus session, so the keyring and the app under test
/// never touch the user's own session or a practice's real keys.
pub fn run_in_session(root: &Path) -> Result<()> {
    in_private_session(
        root,
        "Real credential store and real-window tests (private D-Bus session)",
        &["real-tests"],
    )
}

/// Runs `cargo xtask <args>` inside a fresh D-Bus session.
pub fn in_private_session(root: &Path, title: &str, args: &[&str]) -> Result<()> {
    let me = std::env::current_exe().context("locating xtask")?;
    // gnome-keyring keeps its keyrings under $XDG_DATA_HOME/keyrings: a folder of the
    // run's own gives a fresh test keyring every time and leaves the user's untouched.
    let keyring_home = tempdir(root, "keyring-home")?;
    step(
        title,
        Command::new("dbus-run-session")
            .arg("--")
            .arg(me)
            .args(args)
            .env("XDG_DATA_HOME", &keyring_home)
            .current_dir(root),
    )
}

/// The store's real-credential-store tests, then (with `admin`) `waymark-admin`'s
/// backup, verify and restore end to end, against `store`.
fn credential_store_tests(
    root: &Path,
    store: &str,
    admin: bool,
    before_each: impl Fn() -> Result<()>,
) -> Result<()> {
    let ignored = |package: &str, test: &str, filter: &[&str]| {
        let mut cmd = cargo();
        cmd.args(["test", "--package", package, "--test", test])
            .args(filter)
            .args(["--", "--ignored"])
            .current_dir(root);
        cmd
    };
    before_each()?;
    step(
        &format!("Store against {store}"),
        &mut ignored("waymark-store", "store", &["real_keyring"]),
    )?;
    if admin {
        before_each()?;
        step(
            &format!("waymark-admin backup, verify and restore against {store}"),
            &mut ignored("waymark-admin", "cli", &[]),
        )?;
    }
    Ok(())
}

pub fn inside_session(root: &Path) -> Result<()> {
    credential_store_tests(root, "the real Secret Service", true, unlock_keyring)?;
    unlock_keyring()?;
    step(
        "SIGKILL in the middle of writes, 50 cycles",
        cargo()
            .args([
                "test",
                "--package",
                "waymark-tests",
                "--test",
                "crash",
                "--",
                "--ignored",
            ])
            .current_dir(root),
    )?;

    let app = root.join("target/debug").join(if cfg!(windows) {
        "waymark.exe"
    } else {
        "waymark"
    });
    {
        unlock_keyring()?;
        let (_xvfb, display) = start_xvfb()?;
        smoke_launch(root, Some(display))?;
    }
    unlock_keyring()?;
    real_window_tests(root, "Real-window end-to-end tests", "e2e", &app, &[])
}

/// The real-window tests (`tests/tests/e2e.rs`, all of them or those `filter` names)
/// against the app binary `app`, on a fresh data folder: Xvfb, tauri-driver, and the
/// stand-in PDF viewer. The run's folders are `target/xtask/<name>-*`.
pub(crate) fn real_window_tests(
    root: &Path,
    title: &str,
    name: &str,
    app: &Path,
    filter: &[&str],
) -> Result<()> {
    if !app.is_file() {
        bail!(
            "the app binary {} is missing: build it first",
            app.display()
        );
    }
    let data_dir = tempdir(root, &format!("{name}-data"))?;
    let shots = tempdir(root, &format!("{name}-screenshots"))?;
    let logs = tempdir(root, &format!("{name}-logs"))?;
    // Where the window-state plugin keeps the window's size and place.
    let config = tempdir(root, &format!("{name}-config"))?;
    let (viewer_path, opened) = stand_in_pdf_viewer(root, name)?;
    let (_xvfb, display) = start_xvfb()?;

    let locales = us_english_locale(root)?;

    let port = free_port()?;
    let driver = crate::setup::which("tauri-driver").context("tauri-driver is not installed")?;
    let _driver = Guard(
        Command::new(driver)
            .args(["--port", &port.to_string()])
            .env("DISPLAY", format!(":{display}"))
            // The app under test, started by WebKitWebDriver, inherits this environment:
            // its data folder (and so its credential entry) is the test's own.
            .env("WAYMARK_DATA_DIR", &data_dir)
            .env("WAYMARK_LOG_DIR", &logs)
            .env("XDG_CONFIG_HOME", &config)
            // "Print" opens the PDF with xdg-open: a stand-in notes which file it was.
            .env("PATH", &viewer_path)
            .env("WAYMARK_E2E_OPENED", &opened)
            // A computer left at US English while the practice is in the UK: the
            // webview's own date inputs followed this locale and swapped day and month.
            .env("LOCPATH", &locales)
            .env("LANG", US_ENGLISH)
            .env("LC_ALL", US_ENGLISH)
            .stdout(Stdio::null())
            .spawn()
            .context("starting tauri-driver")?,
    );
    wait_for(
        || TcpStream::connect(("127.0.0.1", port)).is_ok(),
        "tauri-driver",
    )?;

    step(
        title,
        cargo()
            .args([
                "test",
                "--package",
                "waymark-tests",
                "--test",
                "e2e",
                "--",
                "--ignored",
                "--test-threads=1",
                // The start-up figures are printed for the reader.
                "--nocapture",
            ])
            .args(filter)
            .env("WAYMARK_E2E_APP", app)
            .env("WAYMARK_E2E_WEBDRIVER", format!("http://127.0.0.1:{port}"))
            .env("WAYMARK_E2E_DATA_DIR", &data_dir)
            .env("WAYMARK_E2E_SCREENSHOTS", &shots)
            .env("WAYMARK_E2E_LOG_DIR", &logs)
            .env("WAYMARK_E2E_OPENED", &opened)
            .env("WAYMARK_E2E_LOCALE", US_ENGLISH)
            .current_dir(root),
    )?;
    eprintln!("Screenshots of the run: {}", shots.display());
    Ok(())
}

/// The locale the app runs in for the real-window tests.
const US_ENGLISH: &str = "en_US.UTF-8";

/// Compiles the US English locale into `target/xtask/locales` (no root needed, unlike
/// `locale-gen`; the sources come with Debian's `locales` package) and returns the
/// folder, for `LOCPATH`.
fn us_english_locale(root: &Path) -> Result<std::path::PathBuf> {
    let dir = root.join("target/xtask/locales");
    let locale = dir.join(US_ENGLISH);
    if !locale.join("LC_TIME").is_file() {
        std::fs::create_dir_all(&dir)?;
        step(
            "Compile the en_US.UTF-8 locale for the real-window tests",
            Command::new("localedef")
                .args(["-i", "en_US", "-f", "UTF-8"])
                .arg(&locale),
        )?;
    }
    Ok(dir)
}

/// A stand-in `xdg-open` (the system's "open this file" on Linux, which the opener
/// plugin runs) that appends the path it is given to a list instead of starting a PDF
/// viewer; the real-window tests read the printed PDF from there. Returns the `PATH`
/// that finds it first, and the list's path.
fn stand_in_pdf_viewer(
    root: &Path,
    name: &str,
) -> Result<(std::ffi::OsString, std::path::PathBuf)> {
    let dir = tempdir(root, &format!("{name}-viewer"))?;
    let opened = dir.join("opened.txt");
    let script = dir.join("xdg-open");
    // Called without a file, it is being probed: answer as xdg-open does (usage error).
    std::fs::write(
        &script,
        "#!/bin/sh\n[ -n \"$1\" ] || exit 1\nprintf '%s\\n' \"$1\" >> \"$WAYMARK_E2E_OPENED\"\n",
    )?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    }
    let mut paths = vec![dir];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    Ok((std::env::join_paths(paths)?, opened))
}

/// Starts gnome-keyring's Secret Service in this session with its login keyring
/// unlocked by a throwaway password. Called before each step that needs it: the daemon
/// has been seen to go between steps, and the one D-Bus then starts by itself has the
/// keyring locked and asks for the password with a prompter CI cannot show ("prompt
/// dismissed"). `--replace` takes over from any daemon already running, so this is the
/// same keyring, unlocked, every time.
pub(crate) fn unlock_keyring() -> Result<()> {
    let mut child = Command::new("gnome-keyring-daemon")
        .args(["--replace", "--unlock", "--components=secrets"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("starting gnome-keyring-daemon")?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(b"waymark-test-keyring")?;
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("gnome-keyring-daemon could not unlock the test keyring ({status})");
    }
    Ok(())
}

/// A virtual display for the app's window; it stops when the guard is dropped.
pub(crate) fn start_xvfb() -> Result<(Guard, u32)> {
    let display = free_display();
    let xvfb = Guard(
        Command::new("Xvfb")
            .args([
                &format!(":{display}"),
                "-screen",
                "0",
                "1280x900x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb")?,
    );
    wait_for(
        || Path::new(&format!("/tmp/.X11-unix/X{display}")).exists(),
        "Xvfb",
    )?;
    Ok((xvfb, display))
}

/// Kills the child when dropped, so a failing step never leaves Xvfb or a driver behind.
pub(crate) struct Guard(pub(crate) Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_display() -> u32 {
    (99..200)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .unwrap_or(99)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub(crate) fn wait_for(ready: impl Fn() -> bool, what: &str) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if ready() {
            return Ok(());
        }
        sleep(Duration::from_millis(100));
    }
    bail!("{what} did not start within 30 seconds")
}
