//! The app's state: the data folder and the caseload database, or why it did not open.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use waymark_domain::Role;
use waymark_store::backup::{self, BackupManifest};
use waymark_store::backup_settings::BackupTrigger;
use waymark_store::recovery::RecoveryCode;
use waymark_store::staff::Staff;
use waymark_store::{paths, relocate, CredentialVault, Database};

use crate::error::{ApiError, ErrorCode};

#[derive(Debug)]
pub struct AppState {
    data_dir: PathBuf,
    /// The open database, or the error that stopped it opening. An error is kept and
    /// reported, never "fixed" by creating a new database.
    db: Mutex<Result<Database, ApiError>>,
    /// Who is signed in, and whether the screen is locked. Always locked after `db`.
    session: Mutex<Option<Session>>,
    /// Where keys are filed: the OS credential store, or a test's in-memory one.
    vault: Vault,
    /// Set by the UI's first call: its page loaded in the webview and reached Rust
    /// (the smoke launch waits for it).
    ui_seen: std::sync::atomic::AtomicBool,
    /// When the signed-in user last did something (any command made for them): the
    /// auto-lock is enforced here, whatever the window's own timer does.
    last_activity: Mutex<std::time::Instant>,
    /// The backup running now, if any: how far it has got, and whether it should stop.
    backup: BackupRun,
    /// The directory import being previewed, and the feed being read.
    pub(crate) import: crate::directory_run::ImportRun,
}

/// A backup in progress, shared between the thread running it and the commands that
/// show its progress or cancel it.
#[derive(Debug, Default)]
pub struct BackupRun {
    running: std::sync::atomic::AtomicBool,
    cancel: std::sync::atomic::AtomicBool,
    progress: Mutex<Option<waymark_store::backup::BackupProgress>>,
}

#[derive(Debug)]
enum Vault {
    Platform,
    /// An in-memory store: unit tests and the UI tests' host, never the app.
    #[cfg(any(test, feature = "test-host"))]
    Fixed(CredentialVault),
}

impl Vault {
    /// Runs `f` with the credential store on a plain thread: the store's clients may
    /// drive their own async runtime, which must stay clear of Tauri's.
    fn run<T: Send>(
        &self,
        f: impl FnOnce(&CredentialVault) -> waymark_store::Result<T> + Send,
    ) -> waymark_store::Result<T> {
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let vault = match self {
                        Vault::Platform => CredentialVault::platform()?,
                        #[cfg(any(test, feature = "test-host"))]
                        Vault::Fixed(v) => v.clone(),
                    };
                    f(&vault)
                })
                .join()
                .unwrap_or_else(|_| {
                    Err(waymark_store::Error::Io(std::io::Error::other(
                        "the credential store stopped unexpectedly",
                    )))
                })
        })
    }
}

