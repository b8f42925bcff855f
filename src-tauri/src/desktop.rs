//! What makes Waymark behave like a desktop app: one running instance, native menus,
//! logs kept where the platform keeps them, and diagnostics for support.
//!
//! Invariant: nothing here ever sees patient data. Logs record what the app did (started,
//! opened the caseload, which command failed with which error code), never a message
//! text, a name, a search or a record's contents; diagnostics are built from the same
//! logs and from facts about the installation.

use std::fs;
use std::path::{Path, PathBuf};

use tauri::menu::{AboutMetadataBuilder, Menu, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Manager, Runtime};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Whether `url` is the app's own page: `tauri://localhost` (Linux, macOS) or
/// `http(s)://tauri.localhost` (Windows), where the embedded UI is served.
pub fn is_app_url(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// Hands a web address (http or https only) to the system's browser; anything else
/// (`file:`, `javascript:`, custom schemes) is dropped, and nothing is logged about
/// it (a link's address could name a patient's situation).
pub fn open_in_browser(url: &tauri::Url) {
    if web_link(url) {
        let _ = tauri_plugin_opener::open_url(url.as_str(), None::<&str>);
    }
}

/// An address the system browser may be given.
pub fn web_link(url: &tauri::Url) -> bool {
    matches!(url.scheme(), "http" | "https") && !is_app_url(url) && url.host_str().is_some()
}

/// Log files are named `waymark.<date>.log`, one a day.
const LOG_PREFIX: &str = "waymark";
const LOG_SUFFIX: &str = "log";
/// Days of logs kept; older files are removed as new ones start.
pub const LOG_DAYS: usize = 14;
/// From the workspace manifest, as the version is.
pub const LICENCE: &str = env!("CARGO_PKG_LICENSE");
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where the logs go: `WAYMARK_LOG_DIR` (the end-to-end tests read it), else the
/// platform's log folder for the app (`~/Library/Logs/org.waymark.app` on macOS,
/// `%LOCALAPPDATA%\org.waymark.app\logs` on Windows, `~/.local/share/org.waymark.app/logs`
/// on Linux).
pub fn log_dir<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    std::env::var_os("WAYMARK_LOG_DIR")
        .map(PathBuf::from)
        .or_else(|| app.path().app_log_dir().ok())
}

/// Starts logging to daily files in `dir`, keeping [`LOG_DAYS`] of them. The returned
/// guard flushes the writer when dropped, so the app keeps it for its lifetime. Only the
/// app's own events are written, at `info` unless `WAYMARK_LOG` names another level:
/// other libraries' debug output can carry what they handle (the credential store's
/// D-Bus messages hold the database key).
pub fn start_logging(dir: &Path) -> Result<WorkerGuard, String> {
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let files = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_PREFIX)
        .filename_suffix(LOG_SUFFIX)
        .max_log_files(LOG_DAYS)
        .build(dir)
        .map_err(|e| e.to_string())?;
    let (writer, guard) = tracing_appender::non_blocking(files);
    let level = std::env::var("WAYMARK_LOG")
        .ok()
        .and_then(|l| l.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_target(false),
        )
        .with(Targets::new().with_target(env!("CARGO_CRATE_NAME"), level))
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(guard)
}

/// Replaces the default panic report, which prints the panic's message (it can quote
/// data, and a desktop session may keep stderr on disk), with where it happened: in
/// the log when logging has started, and on stderr. Called first thing at start-up.
pub fn keep_panics_quiet() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map_or_else(|| "an unknown place".to_owned(), ToString::to_string);
        tracing::error!(%place, "the app stopped on an internal error");
        eprintln!("Waymark stopped on an internal error at {place}");
    }));
}

/// The newest `lines` lines of the logs, oldest first.
pub fn recent_log_lines(dir: &Path, lines: usize) -> Vec<String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(LOG_PREFIX) && n.ends_with(LOG_SUFFIX))
                })
                .collect()
        })
        .unwrap_or_default();
    // Dated names sort in time order.
    files.sort();
    let mut out: Vec<String> = Vec::new();
    for file in files.iter().rev() {
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        let mut these: Vec<String> = text.lines().map(str::to_owned).collect();
        these.append(&mut out);
        out = these;
        if out.len() >= lines {
            break;
        }
    }
    let skip = out.len().saturating_sub(lines);
    out.split_off(skip)
}

/// Facts for the About box.
#[derive(Debug, Clone)]
pub struct Installation {
    pub data_dir: PathBuf,
    pub log_dir: Option<PathBuf>,
}

