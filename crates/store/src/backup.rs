//! Encrypted, verified backups, and restore from them with the recovery code.
//!
//! A backup is a folder `waymark-backup-<UTC time>` holding a consistent copy of the
//! database (SQLite's online backup, encrypted with the same key), the wrapped key and
//! key check, and a manifest with each table's row count and the copy's SHA-256. It is
//! built under a hidden partial name, verified (decrypted page by page, integrity
//! checked, counts compared) and only then renamed into place. Nothing in it is plain
//! patient data.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::{self, AuditAction};
use crate::db::{open_keyed, open_keyed_read_only, probe, shm_path, wal_path, Create, Database};
use crate::error::{Error, Result};
use crate::key::{account_for, DbKey, KeyVault};
use crate::keycheck;
use crate::paths::{DataPaths, DATABASE_FILE, KEYCHECK_FILE, RECOVERY_FILE};
use crate::recovery::{RecoveryCode, WrappedKey};

pub const BACKUP_PREFIX: &str = "waymark-backup-";
const MANIFEST_FILE: &str = "manifest.json";
const FORMAT: &str = "waymark-backup";

/// What a backup holds, written beside its copy of the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    format: String,
    version: u32,
    pub created_at: String,
    pub schema_version: i64,
    /// The key's fingerprint: which key (and so which recovery code) opens the copy.
    pub fingerprint: String,
    /// Rows per table, compared on every verification.
    pub counts: BTreeMap<String, i64>,
    pub database_sha256: String,
    /// This caseload's backup number, one more than any before it: rotation orders a
    /// caseload's backups by it, so a clock set back cannot make a new backup look old.
    /// (Backups made before it existed read as 0.)
    #[serde(default)]
    pub sequence: u64,
}

/// The outcome of making a backup.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub dir: PathBuf,
    pub manifest: BackupManifest,
    /// Older backups removed to keep only the newest `keep`.
    pub removed: Vec<PathBuf>,
}

/// The outcome of a restore.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub manifest: BackupManifest,
    /// Where the database that was replaced now is (kept, never deleted).
    pub previous: Option<PathBuf>,
}

impl Database {
    /// Records in the audit log that this caseload was just restored from a backup (with
    /// the recovery code, so by no signed-in staff member).
    pub fn record_restore(&self) -> Result<()> {
        audit::record(
            &self.conn,
            None,
            AuditAction::Restore,
            "caseload",
            None,
            None,
        )
    }

    /// Writes a verified backup into `dest` and keeps the newest `keep` backups there.
    /// Needs the recovery kit to be set up: a backup must be restorable on a machine
    /// whose credential store has never seen this key.
    pub fn backup_to(&self, dest: &Path, keep: usize) -> Result<BackupReport> {
        self.backup_as(dest, keep, self.actor, "backup")
    }

    /// [`Self::backup_to`], audited as `entity` by `actor` (none for the app's schedule).
    pub(crate) fn backup_as(
        &self,
        dest: &Path,
        keep: usize,
        actor: Option<i64>,
        entity: &'static str,
    ) -> Result<BackupReport> {
        let report = self.backup_job(dest, keep)?.run(&mut |_| true)?;
        self.record_backup(actor, entity)?;
        Ok(report)
    }

    /// What a backup into `dest` needs from the open caseload, taken in a moment: the
    /// copy itself then runs on its own read-only connection ([`BackupJob::run`]),
    /// without this connection, so the app's lock on it is not held while a USB stick
    /// or a network share is written.
    pub fn backup_job(&self, dest: &Path, keep: usize) -> Result<BackupJob> {
        if !self.paths().recovery.try_exists()? {
            return Err(Error::RecoveryFileMissing);
        }
        let key = DbKey::from_bytes(self.key.expose())
            .ok_or_else(|| Error::Corrupt("the key could not be copied".into()))?;
        Ok(BackupJob {
            paths: self.paths().clone(),
            key,
            ours: self.key_fingerprints()?,
            dest: dest.to_path_buf(),
            keep,
        })
    }

    /// Records a backup made by a [`BackupJob`] in the audit log.
    pub fn record_backup(&self, actor: Option<i64>, entity: &'static str) -> Result<()> {
        audit::record(&self.conn, actor, AuditAction::Export, entity, None, None)
    }
}

