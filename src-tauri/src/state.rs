//! The app's state: the data folder and the caseload database, or why it did not open.

use std::path::PathBuf;
use std::sync::Mutex;

use waymark_domain::Role;
use waymark_store::staff::Staff;
use waymark_store::{paths, CredentialVault, Database};

use crate::error::{ApiError, ErrorCode};

#[derive(Debug)]
pub struct AppState {
    data_dir: PathBuf,
    /// The open database, or the error that stopped it opening. An error is kept and
    /// reported, never "fixed" by creating a new database.
    db: Mutex<Result<Database, ApiError>>,
    /// Who is signed in, and whether the screen is locked. Always locked after `db`.
    session: Mutex<Option<Session>>,
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
        let data_dir = match paths::data_dir() {
            Ok(d) => d,
            Err(e) => {
                return Self {
                    data_dir: PathBuf::new(),
                    db: Mutex::new(Err(e.into())),
                    session: Mutex::new(None),
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
            session: Mutex::new(None),
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
    pub fn with_staff_db<T>(
        &self,
        f: impl FnOnce(&Database) -> waymark_store::Result<T>,
    ) -> Result<T, ApiError> {
        self.with_db(|db, session| {
            signed_in(session)?;
            f(db).map_err(ApiError::from)
        })
    }

    /// Like [`Self::with_staff_db`], for admins only.
    pub fn with_admin_db<T>(
        &self,
        f: impl FnOnce(&Database) -> waymark_store::Result<T>,
    ) -> Result<T, ApiError> {
        self.with_db(|db, session| {
            if signed_in(session)?.role != Role::Admin {
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
        }
    }

    fn code(r: Result<u64, ApiError>) -> Option<ErrorCode> {
        r.err().map(|e| e.code)
    }

    #[test]
    fn patient_work_needs_a_signed_in_unlocked_session_and_admin_work_an_admin() {
        let dir = tempfile::tempdir().unwrap();
        let vault = CredentialVault::new(keyring_core::mock::Store::new().unwrap());
        let db = Database::open(dir.path(), &vault).unwrap();
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
        let state = state_with(db);
        let count =
            || state.with_staff_db(|db| db.patients().list(&Default::default()).map(|p| p.total));
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
}
