//! Where Waymark keeps its data: the platform's app data folder, or `WAYMARK_DATA_DIR`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The environment variable that moves the data folder (tests, the end-to-end run, a
/// practice that keeps its caseload on another drive).
pub const DATA_DIR_ENV: &str = "WAYMARK_DATA_DIR";
/// Same identifier as the app's `tauri.conf.json`, so the shell and the admin tool agree.
pub const APP_IDENTIFIER: &str = "org.waymark.app";

pub const DATABASE_FILE: &str = "waymark.db";
pub const KEYCHECK_FILE: &str = "waymark.keycheck";
pub const RECOVERY_FILE: &str = "waymark.recovery";

/// The data folder: `WAYMARK_DATA_DIR` when set and not empty, else the platform's
/// local application data folder (`~/.local/share/org.waymark.app`,
/// `~/Library/Application Support/org.waymark.app`, `%LOCALAPPDATA%\org.waymark.app`).
/// Never Windows' roaming folder: a roaming profile would copy the caseload to a server
/// at every sign-out. `relocate::settled_data_dir` also moves an older caseload here.
pub fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = overridden() {
        return Ok(dir);
    }
    Ok(base_dirs()?.data_local_dir().join(APP_IDENTIFIER))
}

/// Whether `WAYMARK_DATA_DIR` chooses the folder.
pub fn data_dir_is_overridden() -> bool {
    overridden().is_some()
}

/// Where Waymark 0.1 kept the caseload when that differs from [`data_dir`]: Windows'
/// roaming folder (`%APPDATA%\org.waymark.app`). Elsewhere local and roaming are one.
pub fn legacy_data_dir() -> Result<Option<PathBuf>> {
    let base = base_dirs()?;
    let (roaming, local) = (base.data_dir(), base.data_local_dir());
    Ok((roaming != local).then(|| roaming.join(APP_IDENTIFIER)))
}

fn overridden() -> Option<PathBuf> {
    std::env::var_os(DATA_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

fn base_dirs() -> Result<directories::BaseDirs> {
    directories::BaseDirs::new()
        .ok_or_else(|| Error::Io(std::io::Error::other("this system has no home folder")))
}

/// The files of one caseload inside its data folder.
#[derive(Debug, Clone)]
pub struct DataPaths {
    pub dir: PathBuf,
    pub database: PathBuf,
    pub keycheck: PathBuf,
    /// The key wrapped by the recovery code (see `recovery`).
    pub recovery: PathBuf,
}

impl DataPaths {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            database: dir.join(DATABASE_FILE),
            keycheck: dir.join(KEYCHECK_FILE),
            recovery: dir.join(RECOVERY_FILE),
        }
    }

    /// Where a brand-new database is built before it is renamed into place, so that
    /// `database` only ever exists fully initialised.
    pub fn database_in_progress(&self) -> PathBuf {
        self.dir.join(format!("{DATABASE_FILE}.new"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_caseload_lives_in_the_local_folder_and_only_windows_has_a_legacy_one() {
        if data_dir_is_overridden() {
            return; // a developer's WAYMARK_DATA_DIR: nothing platform-chosen to check
        }
        let dir = data_dir().unwrap();
        assert!(dir.ends_with(APP_IDENTIFIER));
        let legacy = legacy_data_dir().unwrap();
        if cfg!(windows) {
            // Never %APPDATA%, which a roaming profile copies to a server.
            let local = std::env::var_os("LOCALAPPDATA").unwrap();
            let roaming = std::env::var_os("APPDATA").unwrap();
            assert!(dir.starts_with(&local), "{}", dir.display());
            assert_eq!(legacy, Some(Path::new(&roaming).join(APP_IDENTIFIER)));
        } else {
            assert_eq!(legacy, None, "local and roaming are one folder here");
        }
    }
}
