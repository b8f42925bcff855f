//! The audit log: every read and write of a patient record appends a row naming the
//! action, the record by id, the staff member and the time. Never any patient data.

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::db::Database;
use crate::error::Result;
use crate::key::KeyVault;

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
/// The row carries the hash that chains it to the row before (see [`row_hash`]).
pub(crate) fn record(
    conn: &Connection,
    staff_id: Option<i64>,
    action: AuditAction,
    entity: &'static str,
    record_id: Option<i64>,
    patient_id: Option<i64>,
) -> Result<()> {
    let (last_id, last_hash) = head(conn)?.unwrap_or((0, String::new()));
    let row = ChainRow {
        id: last_id + 1,
        at: crate::now(),
        staff_id,
        action: action.as_str().to_owned(),
        entity: entity.to_owned(),
        record_id,
        patient_id,
    };
    let hash = row_hash(&last_hash, &row);
    conn.execute(
        "INSERT INTO audit_log (id, at, staff_id, action, entity, record_id, patient_id, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            row.id,
            row.at,
            row.staff_id,
            row.action,
            row.entity,
            row.record_id,
            row.patient_id,
            hash
        ],
    )?;
    Ok(())
}

/// The last audit row's id and hash.
fn head(conn: &Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, COALESCE(hash, '') FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// One audit row as it is hashed.
#[derive(Debug)]
struct ChainRow {
    id: i64,
    at: String,
    staff_id: Option<i64>,
    action: String,
    entity: String,
    record_id: Option<i64>,
    patient_id: Option<i64>,
}

/// SHA-256 over the previous row's hash and every field of this one, each field
/// written out in full and separated, so no two different rows hash alike.
fn row_hash(previous: &str, row: &ChainRow) -> String {
    let opt = |v: Option<i64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
    let text = [
        "waymark-audit v1".to_owned(),
        previous.to_owned(),
        row.id.to_string(),
        row.at.clone(),
        opt(row.staff_id),
        row.action.clone(),
        row.entity.clone(),
        opt(row.record_id),
        opt(row.patient_id),
    ]
    .join("\u{1f}");
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn chain_rows(conn: &Connection) -> Result<Vec<(ChainRow, Option<String>)>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, staff_id, action, entity, record_id, patient_id, hash
         FROM audit_log ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            ChainRow {
                id: r.get(0)?,
                at: r.get(1)?,
                staff_id: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                record_id: r.get(5)?,
                patient_id: r.get(6)?,
            },
            r.get::<_, Option<String>>(7)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Schema 5: chains the rows written before the chain existed, oldest first, then
/// puts back the trigger that forbids changing the log.
pub(crate) fn chain_existing_rows(conn: &Connection) -> Result<()> {
    let mut previous = String::new();
    for (row, _) in chain_rows(conn)? {
        let hash = row_hash(&previous, &row);
        conn.execute(
            "UPDATE audit_log SET hash = ?2 WHERE id = ?1",
            rusqlite::params![row.id, hash],
        )?;
        previous = hash;
    }
    conn.execute_batch(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;",
    )?;
    Ok(())
}

/// The outcome of checking the audit log's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Rows checked.
    pub rows: u64,
    /// The first row whose hash does not follow from the rows before it (changed,
    /// inserted, or after a removed one), if any.
    pub first_broken: Option<i64>,
}

/// The credential entry that remembers the newest audit row this computer has seen.
fn head_account(dir: &std::path::Path) -> String {
    format!("audit-head-{}", crate::key::account_for(dir))
}

impl Database {
    /// Recomputes every row's hash from the start: a row changed, removed or slipped in
    /// (by someone editing the file with the key) shows as the first broken row.
    pub fn check_audit_chain(&self) -> Result<ChainCheck> {
        let mut previous = String::new();
        let mut expected_id = None;
        let mut rows = 0;
        for (row, stored) in chain_rows(&self.conn)? {
            rows += 1;
            let hash = row_hash(&previous, &row);
            let gap = expected_id.is_some_and(|id| id != row.id);
            if gap || stored.as_deref() != Some(hash.as_str()) {
                return Ok(ChainCheck {
                    rows,
                    first_broken: Some(row.id),
                });
            }
            expected_id = Some(row.id + 1);
            previous = hash;
        }
        Ok(ChainCheck {
            rows,
            first_broken: None,
        })
    }

    /// Files the newest audit row (id and hash) in the credential store beside the key,
    /// so that a copy of the caseload from before it is noticed ([`Self::rollback_warning`]).
    pub fn note_audit_head(&self, vault: &dyn KeyVault) -> Result<()> {
        if let Some((account, value)) = self.audit_head_marker()? {
            vault.store_marker(&account, value.as_bytes())?;
        }
        Ok(())
    }

    /// The credential entry and value [`Self::note_audit_head`] files, for a caller that
    /// reaches the credential store from another thread.
    pub fn audit_head_marker(&self) -> Result<Option<(String, String)>> {
        Ok(head(&self.conn)?
            .map(|(id, hash)| (head_account(&self.paths().dir), format!("{id}:{hash}"))))
    }

    /// Says, in words for an admin, whether this caseload is older than one this
    /// computer has already seen: its audit log ends before the row the credential store
    /// remembers, or holds a different row there. That is what putting back an older
    /// copy of the file does (file history, a synced folder), bringing back disabled
    /// accounts and old passphrases. A restore from a backup is deliberate and files
    /// the restored head at once, so it does not warn.
    pub fn rollback_warning(&self, vault: &dyn KeyVault) -> Result<Option<String>> {
        let Some(seen) = vault.load_marker(&head_account(&self.paths().dir))? else {
            return Ok(None);
        };
        let seen = String::from_utf8(seen).unwrap_or_default();
        let Some((seen_id, seen_hash)) = seen
            .split_once(':')
            .and_then(|(id, hash)| Some((id.parse::<i64>().ok()?, hash.to_owned())))
        else {
            return Ok(None);
        };
        let now = head(&self.conn)?.map_or(0, |(id, _)| id);
        if now < seen_id {
            return Ok(Some(format!(
                "This caseload is older than one this computer has already opened: its audit \
                 log ends at entry {now}, but entry {seen_id} was seen here before. An older \
                 copy of the file may have been put back (from file history or a synced \
                 folder), bringing back disabled accounts or old passphrases and losing \
                 recent work. Check the Staff page, and restore the newest backup if work is \
                 missing."
            )));
        }
        let there: Option<String> = self
            .conn
            .query_row("SELECT hash FROM audit_log WHERE id = ?1", [seen_id], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        if there.as_deref() != Some(seen_hash.as_str()) {
            return Ok(Some(format!(
                "This caseload's audit log differs from the one this computer saw at entry \
                 {seen_id}: the file may have been replaced with another copy. Check the Staff \
                 page and the audit log."
            )));
        }
        Ok(None)
    }
}

/// The chain check's verdict in words, for the audit page.
pub fn describe(check: &ChainCheck) -> String {
    match check.first_broken {
        None => format!(
            "All {} entries check out: none has been changed or removed.",
            check.rows
        ),
        Some(id) => format!(
            "Entry {id} does not follow from the entries before it: the log has been changed \
             there (an entry altered, removed or added outside Waymark)."
        ),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::CredentialVault;

    fn caseload() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let vault = CredentialVault::new(keyring_core::mock::Store::new().unwrap());
        let db = Database::open(dir.path(), &vault).unwrap();
        for i in 0..5 {
            record(&db.conn, None, AuditAction::View, "patient", Some(i), None).unwrap();
        }
        (dir, db)
    }

    /// What someone with the key and a SQLite shell could do to the file.
    fn tamper(db: &Database, sql: &str) {
        db.conn
            .execute_batch(&format!(
                "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; {sql}"
            ))
            .unwrap();
    }

    #[test]
    fn an_untouched_log_checks_out() {
        let (_dir, db) = caseload();
        let check = db.check_audit_chain().unwrap();
        assert_eq!(
            check,
            ChainCheck {
                rows: 5,
                first_broken: None
            }
        );
        assert!(describe(&check).contains("All 5 entries check out"));
    }

    #[test]
    fn a_changed_row_breaks_the_chain_there() {
        let (_dir, db) = caseload();
        tamper(&db, "UPDATE audit_log SET record_id = 99 WHERE id = 3;");
        assert_eq!(db.check_audit_chain().unwrap().first_broken, Some(3));
    }

    #[test]
    fn a_removed_row_breaks_the_chain_after_it() {
        let (_dir, db) = caseload();
        tamper(&db, "DELETE FROM audit_log WHERE id = 2;");
        assert_eq!(db.check_audit_chain().unwrap().first_broken, Some(3));
    }

    #[test]
    fn a_row_slipped_in_with_a_made_up_hash_is_caught() {
        let (_dir, db) = caseload();
        tamper(
            &db,
            "INSERT INTO audit_log (id, at, staff_id, action, entity, hash)
             VALUES (6, '2026-11-24T09:00:00Z', NULL, 'view', 'patient', 'feed');",
        );
        assert_eq!(db.check_audit_chain().unwrap().first_broken, Some(6));
    }

    #[test]
    fn rows_from_before_the_chain_are_chained_by_the_migration() {
        let (_dir, db) = caseload();
        // As schema 4 left them: no hashes.
        tamper(
            &db,
            "UPDATE audit_log SET hash = NULL;
             CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;",
        );
        assert_eq!(db.check_audit_chain().unwrap().first_broken, Some(1));
        chain_existing_rows(&db.conn).unwrap();
        assert_eq!(db.check_audit_chain().unwrap().first_broken, None);
        // The log is closed to changes again.
        assert!(db
            .conn
            .execute("UPDATE audit_log SET record_id = 99 WHERE id = 1", [])
            .is_err());
        record(&db.conn, None, AuditAction::SignIn, "staff", None, None).unwrap();
        assert_eq!(db.check_audit_chain().unwrap().rows, 6);
        assert_eq!(db.check_audit_chain().unwrap().first_broken, None);
    }
}