/// A backup to run away from the caseload's own connection (see
/// [`Database::backup_job`]).
#[derive(Debug)]
pub struct BackupJob {
    paths: DataPaths,
    key: DbKey,
    ours: Vec<String>,
    dest: PathBuf,
    keep: usize,
}

/// How far a running backup has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BackupProgress {
    /// Copying the pages, then checking the copy.
    pub stage: BackupStage,
    /// Of this stage, from 0 to 1.
    pub fraction: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupStage {
    Copying,
    Checking,
}

impl BackupJob {
    /// Makes the backup, calling `progress` as it goes; `progress` returning false
    /// cancels it (`Error::BackupCancelled`), leaving nothing behind.
    pub fn run(self, progress: &mut dyn FnMut(BackupProgress) -> bool) -> Result<BackupReport> {
        let dest = &self.dest;
        fs::create_dir_all(dest)?;
        clear_stale_partials(dest)?;
        let name = unique_name(dest);
        let partial = dest.join(format!(".{name}.partial"));
        fs::create_dir(&partial)?;
        let manifest = match self.write(&partial, progress) {
            Ok(manifest) => manifest,
            Err(e) => {
                // This attempt never held a complete copy: it goes now, not later.
                let _ = fs::remove_dir_all(&partial);
                return Err(disk_full_or(e, dest, &self.ours));
            }
        };
        let dir = dest.join(&name);
        if let Err(e) = waymark_private_fs::rename_new(&partial, &dir) {
            let _ = fs::remove_dir_all(&partial);
            return Err(e.into());
        }
        let removed = rotate(dest, self.keep, &dir, &self.ours)?;
        Ok(BackupReport {
            dir,
            manifest,
            removed,
        })
    }

