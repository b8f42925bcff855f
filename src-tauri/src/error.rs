//! The error every command returns, serialised as `{ code, message, fields }` so the UI
//! branches on `code` and shows `message` and the per-field messages as they are.

use serde::Serialize;
use ts_rs::TS;
use waymark_store::Error as StoreError;

/// What went wrong, as a stable code the UI can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    Validation,
    NotFound,
    NotReady,
    KeyMissing,
    KeyMismatch,
    KeyCheckMissing,
    DatabaseMissing,
    DatabaseDamaged,
    DatabaseTooNew,
    CredentialStore,
    RecoveryCodeInvalid,
    RecoveryCodeWrong,
    RecoveryFileMissing,
    BackupInvalid,
    /// The backup folder's drive is full; this caseload's oldest backups there could go.
    BackupDiskFull,
    /// The admin stopped a backup; nothing was left behind.
    BackupCancelled,
    /// Another Waymark (or program) holds the caseload's files.
    CaseloadInUse,
    ImportInvalid,
    /// A directory feed could not be read (network, server, or what it sent).
    FeedFailed,
    /// The user stopped reading a feed; nothing was changed.
    FeedCancelled,
    /// A printout would show some characters as empty boxes; the user decides.
    MissingGlyphs,
    /// The patient has not agreed to their details being stored: nothing leaves the
    /// practice for them.
    ConsentMissing,
    /// Referral slips would name a patient who has not agreed to share their details
    /// with providers; the user decides (print without them, or record consent).
    ShareConsentNeeded,
    SignInFailed,
    SignInLocked,
    NotSignedIn,
    Locked,
    Forbidden,
    Storage,
    Internal,
}

/// One field's problem, keyed by the input's camelCase field name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

impl ErrorCode {
    /// The code as the UI sees it (`key_missing` …), for logs and diagnostics.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::KeyMissing { .. } => ErrorCode::KeyMissing,
            StoreError::KeyMismatch { .. } => ErrorCode::KeyMismatch,
            StoreError::KeyCheckMissing { .. } => ErrorCode::KeyCheckMissing,
            StoreError::DatabaseMissing { .. } => ErrorCode::DatabaseMissing,
            StoreError::DatabaseDamaged { .. } | StoreError::Corrupt(_) => {
                ErrorCode::DatabaseDamaged
            }
            StoreError::DatabaseTooNew { .. } => ErrorCode::DatabaseTooNew,
            StoreError::CredentialStore(_) => ErrorCode::CredentialStore,
            StoreError::RecoveryCodeInvalid => ErrorCode::RecoveryCodeInvalid,
            StoreError::RecoveryCodeWrong => ErrorCode::RecoveryCodeWrong,
            StoreError::RecoveryFileMissing => ErrorCode::RecoveryFileMissing,
            StoreError::BackupInvalid(_) => ErrorCode::BackupInvalid,
            StoreError::BackupDiskFull { .. } => ErrorCode::BackupDiskFull,
            StoreError::BackupCancelled => ErrorCode::BackupCancelled,
            StoreError::CaseloadInUse { .. } => ErrorCode::CaseloadInUse,
            StoreError::ImportInvalid(_) => ErrorCode::ImportInvalid,
            StoreError::SignInFailed => ErrorCode::SignInFailed,
            StoreError::ConsentToStoreMissing | StoreError::ConsentWithdrawn { .. } => {
                ErrorCode::ConsentMissing
            }
            StoreError::ConsentToShareNeeded => ErrorCode::ShareConsentNeeded,
            StoreError::AlreadySetUp | StoreError::LastAdmin => ErrorCode::Forbidden,
            StoreError::NoCaseload { .. } => ErrorCode::DatabaseMissing,
            StoreError::SignInLocked { .. } | StoreError::SignInSlowed { .. } => {
                ErrorCode::SignInLocked
            }
            StoreError::Validation(_) => ErrorCode::Validation,
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Io(_) | StoreError::Sqlite(_) => ErrorCode::Storage,
        };
        let fields = match &e {
            StoreError::Validation(v) => {
                v.0.iter()
                    .map(|f| FieldError {
                        field: f.field.to_owned(),
                        message: f.message.clone(),
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        // The log names the kind of failure only: a message can quote what was typed.
        if !matches!(code, ErrorCode::Validation | ErrorCode::NotFound) {
            tracing::warn!(code = %code.name(), "a request failed");
        }
        Self {
            code,
            message: e.to_string(),
            fields,
        }
    }
}

impl ApiError {
    /// Renames validation fields, for forms whose fields are named differently from the
    /// domain's (the setup form's `adminName` is the staff rules' `displayName`).
    pub fn rename_fields(mut self, names: &[(&str, &str)]) -> Self {
        for f in &mut self.fields {
            if let Some((_, to)) = names.iter().find(|(from, _)| *from == f.field) {
                f.field = (*to).to_owned();
            }
        }
        self
    }
}

impl From<waymark_domain::ValidationErrors> for ApiError {
    fn from(e: waymark_domain::ValidationErrors) -> Self {
        StoreError::Validation(e).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_message_fields() {
        let mut v = waymark_domain::ValidationErrors::default();
        v.push("givenName", "Enter the given name.");
        let json = serde_json::to_value(ApiError::from(v)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "validation",
                "message": "Please correct the highlighted fields.",
                "fields": [{ "field": "givenName", "message": "Enter the given name." }]
            })
        );
    }

    #[test]
    fn store_codes_match_the_ui_codes() {
        let cases = [
            StoreError::KeyMissing {
                data_dir: "/d".into(),
            },
            StoreError::KeyMismatch {
                data_dir: "/d".into(),
            },
            StoreError::KeyCheckMissing {
                data_dir: "/d".into(),
            },
            StoreError::DatabaseMissing {
                data_dir: "/d".into(),
            },
            StoreError::DatabaseDamaged { detail: "x".into() },
            StoreError::DatabaseTooNew {
                found: 9,
                supported: 1,
            },
            StoreError::CredentialStore("x".into()),
            StoreError::RecoveryCodeInvalid,
            StoreError::RecoveryCodeWrong,
            StoreError::RecoveryFileMissing,
            StoreError::BackupInvalid("x".into()),
            StoreError::BackupDiskFull {
                folder: "/b".into(),
                removable: 2,
            },
            StoreError::BackupCancelled,
            StoreError::ImportInvalid("x".into()),
            StoreError::SignInFailed,
            StoreError::SignInLocked { minutes: 1 },
            StoreError::SignInSlowed { seconds: 2 },
            StoreError::AlreadySetUp,
            StoreError::LastAdmin,
            StoreError::NoCaseload {
                data_dir: "/d".into(),
            },
            StoreError::NotFound {
                entity: "patient",
                id: 1,
            },
        ];
        for e in cases {
            let store_code = e.code();
            let api = ApiError::from(e);
            let json = serde_json::to_value(api.code).unwrap();
            assert_eq!(json, store_code, "store and IPC codes agree");
        }
    }
}
