//! Help for support: a diagnostics text a practice can paste into an email. It holds
//! facts about the installation and the recent log lines, which never hold patient data
//! (see `desktop`), so it is offered even when the caseload did not open or nobody is
//! signed in.

use tauri::{AppHandle, Runtime, State};
use waymark_store::migrations;

use crate::desktop::{self, LICENCE, VERSION};
use crate::state::AppState;

/// Log lines included at the end.
const LOG_LINES: usize = 60;

#[tauri::command(async)]
pub fn diagnostics<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> String {
    let log_dir = desktop::log_dir(&app);
    let caseload = match state.open_error() {
        Some(e) => format!("not open ({})", e.code.name()),
        None => state
            .with_db(|db, _| {
                let schema = db.schema_version()?;
                let bytes = std::fs::metadata(&db.paths().database).map_or(0, |m| m.len());
                let settings = db.backup_settings()?;
                let backups = db.backup_status()?;
                Ok(format!(
                    "open, schema {schema} of {}, database {:.1} MB\n\
                     Backups: {}, {}; last good backup {}; {}",
                    migrations::latest_version(),
                    bytes as f64 / 1e6,
                    if settings.folder.is_some() {
                        "folder chosen"
                    } else {
                        "no folder chosen"
                    },
                    if settings.daily {
                        "daily"
                    } else {
                        "on demand only"
                    },
                    backups.last_ok_at.as_deref().unwrap_or("never"),
                    backups.last_failure.as_deref().map_or_else(
                        || "no failure since".to_owned(),
                        |f| format!("failed since: {f}")
                    ),
                ))
            })
            .unwrap_or_else(|e| format!("open, but could not be read ({})", e.code.name())),
    };
    let log_lines = log_dir
        .as_deref()
        .map(|d| desktop::recent_log_lines(d, LOG_LINES))
        .unwrap_or_default();
    format!(
        "Waymark diagnostics (no patient data)\n\
         Version: {VERSION}\n\
         Licence: {LICENCE}\n\
         System: {} {}\n\
         WebView: {}\n\
         Data folder: {}\n\
         Log folder: {}\n\
         Caseload: {caseload}\n\
         \n\
         Recent log lines:\n{}\n",
        std::env::consts::OS,
        std::env::consts::ARCH,
        tauri::webview_version().unwrap_or_else(|_| "unknown".into()),
        state.data_dir().display(),
        log_dir
            .as_ref()
            .map_or_else(|| "none".to_owned(), |d| d.display().to_string()),
        log_lines.join("\n"),
    )
}