    /// Writes and verifies one backup into the empty folder `partial`.
    fn write(
        &self,
        partial: &Path,
        progress: &mut dyn FnMut(BackupProgress) -> bool,
    ) -> Result<BackupManifest> {
        let copy = partial.join(DATABASE_FILE);
        // A connection of the backup's own that cannot write: the app's connection (and
        // its lock) stays free for the people using it meanwhile.
        let src = open_keyed_read_only(&self.paths.database, &self.key)?;
        // One read transaction: the counts and the copied pages are the same snapshot.
        let tx = src.unchecked_transaction()?;
        let counts = table_counts(&tx)?;
        let schema_version = crate::migrations::current_version(&tx)?;
        {
            waymark_private_fs::create_file(&copy)?;
            let mut dst = open_keyed(&copy, &self.key, Create::Yes)?;
            {
                let backup = Backup::new(&tx, &mut dst)?;
                loop {
                    let step = backup.step(1024)?;
                    let p = backup.progress();
                    let fraction = if p.pagecount > 0 {
                        f64::from(p.pagecount - p.remaining) / f64::from(p.pagecount)
                    } else {
                        1.0
                    };
                    let stage = BackupStage::Copying;
                    if !progress(BackupProgress { stage, fraction }) {
                        return Err(Error::BackupCancelled);
                    }
                    match step {
                        rusqlite::backup::StepResult::Done => break,
                        rusqlite::backup::StepResult::More => {}
                        // Another connection writing at this moment: try again shortly.
                        _ => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
            }
            // The copy is one self-contained file: no WAL beside it.
            let _: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
            dst.close().map_err(|(_, e)| Error::from(e))?;
        }
        drop(tx);
        drop(src);
        let checking = |fraction| BackupProgress {
            stage: BackupStage::Checking,
            fraction,
        };
        if !progress(checking(0.0)) {
            return Err(Error::BackupCancelled);
        }
        sync_file(&copy)?;
        let recovery = partial.join(RECOVERY_FILE);
        fs::copy(&self.paths.recovery, &recovery)?;
        sync_file(&recovery)?;
        keycheck::write(&partial.join(KEYCHECK_FILE), &self.key)?;
        let sequence = next_sequence(&self.dest, &self.ours)?;
        let manifest = BackupManifest {
            format: FORMAT.into(),
            version: 1,
            created_at: crate::now(),
            schema_version,
            fingerprint: self.key.fingerprint(),
            counts,
            database_sha256: sha256_file(&copy)?,
            sequence,
        };
        crate::write_json_atomically(&partial.join(MANIFEST_FILE), &manifest)?;
        if !progress(checking(0.5)) {
            return Err(Error::BackupCancelled);
        }
        verify_backup_with_key(partial, &self.key)?;
        waymark_private_fs::sync_parent(&copy)?;
        progress(checking(1.0));
        Ok(manifest)
    }
}

impl Database {
    /// The fingerprints of every key this caseload has had: its backups are those made
    /// under one of them.
    pub fn key_fingerprints(&self) -> Result<Vec<String>> {
        let mut all = vec![self.key.fingerprint()];
        if let Some(text) = crate::practice::setting(&self.conn, KEY_HISTORY_KEY)? {
            all.extend(serde_json::from_str::<Vec<String>>(&text).unwrap_or_default());
        }
        Ok(all)
    }
}

/// The settings row that lists the fingerprints of this caseload's earlier keys.
pub(crate) const KEY_HISTORY_KEY: &str = "key_history";

/// Adds `fingerprint` to the caseload's earlier keys (before a renewal replaces it).
pub(crate) fn remember_key(conn: &Connection, fingerprint: &str) -> Result<()> {
    let mut all: Vec<String> = crate::practice::setting(conn, KEY_HISTORY_KEY)?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    if !all.iter().any(|f| f == fingerprint) {
        all.push(fingerprint.to_owned());
    }
    let text = serde_json::to_string(&all).map_err(|e| Error::Corrupt(e.to_string()))?;
    crate::practice::put_setting(conn, KEY_HISTORY_KEY, Some(&text))
}

/// Flushes a file written by a copy (which does not flush). Windows flushes only
/// through a handle that may write (FlushFileBuffers refuses a read-only one).
fn sync_file(path: &Path) -> Result<()> {
    fs::OpenOptions::new().write(true).open(path)?.sync_all()?;
    Ok(())
}

/// One more than the highest backup number of this caseload's backups in `dest`.
fn next_sequence(dest: &Path, ours: &[String]) -> Result<u64> {
    Ok(own_backups(dest, ours)?
        .iter()
        .map(|(_, m)| m.sequence)
        .max()
        .map_or(1, |n| n + 1))
}

/// This caseload's complete backups in `dest` (judged by a valid manifest made under
/// one of its keys), oldest first by backup number, then by name.
fn own_backups(dest: &Path, ours: &[String]) -> Result<Vec<(PathBuf, BackupManifest)>> {
    let mut found: Vec<(PathBuf, BackupManifest)> = list_backups(dest)?
        .into_iter()
        .filter_map(|dir| {
            let manifest = read_manifest(&dir).ok()?;
            ours.contains(&manifest.fingerprint)
                .then_some((dir, manifest))
        })
        .collect();
    // `list_backups` gave name order; a stable sort keeps it among equal numbers.
    found.sort_by_key(|(_, m)| m.sequence);
    Ok(found)
}

/// A partial backup folder untouched for this long was abandoned (a crash, a pulled
/// drive); a younger one may be another program's backup still being written.
const STALE_PARTIAL: Duration = Duration::from_secs(60 * 60);

/// Removes the `.waymark-backup-*.partial` folders that failed attempts left.
fn clear_stale_partials(dest: &Path) -> Result<()> {
    for entry in fs::read_dir(dest)?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(&format!(".{BACKUP_PREFIX}")) && name.ends_with(".partial")) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_none_or(|age| age >= STALE_PARTIAL);
        if stale {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

/// A full drive is reported as such, with how many of this caseload's backups there
/// could be removed to make room.
fn disk_full_or(e: Error, dest: &Path, ours: &[String]) -> Error {
    let full = match &e {
        Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
        Error::Sqlite(s) => s.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull),
        _ => false,
    };
    if !full {
        return e;
    }
    Error::BackupDiskFull {
        folder: dest.to_path_buf(),
        removable: own_backups(dest, ours).map_or(0, |b| b.len().saturating_sub(1)),
    }
}

/// Makes room in a full backup folder: removes this caseload's oldest backups there,
/// keeping its newest `keep_newest` (at least one). Another caseload's backups, and
/// anything that is not a backup, are never touched.
pub fn make_room(dest: &Path, ours: &[String], keep_newest: usize) -> Result<Vec<PathBuf>> {
    let own = own_backups(dest, ours)?;
    let excess = own.len().saturating_sub(keep_newest.max(1));
    let mut removed = Vec::new();
    for (old, _) in own.into_iter().take(excess) {
        if remove_backup(dest, &old) {
            removed.push(old);
        }
    }
    Ok(removed)
}

/// Checks a backup with the recovery code: the copy decrypts, passes SQLite's integrity
/// check, and holds exactly the rows its manifest lists.
pub fn verify_backup(dir: &Path, code: &RecoveryCode) -> Result<BackupManifest> {
    verify_backup_with_key(dir, &backup_key(dir, code)?)
}

/// The key of the backup in `dir`, unwrapped with the code. The manifest is read first,
/// so a folder that is not one backup (the folder of backups, say) is reported as such
/// rather than as a missing recovery file.
fn backup_key(dir: &Path, code: &RecoveryCode) -> Result<DbKey> {
    read_manifest(dir)?;
    WrappedKey::read(&dir.join(RECOVERY_FILE))?.unwrap_key(code)
}

/// Restores the backup in `backup` into `data_dir` with the recovery code, on this or a
/// new machine, and files the key in the credential store. The live database is
/// replaced only after the copy beside it has been verified, and is kept under a new
/// name, never deleted. Waymark must not be running on that data folder.
pub fn restore(
    backup: &Path,
    data_dir: &Path,
    vault: &dyn KeyVault,
    code: &RecoveryCode,
) -> Result<RestoreReport> {
    let key = backup_key(backup, code)?;
    let manifest = verify_backup_with_key(backup, &key)?;

    if crate::relocate::move_unfinished(data_dir)? {
        return Err(Error::Io(std::io::Error::other(
            "a move of the caseload into this folder has not finished: open Waymark (or run \
             waymark-admin) once to finish it, then restore",
        )));
    }
    waymark_private_fs::create_dir(data_dir)?;
    let dir = dunce::canonicalize(data_dir)?;
    // Held to the end: the app or `waymark-admin` with this caseload open refuses the
    // restore here, before anything has moved.
    let _lock = crate::lock::CaseloadLock::acquire(&dir)?;
    let paths = DataPaths::new(&dir);
    let staging = dir.join(format!("{DATABASE_FILE}.restoring"));
    fs::copy(backup.join(DATABASE_FILE), &staging)?;
    // Windows flushes a file only through a handle that may write to it
    // (FlushFileBuffers); a read-only handle is refused with "Access denied".
    fs::OpenOptions::new()
        .write(true)
        .open(&staging)?
        .sync_all()?;
    if let Err(e) = check_copy(&staging, &key, &manifest) {
        // The staging copy is ours alone and holds nothing the backup does not.
        fs::remove_file(&staging)?;
        return Err(e);
    }
    let aside = match set_aside(&paths) {
        Ok(aside) => aside,
        Err(e) => {
            fs::remove_file(&staging)?;
            return Err(e);
        }
    };
    let placed = keep_key_material(&paths, &aside, vault)
        .and_then(|()| Ok(waymark_private_fs::rename_new(&staging, &paths.database)?));
    if let Err(e) = placed {
        // The live caseload goes back where it was; the copy was ours.
        aside.undo()?;
        fs::remove_file(&staging)?;
        return Err(e);
    }
    fs::copy(backup.join(RECOVERY_FILE), &paths.recovery)?;
    sync_file(&paths.recovery)?;
    keycheck::write(&paths.keycheck, &key)?;
    vault.store(&account_for(&dir), &key)?;
    Ok(RestoreReport {
        manifest,
        previous: aside.database.then_some(aside.folder),
    })
}

/// Keeps what opens the set-aside caseload beside it: copies of its key check and
/// recovery file (so its own recovery code opens it on any computer), and its key
/// filed in the credential store under the set-aside folder's own entry (so
/// `Database::open` on that folder opens it here). Without this, restoring a backup
/// made under another key would strand the data it replaced.
fn keep_key_material(paths: &DataPaths, aside: &SetAside, vault: &dyn KeyVault) -> Result<()> {
    if !aside.database {
        return Ok(());
    }
    for (from, name) in [
        (&paths.keycheck, KEYCHECK_FILE),
        (&paths.recovery, RECOVERY_FILE),
    ] {
        if from.try_exists()? {
            let to = aside.folder.join(name);
            fs::copy(from, &to)?;
            sync_file(&to)?;
        }
    }
    if let Some(old) = vault.load(&account_for(&paths.dir))? {
        if keycheck::check(&paths.keycheck, &old) != keycheck::KeyCheck::Differs {
            vault.store(&account_for(&dunce::canonicalize(&aside.folder)?), &old)?;
        }
    }
    Ok(())
}

/// What `set_aside` moved, to report or to put back.
struct SetAside {
    /// The folder the live files moved into.
    folder: PathBuf,
    /// Whether the live database itself is among them.
    database: bool,
    moved: Vec<(PathBuf, PathBuf)>,
}

impl SetAside {
    /// Puts everything back where it was and removes the folder made for it.
    fn undo(&self) -> Result<()> {
        for (back, place) in self.moved.iter().rev() {
            fs::rename(place, back).map_err(|e| {
                Error::Io(std::io::Error::other(format!(
                    "{e}; the caseload's files are in {}",
                    self.folder.display()
                )))
            })?;
        }
        for name in [KEYCHECK_FILE, RECOVERY_FILE] {
            let copy = self.folder.join(name);
            if copy.try_exists()? {
                fs::remove_file(copy)?;
            }
        }
        if self.folder.try_exists()? {
            fs::remove_dir(&self.folder)?;
        }
        Ok(())
    }
}

/// The prefix of the folders that hold a caseload a restore replaced.
pub const SET_ASIDE_PREFIX: &str = "before-restore-";

/// Moves the live database with its WAL and shared-memory files (which may hold
/// committed rows) into a new folder `before-restore-<time>` inside the data folder, a
/// name not yet used, so an earlier set-aside caseload is never replaced. A WAL left
/// without its database (after a crash) moves too: SQLite would replay it into the
/// restored database. The database moves first: on Windows a file that another process
/// holds open cannot be renamed, so Waymark running on this folder stops the restore
/// there, before anything has moved. Should a later file refuse, those already moved
/// are put back, so a failure leaves the folder as it was.
fn set_aside(paths: &DataPaths) -> Result<SetAside> {
    let live = [
        paths.database.clone(),
        wal_path(&paths.database),
        shm_path(&paths.database),
    ];
    let mut present = Vec::new();
    for file in &live {
        present.push(file.try_exists()?);
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let base = format!("{SET_ASIDE_PREFIX}{stamp}");
    let mut folder = paths.dir.join(&base);
    for n in 2.. {
        match waymark_private_fs::create_dir_new(&folder) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                folder = paths.dir.join(format!("{base}-{n}"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut aside = SetAside {
        folder,
        database: false,
        moved: Vec::new(),
    };
    if !present.contains(&true) {
        fs::remove_dir(&aside.folder)?;
        return Ok(aside);
    }
    for (from, here) in live.into_iter().zip(present) {
        if !here {
            continue;
        }
        let Some(name) = from.file_name() else {
            continue;
        };
        let to = aside.folder.join(name);
        if let Err(e) = waymark_private_fs::rename_new(&from, &to) {
            aside.undo()?;
            return Err(in_use_or(e, &paths.dir));
        }
        aside.database |= from == paths.database;
        aside.moved.push((from, to));
    }
    Ok(aside)
}

/// A rename refused with a sharing violation is another process holding the file:
/// on Windows, Waymark still running on the folder. (Access denied is left as it is:
/// it is as likely a permission problem.)
fn in_use_or(e: std::io::Error, data_dir: &Path) -> Error {
    const ERROR_SHARING_VIOLATION: i32 = 32;
    if cfg!(windows) && e.raw_os_error() == Some(ERROR_SHARING_VIOLATION) {
        Error::CaseloadInUse {
            data_dir: data_dir.to_path_buf(),
        }
    } else {
        Error::Io(e)
    }
}

/// Checks a backup with the key itself (as the credential store holds it).
pub fn verify_backup_with_key(dir: &Path, key: &DbKey) -> Result<BackupManifest> {
    let invalid = |why: String| Error::BackupInvalid(why);
    let manifest = read_manifest(dir)?;
    if manifest.fingerprint != key.fingerprint() {
        return Err(invalid("it was made with another key".into()));
    }
    // The wrapped key is what makes the backup restorable on a new computer: it must be
    // there, whole, and for this copy's key.
    let recovery = dir.join(RECOVERY_FILE);
    match WrappedKey::read(&recovery) {
        Ok(wrapped) if wrapped.fingerprint == manifest.fingerprint => {}
        Ok(_) => return Err(invalid("its recovery file is for another key".into())),
        Err(Error::RecoveryFileMissing) => {
            return Err(invalid("its recovery file is missing".into()))
        }
        Err(_) => return Err(invalid("its recovery file is damaged or cut short".into())),
    }
    check_copy(&dir.join(DATABASE_FILE), key, &manifest)?;
    Ok(manifest)
}

/// A backup's manifest, read without opening its copy (cheap, for listing backups; it
/// proves nothing about the copy).
pub fn read_manifest(dir: &Path) -> Result<BackupManifest> {
    let invalid = |why: String| Error::BackupInvalid(why);
    // A manifest is a few kilobytes; one from a hostile drive could be anything.
    let text =
        waymark_private_fs::read_capped(&dir.join(MANIFEST_FILE), 1024 * 1024).map_err(|e| {
            // The folder that holds the backups, chosen instead of one backup inside it.
            let holds_backups = list_backups(dir).is_ok_and(|b| !b.is_empty());
            if e.kind() == std::io::ErrorKind::NotFound && holds_backups {
                invalid(
                    "that folder holds several backups: choose one of the waymark-backup folders \
                 inside it"
                        .into(),
                )
            } else {
                invalid(format!("its manifest cannot be read ({e})"))
            }
        })?;
    let manifest: BackupManifest = serde_json::from_slice(&text)
        .map_err(|e| invalid(format!("its manifest is damaged ({e})")))?;
    if manifest.format != FORMAT || manifest.version != 1 {
        return Err(invalid(
            "its manifest is not a Waymark backup manifest".into(),
        ));
    }
    Ok(manifest)
}

/// The copy at `path` matches its manifest byte for byte and row for row.
fn check_copy(path: &Path, key: &DbKey, manifest: &BackupManifest) -> Result<()> {
    let invalid = |why: String| Error::BackupInvalid(why);
    if !path.is_file() {
        return Err(invalid("its database file is missing".into()));
    }
    if sha256_file(path)? != manifest.database_sha256 {
        return Err(invalid(
            "its database file was changed or cut short after it was written".into(),
        ));
    }
    let conn = open_keyed(path, key, Create::No)?;
    probe(&conn).map_err(|e| invalid(format!("its database cannot be read ({e})")))?;
    // A copy from a newer Waymark is refused before anything moves, whatever its
    // manifest says.
    let supported = crate::migrations::latest_version();
    let found = crate::migrations::current_version(&conn)?.max(manifest.schema_version);
    if found > supported {
        return Err(Error::DatabaseTooNew { found, supported });
    }
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| invalid(format!("its integrity check failed ({e})")))?;
    if result != "ok" {
        return Err(invalid(format!("its integrity check failed ({result})")));
    }
    if table_counts(&conn)? != manifest.counts {
        return Err(invalid("its row counts differ from its manifest".into()));
    }
    Ok(())
}

fn table_counts(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut counts = BTreeMap::new();
    for name in names {
        // Names come from the schema itself, quoted as identifiers.
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\"")),
            [],
            |r| r.get(0),
        )?;
        counts.insert(name, n);
    }
    Ok(counts)
}

fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// A new backup's folder name: `waymark-backup-<UTC time>`, with `-2`, `-3` … after
/// every backup already made in the same second, so that name order stays age order
/// (a name freed by rotation is never reused below a newer one).
fn unique_name(dest: &Path) -> String {
    let base = format!(
        "{BACKUP_PREFIX}{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
    );
    let last = list_backups(dest)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(age_key))
        .filter(|(stamp, _)| *stamp == base)
        .map(|(_, n)| n)
        .max();
    match last {
        None if !dest.join(&base).exists() => base,
        None => format!("{base}-2"),
        Some(n) => format!("{base}-{}", n.max(1) + 1),
    }
}

/// Orders backup names by age: the time, then the same-second number (none is 1).
fn age_key(name: &str) -> (String, u32) {
    name.rsplit_once('-')
        .filter(|(stamp, _)| stamp.len() > BACKUP_PREFIX.len() && stamp.starts_with(BACKUP_PREFIX))
        .and_then(|(stamp, n)| Some((stamp.to_owned(), n.parse().ok()?)))
        .unwrap_or_else(|| (name.to_owned(), 1))
}

/// The complete backups in `dest`, oldest first.
pub fn list_backups(dest: &Path) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = fs::read_dir(dest)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(BACKUP_PREFIX))
        })
        .collect();
    // The names are UTC times (then a same-second number), so this is age order.
    found.sort_by_key(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .map(age_key)
            .unwrap_or_default()
    });
    Ok(found)
}

