//! One process owns a caseload at a time: an OS advisory lock on `waymark.lock` in the
//! data folder, held for as long as the database is open (by the app and by
//! `waymark-admin`) and for the whole of a restore. A second opener is refused with
//! `CaseloadInUse`, naming the folder, before it reads or writes anything.
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows): it
//! goes with the process, so a crash never leaves a stale lock behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};

pub const LOCK_FILE: &str = "waymark.lock";

/// The held lock; cloned between the attempts of one open, released when the last
/// clone drops.
#[derive(Debug, Clone)]
pub(crate) struct CaseloadLock(#[allow(dead_code)] Arc<File>);

impl CaseloadLock {
    /// Takes the lock on the caseload in `dir`, or says another process has it.
    pub(crate) fn acquire(dir: &Path) -> Result<Self> {
        let path = dir.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Self(Arc::new(file))),
            Err(TryLockError::WouldBlock) => Err(Error::CaseloadInUse {
                data_dir: dir.to_path_buf(),
            }),
            // A file system without locks (some network shares) cannot keep a second
            // process out; the caseload is as guarded as that drive allows.
            Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                Ok(Self(Arc::new(file)))
            }
            Err(TryLockError::Error(e)) => Err(e.into()),
        }
    }
}
