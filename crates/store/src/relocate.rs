//! The one-time move of a caseload from where an earlier Waymark kept it. On Windows
//! that was the roaming application data folder (`%APPDATA%`), which a roaming
//! profile copies to a server at every sign-out: the caseload now lives in the local
//! one (`%LOCALAPPDATA%`), never roaming. Elsewhere the two are the same folder and
//! nothing moves.
//!
//! The move is a rename of each entry (same volume: both folders are in the user's
//! profile) and resumes where it stopped after a crash: a marker in the new folder says
//! a move is under way, every other file goes first and the database last, so the
//! database never arrives without its WAL and key files. A folder that already holds a
//! caseload is never merged into or replaced: the old one then stays where it is.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::key::{account_for, KeyVault};
use crate::paths::{self, DataPaths};

/// Written in the new folder while a move is under way.
const MOVING_MARKER: &str = ".waymark-moving-in";

/// The data folder to use: `WAYMARK_DATA_DIR`, else the platform's, after moving a
/// caseload there from the legacy place (Windows' roaming folder) if it is still there.
pub fn settled_data_dir(vault: &dyn KeyVault) -> Result<PathBuf> {
    let dir = paths::data_dir()?;
    if !paths::data_dir_is_overridden() {
        if let Some(legacy) = paths::legacy_data_dir()? {
            relocate(&legacy, &dir, vault)?;
        }
    }
    Ok(dir)
}

/// Moves the caseload in `old` into `new`, with its key filed again under the new
/// folder's name. Returns whether anything moved. Does nothing when `old` holds no
/// database, or when `new` already holds a caseload of its own.
pub fn relocate(old: &Path, new: &Path, vault: &dyn KeyVault) -> Result<bool> {
    let from = DataPaths::new(old);
    let to = DataPaths::new(new);
    let marker = new.join(MOVING_MARKER);
    let resuming = marker.try_exists()?;
    if !from.database.try_exists()? {
        if resuming {
            // The database was the last to move: only the marker was left.
            fs::remove_file(&marker)?;
        }
        return Ok(false);
    }
    if !resuming && (to.database.try_exists()? || to.keycheck.try_exists()?) {
        return Ok(false);
    }
    waymark_private_fs::create_dir(new)?;
    fs::write(&marker, b"")?;
    let old_dir = dunce::canonicalize(old)?;
    let new_dir = dunce::canonicalize(new)?;
    // The credential entry is named after the folder: file the key under the new name
    // before the database arrives there. The old entry stays (it opens nothing once
    // the database has gone).
    if let Some(key) = vault.load(&account_for(&old_dir))? {
        vault.store(&account_for(&new_dir), &key)?;
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(&old_dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    // Everything else first, the database last.
    entries.sort_by_key(|p| p.file_name() == from.database.file_name());
    for entry in entries {
        let Some(name) = entry.file_name() else {
            continue;
        };
        let target = new_dir.join(name);
        // Already there: moved before an interruption (or the new folder's own logs).
        if !target.try_exists()? {
            fs::rename(&entry, &target)?;
        }
    }
    fs::remove_file(&marker)?;
    // Empty unless something of the same name was already in the new folder; then it
    // stays for a person to look at.
    let _ = fs::remove_dir(&old_dir);
    Ok(true)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::{CredentialVault, Database};

    fn vault() -> CredentialVault {
        CredentialVault::new(keyring_core::mock::Store::new().unwrap())
    }

    fn caseload(dir: &Path, vault: &CredentialVault) -> i64 {
        let db = Database::open(dir, vault).unwrap();
        db.issue_recovery_code().unwrap();
        db.conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_caseload_moves_with_its_key_next_to_what_the_new_folder_holds() {
        let profile = tempfile::tempdir().unwrap();
        let (old, new) = (
            profile.path().join("Roaming/org.waymark.app"),
            profile.path().join("Local/org.waymark.app"),
        );
        let vault = vault();
        let migrations = caseload(&old, &vault);
        // The app's logs are already in the local folder.
        fs::create_dir_all(new.join("logs")).unwrap();
        fs::write(new.join("logs/waymark.log"), "started").unwrap();

        assert!(relocate(&old, &new, &vault).unwrap());
        assert!(!old.exists(), "the old folder is gone once empty");
        assert_eq!(
            fs::read_to_string(new.join("logs/waymark.log")).unwrap(),
            "started"
        );
        assert!(new.join("waymark.recovery").exists());
        assert!(!new.join(MOVING_MARKER).exists());
        let db = Database::open(&new, &vault).expect("opens with the key filed anew");
        let n: i64 = db
            .conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, migrations);
        assert!(!relocate(&old, &new, &vault).unwrap(), "once only");
    }

    #[test]
    fn a_folder_with_its_own_caseload_is_never_merged_into() {
        let profile = tempfile::tempdir().unwrap();
        let (old, new) = (profile.path().join("old"), profile.path().join("new"));
        let vault = vault();
        caseload(&old, &vault);
        caseload(&new, &vault);
        let before = fs::read(new.join("waymark.db")).unwrap();
        assert!(!relocate(&old, &new, &vault).unwrap());
        assert!(
            old.join("waymark.db").exists(),
            "the old caseload stays put"
        );
        assert_eq!(fs::read(new.join("waymark.db")).unwrap(), before);
    }

    #[test]
    fn an_interrupted_move_resumes_and_the_database_moves_last() {
        let profile = tempfile::tempdir().unwrap();
        let (old, new) = (profile.path().join("old"), profile.path().join("new"));
        let vault = vault();
        caseload(&old, &vault);
        // Stopped after the key check and recovery file had moved, before the database.
        fs::create_dir_all(&new).unwrap();
        fs::write(new.join(MOVING_MARKER), b"").unwrap();
        for f in ["waymark.keycheck", "waymark.recovery"] {
            fs::rename(old.join(f), new.join(f)).unwrap();
        }
        assert!(relocate(&old, &new, &vault).unwrap(), "resumed");
        assert!(!old.exists());
        Database::open(&new, &vault).expect("complete in the new folder");
    }

    #[test]
    fn nothing_to_move_changes_nothing() {
        let profile = tempfile::tempdir().unwrap();
        let (old, new) = (profile.path().join("old"), profile.path().join("new"));
        assert!(!relocate(&old, &new, &vault()).unwrap());
        assert!(!new.exists(), "no folder is made for nothing");
    }
}
