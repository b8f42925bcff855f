//! Folders and files that only the signed-in OS user can open. The caseload's data
//! folder and the print folder hold what must not be read by another account on a
//! shared practice computer: on Unix they are 0700 and their files 0600; on Windows
//! the folder gets a protected DACL (no inherited entries) with one entry, full
//! control for the current user, inherited by everything created inside it, which is
//! what `icacls <folder> /inheritance:r /grant:r <user>:(OI)(CI)F` would set.

use std::fs::File;
use std::io;
use std::path::Path;

#[cfg(windows)]
mod windows;

/// Creates `dir` (and its parents) if needed and makes it private to this user; an
/// existing folder made with looser rights is tightened, along with what it holds on
/// Windows (the new DACL is inherited by its files). Where the file system keeps no
/// rights or this user may not change them (a FAT-formatted drive, a network share, a
/// folder another account owns, chosen with `WAYMARK_DATA_DIR`), the folder is used as
/// it is rather than refused: it is as private as that drive allows.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        tolerate(std::fs::set_permissions(
            dir,
            std::fs::Permissions::from_mode(0o700),
        ))
    }
    #[cfg(windows)]
    {
        std::fs::create_dir_all(dir)?;
        tolerate(windows::make_private(dir))
    }
    #[cfg(not(any(unix, windows)))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// A drive that keeps no rights, or rights this user may not change, is not an error.
fn tolerate(tightened: io::Result<()>) -> io::Result<()> {
    match tightened {
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::PermissionDenied | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Creates a new file (never replacing one) readable and writable by this user only.
/// On Windows it takes its rights from its private folder.
pub fn create_file(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Whether only this user can open `path`: mode 0700 or 0600 (no group or other bits)
/// on Unix; on Windows a protected DACL whose every entry is for the current user.
pub fn is_private(path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o077 == 0)
    }
    #[cfg(windows)]
    {
        windows::is_private(path)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = path;
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Wine is not faithful here: its SetNamedSecurityInfoW ignores "protected" and
    /// merges the parent's entries, and on a Linux file system without its extended
    /// attributes it keeps only Unix mode bits and reads back a DACL made from them. So
    /// the read-back checks run on Unix and real Windows; under Wine (`cargo xtask
    /// test` sets this) the descriptor itself is checked instead (`windows::tests`).
    pub(crate) fn under_wine() -> bool {
        cfg!(windows) && std::env::var_os("WAYMARK_UNDER_WINE").is_some()
    }

    #[test]
    fn a_new_folder_and_its_files_are_private() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("Zoë Ó Briain").join("data");
        create_dir(&dir).unwrap();
        let file = dir.join("printout.pdf");
        create_file(&file).unwrap();
        let again = create_file(&file).unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists, "never replaces");
        if !under_wine() {
            assert!(is_private(&dir).unwrap());
            assert!(is_private(&file).unwrap());
        }
    }

    #[test]
    fn an_existing_open_folder_is_tightened() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("old");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("waymark.db"), b"x").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // A folder made the ordinary way inherits its parent's rights: not private.
        assert!(!is_private(&dir).unwrap());
        create_dir(&dir).unwrap();
        if under_wine() {
            return;
        }
        assert!(is_private(&dir).unwrap());
        #[cfg(windows)]
        assert!(
            is_private(&dir.join("waymark.db")).unwrap(),
            "the files already inside take the folder's new rights"
        );
    }
}
