//! Opening the caseload: the one place that opens and sets up SQLCipher connections.
//!
//! Invariants, each tested:
//! - A database file is created only where none exists, built under a temporary name and
//!   renamed into place once its schema is complete. An existing file is never replaced,
//!   rewritten from scratch or deleted, whatever error opening meets.
//! - A missing key, a key that does not match, and a damaged file are told apart (with
//!   the key-check file) and each is its own error; none of them changes any file.
//! - Every connection is keyed before anything else touches the file, then set up the
//!   same way: WAL, `synchronous=FULL`, foreign keys, busy timeout, temp data in memory.
//! - No key is given before SQLCipher has finished setting itself up in this process
//!   (`sqlcipher_ready`), so threads opening their first connections at once all succeed.

use std::fs;
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::key::{account_for, DbKey, KeyVault};
use crate::keycheck::{self, KeyCheck};
use crate::lock::CaseloadLock;
use crate::migrations;
use crate::paths::DataPaths;
use crate::recovery::{RecoveryCode, WrappedKey};

/// An open, keyed and migrated caseload database.
#[derive(Debug)]
pub struct Database {
    pub(crate) conn: Connection,
    paths: DataPaths,
    /// The signed-in staff member, recorded on every audit row (`None` until sign-in
    /// exists).
    pub(crate) actor: Option<i64>,
    /// The key, kept to wrap it for the recovery kit and to key backups.
    pub(crate) key: DbKey,
    /// This process's hold on the caseload, for as long as it is open.
    _lock: CaseloadLock,
    /// Sign-in failures remembered in memory (see `staff::SignInGuard`).
    sign_in_guard: Mutex<crate::staff::SignInGuard>,
}

impl Database {
    /// Opens the caseload in `data_dir`, creating it (and its key) only when the folder
    /// holds no database and no key check.
    pub fn open(data_dir: &Path, vault: &dyn KeyVault) -> Result<Self> {
        // Private to this user (0700, or a protected DACL on Windows); an existing folder
        // made with looser rights is tightened.
        waymark_private_fs::create_dir(data_dir)?;
        let dir = dunce::canonicalize(data_dir)?;
        let paths = DataPaths::new(&dir);
        let account = account_for(&dir);
        let lock = CaseloadLock::acquire(&dir)?;
        if paths.database.try_exists()? {
            Self::open_filed(paths, &account, vault, lock)
        } else if paths.keycheck.try_exists()? {
            Err(Error::DatabaseMissing { data_dir: dir })
        } else {
            Self::create(paths, &account, vault, lock)
        }
    }

    /// Opens the caseload already in `data_dir`, and never creates one: for tools (the
    /// admin command line) where an empty or mistyped folder must be an error, not a new
    /// empty caseload with a new key.
    pub fn open_existing(data_dir: &Path, vault: &dyn KeyVault) -> Result<Self> {
        let none = || Error::NoCaseload {
            data_dir: data_dir.to_path_buf(),
        };
        if !data_dir.try_exists()? {
            return Err(none());
        }
        let dir = dunce::canonicalize(data_dir)?;
        let paths = DataPaths::new(&dir);
        if paths.database.try_exists()? {
            let lock = CaseloadLock::acquire(&dir)?;
            Self::open_filed(paths, &account_for(&dir), vault, lock)
        } else if paths.keycheck.try_exists()? {
            Err(Error::DatabaseMissing { data_dir: dir })
        } else {
            Err(none())
        }
    }

