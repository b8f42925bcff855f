//! Social prescriptions: the services prescribed to a patient on a date, each with a
//! personal note, and each item's follow-up (status and barrier). Audited.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use waymark_domain::prescription::PrescriptionItemFields;
use waymark_domain::{
    Barrier, ConsentHow, GoalStatus, ItemStatus, ItemStatusChange, PrescriptionInput,
    PrescriptionSheet, SheetGoal, SheetItem,
};

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::{caseload, date_text, now, parse_date, parse_optional_date};

const ENTITY: &str = "prescription";
/// The audit log's name for a print made without its referral slips, for a patient who
/// has not agreed to share their details with providers.
pub const WITHOUT_SLIPS_ENTITY: &str = "prescription_without_slips";
/// The audit log's name for consent to share recorded at the moment of printing.
pub const SHARE_CONSENT_ENTITY: &str = "patient_share_consent";

/// What to do about the referral slips of a patient who has not agreed to share their
/// details with providers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SlipConsent {
    /// Refuse, so the link worker is asked.
    #[default]
    Ask,
    /// Print without the slips.
    LeaveOut,
    /// The patient agrees now: record it, with how it was given, and print the slips.
    GivenNow(ConsentHow),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prescription {
    pub id: i64,
    pub patient_id: i64,
    pub referral_id: Option<i64>,
    pub prescribed_date: NaiveDate,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub message: Option<String>,
    pub next_checkin_date: Option<NaiveDate>,
    /// Quoted back by providers to close the loop; printed on the prescription.
    pub reference_code: String,
    pub items: Vec<PrescriptionItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescriptionItem {
    pub id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub organization: Option<String>,
    pub personal_note: Option<String>,
    pub status: ItemStatus,
    pub barrier: Option<Barrier>,
    pub barrier_note: Option<String>,
    pub status_date: Option<NaiveDate>,
}

#[derive(Debug)]
pub struct Prescriptions<'a> {
    db: &'a Database,
}

impl Database {
    pub fn prescriptions(&self) -> Prescriptions<'_> {
        Prescriptions { db: self }
    }
}

impl Prescriptions<'_> {
    /// Saves a prescription by the signed-in staff member. Every service must exist and
    /// be active; the items start as `suggested`.
    pub fn create(
        &self,
        patient_id: i64,
        input: &PrescriptionInput,
        today: NaiveDate,
    ) -> Result<Prescription> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        crate::ensure_exists(&tx, "patient", patient_id)?;
        if let Some(r) = f.referral_id {
            crate::referrals::check_referral_of(&tx, r, patient_id)?;
        }
        for item in &f.items {
            check_service(&tx, item)?;
        }
        let ts = now();
        let code = unique_reference(&tx)?;
        tx.execute(
            "INSERT INTO prescriptions (patient_id, referral_id, prescribed_date, staff_id, message,
                next_checkin_date, reference_code, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                patient_id,
                f.referral_id,
                date_text(f.prescribed_date),
                self.db.actor,
                f.message,
                f.next_checkin_date.map(date_text),
                code,
                ts
            ],
        )?;
        let id = tx.last_insert_rowid();
        for (position, item) in (0_i64..).zip(&f.items) {
            tx.execute(
                "INSERT INTO prescription_items (prescription_id, service_id, personal_note, status,
                    status_date, position)
                 VALUES (?1, ?2, ?3, 'suggested', ?4, ?5)",
                params![id, item.service_id, item.personal_note, date_text(f.prescribed_date), position],
            )?;
        }
        // The first prescription moves a new or contacted episode to "active".
        crate::referrals::advance(
            &tx,
            self.db.actor,
            patient_id,
            f.referral_id,
            waymark_domain::StatusCause::Prescription,
            f.prescribed_date,
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
        let p = read(&tx, id)?;
        tx.commit()?;
        Ok(p)
    }

    /// Gathers what prescription `id` prints, hands it to `render` (which renders and
    /// delivers the PDF), and audits the print once `render` has succeeded: a print
    /// that is refused or fails leaves no "print" row, one that lands always does.
    ///
    /// Consent is checked first, since the printout leaves the practice: a patient who
    /// has not agreed to their details being stored gets no printout at all; one who
    /// has not agreed to share them with providers gets referral slips (which name them
    /// to the provider) only as `slips` says, and the choice is audited.
    pub fn print<T, E: From<Error>>(
        &self,
        id: i64,
        today: NaiveDate,
        slips: SlipConsent,
        render: impl FnOnce(&PrescriptionSheet) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let (mut sheet, patient_id) = sheet(&self.db.conn, id, today)?;
        let left_out = match consent(&self.db.conn, patient_id, &sheet, slips)? {
            Slips::AsTheyAre => false,
            Slips::LeftOut => {
                sheet.slips = false;
                true
            }
            Slips::RecordConsent(how) => {
                let tx = self.db.conn.unchecked_transaction().map_err(Error::from)?;
                tx.execute(
                    "UPDATE patients SET consent_share_date = ?2, consent_share_how = ?3,
                        updated_at = ?4 WHERE id = ?1",
                    params![patient_id, date_text(today), how.as_str(), now()],
                )
                .map_err(Error::from)?;
                audit::record(
                    &tx,
                    self.db.actor,
                    AuditAction::Update,
                    SHARE_CONSENT_ENTITY,
                    Some(patient_id),
                    Some(patient_id),
                )?;
                tx.commit().map_err(Error::from)?;
                false
            }
        };
        let out = render(&sheet)?;
        audit::record(
            &self.db.conn,
            self.db.actor,
            AuditAction::Print,
            if left_out {
                WITHOUT_SLIPS_ENTITY
            } else {
                ENTITY
            },
            Some(id),
            Some(patient_id),
        )?;
        Ok(out)
    }

    /// Whether prescription `id` may be printed or saved with `slips` as chosen: the
    /// refusal `print` would give, without writing anything (asked before a save
    /// dialog, so nobody picks a file for a printout that will be refused), or the
    /// sheet that would print, for the caller's own checks.
    pub fn check_consent(
        &self,
        id: i64,
        today: NaiveDate,
        slips: SlipConsent,
    ) -> Result<PrescriptionSheet> {
        let (sheet, patient_id) = sheet(&self.db.conn, id, today)?;
        consent(&self.db.conn, patient_id, &sheet, slips).map(|_| sheet)
    }

    /// Records how one prescribed activity went, dated `today`.
    pub fn set_item_status(
        &self,
        item_id: i64,
        change: &ItemStatusChange,
        today: NaiveDate,
    ) -> Result<Prescription> {
        let tx = self.db.conn.unchecked_transaction()?;
        let (prescription_id, patient_id): (i64, i64) = tx
            .query_row(
                "SELECT p.id, p.patient_id FROM prescription_items i
                 JOIN prescriptions p ON p.id = i.prescription_id WHERE i.id = ?1",
                [item_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(Error::NotFound {
                entity: "prescription_item",
                id: item_id,
            })?;
        tx.execute(
            "UPDATE prescription_items SET status = ?2, barrier = ?3, barrier_note = ?4,
                status_date = ?5 WHERE id = ?1",
            params![
                item_id,
                change.status.as_str(),
                change.barrier.map(Barrier::as_str),
                change.barrier_note,
                date_text(today)
            ],
        )?;
        tx.execute(
            "UPDATE prescriptions SET updated_at = ?2 WHERE id = ?1",
            params![prescription_id, now()],
        )?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            "prescription_item",
            Some(item_id),
            Some(patient_id),
        )?;
        let p = read(&tx, prescription_id)?;
        tx.commit()?;
        Ok(p)
    }
}

