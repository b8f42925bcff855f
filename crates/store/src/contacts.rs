//! The contacts table: conversations logged on a patient's timeline. Audited.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use waymark_domain::{ContactFields, ContactInput};

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::patients::MAX_PAGE;
use crate::{caseload, date_text, now, parse_date};

const ENTITY: &str = "contact";

/// A logged conversation, with the name of the staff member who logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: i64,
    pub patient_id: i64,
    pub fields: ContactFields,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub created_at: String,
}

/// One page of a timeline, newest first, with the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPage {
    pub items: Vec<Contact>,
    pub total: u64,
}

#[derive(Debug)]
pub struct Contacts<'a> {
    db: &'a Database,
}

impl Database {
    pub fn contacts(&self) -> Contacts<'_> {
        Contacts { db: self }
    }
}

impl Contacts<'_> {
    /// Logs a conversation by the signed-in staff member.
    pub fn create(
        &self,
        patient_id: i64,
        input: &ContactInput,
        today: NaiveDate,
    ) -> Result<Contact> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        crate::ensure_exists(&tx, "patient", patient_id)?;
        if let Some(r) = f.referral_id {
            crate::referrals::check_referral_of(&tx, r, patient_id)?;
        }
        let ts = now();
        tx.execute(
            "INSERT INTO contacts (patient_id, referral_id, contact_date, kind, minutes, notes,
                staff_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                patient_id,
                f.referral_id,
                date_text(f.contact_date),
                f.kind.as_str(),
                f.minutes,
                f.notes,
                self.db.actor,
                ts
            ],
        )?;
        let id = tx.last_insert_rowid();
        // The first conversation moves a new episode to "contacted".
        crate::referrals::advance(
            &tx,
            self.db.actor,
            patient_id,
            f.referral_id,
            waymark_domain::StatusCause::Conversation,
            f.contact_date,
        )?;
        caseload::refresh(&tx, patient_id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Create,
            ENTITY,
            Some(id),
            Some(patient_id),
        )?;
        let contact = read(&tx, id)?;
        tx.commit()?;
        Ok(contact)
    }

    /// A page of a patient's timeline, newest first.
    pub fn list(&self, patient_id: i64, limit: u32, offset: u32) -> Result<ContactPage> {
        let tx = self.db.conn.unchecked_transaction()?;
        crate::ensure_exists(&tx, "patient", patient_id)?;
        let page = page(&tx, patient_id, limit, offset)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::List,
            ENTITY,
            None,
            Some(patient_id),
        )?;
        tx.commit()?;
        Ok(page)
    }
}

const SELECT: &str = "SELECT c.id, c.patient_id, c.referral_id, c.contact_date, c.kind, c.minutes,
        c.notes, c.staff_id, s.display_name, c.created_at
     FROM contacts c LEFT JOIN staff s ON s.id = c.staff_id";

pub(crate) fn page(
    conn: &Connection,
    patient_id: i64,
    limit: u32,
    offset: u32,
) -> Result<ContactPage> {
    let total: i64 = conn.query_row(
        "SELECT count(*) FROM contacts WHERE patient_id = ?1",
        [patient_id],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE c.patient_id = ?1 ORDER BY c.contact_date DESC, c.id DESC
         LIMIT ?2 OFFSET ?3"
    ))?;
    let mut rows = stmt.query(params![patient_id, limit.clamp(1, MAX_PAGE), offset])?;
    let mut items = Vec::new();
    while let Some(r) = rows.next()? {
        items.push(row(r)?);
    }
    Ok(ContactPage {
        items,
        total: u64::try_from(total).unwrap_or_default(),
    })
}

fn read(conn: &Connection, id: i64) -> Result<Contact> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE c.id = ?1"))?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(r) => row(r),
        None => Err(Error::NotFound { entity: ENTITY, id }),
    }
}

fn row(r: &rusqlite::Row<'_>) -> Result<Contact> {
    Ok(Contact {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        fields: ContactFields {
            referral_id: r.get(2)?,
            contact_date: parse_date(&r.get::<_, String>(3)?)?,
            kind: r.get::<_, String>(4)?.parse()?,
            minutes: r.get(5)?,
            notes: r.get(6)?,
        },
        staff_id: r.get(7)?,
        staff_name: r.get(8)?,
        created_at: r.get(9)?,
    })
}
