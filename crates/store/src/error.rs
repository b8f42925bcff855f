//! The store's errors. Each has a stable code the UI branches on, and a message in
//! plain words for practice staff.

use std::path::PathBuf;

use waymark_domain::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "This computer's credential store has no key for the caseload in {data_dir}, so it \
         cannot be opened. Nothing has been changed. If this is a new or reinstalled computer, \
         the key can be restored with the practice's recovery kit."
    )]
    KeyMissing { data_dir: PathBuf },

    #[error(
        "The key in this computer's credential store belongs to a different Waymark database \
         than the one in {data_dir}. Nothing has been changed. Check that the data folder is the \
         right one, or restore the key with the practice's recovery kit."
    )]
    KeyMismatch { data_dir: PathBuf },

    #[error(
        "The key-check file beside the caseload in {data_dir} is missing and the stored key does \
         not open the database, so Waymark cannot tell a wrong key from a damaged file. Nothing \
         has been changed."
    )]
    KeyCheckMissing { data_dir: PathBuf },

    #[error(
        "The caseload database is missing from {data_dir}, although its key check is still \
         there. Waymark will not start an empty caseload in its place. Put the database file \
         back, or restore it from a backup."
    )]
    DatabaseMissing { data_dir: PathBuf },

    #[error(
        "The caseload database is damaged and cannot be read safely ({detail}). Nothing has \
         been changed or deleted. Restore it from a backup."
    )]
    DatabaseDamaged { detail: String },

    #[error(
        "This caseload was saved by a newer version of Waymark (schema {found}; this version \
         knows up to {supported}). Install the newer version to open it."
    )]
    DatabaseTooNew { found: i64, supported: i64 },

    #[error(
        "That is not a recovery code: a recovery code has 32 letters and digits, printed in \
         eight groups of four."
    )]
    RecoveryCodeInvalid,

    #[error("That recovery code does not open this caseload. Check it against the printed recovery kit.")]
    RecoveryCodeWrong,

    #[error(
        "There is no recovery file (waymark.recovery) beside this caseload or in this backup."
    )]
    RecoveryFileMissing,

    #[error("This file cannot be imported: {0} Nothing has been changed.")]
    ImportInvalid(String),

    #[error("Waymark is already set up for this caseload.")]
    AlreadySetUp,

    #[error(
        "This is the only active admin account, so it cannot be disabled: make another \
         admin first. Nothing has been changed."
    )]
    LastAdmin,

    #[error(
        "There is no caseload in {data_dir}. Nothing has been created there: check the folder \
         (WAYMARK_DATA_DIR), or restore a backup into it with waymark-admin restore."
    )]
    NoCaseload { data_dir: PathBuf },

    #[error("That username and passphrase do not match an active account.")]
    SignInFailed,

    #[error(
        "This patient has not agreed to the practice storing their details, so their \
         prescription cannot be printed or saved. Record their consent on their details \
         first (Edit), if they give it."
    )]
    ConsentToStoreMissing,

    #[error(
        "This patient withdrew their consent to social prescribing on {date}, so their \
         prescription cannot be printed or saved."
    )]
    ConsentWithdrawn { date: String },

    #[error(
        "This prescription's referral slips give the patient's name to the provider, and \
         the patient has not agreed to share their details with providers. Print without \
         the slips, or record their consent now if they give it."
    )]
    ConsentToShareNeeded,

    #[error("Too many failed sign-ins: this account is locked for {minutes} more minute(s).")]
    SignInLocked { minutes: i64 },

    #[error(
        "Too many failed sign-ins on this computer: wait {seconds} second(s), then try again. \
         An administrator can sign in with the recovery code at any time."
    )]
    SignInSlowed { seconds: i64 },

    #[error("This backup cannot be used: {0}. Nothing has been changed.")]
    BackupInvalid(String),

    #[error(
        "The drive that holds the backup folder {folder} is full, so no backup was made. \
         {removable} older backup(s) of this caseload there could be removed to make room; \
         nothing else in the folder would be touched."
    )]
    BackupDiskFull { folder: PathBuf, removable: usize },

    #[error("The backup was cancelled. Nothing was left in the backup folder.")]
    BackupCancelled,

    #[error("This computer's credential store could not be used: {0}")]
    CredentialStore(String),

    #[error("Please correct the highlighted fields.")]
    Validation(ValidationErrors),

    #[error("No {entity} with id {id} was found.")]
    NotFound { entity: &'static str, id: i64 },

    #[error(
        "Waymark is using the caseload in {data_dir}: close Waymark (and any other \
         program using that folder) first, then try again. Nothing has been changed."
    )]
    CaseloadInUse { data_dir: PathBuf },

    /// The OS message is part of this text and deliberately not also a `source`, so a
    /// report that prints the chain (`waymark-admin`) says it once.
    #[error("The data folder could not be used: {0}")]
    Io(std::io::Error),

    #[error("The database reported an error: {0}")]
    Sqlite(rusqlite::Error),

    #[error("A stored value could not be read: {0}")]
    Corrupt(String),
}

impl Error {
    /// The stable code the UI branches on; never derived from the message text.
    pub fn code(&self) -> &'static str {
        match self {
            Error::KeyMissing { .. } => "key_missing",
            Error::KeyMismatch { .. } => "key_mismatch",
            Error::KeyCheckMissing { .. } => "key_check_missing",
            Error::DatabaseMissing { .. } => "database_missing",
            Error::DatabaseDamaged { .. } | Error::Corrupt(_) => "database_damaged",
            Error::DatabaseTooNew { .. } => "database_too_new",
            Error::CredentialStore(_) => "credential_store",
            Error::RecoveryCodeInvalid => "recovery_code_invalid",
            Error::RecoveryCodeWrong => "recovery_code_wrong",
            Error::RecoveryFileMissing => "recovery_file_missing",
            Error::BackupInvalid(_) => "backup_invalid",
            Error::BackupDiskFull { .. } => "backup_disk_full",
            Error::BackupCancelled => "backup_cancelled",
            Error::ImportInvalid(_) => "import_invalid",
            Error::SignInFailed => "sign_in_failed",
            Error::ConsentToStoreMissing | Error::ConsentWithdrawn { .. } => "consent_missing",
            Error::ConsentToShareNeeded => "share_consent_needed",
            Error::AlreadySetUp | Error::LastAdmin => "forbidden",
            Error::NoCaseload { .. } => "database_missing",
            Error::SignInLocked { .. } | Error::SignInSlowed { .. } => "sign_in_locked",
            Error::Validation(_) => "validation",
            Error::NotFound { .. } => "not_found",
            Error::CaseloadInUse { .. } => "caseload_in_use",
            Error::Io(_) | Error::Sqlite(_) => "storage",
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        // SQLCipher reports a page whose HMAC fails as corrupt or "not a database":
        // surface that as damage so it is never mistaken for an ordinary failure.
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                Error::DatabaseDamaged {
                    detail: e.to_string(),
                }
            }
            _ => Error::Sqlite(e),
        }
    }
}

impl From<ValidationErrors> for Error {
    fn from(e: ValidationErrors) -> Self {
        Error::Validation(e)
    }
}

impl From<waymark_domain::UnknownValue> for Error {
    fn from(e: waymark_domain::UnknownValue) -> Self {
        Error::Corrupt(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
