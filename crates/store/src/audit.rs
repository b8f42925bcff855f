//! The audit log: every read and write of a patient record appends a row naming the
//! action, the record by id, the staff member and the time. Never any patient data.

use rusqlite::Connection;

use crate::db::Database;
use crate::error::Result;

/// What was done to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    View,
    List,
    Create,
    Update,
    Archive,
    Restore,
    Print,
    Export,
    SignIn,
    SignInFailed,
    SignOut,
    Admin,
}

waymark_domain::string_enum!(AuditAction {
    View => "view",
    List => "list",
    Create => "create",
    Update => "update",
    Archive => "archive",
    Restore => "restore",
    Print => "print",
    Export => "export",
    SignIn => "sign_in",
    SignInFailed => "sign_in_failed",
    SignOut => "sign_out",
    Admin => "admin",
});

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub staff_id: Option<i64>,
    pub action: AuditAction,
    pub entity: String,
    pub record_id: Option<i64>,
    pub patient_id: Option<i64>,
}

/// Appends a row; callers run it in the same transaction as the access it records.
pub(crate) fn record(
    conn: &Connection,
    staff_id: Option<i64>,
    action: AuditAction,
    entity: &'static str,
    record_id: Option<i64>,
    patient_id: Option<i64>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, staff_id, action, entity, record_id, patient_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            crate::now(),
            staff_id,
            action.as_str(),
            entity,
            record_id,
            patient_id
        ],
    )?;
    Ok(())
}

impl Database {
    /// The newest `limit` audit rows, newest first.
    pub fn audit_entries(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, staff_id, action, entity, record_id, patient_id
             FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, staff_id, action, entity, record_id, patient_id) = row?;
            out.push(AuditEntry {
                id,
                at,
                staff_id,
                action: action.parse()?,
                entity,
                record_id,
                patient_id,
            });
        }
        Ok(out)
    }
}
