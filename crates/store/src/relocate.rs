//! The one-time move of a caseload from where an earlier Waymark kept it. On Windows
//! that was the roaming application data folder (`%APPDATA%`), which a roaming
//! profile copies to a server at every sign-out: the caseload now lives in the local
//! one (`%LOCALAPPDATA%`), never roaming. Elsewhere the two are the same folder and
//! nothing moves.
//!
//! The move renames each entry and resumes where it stopped after a crash: a marker in
//! the new folder says a move is under way (a restore there is refused meanwhile),
//! every other file goes first and the database last, so the database never arrives
//! without its WAL and key files. Printouts are cleared, not moved, as at every start.
//! A folder that already holds any of a caseload's files is never merged into: the old
//! caseload then stays where it is. A first attempt that cannot rename (the roaming
//! folder redirected to another drive, a file held open) puts back what it moved and
//! leaves the caseload in use where it is, to try again at the next start.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::key::{account_for, KeyVault};
use crate::paths::{self, DataPaths, DATABASE_FILE, KEYCHECK_FILE, RECOVERY_FILE};
use crate::print_folder::PrintFolder;

/// Written in the new folder while a move is under way.
const MOVING_MARKER: &str = ".waymark-moving-in";

/// Every file of a caseload, by name in its data folder.
const CASELOAD_FILES: [&str; 5] = [
    DATABASE_FILE,
    "waymark.db-wal",
    "waymark.db-shm",
    KEYCHECK_FILE,
    RECOVERY_FILE,
];

/// What happened to a caseload left in the legacy place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relocation {
    /// No caseload there (or no legacy place on this platform).
    Nothing,
    /// Moved into the new folder, with its key.
    Moved,
    /// The new folder has a caseload of its own: the old one stays where it is,
    /// untouched, for a person to look at.
    BothHaveCaseloads { old: PathBuf },
    /// It could not be moved now (the reason given) and is used where it is.
    Stayed { reason: String },
}

/// The data folder to use, and what happened to a caseload in the legacy place.
#[derive(Debug, Clone)]
pub struct Settled {
    pub dir: PathBuf,
    pub relocation: Relocation,
}

/// The data folder: `WAYMARK_DATA_DIR`, else the platform's, after moving a caseload
/// there from the legacy place (Windows' roaming folder) if it is still there; or the
/// legacy folder itself when that move cannot be made now.
pub fn settled_data_dir(vault: &dyn KeyVault) -> Result<Settled> {
    let dir = paths::data_dir()?;
    let legacy = if paths::data_dir_is_overridden() {
        None
    } else {
        paths::legacy_data_dir()?
    };
    let Some(legacy) = legacy else {
        return Ok(Settled {
            dir,
            relocation: Relocation::Nothing,
        });
    };
    let relocation = relocate(&legacy, &dir, vault)?;
    let dir = if matches!(relocation, Relocation::Stayed { .. }) {
        legacy
    } else {
        dir
    };
    Ok(Settled { dir, relocation })
}

/// Whether a move into `dir` has started and not finished.
pub fn move_unfinished(dir: &Path) -> Result<bool> {
    Ok(dir.join(MOVING_MARKER).try_exists()?)
}