/// Removes this caseload's oldest backups beyond `keep` (judged by manifest and key
/// fingerprint, ordered by backup number: another caseload's backups, a folder that only
/// looks like a backup, and a clock set back never change what goes). Each is first
/// renamed out of the list (`.<name>.removing`), so a backup is never left half-deleted
/// among the good ones. One that cannot be moved now (on Windows, a file in it open in
/// another program, such as the practice's own backup tool copying it) stays for the
/// next rotation: the new backup is already complete and verified, so that is no reason
/// to fail it. What a removal leaves (a file held while it was deleted) goes at the next
/// rotation.
fn rotate(dest: &Path, keep: usize, newest: &Path, ours: &[String]) -> Result<Vec<PathBuf>> {
    for entry in fs::read_dir(dest)?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&format!(".{BACKUP_PREFIX}")) && name.ends_with(REMOVING) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    let own = own_backups(dest, ours)?;
    let excess = own.len().saturating_sub(keep.max(1));
    let mut removed = Vec::new();
    for (old, _) in own.into_iter().take(excess) {
        if old != newest && remove_backup(dest, &old) {
            removed.push(old);
        }
    }
    Ok(removed)
}

/// Moves a backup out of the list, then deletes it; false if it could not be moved.
fn remove_backup(dest: &Path, old: &Path) -> bool {
    let Some(name) = old.file_name() else {
        return false;
    };
    let doomed = dest.join(format!(".{}{REMOVING}", name.to_string_lossy()));
    if fs::rename(old, &doomed).is_err() {
        return false;
    }
    let _ = fs::remove_dir_all(&doomed);
    true
}

