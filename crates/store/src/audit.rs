//! The audit log: every read and write of a patient record appends a row naming the
//! action, the record by id, the staff member and the time. Never any patient data.

use rusqlite::Connection;

use crate::db::Database;
use crate::error::Result;

pub use waymark_domain::AuditAction;

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

/// Which audit rows to show; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub staff_id: Option<i64>,
    pub patient_id: Option<i64>,
    pub from: Option<chrono::NaiveDate>,
    /// Inclusive: the whole of this day.
    pub to: Option<chrono::NaiveDate>,
    pub limit: u32,
    pub offset: u32,
}

/// An audit row with the staff member's name, for the admin's log view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub entry: AuditEntry,
    pub staff_name: Option<String>,
}

impl Database {
    /// The audit rows matching `filter`, newest first, with the total across pages.
    pub fn audit_query(&self, filter: &AuditFilter) -> Result<(Vec<AuditRow>, u64)> {
        use rusqlite::types::Value;
        let mut clauses = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let mut push = |clause: &str, v: Value| {
            args.push(v);
            clauses.push(clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(s) = filter.staff_id {
            push("a.staff_id = ?", Value::Integer(s));
        }
        if let Some(p) = filter.patient_id {
            push("a.patient_id = ?", Value::Integer(p));
        }
        if let Some(d) = filter.from {
            push("a.at >= ?", Value::Text(crate::date_text(d)));
        }
        if let Some(d) = filter.to.and_then(|d| d.succ_opt()) {
            push("a.at < ?", Value::Text(crate::date_text(d)));
        }
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM audit_log a {filter_sql}"),
            rusqlite::params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        args.push(Value::Integer(i64::from(filter.limit.clamp(1, 1000))));
        args.push(Value::Integer(i64::from(filter.offset)));
        let n = args.len();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT a.id, a.at, a.staff_id, a.action, a.entity, a.record_id, a.patient_id, s.display_name
             FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id {filter_sql}
             ORDER BY a.id DESC LIMIT ?{} OFFSET ?{}",
            n - 1,
            n
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(AuditRow {
                entry: AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    staff_id: r.get(2)?,
                    action: r.get::<_, String>(3)?.parse()?,
                    entity: r.get(4)?,
                    record_id: r.get(5)?,
                    patient_id: r.get(6)?,
                },
                staff_name: r.get(7)?,
            });
        }
        Ok((out, u64::try_from(total).unwrap_or_default()))
    }
}

impl Database {
    /// Writes every audit row matching `filter` (its paging ignored) to `path` as CSV,
    /// newest first, and records the export itself. Rows name staff and records by id
    /// (and staff by name), never patient details. Returns how many rows were written.
    pub fn audit_export_csv(&self, filter: &AuditFilter, path: &std::path::Path) -> Result<u64> {
        const PAGE: u32 = 1000;
        // One read transaction: the pages are one snapshot of the log.
        let tx = self.conn.unchecked_transaction()?;
        let mut written = 0u64;
        crate::export::write_csv_file(path, |w| {
            w.write_record([
                "time_utc",
                "staff_id",
                "staff_name",
                "action",
                "record_type",
                "record_id",
                "patient_id",
            ])?;
            let mut page = AuditFilter {
                limit: PAGE,
                offset: 0,
                ..filter.clone()
            };
            loop {
                let (rows, _) = self.audit_query(&page)?;
                for r in &rows {
                    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
                    let name = r.staff_name.as_deref().unwrap_or_default();
                    w.write_record([
                        r.entry.at.as_str(),
                        &id(r.entry.staff_id),
                        &crate::export::spreadsheet_cell(name),
                        r.entry.action.as_str(),
                        &r.entry.entity,
                        &id(r.entry.record_id),
                        &id(r.entry.patient_id),
                    ])?;
                }
                written += rows.len() as u64;
                if rows.len() < PAGE as usize {
                    return Ok(());
                }
                page.offset += PAGE;
            }
        })?;
        record(
            &tx,
            self.actor,
            AuditAction::Export,
            "audit_log",
            None,
            filter.patient_id,
        )?;
        tx.commit()?;
        Ok(written)
    }
}