/// Opens the caseload in `dir`; an older copy of the file put back is told to the next
/// admin (the warning stays in the caseload until an admin dismisses it). The outer
/// error is the warning failing to be kept, the inner one the caseload not opening.
fn open_checked(
    dir: &Path,
    vault: &CredentialVault,
) -> waymark_store::Result<waymark_store::Result<Database>> {
    let opened = Database::open(dir, vault);
    if let Ok(db) = &opened {
        match db.rollback_warning(vault) {
            Ok(Some(w)) => {
                tracing::warn!("the caseload is older than one this computer saw");
                db.set_integrity_warning(Some(&w))?;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(code = e.code(), "the rollback check failed"),
        }
    }
    Ok(opened)
}

/// The signed-in staff member.
#[derive(Debug, Clone)]
pub struct Session {
    pub staff: Staff,
    pub locked: bool,
}

impl AppState {
    /// Opens the caseload in the data folder (`WAYMARK_DATA_DIR` or the platform's),
    /// creating it only when the folder holds none.
    pub fn open() -> Self {
        // Settled (a caseload left in Windows' roaming folder by 0.1 moved to the local
        // one) before anything opens it.
        let settled = Vault::Platform.run(|vault| {
            let settled = relocate::settled_data_dir(vault)?;
            match &settled.relocation {
                relocate::Relocation::Moved => {
                    tracing::info!("the caseload moved from the roaming to the local folder")
                }
                relocate::Relocation::BothHaveCaseloads { .. } => tracing::warn!(
                    "another caseload is still in the roaming folder (the local one has its own)"
                ),
                relocate::Relocation::Stayed { .. } => tracing::warn!(
                    "the caseload could not move to the local folder yet: used where it is"
                ),
                relocate::Relocation::Nothing => {}
            }
            let opened = open_checked(&settled.dir, vault)?;
            Ok((settled.dir, opened))
        });
        let (data_dir, opened) = match settled {
            Ok(pair) => pair,
            Err(e) => (paths::data_dir().unwrap_or_default(), Err(e)),
        };
        Self {
            data_dir,
            db: Mutex::new(opened.map_err(ApiError::from)),
            session: Mutex::new(None),
            vault: Vault::Platform,
            ui_seen: Default::default(),
            last_activity: Mutex::new(std::time::Instant::now()),
            backup: BackupRun::default(),
            import: Default::default(),
        }
    }

    /// Opens (or creates) the caseload in `data` with keys filed in `vault`, an
    /// in-memory store: for tests and the UI tests' host.
    #[cfg(any(test, feature = "test-host"))]
    pub fn open_with_vault(data: &Path, vault: CredentialVault) -> Self {
        let opened = open_checked(data, &vault)
            .and_then(|o| o)
            .map_err(ApiError::from);
        AppState {
            data_dir: data.to_path_buf(),
            db: Mutex::new(opened),
            session: Mutex::new(None),
            vault: Vault::Fixed(vault),
            ui_seen: Default::default(),
            last_activity: Mutex::new(std::time::Instant::now()),
            backup: BackupRun::default(),
            import: Default::default(),
        }
    }

    /// Closes the caseload (its file and lock are let go): the UI tests' host, whose
    /// mock apps are not dropped with their state, closes each before the next opens.
    #[cfg(any(test, feature = "test-host"))]
    pub fn close(&self) {
        *self.session() = None;
        *self.lock() = Err(ApiError::new(
            ErrorCode::NotReady,
            "The caseload was closed.",
        ));
    }

    /// Notes that the UI has called in.
    pub fn note_ui_seen(&self) {
        self.ui_seen
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether the UI has called in since start-up.
    pub fn ui_seen(&self) -> bool {
        self.ui_seen.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Opens the caseload with the practice's recovery code when this computer's
    /// credential store has no key for it (or the wrong one), and files the key there
    /// again. Only while the caseload is closed for a key problem.
    pub fn recover(&self, code: &RecoveryCode) -> Result<(), ApiError> {
        let mut db = self.lock();
        match &*db {
            Err(e)
                if matches!(
                    e.code,
                    ErrorCode::KeyMissing | ErrorCode::KeyMismatch | ErrorCode::KeyCheckMissing
                ) => {}
            _ => {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "The recovery code is only needed when the caseload's key is missing.",
                ))
            }
        }
        let dir = self.data_dir.as_path();
        let recovered = self
            .vault
            .run(|vault| Database::recover(dir, vault, code))?;
        *db = Ok(recovered);
        *self.session() = None;
        Ok(())
    }

    /// Makes a new key and recovery code (an admin only): the database is re-encrypted,
    /// so earlier codes no longer open it.
    pub fn renew_recovery_code(&self, passphrase: &str) -> Result<RecoveryCode, ApiError> {
        let mut db = self.lock();
        let mut session = self.session();
        let Ok(db) = &mut *db else {
            return Err(ApiError::new(
                ErrorCode::NotReady,
                "The caseload is not open.",
            ));
        };
        self.confirm_admin(db, &mut session, passphrase)?;
        Ok(self.vault.run(|vault| db.renew_recovery_code(vault))?)
    }

    /// Checks a backup with the recovery code and says what it holds, changing nothing.
    pub fn inspect_backup(
        &self,
        backup: &Path,
        code: &RecoveryCode,
    ) -> Result<BackupManifest, ApiError> {
        self.may_restore(false, None)?;
        Ok(backup::verify_backup(backup, code)?)
    }

    /// Replaces the caseload with a verified backup, with the recovery code. The live
    /// database is closed, set aside (never deleted) by the store's restore, and the
    /// caseload reopened from whatever is then in place; everyone must sign in again.
    pub fn restore(
        &self,
        backup: &Path,
        code: &RecoveryCode,
        passphrase: Option<&str>,
    ) -> Result<BackupManifest, ApiError> {
        self.may_restore(true, passphrase)?;
        // Check the backup before closing anything, so a bad one costs nothing.
        backup::verify_backup(backup, code)?;
        let mut db = self.lock();
        let closed = std::mem::replace(
            &mut *db,
            Err(ApiError::new(
                ErrorCode::NotReady,
                "The caseload is being restored.",
            )),
        );
        // Closing the connection folds its WAL into the file, which then moves as one.
        drop(closed);
        *self.session() = None;
        let dir = self.data_dir.as_path();
        let outcome = self.vault.run(|vault| {
            let restored = backup::restore(backup, dir, vault, code);
            Ok((restored, Database::open(dir, vault)))
        });
        let (restored, reopened) = match outcome {
            Ok(pair) => pair,
            // Say why the caseload is closed rather than "being restored" for ever.
            Err(e) => {
                let e = ApiError::from(e);
                *db = Err(e.clone());
                return Err(e);
            }
        };
        *db = reopened.map_err(ApiError::from);
        let report = restored?;
        if let Ok(db) = &*db {
            db.record_restore()?;
            // A restore goes back on purpose: this is now the newest caseload seen.
            self.note_audit_head(db);
        }
        Ok(report.manifest)
    }

    /// Restoring needs the recovery code, and besides it: a caseload that did not open,
    /// a fresh one awaiting setup (a new computer), or a signed-in admin, who confirms
    /// their passphrase to replace a caseload in use (`passphrase`; not needed only to
    /// look inside a backup, when `None`).
    fn may_restore(&self, replacing: bool, passphrase: Option<&str>) -> Result<(), ApiError> {
        let db = self.lock();
        let mut session = self.session();
        let allowed = match &*db {
            Err(_) => !self.data_dir.as_os_str().is_empty(),
            Ok(db) if !db.staff().any()? => true,
            Ok(db) => {
                let admin = signed_in(&session).is_ok_and(|s| s.role == Role::Admin);
                if admin && replacing {
                    self.confirm_admin(db, &mut session, passphrase.unwrap_or_default())?;
                }
                admin
            }
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "Only an administrator can restore a backup over a caseload in use.",
            ))
        }
    }

    /// The app's daily backup: runs it when due. Returns whether one was attempted.
    pub fn scheduled_backup(&self) -> bool {
        let due = match &*self.lock() {
            Ok(db) => db.scheduled_backup_due(chrono::Utc::now()).unwrap_or(false),
            Err(_) => false,
        };
        // The outcome, good or bad, is recorded in the caseload for the admin to see.
        due && self
            .run_backup(|db| db.plan_backup(BackupTrigger::Scheduled).map_err(Into::into))
            .map_or_else(|e| e.code != ErrorCode::Forbidden, |_| true)
    }

    /// Runs a backup without holding the caseload: planned under the lock (`plan`, which
    /// also checks who may), copied and checked on its own read-only connection while
    /// everyone carries on, then recorded under the lock again. One at a time; its
    /// progress is shown by `backup_progress` and it stops at `cancel_backup`.
    pub fn run_backup(
        &self,
        plan: impl FnOnce(
            &Database,
        ) -> Result<
            (
                waymark_store::backup_settings::PlannedBackup,
                waymark_store::backup::BackupJob,
            ),
            ApiError,
        >,
    ) -> Result<waymark_store::backup::BackupReport, ApiError> {
        use std::sync::atomic::Ordering;
        if self.backup.running.swap(true, Ordering::SeqCst) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "A backup is already running: wait for it to finish.",
            ));
        }
        self.backup.cancel.store(false, Ordering::SeqCst);
        let outcome = (|| {
            let planned = match &*self.lock() {
                Ok(db) => plan(db)?,
                Err(e) => return Err(ApiError::new(ErrorCode::NotReady, e.message.clone())),
            };
            let (planned, job) = planned;
            let result = job.run(&mut |p| {
                *self
                    .backup
                    .progress
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(p);
                !self.backup.cancel.load(Ordering::SeqCst)
            });
            match &*self.lock() {
                Ok(db) => Ok(db.finish_backup(planned, result)?),
                Err(e) => Err(ApiError::new(ErrorCode::NotReady, e.message.clone())),
            }
        })();
        *self
            .backup
            .progress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        self.backup.running.store(false, Ordering::SeqCst);
        outcome
    }

    /// An admin's "Back up now": who is asking is checked first (taking the caseload's
    /// lock, so not inside `run_backup`'s planning, which holds it already).
    pub fn backup_now(&self) -> Result<waymark_store::backup::BackupReport, ApiError> {
        self.with_admin_db(|_| Ok(()))?;
        self.run_backup(|db| Ok(db.plan_backup(BackupTrigger::OnDemand)?))
    }

    /// How far the running backup has got, if one is running.
    pub fn backup_progress(&self) -> Option<waymark_store::backup::BackupProgress> {
        *self
            .backup
            .progress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Asks the running backup to stop; it removes what it wrote.
    pub fn cancel_backup(&self) {
        self.backup
            .cancel
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// The open error, if the caseload did not open.
    pub fn open_error(&self) -> Option<ApiError> {
        match &*self.lock() {
            Ok(_) => None,
            Err(e) => Some(e.clone()),
        }
    }

    /// Runs `f` on the open database without asking who is signed in: only for setup,
    /// signing in and the app's status.
    pub fn with_db<T>(
        &self,
        f: impl FnOnce(&mut Database, &mut Option<Session>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut db = self.lock();
        let mut session = self.session();
        match &mut *db {
            Ok(db) => f(db, &mut session),
            Err(e) => Err(ApiError::new(ErrorCode::NotReady, e.message.clone())),
        }
    }

    /// Runs `f` for a signed-in staff member whose screen is not locked; every patient
    /// command goes through here.
    pub fn with_staff_db<T, E>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, E>,
    ) -> Result<T, ApiError>
    where
        ApiError: From<E>,
    {
        self.with_db(|db, session| {
            self.active(db, session)?;
            f(db).map_err(ApiError::from)
        })
    }

    /// The signed-in staff member, if the session is unlocked and has not been idle for
    /// longer than the practice's auto-lock time; this command counts as activity. Past
    /// that time the session locks here, so a stalled window (whose own timer never
    /// fired) still cannot reach patient data.
    fn active<'s>(
        &self,
        db: &Database,
        session: &'s mut Option<Session>,
    ) -> Result<&'s Staff, ApiError> {
        signed_in(session)?;
        if !self.lock_if_idle(db, session)? {
            self.touch();
        }
        signed_in(session)
    }

    /// Locks an unlocked session whose idle time has passed (without counting as
    /// activity: `app_status` asks this); says whether it is locked now.
    pub fn lock_if_idle(
        &self,
        db: &Database,
        session: &mut Option<Session>,
    ) -> Result<bool, ApiError> {
        let Some(s) = session.as_mut() else {
            return Ok(false);
        };
        if s.locked {
            return Ok(true);
        }
        let idle = std::time::Duration::from_secs(u64::from(db.idle_minutes()?) * 60);
        let last = *self
            .last_activity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.elapsed() >= idle {
            s.locked = true;
            tracing::info!("the session locked after the idle time");
        }
        Ok(s.locked)
    }

    /// Files the caseload's newest audit row in the credential store (at sign-in, lock,
    /// sign-out, restore), so an older copy of the file put back later is noticed. A
    /// failure is logged, not fatal: the check is a warning, not a gate.
    pub fn note_audit_head(&self, db: &Database) {
        let filed = db.audit_head_marker().and_then(|marker| match marker {
            Some((account, value)) => self.vault.run(move |vault| {
                waymark_store::KeyVault::store_marker(vault, &account, value.as_bytes())
            }),
            None => Ok(()),
        });
        if let Err(e) = filed {
            tracing::warn!(code = e.code(), "the newest audit row could not be filed");
        }
    }

    /// For the admin actions that could hand the caseload to someone else (a new recovery
    /// code, resetting another's passphrase, restoring, moving the backups, saving the
    /// recovery kit): the signed-in admin types their passphrase again, checked (and
    /// counted, slowed and audited) as a sign-in is, so a screen left unlocked for a
    /// minute is not enough.
    pub fn confirm_admin(
        &self,
        db: &Database,
        session: &mut Option<Session>,
        passphrase: &str,
    ) -> Result<(), ApiError> {
        let admin = self.active(db, session)?;
        if admin.role != Role::Admin {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "Only an administrator can do this.",
            ));
        }
        let username = admin.username.clone();
        match db
            .staff()
            .sign_in(&username, passphrase, chrono::Utc::now())
        {
            Ok(_) => Ok(()),
            Err(waymark_store::Error::SignInFailed) => Err(ApiError::new(
                ErrorCode::SignInFailed,
                "That is not your passphrase. Nothing has been changed.",
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// [`Self::with_admin_db`] after the admin's passphrase is confirmed.
    pub fn with_confirmed_admin<T>(
        &self,
        passphrase: &str,
        f: impl FnOnce(&Database) -> waymark_store::Result<T>,
    ) -> Result<T, ApiError> {
        self.with_db(|db, session| {
            self.confirm_admin(db, session, passphrase)?;
            f(db).map_err(ApiError::from)
        })
    }

    /// Records activity now: a sign-in, an unlock, the end of setup.
    pub fn touch(&self) {
        *self
            .last_activity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = std::time::Instant::now();
    }

    /// Like [`Self::with_staff_db`], for admins only.
    pub fn with_admin_db<T>(
        &self,
        f: impl FnOnce(&Database) -> waymark_store::Result<T>,
    ) -> Result<T, ApiError> {
        self.with_db(|db, session| {
            if self.active(db, session)?.role != Role::Admin {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "Only an administrator can do this.",
                ));
            }
            f(db).map_err(ApiError::from)
        })
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Option<Session>> {
        // The session is plain data replaced whole: a poisoned lock still holds a
        // consistent value.
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Result<Database, ApiError>> {
        // A panic while holding the lock cannot leave the connection half-written:
        // every write is one SQLite transaction, rolled back if not committed.
        self.db
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The signed-in staff member, if the screen is not locked.
fn signed_in(session: &Option<Session>) -> Result<&Staff, ApiError> {
    match session {
        None => Err(ApiError::new(
            ErrorCode::NotSignedIn,
            "Please sign in to Waymark.",
        )),
        Some(s) if s.locked => Err(ApiError::new(
            ErrorCode::Locked,
            "Waymark is locked: enter your passphrase to carry on.",
        )),
        Some(s) => Ok(&s.staff),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_domain::StaffInput;

    fn state_with(db: Database) -> AppState {
        AppState {
            data_dir: PathBuf::new(),
            db: Mutex::new(Ok(db)),
            session: Mutex::new(None),
            vault: Vault::Platform,
            ui_seen: Default::default(),
            last_activity: Mutex::new(std::time::Instant::now()),
            backup: BackupRun::default(),
            import: Default::default(),
        }
    }

    /// A state on a new caseload with one link worker, Lee, signed in nowhere yet.
    fn state_with_link_worker() -> (tempfile::TempDir, AppState, Staff) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path(), &mock_vault()).unwrap();
        let worker = db
            .staff()
            .create(
                &StaffInput {
                    display_name: "Lee".into(),
                    username: "lee".into(),
                    role: Role::LinkWorker,
                },
                "kettle violet harbour",
            )
            .unwrap();
        (dir, state_with(db), worker)
    }

    fn code(r: Result<u64, ApiError>) -> Option<ErrorCode> {
        r.err().map(|e| e.code)
    }

    #[test]
    fn patient_work_needs_a_signed_in_unlocked_session_and_admin_work_an_admin() {
        let (_dir, state, worker) = state_with_link_worker();
        let count = || {
            state.with_staff_db(|db| {
                db.patients()
                    .list(&Default::default(), crate::commands::today())
                    .map(|p| p.total)
            })
        };
        let admin_count = || state.with_admin_db(|db| db.staff().list().map(|s| s.len() as u64));

        assert_eq!(code(count()), Some(ErrorCode::NotSignedIn));
        *state.session() = Some(Session {
            staff: worker.clone(),
            locked: true,
        });
        assert_eq!(code(count()), Some(ErrorCode::Locked));
        *state.session() = Some(Session {
            staff: worker,
            locked: false,
        });
        assert_eq!(count().unwrap(), 0);
        assert_eq!(code(admin_count()), Some(ErrorCode::Forbidden));
    }

    /// Serves a feed of one page on a loopback port: the page for `/services?…`, the
    /// service itself for `/services/{id}`; stops after `requests` requests.
    fn loopback_feed(page: &'static str, service: &'static str, requests: usize) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(requests) {
                let mut stream = stream.unwrap();
                let mut buf = [0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]);
                let body = if request.starts_with("GET /services/") {
                    service
                } else {
                    page
                };
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        base
    }

    #[test]
    fn a_directory_preview_writes_nothing_until_its_own_token_confirms_it() {
        let (dir, state, worker) = state_with_link_worker();
        let file = dir.path().join("council.json");
        std::fs::write(
            &file,
            r#"[{"id": 1, "name": "Art Club", "url": "art.example"}, {"id": 2, "name": ""}]"#,
        )
        .unwrap();
        assert_eq!(
            state.preview_directory_file(&file).unwrap_err().code,
            ErrorCode::NotSignedIn
        );
        *state.session() = Some(Session {
            staff: worker,
            locked: false,
        });
        let total = || {
            state
                .with_staff_db(|db| {
                    db.directory()
                        .list(&Default::default(), crate::commands::today())
                        .map(|p| p.total)
                })
                .unwrap()
        };
        let preview = state.preview_directory_file(&file).unwrap();
        assert_eq!(
            (preview.new, preview.skipped.len(), preview.imported),
            (1, 1, false)
        );
        assert_eq!(
            preview.adjustment_counts[0].what,
            "web address: added https://"
        );
        assert_eq!(total(), 0);
        let wrong = state
            .confirm_directory_import(preview.token + 1)
            .unwrap_err();
        assert_eq!(wrong.code, ErrorCode::ImportInvalid);
        assert_eq!(total(), 0);
        let done = state.confirm_directory_import(preview.token).unwrap();
        assert!(done.imported);
        assert_eq!(total(), 1);
        assert!(
            state.confirm_directory_import(preview.token).is_err(),
            "used once"
        );

        // Cancel forgets the preview.
        let again = state.preview_directory_file(&file).unwrap();
        state.discard_directory_import(again.token);
        assert!(state.confirm_directory_import(again.token).is_err());

        // A feed on the loopback address is read, previewed and imported the same way.
        let base = loopback_feed(
            r#"{"total_pages": 1, "contents": [{"id": "f1", "name": "Walking Netball"}]}"#,
            r#"{"id": "f1", "name": "Walking Netball", "phones": [{"number": "01632 960111"}]}"#,
            4,
        );
        let feed = state.preview_directory_feed(&base).unwrap();
        assert_eq!((feed.new, feed.source_label.as_str()), (1, base.as_str()));
        state.confirm_directory_import(feed.token).unwrap();
        assert_eq!(total(), 2);
        let sources = state.with_staff_db(|db| db.directory().sources()).unwrap();
        assert!(sources
            .iter()
            .any(|s| s.kind == "feed" && s.address.as_deref() == Some(base.as_str())));
        assert!(state.feed_progress().is_none(), "no feed is being read now");
    }

    #[test]
    fn an_idle_session_locks_in_rust_even_if_the_window_never_says_so() {
        let (_dir, state, worker) = state_with_link_worker();
        *state.session() = Some(Session {
            staff: worker,
            locked: false,
        });
        let count = || {
            state.with_staff_db(|db| {
                db.patients()
                    .list(&Default::default(), crate::commands::today())
                    .map(|p| p.total)
            })
        };
        let idle_for = |minutes: u64| {
            *state.last_activity.lock().unwrap() = std::time::Instant::now()
                .checked_sub(std::time::Duration::from_secs(minutes * 60))
                .unwrap();
        };
        // Each command counts as activity: four minutes idle, then a command, then four
        // more, stays within the five-minute default.
        idle_for(4);
        assert_eq!(count().unwrap(), 0);
        idle_for(4);
        assert_eq!(count().unwrap(), 0);
        // Five minutes with nothing: the next command finds the session locked, and
        // so does the app's status, though the window's timer never fired.
        idle_for(5);
        assert_eq!(code(count()), Some(ErrorCode::Locked));
        assert!(state.session().as_ref().unwrap().locked);
        assert_eq!(code(count()), Some(ErrorCode::Locked), "stays locked");
        // The status check alone locks too, without counting as activity.
        let state2 = {
            let dir = tempfile::tempdir().unwrap();
            let db = Database::open(dir.path(), &mock_vault()).unwrap();
            (dir, state_with(db))
        };
        let (_dir2, s2) = state2;
        *s2.session() = Some(Session {
            staff: state.session().as_ref().unwrap().staff.clone(),
            locked: false,
        });
        *s2.last_activity.lock().unwrap() = std::time::Instant::now()
            .checked_sub(std::time::Duration::from_secs(301))
            .unwrap();
        let locked = s2
            .with_db(|db, session| s2.lock_if_idle(db, session))
            .unwrap();
        assert!(locked);
    }

    fn tempdir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    fn mock_vault() -> CredentialVault {
        CredentialVault::new(keyring_core::mock::Store::new().unwrap())
    }

    /// A set-up caseload with one patient, backed up; returns its recovery code.
    fn practice_with_backup(data: &Path, backups: &Path) -> RecoveryCode {
        let mut db = Database::open(data, &mock_vault()).unwrap();
        let practice = waymark_domain::PracticeInput {
            name: "Hollinsford Surgery".into(),
            address: "1 High Street".into(),
            phone: "01632 960000".into(),
            email: String::new(),
            country: waymark_domain::Country::Uk,
            logo_png: None,
        };
        let admin = StaffInput {
            display_name: "Ada".into(),
            username: "ada".into(),
            role: Role::Admin,
        };
        let (_, code) = db
            .complete_setup(&practice, &admin, "kettle violet harbour")
            .unwrap();
        let zoe = waymark_domain::PatientInput {
            given_name: "Zoë".into(),
            family_name: "O'Brien".into(),
            date_of_birth: "1987-03-14".into(),
            ..Default::default()
        };
        db.patients()
            .create(&zoe, chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
            .unwrap();
        db.backup_to(backups, 14).unwrap();
        code
    }

    fn state_on(data: &Path, vault: CredentialVault) -> AppState {
        AppState::open_with_vault(data, vault)
    }

    fn patients(state: &AppState) -> u64 {
        state
            .with_db(|db, _| {
                Ok(db
                    .patients()
                    .list(&Default::default(), crate::commands::today())?
                    .total)
            })
            .unwrap()
    }

    #[test]
    fn a_new_computer_restores_with_the_code_and_a_wrong_code_changes_nothing() {
        let (old, new, backups) = (tempdir(), tempdir(), tempdir());
        let code = practice_with_backup(old.path(), backups.path());
        let backup = backup::list_backups(backups.path()).unwrap().remove(0);
        // Another computer: an empty credential store, a fresh caseload awaiting setup.
        let state = state_on(new.path(), mock_vault());
        assert_eq!(patients(&state), 0);

        let wrong = RecoveryCode::generate().unwrap();
        let refused = state.restore(&backup, &wrong, None).unwrap_err();
        assert_eq!(refused.code, ErrorCode::RecoveryCodeWrong);
        assert_eq!(
            patients(&state),
            0,
            "a refused restore leaves the caseload open"
        );

        let seen = state.inspect_backup(&backup, &code).unwrap();
        assert_eq!(seen.counts.get("patients"), Some(&1));
        state.restore(&backup, &code, None).unwrap();
        assert_eq!(patients(&state), 1);
        assert!(state.open_error().is_none());
    }

    #[test]
    fn restoring_over_a_caseload_in_use_needs_a_signed_in_admin() {
        let (data, backups) = (tempdir(), tempdir());
        let vault = mock_vault();
        let code = practice_with_backup(data.path(), backups.path());
        // File the key in this test's store, as this computer's credential store holds it.
        drop(Database::recover(data.path(), &vault, &code).unwrap());
        let backup = backup::list_backups(backups.path()).unwrap().remove(0);
        let state = state_on(data.path(), vault);
        let refused = state.restore(&backup, &code, None).unwrap_err();
        assert_eq!(refused.code, ErrorCode::Forbidden);

        sign_in_ada(&state);
        // A signed-in admin confirms their passphrase to replace the caseload in use.
        for wrong in [None, Some("not my passphrase")] {
            let refused = state.restore(&backup, &code, wrong).unwrap_err();
            assert_eq!(refused.code, ErrorCode::SignInFailed, "{wrong:?}");
            assert_eq!(patients(&state), 1, "nothing replaced");
        }
        state
            .restore(&backup, &code, Some("kettle violet harbour"))
            .unwrap();
        assert!(
            state.session().is_none(),
            "everyone signs in again after a restore"
        );
        assert_eq!(patients(&state), 1);
    }

    /// Signs Ada, the practice's admin, in on `state`, unlocked.
    fn sign_in_ada(state: &AppState) {
        let admin = state
            .with_db(|db, _| {
                Ok(db
                    .staff()
                    .sign_in("ada", "kettle violet harbour", chrono::Utc::now())?)
            })
            .unwrap();
        *state.session() = Some(Session {
            staff: admin,
            locked: false,
        });
    }

    #[test]
    fn back_up_now_runs_outside_the_caseload_lock_and_records_its_result() {
        let (data, usb) = (tempdir(), tempdir());
        let code = practice_with_backup(data.path(), usb.path());
        let vault = mock_vault();
        drop(Database::recover(data.path(), &vault, &code).unwrap());
        let state = std::sync::Arc::new(state_on(data.path(), vault));
        sign_in_ada(&state);
        state
            .with_confirmed_admin("kettle violet harbour", |db| {
                db.set_backup_settings(&waymark_store::backup_settings::BackupSettings {
                    folder: Some(usb.path().to_path_buf()),
                    keep: 14,
                    daily: true,
                })
            })
            .unwrap();
        // On a thread with a deadline: a lock taken twice would hang, not fail.
        let (done, finished) = std::sync::mpsc::channel();
        let running = std::sync::Arc::clone(&state);
        std::thread::spawn(move || {
            let _ = done.send(running.backup_now());
        });
        let report = finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the backup finished (no lock taken twice)")
            .unwrap();
        assert_eq!(report.manifest.counts["patients"], 1);
        assert!(state.backup_progress().is_none(), "no backup left running");
        let status = state.with_admin_db(|db| db.backup_status()).unwrap();
        assert!(status.last_ok_at.is_some());
    }

    #[test]
    fn sensitive_admin_actions_need_the_admins_passphrase_again() {
        let dir = tempdir();
        let vault = mock_vault();
        let mut db = Database::open(dir.path(), &vault).unwrap();
        let practice = waymark_domain::PracticeInput {
            name: "Hollinsford Surgery".into(),
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            country: waymark_domain::Country::Uk,
            logo_png: None,
        };
        let admin = StaffInput {
            display_name: "Ada".into(),
            username: "ada".into(),
            role: Role::Admin,
        };
        let (ada, first) = db
            .complete_setup(&practice, &admin, "kettle violet harbour")
            .unwrap();
        let lee = db
            .staff()
            .create(
                &StaffInput {
                    display_name: "Lee".into(),
                    username: "lee".into(),
                    role: Role::LinkWorker,
                },
                "kettle violet harbour",
            )
            .unwrap();
        drop(db);
        let state = state_on(dir.path(), vault);
        *state.session() = Some(Session {
            staff: ada,
            locked: false,
        });
        let recovery = std::fs::read(dir.path().join("waymark.recovery")).unwrap();
        // A new recovery code: refused with a wrong passphrase, nothing changed.
        let e = state.renew_recovery_code("guess").unwrap_err();
        assert_eq!(e.code, ErrorCode::SignInFailed);
        assert_eq!(
            std::fs::read(dir.path().join("waymark.recovery")).unwrap(),
            recovery
        );
        state
            .with_admin_db(|db| db.check_recovery_code(&first))
            .unwrap();
        let new = state.renew_recovery_code("kettle violet harbour").unwrap();
        state
            .with_admin_db(|db| db.check_recovery_code(&new))
            .unwrap();
        // Resetting another's passphrase: the same.
        let reset = |admin_pass: &str| {
            state.with_confirmed_admin(admin_pass, |db| {
                db.staff()
                    .reset_passphrase(lee.id, "a brand new passphrase")
            })
        };
        assert_eq!(reset("guess").unwrap_err().code, ErrorCode::SignInFailed);
        state
            .with_db(|db, _| {
                Ok(db
                    .staff()
                    .sign_in("lee", "kettle violet harbour", chrono::Utc::now())?)
            })
            .unwrap();
        reset("kettle violet harbour").unwrap();
    }

    #[test]
    fn a_lost_key_is_recovered_with_the_code_and_filed_again() {
        let (data, backups) = (tempdir(), tempdir());
        let code = practice_with_backup(data.path(), backups.path());
        let vault = mock_vault();
        let state = state_on(data.path(), vault.clone());
        assert_eq!(
            state.open_error().map(|e| e.code),
            Some(ErrorCode::KeyMissing)
        );

        let wrong = RecoveryCode::generate().unwrap();
        assert_eq!(
            state.recover(&wrong).unwrap_err().code,
            ErrorCode::RecoveryCodeWrong
        );
        assert!(state.open_error().is_some());

        state.recover(&code).unwrap();
        assert_eq!(patients(&state), 1);
        // Once open, the code is not accepted again as a way in.
        assert_eq!(state.recover(&code).unwrap_err().code, ErrorCode::Forbidden);
        // The key is back in the credential store: the next start opens without the code.
        drop(state);
        assert!(Database::open(data.path(), &vault).is_ok());
    }

    #[test]
    fn the_daily_backup_runs_once_when_due_and_not_again_the_same_day() {
        let (data, usb) = (tempdir(), tempdir());
        let vault = mock_vault();
        let state = state_on(data.path(), vault.clone());
        assert!(!state.scheduled_backup(), "no folder chosen: nothing to do");
        state
            .with_db(|db, _| {
                db.issue_recovery_code()?;
                Ok(
                    db.set_backup_settings(&waymark_store::backup_settings::BackupSettings {
                        folder: Some(usb.path().to_path_buf()),
                        keep: 14,
                        daily: true,
                    })?,
                )
            })
            .unwrap();
        assert!(state.scheduled_backup());
        assert_eq!(backup::list_backups(usb.path()).unwrap().len(), 1);
        assert!(!state.scheduled_backup(), "backed up already today");
        assert_eq!(backup::list_backups(usb.path()).unwrap().len(), 1);
        let status = state.with_db(|db, _| Ok(db.backup_status()?)).unwrap();
        assert!(status.last_ok_at.is_some() && status.last_failure.is_none());
    }
}
