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

/// Creates the folder `dir`, private as [`create_dir`] makes it, failing with
/// `AlreadyExists` if anything is there: for a name that must be new.
pub fn create_dir_new(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir(dir)?;
        create_dir(dir)
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

/// Opens `path` for writing, created or emptied, readable and writable by this user
/// only (an existing file made with looser rights is tightened first). On Windows it
/// takes its rights from its private folder.
pub fn create_file_replacing(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
        if path.try_exists()? {
            make_file_private(path)?;
        }
    }
    options.open(path)
}

/// Makes an existing file readable and writable by this user only: 0600 on Unix (where
/// the file system keeps modes); on Windows files take their rights from their folder.
pub fn make_file_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            tolerate(std::fs::set_permissions(
                path,
                std::fs::Permissions::from_mode(mode & 0o700),
            ))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Renames `from` to `to`, replacing what is there, and makes the rename itself
/// durable: on Unix the folder is flushed, so a power cut cannot bring the old name
/// back after the caller has moved on.
pub fn rename_durable(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)?;
    sync_parent(to)
}

/// Renames `from` to `to` only when nothing is at `to` (an `AlreadyExists` error
/// otherwise, and nothing moves), durably as [`rename_durable`]. Atomic where the
/// system offers it (`renameat2(RENAME_NOREPLACE)` on Linux, `renameatx_np(RENAME_EXCL)`
/// on macOS, `MoveFileExW` without replace on Windows); a Unix file system that lacks
/// it (some network shares) falls back to a check just before the rename.
pub fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return sync_parent(to),
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            Err(e) => return Err(e.into()),
        }
    }
    #[cfg(windows)]
    {
        windows::move_no_replace(from, to)?;
        return Ok(());
    }
    #[allow(unreachable_code)]
    {
        if to.try_exists()? {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} already exists", to.display()),
            ));
        }
        rename_durable(from, to)
    }
}

/// Flushes the folder that holds `path`, so renames and new names in it survive a
/// power cut (Unix; Windows' NTFS journals these itself). A file system that cannot
/// flush a folder (some network shares) is not an error: it is as durable as it allows.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        match File::open(parent).and_then(|d| d.sync_all()) {
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(()),
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Reads at most `cap` bytes of the ordinary file at `path`: for files that come from
/// outside (a backup's manifest or recovery file, an imported directory). The cap is on
/// the bytes actually read, not on what the file's metadata claims, and a FIFO, device
/// or folder is refused without blocking on it (opened non-blocking, then checked).
pub fn read_capped(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO opened for reading would wait for a writer; non-blocking, it opens at
        // once and is then refused as not an ordinary file.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    // Windows cannot open a folder as a file at all ("access denied"): say what it is.
    #[cfg(not(unix))]
    if !std::fs::metadata(path)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not an ordinary file", path.display()),
        ));
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not an ordinary file", path.display()),
        ));
    }
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is larger than {cap} bytes", path.display()),
        ));
    }
    Ok(bytes)
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
    fn a_new_name_never_replaces_a_file_or_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, b"new").unwrap();
        std::fs::write(&b, b"kept").unwrap();
        let refused = rename_new(&a, &b).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&b).unwrap(), b"kept");
        assert_eq!(std::fs::read(&a).unwrap(), b"new", "nothing moved");
        let c = dir.path().join("c");
        rename_new(&a, &c).unwrap();
        assert!(!a.exists());
        assert_eq!(std::fs::read(&c).unwrap(), b"new");
        // Folders too: a backup folder is never renamed over another.
        let (d1, d2) = (dir.path().join("d1"), dir.path().join("d2"));
        std::fs::create_dir(&d1).unwrap();
        std::fs::create_dir(&d2).unwrap();
        std::fs::write(d2.join("x"), b"x").unwrap();
        assert_eq!(
            rename_new(&d1, &d2).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert!(d2.join("x").exists());
        rename_durable(&c, &b).unwrap();
        assert_eq!(
            std::fs::read(&b).unwrap(),
            b"new",
            "a durable rename replaces"
        );
    }

    #[test]
    fn capped_reads_stop_at_the_cap_and_refuse_what_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("manifest.json");
        std::fs::write(&small, b"{}").unwrap();
        assert_eq!(read_capped(&small, 2).unwrap(), b"{}");
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 1000]).unwrap();
        assert_eq!(
            read_capped(&big, 999).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        assert_eq!(
            read_capped(dir.path(), 10).unwrap_err().kind(),
            io::ErrorKind::InvalidInput,
            "a folder"
        );
        #[cfg(unix)]
        {
            // /dev/zero claims no size and never ends: only the cap stops it.
            let zero = Path::new("/dev/zero");
            if zero.exists() {
                assert!(read_capped(zero, 1 << 20).is_err());
            }
            // A FIFO with no writer: refused at once, not waited on.
            let fifo = dir.path().join("fifo");
            if std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .is_ok_and(|s| s.success())
            {
                assert_eq!(
                    read_capped(&fifo, 10).unwrap_err().kind(),
                    io::ErrorKind::InvalidInput
                );
            }
        }
    }

    #[test]
    fn replacing_a_file_leaves_it_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("waymark.keycheck");
        std::fs::write(&path, b"old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(!is_private(&path).unwrap());
        }
        use std::io::Write;
        create_file_replacing(&path)
            .unwrap()
            .write_all(b"new")
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        #[cfg(unix)]
        assert!(is_private(&path).unwrap());
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