/// What happens to the slips of a printout.
enum Slips {
    AsTheyAre,
    LeftOut,
    RecordConsent(ConsentHow),
}

/// The consent rules for a printout of `sheet` for `patient_id` (see `print`).
fn consent(
    conn: &Connection,
    patient_id: i64,
    sheet: &PrescriptionSheet,
    slips: SlipConsent,
) -> Result<Slips> {
    let (store, share, withdrawn): (Option<String>, Option<String>, Option<String>) = conn
        .query_row(
            "SELECT consent_store_date, consent_share_date, consent_withdrawn_date
             FROM patients WHERE id = ?1",
            [patient_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
    if store.is_none() {
        return Err(Error::ConsentToStoreMissing);
    }
    if let Some(date) = withdrawn {
        return Err(Error::ConsentWithdrawn { date });
    }
    if share.is_some() || !sheet.has_slips() {
        return Ok(Slips::AsTheyAre);
    }
    match slips {
        SlipConsent::Ask => Err(Error::ConsentToShareNeeded),
        SlipConsent::LeaveOut => Ok(Slips::LeftOut),
        SlipConsent::GivenNow(how) => Ok(Slips::RecordConsent(how)),
    }
}

fn check_service(conn: &Connection, item: &PrescriptionItemFields) -> Result<()> {
    let status: Option<String> = conn
        .query_row(
            "SELECT status FROM services WHERE id = ?1",
            [item.service_id],
            |r| r.get(0),
        )
        .optional()?;
    match status.as_deref() {
        Some("active") => Ok(()),
        Some(_) => {
            let mut e = waymark_domain::ValidationErrors::default();
            e.push("items", "A retired service cannot be prescribed.");
            Err(e.into())
        }
        None => Err(Error::NotFound {
            entity: "service",
            id: item.service_id,
        }),
    }
}

/// Reference codes avoid letters that read as digits (no I, L, O, U) and are drawn at
/// random, so a provider can quote one back over the phone without it guessing others.
fn unique_reference(conn: &Connection) -> Result<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    loop {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
        let chars: String = bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
            .collect();
        let code = format!("WM-{}-{}", &chars[..4], &chars[4..]);
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM prescriptions WHERE reference_code = ?1)",
            [&code],
            |r| r.get(0),
        )?;
        if !taken {
            return Ok(code);
        }
    }
}

