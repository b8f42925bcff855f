//! Backups, restore and the recovery code, as the backups screen and the recovery
//! screens use them. The rules on who may restore live in `AppState`.

use std::path::{Path, PathBuf};

use tauri::State;
use waymark_print::wording::RECOVERY_KIT_EN;
use waymark_print::{recovery_kit_pdf, Paper, RecoveryKit};
use waymark_store::backup;
use waymark_store::recovery::RecoveryCode;

use crate::desk::DeskState;
use crate::dto::{BackupOverview, BackupProgress, BackupSettings, BackupSummary, UnreadableBackup};
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
    passphrase: Option<String>,
) -> Result<BackupOverview, ApiError> {
    let settings: waymark_store::backup_settings::BackupSettings = settings.into();
    // Sending the backups somewhere else sends the caseload there: the admin confirms.
    // Checked first, so a mistyped folder is told as such before any passphrase.
    let moves = state.with_admin_db(|db| {
        db.check_backup_settings(&settings)?;
        Ok(db.backup_settings()?.folder != settings.folder)
    })?;
    if moves {
        state.with_confirmed_admin(passphrase.as_deref().unwrap_or_default(), |db| {
            db.set_backup_settings(&settings)
        })?;
    } else {
        state.with_admin_db(|db| db.set_backup_settings(&settings))?;
    }
    backup_overview(state)
}

/// Backs up now to the chosen folder, verifies the copy and removes the oldest beyond
/// the number kept. A failure is also recorded for the overview.
#[tauri::command(async)]
pub fn backup_now(state: State<'_, AppState>) -> Result<BackupSummary, ApiError> {
    let report = state.backup_now()?;
    Ok(BackupSummary::new(&report.dir, report.manifest, true))
}

/// How far the running backup has got (`None` when none is running).
#[tauri::command(async)]
pub fn backup_progress(state: State<'_, AppState>) -> Result<Option<BackupProgress>, ApiError> {
    state.with_admin_db(|_| Ok(()))?;
    Ok(state.backup_progress().map(Into::into))
}

/// Stops the running backup; what it wrote is removed.
#[tauri::command(async)]
pub fn backup_cancel(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.with_admin_db(|_| Ok(()))?;
    state.cancel_backup();
    Ok(())
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
    with_backup(&dir, &code, |dir, code| state.inspect_backup(dir, code))
}

/// Replaces the caseload with a verified backup. Everyone signs in again afterwards.
#[tauri::command(async)]
pub fn backup_restore(
    state: State<'_, AppState>,
    dir: String,
    code: String,
    passphrase: Option<String>,
) -> Result<BackupSummary, ApiError> {
    with_backup(&dir, &code, |dir, code| {
        state.restore(dir, code, passphrase.as_deref())
    })
}

/// Checks the typed folder and code, runs `f` with them and describes the backup.
fn with_backup(
    dir: &str,
    code: &str,
    f: impl FnOnce(&Path, &RecoveryCode) -> Result<waymark_store::backup::BackupManifest, ApiError>,
) -> Result<BackupSummary, ApiError> {
    let dir = backup_dir(dir)?;
    let code = RecoveryCode::parse(code)?;
    let manifest = f(dir, &code)?;
    Ok(BackupSummary::new(dir, manifest, true))
}

/// Opens the caseload with the recovery code when this computer's credential store
/// has lost its key, and files the key there again.
#[tauri::command(async)]
pub fn recover_with_code(state: State<'_, AppState>, code: String) -> Result<(), ApiError> {
    let code = RecoveryCode::parse(&code)?;
    state.recover(&code)
}

