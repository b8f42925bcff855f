//! Where the app backs up, how many backups it keeps, whether it backs up daily on its
//! own, and how the last attempt went. All of it lives in the settings table, so it
//! travels with the caseload (and with its backups).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::audit::{self, AuditAction};
use crate::backup::{BackupJob, BackupReport};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::practice::put_setting;

/// Backups kept in the folder unless an admin chose otherwise.
pub const DEFAULT_KEEP: u32 = 14;
/// The most backups an admin can ask to keep.
pub const MAX_KEEP: u32 = 365;
/// A daily backup is due this long after the last good one.
pub const DAILY: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// After a failed scheduled backup (a USB drive unplugged, say), wait this long before
/// trying again rather than failing on every check.
pub const RETRY_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(1);

const FOLDER_KEY: &str = "backup_folder";
const KEEP_KEY: &str = "backup_keep";
const DAILY_KEY: &str = "backup_daily";
const LAST_OK_AT_KEY: &str = "backup_last_ok_at";
const LAST_OK_DIR_KEY: &str = "backup_last_ok_dir";
const LAST_FAIL_AT_KEY: &str = "backup_last_fail_at";
const LAST_FAIL_KEY: &str = "backup_last_fail";

/// The admin's backup choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSettings {
    /// Where backups go: a USB drive or network share. `None` until an admin chooses.
    pub folder: Option<PathBuf>,
    /// How many backups to keep in the folder; older ones are removed.
    pub keep: u32,
    /// Whether the app backs up once a day on its own while it runs.
    pub daily: bool,
}

/// How the last backups went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupStatus {
    pub last_ok_at: Option<String>,
    pub last_ok_dir: Option<PathBuf>,
    /// The newest failure, if it came after the last good backup.
    pub last_failure_at: Option<String>,
    pub last_failure: Option<String>,
}

/// Who asked for a backup: recorded in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupTrigger {
    /// A staff member pressed "Back up now" (the signed-in actor is recorded).
    OnDemand,
    /// The app's daily schedule (recorded with no staff member).
    Scheduled,
}

impl Database {
    pub fn backup_settings(&self) -> Result<BackupSettings> {
        Ok(BackupSettings {
            folder: self.setting(FOLDER_KEY)?.map(PathBuf::from),
            keep: self
                .setting(KEEP_KEY)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(DEFAULT_KEEP),
            daily: self.setting(DAILY_KEY)?.as_deref() != Some("0"),
        })
    }

