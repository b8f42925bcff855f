//! Backups, restore and the recovery code, as the backups screen and the recovery
//! screens use them. The rules on who may restore live in `AppState`.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use waymark_store::backup;
use waymark_store::backup_settings::BackupTrigger;
use waymark_store::recovery::RecoveryCode;

use crate::dto::{BackupOverview, BackupSettings, BackupSummary, UnreadableBackup};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The backups screen: the admin's choices, how the last backups went, and what is in
/// the folder (from each backup's manifest; restoring verifies in full).
#[tauri::command(async)]
pub fn backup_overview(state: State<'_, AppState>) -> Result<BackupOverview, ApiError> {
    let (settings, status) =
        state.with_admin_db(|db| Ok((db.backup_settings()?, db.backup_status()?)))?;
    let mut backups = Vec::new();
    let mut unreadable = Vec::new();
    let mut folder_problem = None;
    if let Some(folder) = &settings.folder {
        match backup::list_backups(folder) {
            Ok(found) => {
                for dir in found.into_iter().rev() {
                    match backup::read_manifest(&dir) {
                        Ok(m) => backups.push(BackupSummary::new(&dir, m, false)),
                        Err(e) => unreadable.push(UnreadableBackup {
                            dir: dir.display().to_string(),
                            problem: e.to_string(),
                        }),
                    }
                }
            }
            Err(e) => folder_problem = Some(format!("The backup folder cannot be read: {e}")),
        }
    }
    let text = |p: Option<PathBuf>| p.map(|p| p.display().to_string());
    Ok(BackupOverview {
        settings: settings.into(),
        data_dir: state.data_dir().display().to_string(),
        last_ok_at: status.last_ok_at,
        last_ok_dir: text(status.last_ok_dir),
        last_failure_at: status.last_failure_at,
        last_failure: status.last_failure,
        backups,
        unreadable,
        folder_problem,
    })
}

#[tauri::command(async)]
pub fn backup_settings_set(
    state: State<'_, AppState>,
    settings: BackupSettings,
) -> Result<BackupOverview, ApiError> {
    state.with_admin_db(|db| db.set_backup_settings(&settings.into()))?;
    backup_overview(state)
}

/// Backs up now to the chosen folder, verifies the copy and removes the oldest beyond
/// the number kept. A failure is also recorded for the overview.
#[tauri::command(async)]
pub fn backup_now(state: State<'_, AppState>) -> Result<BackupSummary, ApiError> {
    let report = state.with_admin_db(|db| db.backup_now(BackupTrigger::OnDemand))?;
    Ok(BackupSummary::new(&report.dir, report.manifest, true))
}

fn backup_dir(dir: &str) -> Result<&Path, ApiError> {
    let dir = dir.trim();
    if dir.is_empty() {
        let mut e = waymark_domain::ValidationErrors::default();
        e.push("dir", "Choose the backup folder to restore from.");
        return Err(waymark_store::Error::from(e).into());
    }
    Ok(Path::new(dir))
}

/// Opens a backup with the recovery code and says what it holds; changes nothing.
#[tauri::command(async)]
pub fn backup_inspect(
    state: State<'_, AppState>,
    dir: String,
    code: String,
) -> Result<BackupSummary, ApiError> {
    let dir = backup_dir(&dir)?;
    let code = RecoveryCode::parse(&code)?;
    let manifest = state.inspect_backup(dir, &code)?;
    Ok(BackupSummary::new(dir, manifest, true))
}

/// Replaces the caseload with a verified backup. Everyone signs in again afterwards.
#[tauri::command(async)]
pub fn backup_restore(
    state: State<'_, AppState>,
    dir: String,
    code: String,
) -> Result<BackupSummary, ApiError> {
    let dir = backup_dir(&dir)?;
    let code = RecoveryCode::parse(&code)?;
    let manifest = state.restore(dir, &code)?;
    Ok(BackupSummary::new(dir, manifest, true))
}

/// Opens the caseload with the recovery code when this computer's credential store
/// has lost its key, and files the key there again.
#[tauri::command(async)]
pub fn recover_with_code(state: State<'_, AppState>, code: String) -> Result<(), ApiError> {
    let code = RecoveryCode::parse(&code)?;
    state.recover(&code)
}

/// Makes a new recovery code (the old one stops working); shown once, grouped.
#[tauri::command(async)]
pub fn recovery_code_renew(state: State<'_, AppState>) -> Result<String, ApiError> {
    let code = state.with_admin_db(|db| db.renew_recovery_code())?;
    Ok(code.grouped().to_string())
}

/// The system's folder picker; `None` when cancelled. Picking a folder grants nothing
/// by itself: every command that uses the path checks it and who is asking.
#[tauri::command(async)]
pub fn choose_folder(app: AppHandle, title: String) -> Result<Option<String>, ApiError> {
    let Some(chosen) = app.dialog().file().set_title(title).blocking_pick_folder() else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!("That folder cannot be used: {e}"),
        )
    })?;
    Ok(Some(path.display().to_string()))
}
