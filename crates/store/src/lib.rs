//! Waymark's encrypted caseload store.
//!
//! This crate owns everything that touches the practice's data on disk: the SQLCipher
//! database, its key in the OS credential store, the key-check file, the schema
//! migrations and one repository module per table. Nothing else in Waymark writes SQL
//! or opens the database file; nothing here knows about Tauri, IPC or the UI.
//!
//! No patient data reaches disk in plain text: the database and its WAL are encrypted
//! by SQLCipher, temporary tables live in memory, the key-check file holds only a
//! fingerprint of the key, and audit rows name records by id only.

pub mod audit;
pub mod backup;
pub mod backup_settings;
#[cfg(feature = "bench")]
pub mod bench_seed;
pub mod caseload;
pub mod contacts;
pub mod db;
pub mod directory;
pub mod directory_export;
pub mod directory_file;
mod directory_import;
pub mod error;
pub mod export;
pub mod key;
pub mod keycheck;
pub mod lock;
pub mod message_back;
pub mod migrations;
pub mod outcomes;
pub mod paths;
pub mod patients;
pub mod plan;
pub mod practice;
pub mod prescriptions;
pub mod print_folder;
pub mod recovery;
pub mod referrals;
pub mod relocate;
pub mod reports;
pub mod staff;

pub use audit::{AuditAction, AuditEntry, AuditFilter, AuditRow};
pub use caseload::PatientRecord;
pub use db::Database;
pub use error::{Error, Result};
pub use key::{CredentialVault, DbKey, KeyVault};
pub use patients::{EpisodeFilter, Patient, PatientPage, PatientQuery, PatientSummary};
pub use referrals::{Referral, StatusEvent};

/// The current time as stored: UTC, RFC 3339, whole seconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Dates are stored as ISO 8601 text.
pub(crate) fn date_text(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_date(s: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::Corrupt(format!("{s:?} is not a stored date")))
}

/// A nullable date column.
pub(crate) fn parse_optional_date(s: Option<String>) -> Result<Option<chrono::NaiveDate>> {
    s.as_deref().map(parse_date).transpose()
}

/// Fails with `NotFound` unless the table behind `entity` has a row `id`. The table
/// name comes from this fixed list, never from input.
pub(crate) fn ensure_exists(
    conn: &rusqlite::Connection,
    entity: &'static str,
    id: i64,
) -> Result<()> {
    let table = match entity {
        "patient" => "patients",
        "referral" => "referrals",
        "service" => "services",
        "goal" => "goals",
        "prescription" => "prescriptions",
        _ => return Err(Error::Corrupt(format!("no table for {entity}"))),
    };
    let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
    rusqlite::OptionalExtension::optional(conn.query_row(&sql, [id], |_| Ok(())))?
        .ok_or(Error::NotFound { entity, id })
}

/// Writes `value` as JSON to `path` through a synced temporary file renamed into place,
/// so a crash leaves either the old file or the new one, never half of one.
pub(crate) fn write_json_atomically(
    path: &std::path::Path,
    value: &impl serde::Serialize,
) -> Result<()> {
    use std::io::Write;
    let text =
        serde_json::to_string_pretty(value).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    {
        let mut f = waymark_private_fs::create_file_replacing(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    waymark_private_fs::rename_durable(&tmp, path)?;
    Ok(())
}