/// The suffix of a backup folder being removed by rotation.
const REMOVING: &str = ".removing";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_drive_is_reported_with_what_could_be_removed() {
        let usb = tempfile::tempdir().unwrap();
        for name in [
            "waymark-backup-20261101T000000Z",
            "waymark-backup-20261102T000000Z",
        ] {
            let dir = usb.path().join(name);
            fs::create_dir(&dir).unwrap();
            let manifest = BackupManifest {
                format: FORMAT.into(),
                version: 1,
                created_at: "2026-11-01T00:00:00Z".into(),
                schema_version: 1,
                fingerprint: "ours".into(),
                counts: BTreeMap::new(),
                database_sha256: String::new(),
                sequence: 1,
            };
            crate::write_json_atomically(&dir.join(MANIFEST_FILE), &manifest).unwrap();
        }
        let full = Error::Io(std::io::Error::from(std::io::ErrorKind::StorageFull));
        match disk_full_or(full, usb.path(), &["ours".into()]) {
            Error::BackupDiskFull { removable, .. } => assert_eq!(removable, 1),
            other => panic!("not reported as a full drive: {other:?}"),
        }
        let sqlite_full = Error::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        ));
        assert_eq!(
            disk_full_or(sqlite_full, usb.path(), &[]).code(),
            "backup_disk_full"
        );
        let other = Error::Io(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(disk_full_or(other, usb.path(), &[]).code(), "storage");
    }
}