    /// Saves the admin's choices after checking them; an admin action, audited.
    pub fn set_backup_settings(&self, settings: &BackupSettings) -> Result<()> {
        self.check_backup_settings(settings)?;
        let tx = self.conn.unchecked_transaction()?;
        let folder = settings.folder.as_ref().map(|f| f.to_string_lossy());
        put_setting(&tx, FOLDER_KEY, folder.as_deref())?;
        put_setting(&tx, KEEP_KEY, Some(&settings.keep.to_string()))?;
        put_setting(&tx, DAILY_KEY, Some(if settings.daily { "1" } else { "0" }))?;
        audit::record(
            &tx,
            self.actor,
            AuditAction::Admin,
            "backup_settings",
            None,
            None,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks the admin's choices without saving them (each problem against its field).
    pub fn check_backup_settings(&self, settings: &BackupSettings) -> Result<()> {
        let mut errors = waymark_domain::ValidationErrors::default();
        if !(1..=MAX_KEEP).contains(&settings.keep) {
            errors.push("keep", format!("Keep between 1 and {MAX_KEEP} backups."));
        }
        if let Some(folder) = &settings.folder {
            if let Err(why) = self.check_backup_folder(folder) {
                errors.push("folder", why);
            }
        } else if settings.daily {
            errors.push("folder", "Choose a folder for the daily backups.");
        }
        if errors.0.is_empty() {
            Ok(())
        } else {
            Err(errors.into())
        }
    }

    /// Why `folder` cannot hold backups, in words for the admin.
    fn check_backup_folder(&self, folder: &Path) -> std::result::Result<(), String> {
        if !folder.is_absolute() {
            return Err("Give the folder's full path, or use Choose folder.".into());
        }
        if !folder.is_dir() {
            return Err(
                "That folder does not exist, or is on a drive that is not connected.".into(),
            );
        }
        let canonical = dunce::canonicalize(folder).map_err(|e| e.to_string())?;
        if canonical.starts_with(&self.paths().dir) {
            return Err(
                "Choose a folder outside Waymark's data folder: a backup must survive losing this \
                 computer's disk. A USB drive or a network share is best."
                    .into(),
            );
        }
        Ok(())
    }

    pub fn backup_status(&self) -> Result<BackupStatus> {
        Ok(BackupStatus {
            last_ok_at: self.setting(LAST_OK_AT_KEY)?,
            last_ok_dir: self.setting(LAST_OK_DIR_KEY)?.map(PathBuf::from),
            last_failure_at: self.setting(LAST_FAIL_AT_KEY)?,
            last_failure: self.setting(LAST_FAIL_KEY)?,
        })
    }

    /// Backs up to the chosen folder now, keeping the chosen number, and records how it
    /// went (a failure too, so the admin sees it). The app runs the same three steps
    /// itself ([`Self::plan_backup`], [`BackupJob::run`] without holding the caseload,
    /// [`Self::finish_backup`]).
    pub fn backup_now(&self, trigger: BackupTrigger) -> Result<BackupReport> {
        let (planned, job) = self.plan_backup(trigger)?;
        let result = job.run(&mut |_| true);
        self.finish_backup(planned, result)
    }

    /// The backup the settings ask for, ready to run on its own connection.
    pub fn plan_backup(&self, trigger: BackupTrigger) -> Result<(PlannedBackup, BackupJob)> {
        let settings = self.backup_settings()?;
        let Some(folder) = settings.folder else {
            let mut e = waymark_domain::ValidationErrors::default();
            e.push("folder", "Choose a folder for backups first.");
            return Err(e.into());
        };
        let (actor, entity) = match trigger {
            BackupTrigger::OnDemand => (self.actor, "backup"),
            BackupTrigger::Scheduled => (None, "scheduled_backup"),
        };
        let job = self.backup_job(&folder, settings.keep as usize);
        let planned = PlannedBackup { actor, entity };
        match job {
            Ok(job) => Ok((planned, job)),
            // Recorded like any failed backup, so the admin sees why; finishing returns
            // that same error (or the one recording it met).
            Err(e) => Err(self
                .finish_backup(planned, Err(e))
                .err()
                .unwrap_or(Error::BackupCancelled)),
        }
    }

    /// Records how a planned backup went: audited when made, and the last result kept
    /// for the Backups page either way.
    pub fn finish_backup(
        &self,
        planned: PlannedBackup,
        result: Result<BackupReport>,
    ) -> Result<BackupReport> {
        if result.is_ok() {
            self.record_backup(planned.actor, planned.entity)?;
        }
        let tx = self.conn.unchecked_transaction()?;
        match &result {
            Ok(report) => {
                put_setting(&tx, LAST_OK_AT_KEY, Some(&crate::now()))?;
                put_setting(&tx, LAST_OK_DIR_KEY, Some(&report.dir.to_string_lossy()))?;
                put_setting(&tx, LAST_FAIL_AT_KEY, None)?;
                put_setting(&tx, LAST_FAIL_KEY, None)?;
            }
            // A cancelled backup is not a failure to warn about.
            Err(Error::BackupCancelled) => {}
            Err(e) => {
                // Store messages name paths, codes and counts, never patient data.
                put_setting(&tx, LAST_FAIL_AT_KEY, Some(&crate::now()))?;
                put_setting(&tx, LAST_FAIL_KEY, Some(&e.to_string()))?;
            }
        }
        tx.commit()?;
        result
    }

    /// Whether the daily backup should run at `now`.
    pub fn scheduled_backup_due(&self, now: DateTime<Utc>) -> Result<bool> {
        Ok(backup_due(
            &self.backup_settings()?,
            &self.backup_status()?,
            now,
        ))
    }

    /// Makes a new key and recovery code (see [`Database::renew_key`]); an admin
    /// action, audited. Earlier codes no longer open the caseload; backups made before
    /// stay readable with the code they were made under until they rotate out.
    pub fn renew_recovery_code(
        &mut self,
        vault: &dyn crate::key::KeyVault,
    ) -> Result<crate::recovery::RecoveryCode> {
        self.renew_key(vault)
    }

    /// Records that the recovery kit was saved as a file (where is not recorded).
    pub fn record_recovery_kit_saved(&self) -> Result<()> {
        audit::record(
            &self.conn,
            self.actor,
            AuditAction::Admin,
            "recovery_kit",
            None,
            None,
        )
    }
}

/// Who asked for a planned backup, for its audit row.
#[derive(Debug)]
pub struct PlannedBackup {
    actor: Option<i64>,
    entity: &'static str,
}

/// Whether a daily backup is due at `now`: switched on, a folder chosen, no good backup
/// for a day, and no failed attempt within the last hour.
pub fn backup_due(settings: &BackupSettings, status: &BackupStatus, now: DateTime<Utc>) -> bool {
    if !settings.daily || settings.folder.is_none() {
        return false;
    }
    age(&status.last_ok_at, now).is_none_or(|d| d >= DAILY)
        && age(&status.last_failure_at, now).is_none_or(|d| d >= RETRY_AFTER)
}

/// How long before `now` a stored time was; `None` when there is none (or it does not
/// read as a time).
fn age(at: &Option<String>, now: DateTime<Utc>) -> Option<chrono::TimeDelta> {
    at.as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| now.signed_duration_since(t.with_timezone(&Utc)))
}

/// A good backup older than this is worth an admin's attention.
pub const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::days(3);

/// What an admin should be told about backups at `now`, if anything: no folder chosen,
/// the last attempt failed, or no good backup for a while.
pub fn backup_reminder(
    settings: &BackupSettings,
    status: &BackupStatus,
    now: DateTime<Utc>,
) -> Option<String> {
    if settings.folder.is_none() {
        return Some("No backup folder is chosen, so the caseload is not being backed up.".into());
    }
    if let (Some(_), Some(why)) = (&status.last_failure_at, &status.last_failure) {
        return Some(format!("The last backup failed: {why}"));
    }
    match age(&status.last_ok_at, now) {
        None if !settings.daily => Some("No backup has been made yet.".into()),
        // The daily backup will run within minutes of start-up.
        None => None,
        Some(d) => (d >= STALE_AFTER)
            .then(|| format!("The last good backup was {} days ago.", d.num_days())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::CredentialVault;

    #[test]
    fn an_admin_is_reminded_of_a_missing_folder_a_failure_or_an_old_backup() {
        let now = Utc::now();
        let ago = |days: i64| Some((now - chrono::TimeDelta::days(days)).to_rfc3339());
        let chosen = BackupSettings {
            folder: Some("/media/usb".into()),
            keep: 14,
            daily: true,
        };
        let none = BackupSettings {
            folder: None,
            ..chosen.clone()
        };
        let ok = |at| BackupStatus {
            last_ok_at: at,
            ..BackupStatus::default()
        };
        let said = |s: &BackupSettings, st: &BackupStatus| backup_reminder(s, st, now);

        assert!(said(&none, &ok(ago(0)))
            .unwrap()
            .contains("No backup folder"));
        assert_eq!(said(&chosen, &ok(ago(0))), None);
        assert_eq!(said(&chosen, &ok(ago(2))), None);
        assert_eq!(
            said(&chosen, &ok(ago(4))).as_deref(),
            Some("The last good backup was 4 days ago.")
        );
        assert_eq!(said(&chosen, &ok(None)), None, "the daily backup is coming");
        let manual = BackupSettings {
            daily: false,
            ..chosen.clone()
        };
        assert!(said(&manual, &ok(None)).unwrap().contains("No backup"));
        let failed = BackupStatus {
            last_failure_at: ago(0),
            last_failure: Some("the folder is not there".into()),
            ..ok(ago(1))
        };
        assert_eq!(
            said(&chosen, &failed).as_deref(),
            Some("The last backup failed: the folder is not there")
        );
    }

    fn open() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let vault = CredentialVault::new(keyring_core::mock::Store::new().unwrap());
        let db = Database::open(&dir.path().join("data"), &vault).unwrap();
        db.issue_recovery_code().unwrap();
        (dir, db)
    }

    fn fields(e: Error) -> Vec<String> {
        match e {
            Error::Validation(v) => v.0.into_iter().map(|f| f.field.to_string()).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_daily_keeping_fourteen_with_no_folder() {
        let (_dir, db) = open();
        let s = db.backup_settings().unwrap();
        assert_eq!(s.folder, None);
        assert_eq!(s.keep, DEFAULT_KEEP);
        assert!(s.daily);
        assert!(
            !db.scheduled_backup_due(Utc::now()).unwrap(),
            "no folder, nothing due"
        );
    }

    #[test]
    fn bad_choices_are_refused_per_field_and_change_nothing() {
        let (dir, db) = open();
        let before = db.backup_settings().unwrap();
        let bad = [
            (
                BackupSettings {
                    folder: None,
                    keep: 14,
                    daily: true,
                },
                "folder",
            ),
            (
                BackupSettings {
                    folder: Some("relative/path".into()),
                    keep: 14,
                    daily: false,
                },
                "folder",
            ),
            (
                BackupSettings {
                    folder: Some(dir.path().join("absent")),
                    keep: 14,
                    daily: false,
                },
                "folder",
            ),
            (
                BackupSettings {
                    folder: Some(dir.path().join("data")),
                    keep: 14,
                    daily: false,
                },
                "folder",
            ),
            (
                BackupSettings {
                    folder: None,
                    keep: 0,
                    daily: false,
                },
                "keep",
            ),
            (
                BackupSettings {
                    folder: None,
                    keep: MAX_KEEP + 1,
                    daily: false,
                },
                "keep",
            ),
        ];
        for (settings, field) in bad {
            let err = db.set_backup_settings(&settings).unwrap_err();
            assert_eq!(fields(err), vec![field.to_string()], "{settings:?}");
            assert_eq!(db.backup_settings().unwrap(), before);
        }
    }

    #[test]
    fn backup_now_uses_the_settings_and_the_schedule_follows_the_last_result() {
        let (dir, db) = open();
        let folder = dir.path().join("usb");
        std::fs::create_dir(&folder).unwrap();
        let err = db.backup_now(BackupTrigger::OnDemand).unwrap_err();
        assert_eq!(fields(err), vec!["folder".to_string()]);

        db.set_backup_settings(&BackupSettings {
            folder: Some(folder.clone()),
            keep: 2,
            daily: true,
        })
        .unwrap();
        let now = Utc::now();
        assert!(
            db.scheduled_backup_due(now).unwrap(),
            "never backed up: due"
        );
        for _ in 0..3 {
            db.backup_now(BackupTrigger::Scheduled).unwrap();
        }
        assert_eq!(
            crate::backup::list_backups(&folder).unwrap().len(),
            2,
            "keeps 2"
        );
        let status = db.backup_status().unwrap();
        assert!(status.last_ok_dir.unwrap().starts_with(&folder));
        assert_eq!(status.last_failure, None);
        assert!(!db.scheduled_backup_due(now).unwrap(), "just backed up");
        // Stored times are whole seconds, and the backups may have crossed one.
        let after = Utc::now() + chrono::TimeDelta::seconds(1);
        assert!(!db
            .scheduled_backup_due(after + DAILY - chrono::TimeDelta::minutes(1))
            .unwrap());
        assert!(
            db.scheduled_backup_due(after + DAILY).unwrap(),
            "a day later"
        );

        // The drive goes away: the failure is recorded beside the last good backup.
        std::fs::remove_dir_all(&folder).unwrap();
        std::fs::write(&folder, b"not a folder").unwrap();
        assert!(db.backup_now(BackupTrigger::Scheduled).is_err());
        let status = db.backup_status().unwrap();
        assert!(status.last_failure.is_some() && status.last_ok_at.is_some());

        let entities: Vec<(Option<i64>, String)> = db
            .audit_entries(50)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == AuditAction::Export)
            .map(|e| (e.staff_id, e.entity))
            .collect();
        assert_eq!(entities.len(), 3, "only the good backups are exports");
        assert!(entities
            .iter()
            .all(|(s, e)| s.is_none() && e == "scheduled_backup"));
    }

    #[test]
    fn switching_daily_off_stops_the_schedule() {
        let (dir, db) = open();
        db.set_backup_settings(&BackupSettings {
            folder: Some(dir.path().into()),
            keep: 3,
            daily: false,
        })
        .unwrap();
        assert!(!db.scheduled_backup_due(Utc::now()).unwrap());
        assert_eq!(db.backup_settings().unwrap().keep, 3);
    }

    #[test]
    fn a_failure_waits_an_hour_before_the_next_attempt() {
        let settings = BackupSettings {
            folder: Some("/backups".into()),
            keep: 14,
            daily: true,
        };
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let status = BackupStatus {
            last_ok_at: Some("2026-11-20T09:00:00Z".into()),
            last_ok_dir: None,
            last_failure_at: Some("2026-11-24T09:00:00Z".into()),
            last_failure: Some("drive missing".into()),
        };
        assert!(!backup_due(&settings, &status, t("2026-11-24T09:59:59Z")));
        assert!(backup_due(&settings, &status, t("2026-11-24T10:00:00Z")));
        let fresh = BackupStatus {
            last_ok_at: Some("2026-11-24T08:00:00Z".into()),
            ..Default::default()
        };
        assert!(!backup_due(&settings, &fresh, t("2026-11-25T07:59:59Z")));
        assert!(backup_due(&settings, &fresh, t("2026-11-25T08:00:00Z")));
        let off = BackupSettings {
            daily: false,
            ..settings
        };
        assert!(!backup_due(
            &off,
            &BackupStatus::default(),
            t("2026-11-25T08:00:00Z")
        ));
    }
}