impl Installation {
    /// The About box's text under the name and version.
    pub fn about_comments(&self) -> String {
        let logs = self
            .log_dir
            .as_ref()
            .map_or_else(|| "not kept".to_owned(), |d| d.display().to_string());
        format!(
            "Casework for social prescribing: local, encrypted, yours.\n\
             Licence: {LICENCE}\n\
             Data folder: {}\n\
             Logs: {logs}",
            self.data_dir.display()
        )
    }
}

/// The app's native menus: the app menu (About with the version, licence and data
/// folder; Quit) and Edit with the standard shortcuts, which text fields need on macOS.
pub fn menu<R: Runtime>(app: &AppHandle<R>, about: &Installation) -> tauri::Result<Menu<R>> {
    let metadata = AboutMetadataBuilder::new()
        .name(Some("Waymark"))
        .version(Some(VERSION))
        .license(Some(LICENCE))
        .copyright(Some("Copyright © 2026 Waymark contributors"))
        .comments(Some(about.about_comments()))
        .build();
    let app_menu = Submenu::with_items(
        app,
        "Waymark",
        true,
        &[
            &PredefinedMenuItem::about(app, Some("About Waymark"), Some(metadata))?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::quit(app, Some("Quit Waymark"))?,
        ],
    )?;
    let edit = Submenu::with_items(
        app,
        "Edit",
        true,
        &[
            &PredefinedMenuItem::undo(app, None)?,
            &PredefinedMenuItem::redo(app, None)?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::cut(app, None)?,
            &PredefinedMenuItem::copy(app, None)?,
            &PredefinedMenuItem::paste(app, None)?,
            &PredefinedMenuItem::select_all(app, None)?,
        ],
    )?;
    Menu::with_items(app, &[&app_menu, &edit])
}

/// A second launch hands over to this instance: bring its window forward.
pub fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("a second launch was handed to the running window");
    if let Some(window) = app.get_webview_window("main") {
        // Each can fail on a platform that lacks it; the others still help.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_names_licence_data_folder_and_logs() {
        let about = Installation {
            data_dir: PathBuf::from("/home/pat/.local/share/Waymark"),
            log_dir: Some(PathBuf::from("/home/pat/.local/share/org.waymark.app/logs")),
        };
        let text = about.about_comments();
        assert!(text.contains("Licence: AGPL-3.0-or-later"), "{text}");
        assert!(
            text.contains("Data folder: /home/pat/.local/share/Waymark"),
            "{text}"
        );
        assert!(
            text.contains("Logs: /home/pat/.local/share/org.waymark.app/logs"),
            "{text}"
        );
    }

    #[test]
    fn recent_lines_come_from_the_newest_files_in_order() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("waymark.2026-11-22.log"), "a\nb\n").unwrap();
        fs::write(dir.path().join("waymark.2026-11-23.log"), "c\nd\n").unwrap();
        fs::write(dir.path().join("waymark.2026-11-24.log"), "e\n").unwrap();
        fs::write(dir.path().join("other.txt"), "not a log\n").unwrap();
        assert_eq!(recent_log_lines(dir.path(), 4), ["b", "c", "d", "e"]);
        assert_eq!(recent_log_lines(dir.path(), 10), ["a", "b", "c", "d", "e"]);
        assert!(recent_log_lines(&dir.path().join("missing"), 5).is_empty());
    }
}

#[cfg(test)]
mod navigation_tests {
    use super::*;

    fn url(s: &str) -> tauri::Url {
        tauri::Url::parse(s).unwrap()
    }

    #[test]
    fn only_the_apps_own_page_stays_in_the_window() {
        for ours in [
            "tauri://localhost/",
            "tauri://localhost/index.html#/caseload",
            "http://tauri.localhost/",
            "https://tauri.localhost/assets/app.js",
        ] {
            assert!(is_app_url(&url(ours)), "{ours}");
            assert!(!web_link(&url(ours)), "{ours} is not sent to the browser");
        }
        for theirs in [
            "https://example.org/",
            "http://localhost:1420/",
            "https://tauri.localhost.example.org/",
            "tauri://evil/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "about:blank",
        ] {
            assert!(!is_app_url(&url(theirs)), "{theirs}");
        }
        // Only http(s) addresses go to the system browser.
        assert!(web_link(&url("https://example.org/walk")));
        assert!(web_link(&url("http://example.org/")));
        for never in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://example.org/",
            "mailto:a@b.c",
        ] {
            assert!(!web_link(&url(never)), "{never}");
        }
    }
}
