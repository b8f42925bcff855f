//! The app's state: the data folder and the caseload database, or why it did not open.

use std::path::PathBuf;
use std::sync::Mutex;

use waymark_store::{paths, CredentialVault, Database};

use crate::error::{ApiError, ErrorCode};

#[derive(Debug)]
pub struct AppState {
    data_dir: PathBuf,
    /// The open database, or the error that stopped it opening. An error is kept and
    /// reported, never "fixed" by creating a new database.
    db: Mutex<Result<Database, ApiError>>,
}

impl AppState {
    /// Opens the caseload in the data folder (`WAYMARK_DATA_DIR` or the platform's),
    /// creating it only when the folder holds none.
    pub fn open() -> Self {
        let data_dir = match paths::data_dir() {
            Ok(d) => d,
            Err(e) => {
                return Self {
                    data_dir: PathBuf::new(),
                    db: Mutex::new(Err(e.into())),
                }
            }
        };
        // The credential store's clients may drive their own async runtime; a plain
        // thread keeps them clear of Tauri's.
        let dir = data_dir.clone();
        let opened = std::thread::spawn(move || {
            let vault = CredentialVault::platform()?;
            Database::open(&dir, &vault)
        })
        .join()
        .unwrap_or_else(|_| {
            Err(waymark_store::Error::Io(std::io::Error::other(
                "opening the caseload stopped unexpectedly",
            )))
        });
        Self {
            data_dir,
            db: Mutex::new(opened.map_err(ApiError::from)),
        }
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

    /// Runs `f` on the open database; every command goes through here.
    pub fn with_db<T>(
        &self,
        f: impl FnOnce(&Database) -> waymark_store::Result<T>,
    ) -> Result<T, ApiError> {
        match &*self.lock() {
            Ok(db) => f(db).map_err(ApiError::from),
            Err(e) => Err(ApiError::new(ErrorCode::NotReady, e.message.clone())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Result<Database, ApiError>> {
        // A panic while holding the lock cannot leave the connection half-written:
        // every write is one SQLite transaction, rolled back if not committed.
        self.db
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