/// Makes a new key and recovery code (the old code no longer opens the caseload; backups
/// made before keep needing it); shown once, grouped.
#[tauri::command(async)]
pub fn recovery_code_renew(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<String, ApiError> {
    let code = state.renew_recovery_code(&passphrase)?;
    Ok(code.grouped().to_string())
}

/// The system's folder picker; `None` when cancelled. Picking a folder grants nothing
/// by itself: every command that uses the path checks it and who is asking.
#[tauri::command(async)]
pub fn choose_folder(
    desk: State<'_, DeskState>,
    title: String,
) -> Result<Option<String>, ApiError> {
    Ok(desk.pick_folder(&title)?.map(|p| p.display().to_string()))
}

/// Renders the recovery kit PDF for `code` (after checking that it unlocks this
/// caseload) and saves it where the admin chooses; the path, or `None` if cancelled.
/// Never into the data folder: the code beside the wrapped key would be the key.
#[tauri::command(async)]
pub fn recovery_kit_save(
    desk: State<'_, DeskState>,
    state: State<'_, AppState>,
    code: String,
    passphrase: String,
) -> Result<Option<String>, ApiError> {
    let code = RecoveryCode::parse(&code)?;
    let (practice, backups) = state.with_confirmed_admin(&passphrase, |db| {
        db.check_recovery_code(&code)?;
        Ok((db.practice()?, db.backup_settings()?.folder))
    })?;
    let practice = practice.ok_or_else(|| {
        ApiError::new(ErrorCode::NotReady, "Finish setting up the practice first.")
    })?;
    let fonts = super::print::fonts()?;
    let data_dir = state.data_dir().display().to_string();
    let made_on = practice.country.long_date(super::today());
    let grouped = code.grouped();
    let rendered = recovery_kit_pdf(
        fonts,
        &RecoveryKit {
            practice_name: &practice.name,
            practice_address: practice.address.as_deref(),
            code: &grouped,
            made_on: &made_on,
            data_folder: &data_dir,
            version: crate::desktop::VERSION,
            paper: Paper::for_country(practice.country),
            wording: &RECOVERY_KIT_EN,
        },
    )
    .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let Some(path) = super::ask_where_to_save(
        &desk,
        "Save the recovery kit",
        "waymark-recovery-kit.pdf",
        ("PDF document", "pdf"),
    )?
    else {
        return Ok(None);
    };
    kit_may_go(&path, state.data_dir(), backups.as_deref())?;
    // The dialog may have stayed open a long while: the admin must still be signed in,
    // unlocked and within the idle time before the code is written anywhere.
    state.with_admin_db(|_| Ok(()))?;
    std::fs::write(&path, &rendered.pdf).map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!("The recovery kit could not be saved: {e}"),
        )
    })?;
    state.with_admin_db(|db| db.record_recovery_kit_saved())?;
    Ok(Some(path.display().to_string()))
}

/// Where the recovery kit may not be saved: in the data folder (beside the caseload and
/// its wrapped key) or in the backup folder (beside every backup's wrapped key).
fn kit_may_go(path: &Path, data_dir: &Path, backups: Option<&Path>) -> Result<(), ApiError> {
    if inside(path, data_dir) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Save the recovery kit outside Waymark's data folder: next to the caseload it would \
             let anyone open it.",
        ));
    }
    if backups.is_some_and(|b| inside(path, b)) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Save the recovery kit somewhere other than the backup folder: beside the backups \
             it would let anyone who has the drive open every one of them.",
        ));
    }
    Ok(())
}

/// Makes room in a full backup folder: removes this caseload's oldest backup there
/// (never another caseload's, never the newest), as the disk-full message offers.
#[tauri::command(async)]
pub fn backup_make_room(state: State<'_, AppState>) -> Result<Vec<String>, ApiError> {
    let removed = state.with_admin_db(|db| {
        let Some(folder) = db.backup_settings()?.folder else {
            return Ok(Vec::new());
        };
        let ours = db.key_fingerprints()?;
        let own = waymark_store::backup::list_backups(&folder)?.len();
        waymark_store::backup::make_room(&folder, &ours, own.saturating_sub(1))
    })?;
    Ok(removed.iter().map(|p| p.display().to_string()).collect())
}

/// Whether `path` (a file that may not exist yet) would be inside `dir`.
fn inside(path: &Path, dir: &Path) -> bool {
    let parent = path.parent().unwrap_or(path);
    match (parent.canonicalize(), dir.canonicalize()) {
        (Ok(p), Ok(d)) => p.starts_with(d),
        _ => parent.starts_with(dir),
    }
}

#[cfg(test)]
mod tests {
    use super::{inside, kit_may_go};

    #[test]
    fn the_recovery_kit_never_goes_beside_the_caseload_or_the_backups() {
        let data = tempfile::tempdir().unwrap();
        let usb = tempfile::tempdir().unwrap();
        let desk = tempfile::tempdir().unwrap();
        let kit = |dir: &std::path::Path| dir.join("waymark-recovery-kit.pdf");
        assert!(kit_may_go(&kit(data.path()), data.path(), Some(usb.path())).is_err());
        let e = kit_may_go(&kit(usb.path()), data.path(), Some(usb.path())).unwrap_err();
        assert!(e.message.contains("backup folder"), "{}", e.message);
        assert!(kit_may_go(&kit(desk.path()), data.path(), Some(usb.path())).is_ok());
        assert!(kit_may_go(&kit(usb.path()), data.path(), None).is_ok());
    }

    #[test]
    fn a_file_in_the_data_folder_or_below_it_is_inside() {
        let data = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        std::fs::create_dir(data.path().join("sub")).unwrap();
        assert!(inside(&data.path().join("kit.pdf"), data.path()));
        assert!(inside(&data.path().join("sub/kit.pdf"), data.path()));
        assert!(inside(&data.path().join("sub/../kit.pdf"), data.path()));
        assert!(!inside(&other.path().join("kit.pdf"), data.path()));
    }
}