    /// Opens with the key filed for the folder, finishing or undoing a key renewal that
    /// a crash interrupted (see [`Self::renew_key`]): the database opens with the filed
    /// key (the renewal never committed) or with the pending one (it did).
    fn open_filed(
        paths: DataPaths,
        account: &str,
        vault: &dyn KeyVault,
        lock: CaseloadLock,
    ) -> Result<Self> {
        let key = vault.load(account)?.ok_or_else(|| Error::KeyMissing {
            data_dir: paths.dir.clone(),
        })?;
        let pending_account = pending_account_for(&paths.dir);
        let Some(pending) = vault.load(&pending_account)? else {
            return Self::open_with_key(paths, key, lock);
        };
        let db = match Self::open_with_key(paths.clone(), key, lock.clone()) {
            Ok(db) => db,
            Err(
                first @ (Error::KeyMismatch { .. }
                | Error::DatabaseDamaged { .. }
                | Error::KeyCheckMissing { .. }),
            ) => match Self::open_checked(paths, pending, KeyCheckUse::Rewrite, lock) {
                Ok(db) => db,
                Err(_) => return Err(first),
            },
            Err(e) => return Err(e),
        };
        db.settle_renewal(vault)?;
        crate::audit::record(
            &db.conn,
            None,
            crate::audit::AuditAction::Admin,
            "recovery_code_renewal_settled",
            None,
            None,
        )?;
        Ok(db)
    }

    /// Opens an existing database with `key`, checking it against the key check first.
    fn open_with_key(paths: DataPaths, key: DbKey, lock: CaseloadLock) -> Result<Self> {
        Self::open_checked(paths, key, KeyCheckUse::Check, lock)
    }

    fn open_checked(
        paths: DataPaths,
        key: DbKey,
        use_check: KeyCheckUse,
        lock: CaseloadLock,
    ) -> Result<Self> {
        let dir = paths.dir.clone();
        let check = match use_check {
            KeyCheckUse::Check => keycheck::check(&paths.keycheck, &key),
            // The pending key of a renewal: the key check may still name the old key.
            KeyCheckUse::Rewrite => KeyCheck::Absent,
        };
        if check == KeyCheck::Differs {
            return Err(Error::KeyMismatch { data_dir: dir });
        }
        // Files made by older versions (or copied in) are made private to this user.
        for file in [
            paths.database.clone(),
            wal_path(&paths.database),
            shm_path(&paths.database),
            paths.keycheck.clone(),
            paths.recovery.clone(),
        ] {
            if file.try_exists()? {
                waymark_private_fs::make_file_private(&file)?;
            }
        }
        if fs::metadata(&paths.database)?.len() == 0 {
            return Err(Error::DatabaseDamaged {
                detail: "the file is empty".into(),
            });
        }
        let mut conn = open_keyed(&paths.database, &key, Create::No)?;
        if let Err(e) = probe(&conn) {
            return Err(match (check, Error::from(e)) {
                (KeyCheck::Absent, Error::DatabaseDamaged { .. }) => {
                    Error::KeyCheckMissing { data_dir: dir }
                }
                (_, other) => other,
            });
        }
        if check == KeyCheck::Absent {
            // The key has just proved itself: restore the missing key check.
            keycheck::write(&paths.keycheck, &key)?;
        }
        configure(&conn)?;
        migrations::apply(&mut conn)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
        Ok(Self {
            conn,
            paths,
            actor: None,
            key,
            _lock: lock,
            sign_in_guard: Mutex::default(),
        })
    }