/// Moves the caseload in `old` into `new`, with its key filed again under the new
/// folder's name.
pub fn relocate(old: &Path, new: &Path, vault: &dyn KeyVault) -> Result<Relocation> {
    let from = DataPaths::new(old);
    let marker = new.join(MOVING_MARKER);
    let resuming = marker.try_exists()?;
    if !from.database.try_exists()? {
        if resuming {
            // The database was the last to move: only the marker was left.
            fs::remove_file(&marker)?;
        }
        return Ok(Relocation::Nothing);
    }
    let old_dir = dunce::canonicalize(old)?;
    if new.try_exists()? && dunce::canonicalize(new)? == old_dir {
        return Ok(Relocation::Nothing);
    }
    if !resuming {
        for name in CASELOAD_FILES {
            if new.join(name).try_exists()? {
                return Ok(Relocation::BothHaveCaseloads { old: old_dir });
            }
        }
    }
    waymark_private_fs::create_dir(new)?;
    fs::write(&marker, b"")?;
    let new_dir = dunce::canonicalize(new)?;
    // The credential entry is named after the folder: file the key under the new name
    // before the database arrives there. A build from before `dunce` named it after
    // the `\\?\` form on Windows, so that name is tried too. The old entry stays (it
    // opens nothing once the database has gone). With no key at all the caseload moves
    // anyway and opens with the recovery code, as it would have where it was.
    let spellings = [Some(old_dir.clone()), fs::canonicalize(old).ok()];
    for spelling in spellings.iter().flatten() {
        if let Some(key) = vault.load(&account_for(spelling))? {
            vault.store(&account_for(&new_dir), &key)?;
            break;
        }
    }
    // Printouts wait a day at most and go at every start: cleared, not moved.
    let prints = PrintFolder::new(&old_dir);
    prints.sweep(std::time::Duration::ZERO)?;
    let mut entries: Vec<PathBuf> = fs::read_dir(&old_dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    entries.retain(|p| p.as_path() != prints.path());
    // Everything else first, the database last.
    entries.sort_by_key(|p| p.file_name() == from.database.file_name());
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    for entry in entries {
        let Some(name) = entry.file_name() else {
            continue;
        };
        let target = new_dir.join(name);
        // Already there: moved before an interruption, or the new folder's own (its
        // logs); a caseload file cannot be both places unless resuming (checked above).
        if target.try_exists()? {
            continue;
        }
        // Never over a file that appeared meanwhile, and flushed once moved.
        if let Err(e) = waymark_private_fs::rename_new(&entry, &target) {
            if resuming {
                // Part of the caseload moved in an earlier run: neither folder is
                // whole, so say so rather than open either.
                return Err(e.into());
            }
            for (back, place) in moved.iter().rev() {
                fs::rename(place, back)?;
            }
            fs::remove_file(&marker)?;
            return Ok(Relocation::Stayed {
                reason: e.to_string(),
            });
        }
        moved.push((entry, target));
    }
    fs::remove_file(&marker)?;
    // Empty unless something of the same name was already in the new folder, or a
    // printout is held open; then it stays for a person or the next start.
    let _ = fs::remove_dir(prints.path());
    let _ = fs::remove_dir(&old_dir);
    Ok(Relocation::Moved)
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

    /// A profile folder with a caseload in `old` and nothing yet at `new`.
    fn old_caseload() -> (tempfile::TempDir, PathBuf, PathBuf, CredentialVault) {
        let profile = tempfile::tempdir().unwrap();
        let (old, new) = (profile.path().join("old"), profile.path().join("new"));
        let vault = vault();
        caseload(&old, &vault);
        (profile, old, new, vault)
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

        // A printout waiting in the old folder is cleared, not carried over.
        PrintFolder::new(&old)
            .write("WM-7K2M-9QXD", b"%PDF-1")
            .unwrap();
        assert_eq!(relocate(&old, &new, &vault).unwrap(), Relocation::Moved);
        assert!(!old.exists(), "the old folder is gone once empty");
        assert!(!new.join("prints").exists());
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
        assert_eq!(
            relocate(&old, &new, &vault).unwrap(),
            Relocation::Nothing,
            "once only"
        );
    }

    #[test]
    fn a_folder_with_its_own_caseload_is_never_merged_into() {
        let (_profile, old, new, vault) = old_caseload();
        caseload(&new, &vault);
        let before = fs::read(new.join("waymark.db")).unwrap();
        assert!(matches!(
            relocate(&old, &new, &vault).unwrap(),
            Relocation::BothHaveCaseloads { .. }
        ));
        assert!(
            old.join("waymark.db").exists(),
            "the old caseload stays put"
        );
        assert_eq!(fs::read(new.join("waymark.db")).unwrap(), before);
    }

    #[test]
    fn any_caseload_file_in_the_new_folder_stops_the_move() {
        let (_profile, old, new, vault) = old_caseload();
        // A stray recovery file (or WAL) would meet the moved database.
        fs::create_dir_all(&new).unwrap();
        fs::write(new.join("waymark.recovery"), b"someone else's").unwrap();
        assert!(matches!(
            relocate(&old, &new, &vault).unwrap(),
            Relocation::BothHaveCaseloads { .. }
        ));
        assert!(old.join("waymark.db").exists() && old.join("waymark.recovery").exists());
        assert_eq!(
            fs::read(new.join("waymark.recovery")).unwrap(),
            b"someone else's"
        );
    }

    /// The roaming folder redirected to another drive: rename cannot cross it. Here
    /// the other drive is /dev/shm, a tmpfs, beside the disk the temporary folder is on.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_move_that_cannot_be_made_leaves_the_caseload_whole_where_it_was() {
        use std::os::unix::fs::MetadataExt;
        let names = |d: &Path| {
            let mut n: Vec<_> = fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            n.sort();
            n
        };
        let elsewhere = tempfile::tempdir_in("/dev/shm").unwrap();
        let local = tempfile::tempdir().unwrap();
        assert_ne!(
            fs::metadata(elsewhere.path()).unwrap().dev(),
            fs::metadata(local.path()).unwrap().dev(),
            "the test needs two file systems"
        );
        let (old, new) = (elsewhere.path().join("old"), local.path().join("new"));
        let vault = vault();
        caseload(&old, &vault);
        let before = names(&old);
        let outcome = relocate(&old, &new, &vault).unwrap();
        assert!(matches!(outcome, Relocation::Stayed { .. }), "{outcome:?}");
        assert_eq!(names(&old), before, "all put back");
        assert!(!move_unfinished(&new).unwrap());
        Database::open(&old, &vault).expect("still opens where it is");
    }

    #[test]
    fn an_interrupted_move_resumes_and_the_database_moves_last() {
        let (_profile, old, new, vault) = old_caseload();
        // Stopped after the key check and recovery file had moved, before the database.
        fs::create_dir_all(&new).unwrap();
        fs::write(new.join(MOVING_MARKER), b"").unwrap();
        for f in ["waymark.keycheck", "waymark.recovery"] {
            fs::rename(old.join(f), new.join(f)).unwrap();
        }
        assert!(
            move_unfinished(&new).unwrap(),
            "a restore there is refused meanwhile"
        );
        assert_eq!(
            relocate(&old, &new, &vault).unwrap(),
            Relocation::Moved,
            "resumed"
        );
        assert!(!old.exists());
        Database::open(&new, &vault).expect("complete in the new folder");
    }

    #[test]
    fn nothing_to_move_changes_nothing() {
        let profile = tempfile::tempdir().unwrap();
        let (old, new) = (profile.path().join("old"), profile.path().join("new"));
        assert_eq!(relocate(&old, &new, &vault()).unwrap(), Relocation::Nothing);
        assert!(!new.exists(), "no folder is made for nothing");
    }
}