/// Everything prescription `id` prints, and its patient. The plan printed is the
/// prescription's episode's, or the patient's latest episode's when it names none.
fn sheet(conn: &Connection, id: i64, today: NaiveDate) -> Result<(PrescriptionSheet, i64)> {
    let p = read(conn, id)?;
    let practice = crate::practice::read(conn)?.ok_or(Error::NotFound {
        entity: "practice",
        id: 1,
    })?;
    let (given, family, needs_large_print, print_language): (String, String, bool, Option<String>) =
        conn.query_row(
            "SELECT given_name, family_name, needs_large_print, print_language
             FROM patients WHERE id = ?1",
            [p.patient_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let referral: Option<i64> = match p.referral_id {
        Some(r) => Some(r),
        None => crate::referrals::latest_episode(conn, p.patient_id)?.map(|(id, _)| id),
    };
    let (what_matters, goals) = match referral {
        Some(r) => {
            let words: Option<String> = conn.query_row(
                "SELECT what_matters FROM referrals WHERE id = ?1",
                [r],
                |row| row.get(0),
            )?;
            let goals = crate::plan::goals_of_referral(conn, r)?
                .into_iter()
                .filter(|g| g.status != GoalStatus::Dropped)
                .map(|g| SheetGoal {
                    description: g.description,
                    target_date: g.target_date,
                })
                .collect();
            (words, goals)
        }
        None => (None, Vec::new()),
    };
    let items = p
        .items
        .iter()
        .map(|i| {
            Ok(SheetItem {
                service: crate::directory::read(conn, i.service_id, today)?.fields,
                personal_note: i.personal_note.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let sheet = PrescriptionSheet {
        practice,
        patient_name: format!("{given} {family}"),
        needs_large_print,
        print_language,
        link_worker: p.staff_name,
        prescribed_date: p.prescribed_date,
        message: p.message,
        next_checkin: p.next_checkin_date,
        reference_code: p.reference_code,
        what_matters,
        goals,
        items,
        // Whether they print is decided by `print`, from the patient's consent.
        slips: true,
    };
    Ok((sheet, p.patient_id))
}

fn read(conn: &Connection, id: i64) -> Result<Prescription> {
    let mut list = prescriptions_where(conn, "p.id = ?1", id)?;
    list.pop().ok_or(Error::NotFound { entity: ENTITY, id })
}

/// A patient's prescriptions, newest first, with their items in order.
pub(crate) fn of_patient(conn: &Connection, patient_id: i64) -> Result<Vec<Prescription>> {
    prescriptions_where(conn, "p.patient_id = ?1", patient_id)
}

/// An episode's prescriptions, newest first, with their items in order.
pub(crate) fn of_referral(conn: &Connection, referral_id: i64) -> Result<Vec<Prescription>> {
    prescriptions_where(conn, "p.referral_id = ?1", referral_id)
}

/// `filter` is one of this module's fixed conditions on `p`, with one parameter.
fn prescriptions_where(conn: &Connection, filter: &str, arg: i64) -> Result<Vec<Prescription>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.id, p.patient_id, p.referral_id, p.prescribed_date, p.staff_id, st.display_name,
            p.message, p.next_checkin_date, p.reference_code,
            i.id, i.service_id, s.name, o.name, i.personal_note, i.status, i.barrier,
            i.barrier_note, i.status_date
         FROM prescriptions p
         LEFT JOIN staff st ON st.id = p.staff_id
         JOIN prescription_items i ON i.prescription_id = p.id
         JOIN services s ON s.id = i.service_id
         LEFT JOIN organizations o ON o.id = s.organization_id
         WHERE {filter}
         ORDER BY p.prescribed_date DESC, p.id DESC, i.position, i.id"
    ))?;
    let mut rows = stmt.query([arg])?;
    let mut out: Vec<Prescription> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if out.last().map(|p| p.id) != Some(id) {
            out.push(Prescription {
                id,
                patient_id: r.get(1)?,
                referral_id: r.get(2)?,
                prescribed_date: parse_date(&r.get::<_, String>(3)?)?,
                staff_id: r.get(4)?,
                staff_name: r.get(5)?,
                message: r.get(6)?,
                next_checkin_date: parse_optional_date(r.get(7)?)?,
                reference_code: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                items: Vec::new(),
            });
        }
        let item = PrescriptionItem {
            id: r.get(9)?,
            service_id: r.get(10)?,
            service_name: r.get(11)?,
            organization: r.get(12)?,
            personal_note: r.get(13)?,
            status: r.get::<_, String>(14)?.parse()?,
            barrier: r
                .get::<_, Option<String>>(15)?
                .map(|b| b.parse())
                .transpose()?,
            barrier_note: r.get(16)?,
            status_date: parse_optional_date(r.get(17)?)?,
        };
        if let Some(p) = out.last_mut() {
            p.items.push(item);
        }
    }
    Ok(out)
}