    fn create(
        paths: DataPaths,
        account: &str,
        vault: &dyn KeyVault,
        lock: CaseloadLock,
    ) -> Result<Self> {
        // Reuse a key already filed for this folder (an earlier first run that stopped
        // before the database was in place); otherwise make one and file it before any
        // file exists, so no database can ever exist without its key.
        let key = match vault.load(account)? {
            Some(key) => key,
            None => {
                let key = DbKey::generate()?;
                vault.store(account, &key)?;
                vault
                    .load(account)?
                    .filter(|k| k.fingerprint() == key.fingerprint())
                    .ok_or_else(|| {
                        Error::CredentialStore("the key could not be read back after saving".into())
                    })?
            }
        };
        let staging = paths.database_in_progress();
        // A leftover from an interrupted first run holds only schema, never user data:
        // user data is written only after the rename below.
        for leftover in [staging.clone(), wal_path(&staging), shm_path(&staging)] {
            if leftover.try_exists()? {
                fs::remove_file(&leftover)?;
            }
        }
        // Made first, private, so SQLite takes it as a new database and gives its WAL
        // the same rights.
        waymark_private_fs::create_file(&staging)?;
        {
            let mut conn = open_keyed(&staging, &key, Create::Yes)?;
            configure(&conn)?;
            migrations::apply(&mut conn)?;
            // Fold the WAL back so the single file is complete before it is renamed.
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
            conn.close().map_err(|(_, e)| Error::from(e))?;
        }
        keycheck::write(&paths.keycheck, &key)?;
        // Another process may have created one meanwhile: never replace it.
        waymark_private_fs::rename_new(&staging, &paths.database).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Io(std::io::Error::other(
                    "a database appeared in the data folder while a new one was being created",
                ))
            } else {
                Error::Io(e)
            }
        })?;
        Self::open_with_key(paths, key, lock)
    }

    /// Opens the caseload in `data_dir` with the practice's recovery code, when the
    /// credential store has lost its key, and files the key there again. The database
    /// is verified with the recovered key before anything is stored.
    pub fn recover(data_dir: &Path, vault: &dyn KeyVault, code: &RecoveryCode) -> Result<Self> {
        let dir = dunce::canonicalize(data_dir)?;
        let paths = DataPaths::new(&dir);
        if !paths.database.try_exists()? {
            return Err(Error::DatabaseMissing { data_dir: dir });
        }
        let lock = CaseloadLock::acquire(&dir)?;
        let key = WrappedKey::read(&paths.recovery)?.unwrap_key(code)?;
        let db = Self::open_with_key(paths, key, lock)?;
        vault.store(&account_for(&dir), &db.key)?;
        crate::audit::record(
            &db.conn,
            None,
            crate::audit::AuditAction::Admin,
            "recovery_code_used",
            None,
            None,
        )?;
        Ok(db)
    }

    /// Makes a new recovery code for the current key and keeps the key wrapped by it
    /// beside the database. Used at setup; later renewals go through
    /// [`Self::renew_key`], which also changes the key so earlier codes open nothing.
    pub fn issue_recovery_code(&self) -> Result<RecoveryCode> {
        let code = RecoveryCode::generate()?;
        WrappedKey::wrap(&self.key, &code)?.write(&self.paths.recovery)?;
        Ok(code)
    }

    /// Checks that `code` unlocks the key filed beside this caseload, so a recovery kit
    /// printed with it will work.
    pub fn check_recovery_code(&self, code: &RecoveryCode) -> Result<()> {
        let key = WrappedKey::read(&self.paths.recovery)?.unwrap_key(code)?;
        if key.fingerprint() != self.key.fingerprint() {
            return Err(Error::RecoveryCodeWrong);
        }
        Ok(())
    }

    pub(crate) fn sign_in_guard(&self) -> std::sync::MutexGuard<'_, crate::staff::SignInGuard> {
        // Plain counters replaced whole: a poisoned lock still holds usable values.
        self.sign_in_guard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets the staff member whose actions are audited from now on.
    pub fn set_actor(&mut self, staff_id: Option<i64>) {
        self.actor = staff_id;
    }

    pub fn paths(&self) -> &DataPaths {
        &self.paths
    }

    /// Runs SQLite's own integrity check (every page decrypted and its HMAC verified).
    pub fn integrity_check(&self) -> Result<()> {
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(Error::DatabaseDamaged { detail: result })
        }
    }

    /// The schema version this database is at.
    pub fn schema_version(&self) -> Result<i64> {
        migrations::current_version(&self.conn)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Create {
    Yes,
    No,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyCheckUse {
    Check,
    Rewrite,
}

/// The credential entry that holds a renewal's new key until the renewal is settled.
pub fn pending_account_for(dir: &Path) -> String {
    format!("pending-{}", account_for(dir))
}

/// Where a renewal keeps its new recovery file until the new key is in place.
fn pending_recovery(paths: &DataPaths) -> std::path::PathBuf {
    let mut s = paths.recovery.as_os_str().to_owned();
    s.push(".next");
    s.into()
}

/// How far a key renewal goes: all the way, or (in tests) only to a point where a
/// crash could stop it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalStop {
    Complete,
    /// The new key is filed as pending and its recovery file written; nothing rekeyed.
    BeforeRekey,
    /// The database is rekeyed; the key check, recovery file and credential entry are not.
    AfterRekey,
    /// The key check names the new key too.
    AfterKeyCheck,
    /// The new recovery file is in place too.
    AfterRecoveryFile,
    /// The credential entry holds the new key; the pending entry is still there.
    AfterCredential,
}

impl Database {
    /// Makes a new database key and a new recovery code, re-encrypting the database
    /// (`PRAGMA rekey`) so earlier codes, and the wrapped keys in backups made before,
    /// no longer open the live caseload. Those backups stay readable with the old code.
    ///
    /// Crash-safe: the new key is filed under its own pending credential entry and its
    /// recovery file written beside the old one before the rekey, which is a single
    /// SQLite transaction in rollback-journal mode (the journal keeps the old pages under
    /// the old key). Opening afterwards ([`Self::open`]) tries the filed key, then the
    /// pending one, and settles the rest, so the database always opens with one of them
    /// and the key check, recovery file and credential entry end up agreeing.
    pub fn renew_key(&mut self, vault: &dyn KeyVault) -> Result<RecoveryCode> {
        self.renew_key_until(vault, RenewalStop::Complete)
    }

    /// [`Self::renew_key`] stopped at `stop`, as a crash there would leave it (for
    /// tests; the code is returned even when stopped).
    #[doc(hidden)]
    pub fn renew_key_until(
        &mut self,
        vault: &dyn KeyVault,
        stop: RenewalStop,
    ) -> Result<RecoveryCode> {
        let code = RecoveryCode::generate()?;
        let new_key = DbKey::generate()?;
        let pending = pending_account_for(&self.paths.dir);
        WrappedKey::wrap(&new_key, &code)?.write(&pending_recovery(&self.paths))?;
        vault.store(&pending, &new_key)?;
        if vault
            .load(&pending)?
            .is_none_or(|k| k.fingerprint() != new_key.fingerprint())
        {
            self.settle_renewal(vault)?;
            return Err(Error::CredentialStore(
                "the new key could not be read back after saving".into(),
            ));
        }
        // Backups made under the old key stay this caseload's, for rotation.
        crate::backup::remember_key(&self.conn, &self.key.fingerprint())?;
        if stop == RenewalStop::BeforeRekey {
            return Ok(code);
        }
        if let Err(e) = self.rekey(&new_key) {
            // Nothing committed: the database still opens with the old key.
            self.settle_renewal(vault)?;
            return Err(e);
        }
        self.key = new_key;
        self.settle_renewal_until(vault, stop)?;
        if stop != RenewalStop::Complete {
            return Ok(code);
        }
        crate::audit::record(
            &self.conn,
            self.actor,
            crate::audit::AuditAction::Admin,
            "recovery_code",
            None,
            None,
        )?;
        Ok(code)
    }

    /// Re-encrypts every page under `new`. SQLCipher's rekey is not safe in WAL mode
    /// (the new pages would sit in the WAL under a key the file's readers do not have),
    /// so the WAL is folded in and the rollback journal used for the rekey.
    fn rekey(&self, new: &DbKey) -> Result<()> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(Error::CaseloadInUse {
                data_dir: self.paths.dir.clone(),
            });
        }
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        let result = if mode.eq_ignore_ascii_case("delete") {
            self.conn
                .execute_batch(&new.sqlcipher_pragma_named("rekey"))
                .map_err(Error::from)
        } else {
            Err(Error::CaseloadInUse {
                data_dir: self.paths.dir.clone(),
            })
        };
        let back: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        result?;
        if !back.eq_ignore_ascii_case("wal") {
            return Err(Error::Io(std::io::Error::other(format!(
                "the database could not switch back to write-ahead logging (mode {back})"
            ))));
        }
        Ok(())
    }

    /// Brings the key check, the recovery file and the credential store in line with
    /// the key this database opened with, and drops what a renewal left pending.
    fn settle_renewal(&self, vault: &dyn KeyVault) -> Result<()> {
        self.settle_renewal_until(vault, RenewalStop::Complete)
    }

    fn settle_renewal_until(&self, vault: &dyn KeyVault, stop: RenewalStop) -> Result<()> {
        let fingerprint = self.key.fingerprint();
        if keycheck::check(&self.paths.keycheck, &self.key) != KeyCheck::Matches {
            keycheck::write(&self.paths.keycheck, &self.key)?;
        }
        if stop == RenewalStop::AfterKeyCheck {
            return Ok(());
        }
        let next = pending_recovery(&self.paths);
        if next.try_exists()? {
            let ours = WrappedKey::read(&next).is_ok_and(|w| w.fingerprint == fingerprint);
            if ours {
                waymark_private_fs::rename_durable(&next, &self.paths.recovery)?;
            } else {
                // Wraps a key that never took effect; its code was never shown.
                fs::remove_file(&next)?;
            }
        }
        if stop == RenewalStop::AfterRecoveryFile {
            return Ok(());
        }
        let account = account_for(&self.paths.dir);
        if vault
            .load(&account)?
            .is_none_or(|k| k.fingerprint() != fingerprint)
        {
            vault.store(&account, &self.key)?;
        }
        if stop == RenewalStop::AfterCredential {
            return Ok(());
        }
        vault.delete(&pending_account_for(&self.paths.dir))
    }
}

/// Opens a connection and hands it the key before anything else reads the file. Only
/// the staging file of a brand-new database is ever opened with `Create::Yes`.
pub(crate) fn open_keyed(path: &Path, key: &DbKey, create: Create) -> Result<Connection> {
    sqlcipher_ready()?;
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create == Create::Yes {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    if create == Create::No {
        // Until the file has proved readable, closing must not checkpoint the WAL into
        // it: a failed open leaves every byte as it was. `open_existing` turns the
        // checkpoint back on once the database is verified.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    }
    conn.execute_batch(&key.sqlcipher_pragma())?;
    Ok(conn)
}

/// A keyed connection that can only read: for a backup running beside the app's own
/// connection (in WAL mode it reads a consistent snapshot while others write).
pub(crate) fn open_keyed_read_only(path: &Path, key: &DbKey) -> Result<Connection> {
    sqlcipher_ready()?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch(&key.sqlcipher_pragma())?;
    conn.busy_timeout(Duration::from_secs(5))?;
    probe(&conn)?;
    Ok(conn)
}

/// Waits until SQLCipher takes keys (checked until it first does, once per process).
///
/// SQLCipher sets itself up (its private heap, its crypto provider) at the very end of
/// `sqlite3_initialize`, after SQLite already counts as initialised. A thread whose first
/// connection opens in that window is refused its key ("An error occurred with PRAGMA
/// key"), which is how two threads opening their first connections at once failed now
/// and then. So the first keyed open in a process holds every other one back until a
/// throwaway in-memory connection accepts a key. Nothing is derived or written by that
/// key: the in-memory connection is never read.
fn sqlcipher_ready() -> Result<()> {
    // A lock, not a `OnceLock` of the outcome: it holds other first opens back just as
    // well, and a failure is not kept, so a later open tries again.
    static READY: Mutex<bool> = Mutex::new(false);
    // The flag is only ever set after a success, so a poisoned lock still holds truth.
    let mut ready = READY.lock().unwrap_or_else(PoisonError::into_inner);
    if *ready {
        return Ok(());
    }
    let mut last = String::new();
    // Whichever thread started SQLite's initialisation finishes SQLCipher's within
    // microseconds; a second is far past any wait seen, and keeps a real failure
    // (SQLCipher unable to set up at all) from hanging the open.
    for _ in 0..100 {
        match Connection::open_in_memory()
            .and_then(|conn| conn.execute_batch("PRAGMA key = 'readiness check';"))
        {
            Ok(()) => {
                *ready = true;
                return Ok(());
            }
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Err(Error::Io(std::io::Error::other(format!(
        "the encryption library could not be set up: {last}"
    ))))
}

/// The first read: with a wrong key or a damaged first page SQLCipher fails here.
pub(crate) fn probe(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
}

fn configure(conn: &Connection) -> Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Io(std::io::Error::other(format!(
            "the database could not switch to write-ahead logging (mode {mode})"
        ))));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32000;",
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(())
}

pub(crate) fn wal_path(db: &Path) -> std::path::PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-wal");
    s.into()
}

pub(crate) fn shm_path(db: &Path) -> std::path::PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-shm");
    s.into()
}
