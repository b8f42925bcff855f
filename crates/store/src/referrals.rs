//! The referrals table (episodes of support) and their reasons. Every access is audited
//! against the patient it belongs to.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use waymark_domain::{
    status_after, ClosureOutcome, Counted, GpAppointments, GpAppointmentsInput, ReferralFields,
    ReferralInput, ReferralReason, ReferralStatus, StatusCause, StatusChange,
};

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::{date_text, now, parse_date, parse_optional_date};

const ENTITY: &str = "referral";
/// The audit log's name for a status the work moved by itself, apart from a person's.
pub const AUTO_STATUS_ENTITY: &str = "referral_auto_status";

/// A stored referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: i64,
    pub patient_id: i64,
    pub fields: ReferralFields,
    pub status: ReferralStatus,
    pub closure_reason: Option<String>,
    pub closed_date: Option<NaiveDate>,
    /// The support plan's "what matters to you" (set through `plans()`).
    pub what_matters: Option<String>,
    /// How a closed episode ended, when recorded.
    pub outcome: Option<ClosureOutcome>,
    pub gp_appointments: GpAppointments,
    /// What happens next, as written for the message back.
    pub next_steps: Option<String>,
    /// When the message back last left Waymark.
    pub message_sent: Option<MessageSent>,
    /// Each move of its status, oldest first (recorded from schema 7 on).
    pub history: Vec<StatusEvent>,
    pub created_at: String,
    pub updated_at: String,
}

/// How the message back left Waymark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentAs {
    /// Saved as a letter (PDF).
    Letter,
    /// Copied as text for pasting into the GP system.
    Text,
}

waymark_domain::string_enum!(SentAs {
    Letter => "letter",
    Text => "text",
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSent {
    pub date: NaiveDate,
    pub how: SentAs,
    pub staff_name: Option<String>,
}

/// One move of an episode's status, and what made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEvent {
    /// The day of the conversation or prescription that moved it, or of a person's change.
    pub date: NaiveDate,
    pub from: ReferralStatus,
    pub to: ReferralStatus,
    pub cause: StatusCause,
    pub staff_name: Option<String>,
}

/// Handle for the referrals table.
#[derive(Debug)]
pub struct Referrals<'a> {
    db: &'a Database,
}

impl Database {
    pub fn referrals(&self) -> Referrals<'_> {
        Referrals { db: self }
    }
}

impl Referrals<'_> {
    /// Records a new referral for a patient, with status `new`.
    pub fn create(
        &self,
        patient_id: i64,
        input: &ReferralInput,
        today: NaiveDate,
    ) -> Result<Referral> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        crate::ensure_exists(&tx, "patient", patient_id)?;
        let ts = now();
        tx.execute(
            "INSERT INTO referrals (patient_id, received_date, referrer_name, referrer_role,
                referrer_organisation, source, conditions, status, created_at, updated_at,
                referrer_phone, referrer_email, referrer_ods_code)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', ?8, ?8, ?9, ?10, ?11)",
            params![
                patient_id,
                date_text(f.received_date),
                f.referrer_name,
                f.referrer_role,
                f.referrer_organisation,
                f.source.as_str(),
                f.conditions,
                ts,
                f.referrer_phone,
                f.referrer_email,
                f.referrer_ods_code,
            ],
        )?;
        let id = tx.last_insert_rowid();
        write_reasons(&tx, id, &f.reasons)?;
        crate::caseload::refresh(&tx, patient_id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Create,
            ENTITY,
            Some(id),
            Some(patient_id),
        )?;
        let referral = read(&tx, id)?;
        tx.commit()?;
        Ok(referral)
    }

    /// Replaces a referral's details; its status is changed only by [`Self::set_status`].
    pub fn update(&self, id: i64, input: &ReferralInput, today: NaiveDate) -> Result<Referral> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        let before = read(&tx, id)?;
        // GP appointments counted for the old date must still be whole for the new one.
        if !before.gp_appointments.fit(f.received_date) {
            let mut e = waymark_domain::ValidationErrors::default();
            e.push(
                "receivedDate",
                "The GP appointments recorded for this referral were counted before their six \
                 months were over for this date. Correct them first, then the date.",
            );
            return Err(e.into());
        }
        tx.execute(
            "UPDATE referrals SET received_date = ?2, referrer_name = ?3, referrer_role = ?4,
                referrer_organisation = ?5, source = ?6, conditions = ?7, updated_at = ?8,
                referrer_phone = ?9, referrer_email = ?10, referrer_ods_code = ?11
             WHERE id = ?1",
            params![
                id,
                date_text(f.received_date),
                f.referrer_name,
                f.referrer_role,
                f.referrer_organisation,
                f.source.as_str(),
                f.conditions,
                now(),
                f.referrer_phone,
                f.referrer_email,
                f.referrer_ods_code,
            ],
        )?;
        tx.execute("DELETE FROM referral_reasons WHERE referral_id = ?1", [id])?;
        write_reasons(&tx, id, &f.reasons)?;
        crate::caseload::refresh(&tx, before.patient_id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            ENTITY,
            Some(id),
            Some(before.patient_id),
        )?;
        let referral = read(&tx, id)?;
        tx.commit()?;
        Ok(referral)
    }

    /// Moves a referral to another status; closing records the reason and `today`.
    pub fn set_status(&self, id: i64, change: &StatusChange, today: NaiveDate) -> Result<Referral> {
        let tx = self.db.conn.unchecked_transaction()?;
        let before = read(&tx, id)?;
        let closed_date = (change.status == ReferralStatus::Closed).then(|| date_text(today));
        tx.execute(
            // Closing from another status owes a new message back: one sent earlier
            // (an interim one, or before a reopening) no longer says how it ended.
            "UPDATE referrals SET status = ?2, closure_reason = ?3, closed_date = ?4,
                updated_at = ?5, closure_outcome = ?6,
                message_sent_date = CASE WHEN ?2 = 'closed' AND status <> 'closed'
                    THEN NULL ELSE message_sent_date END,
                message_sent_how = CASE WHEN ?2 = 'closed' AND status <> 'closed'
                    THEN NULL ELSE message_sent_how END,
                message_sent_by = CASE WHEN ?2 = 'closed' AND status <> 'closed'
                    THEN NULL ELSE message_sent_by END
             WHERE id = ?1",
            params![
                id,
                change.status.as_str(),
                change.closure_reason,
                closed_date,
                now(),
                change.outcome.map(ClosureOutcome::as_str),
            ],
        )?;
        if before.status != change.status {
            record_event(
                &tx,
                id,
                today,
                before.status,
                change.status,
                StatusCause::Person,
                self.db.actor,
            )?;
        }
        crate::caseload::refresh(&tx, before.patient_id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            ENTITY,
            Some(id),
            Some(before.patient_id),
        )?;
        let referral = read(&tx, id)?;
        tx.commit()?;
        Ok(referral)
    }

    /// Reads one referral (audited as a view of its patient's record).
    /// Records the GP appointments counted before and after the referral (either may
    /// be left out); checked against the referral's received date.
    pub fn set_gp_appointments(
        &self,
        id: i64,
        input: &GpAppointmentsInput,
        today: NaiveDate,
    ) -> Result<Referral> {
        let tx = self.db.conn.unchecked_transaction()?;
        let before = read(&tx, id)?;
        let counts = input.validate(before.fields.received_date, today)?;
        let n = |c: Option<Counted>| c.map(|c| c.appointments);
        let d = |c: Option<Counted>| c.map(|c| date_text(c.counted));
        tx.execute(
            "UPDATE referrals SET gp_appts_before = ?2, gp_appts_before_date = ?3,
                gp_appts_after = ?4, gp_appts_after_date = ?5, updated_at = ?6 WHERE id = ?1",
            params![
                id,
                n(counts.before),
                d(counts.before),
                n(counts.after),
                d(counts.after),
                now()
            ],
        )?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            ENTITY,
            Some(id),
            Some(before.patient_id),
        )?;
        let referral = read(&tx, id)?;
        tx.commit()?;
        Ok(referral)
    }

    pub fn get(&self, id: i64) -> Result<Referral> {
        let tx = self.db.conn.unchecked_transaction()?;
        let referral = read(&tx, id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::View,
            ENTITY,
            Some(id),
            Some(referral.patient_id),
        )?;
        tx.commit()?;
        Ok(referral)
    }

    /// A patient's referrals, newest first.
    pub fn list_for_patient(&self, patient_id: i64) -> Result<Vec<Referral>> {
        let tx = self.db.conn.unchecked_transaction()?;
        crate::ensure_exists(&tx, "patient", patient_id)?;
        let referrals = of_patient(&tx, patient_id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::List,
            ENTITY,
            None,
            Some(patient_id),
        )?;
        tx.commit()?;
        Ok(referrals)
    }
}

/// The patient a referral belongs to.
pub(crate) fn patient_of(conn: &Connection, referral_id: i64) -> Result<i64> {
    conn.query_row(
        "SELECT patient_id FROM referrals WHERE id = ?1",
        [referral_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(Error::NotFound {
        entity: ENTITY,
        id: referral_id,
    })
}

/// A referral named on a contact or prescription must be the same patient's; another
/// patient's referral is reported as not found.
pub(crate) fn check_referral_of(
    conn: &Connection,
    referral_id: i64,
    patient_id: i64,
) -> Result<()> {
    match patient_of(conn, referral_id) {
        Ok(p) if p == patient_id => Ok(()),
        Ok(_) => Err(Error::NotFound {
            entity: ENTITY,
            id: referral_id,
        }),
        Err(e) => Err(e),
    }
}

/// Moves the episode forward when work is recorded against it (see
/// [`waymark_domain::status_after`]), inside the transaction that records the work, and
/// audits the move as automatic. `referral_id` is the episode the work names, or else
/// the patient's latest.
pub(crate) fn advance(
    conn: &Connection,
    actor: Option<i64>,
    patient_id: i64,
    referral_id: Option<i64>,
    cause: StatusCause,
    date: NaiveDate,
) -> Result<()> {
    let episode = match referral_id {
        Some(id) => {
            let status: String =
                conn.query_row("SELECT status FROM referrals WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            Some((id, status))
        }
        None => latest_episode(conn, patient_id)?,
    };
    let Some((id, status)) = episode else {
        return Ok(());
    };
    let from: ReferralStatus = status.parse()?;
    let Some(to) = status_after(from, cause) else {
        return Ok(());
    };
    conn.execute(
        "UPDATE referrals SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, to.as_str(), now()],
    )?;
    record_event(conn, id, date, from, to, cause, actor)?;
    audit::record(
        conn,
        actor,
        AuditAction::Update,
        AUTO_STATUS_ENTITY,
        Some(id),
        Some(patient_id),
    )
}

fn record_event(
    conn: &Connection,
    referral_id: i64,
    date: NaiveDate,
    from: ReferralStatus,
    to: ReferralStatus,
    cause: StatusCause,
    actor: Option<i64>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO referral_events (referral_id, event_date, from_status, to_status, cause,
            staff_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            referral_id,
            date_text(date),
            from.as_str(),
            to.as_str(),
            cause.as_str(),
            actor,
            now()
        ],
    )?;
    Ok(())
}

fn history(conn: &Connection, referral_id: i64) -> Result<Vec<StatusEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.event_date, e.from_status, e.to_status, e.cause, s.display_name
         FROM referral_events e LEFT JOIN staff s ON s.id = e.staff_id
         WHERE e.referral_id = ?1 ORDER BY e.id",
    )?;
    let rows = stmt.query_map([referral_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (date, from, to, cause, staff_name) = row?;
        Ok(StatusEvent {
            date: parse_date(&date)?,
            from: from.parse()?,
            to: to.parse()?,
            cause: cause.parse()?,
            staff_name,
        })
    })
    .collect()
}

/// The patient's latest episode (by received date): its id and status.
pub(crate) fn latest_episode(conn: &Connection, patient_id: i64) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, status FROM referrals WHERE patient_id = ?1
             ORDER BY received_date DESC, id DESC LIMIT 1",
            [patient_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// A patient's referrals, newest first.
pub(crate) fn of_patient(conn: &Connection, patient_id: i64) -> Result<Vec<Referral>> {
    let ids: Vec<i64> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM referrals WHERE patient_id = ?1 ORDER BY received_date DESC, id DESC",
        )?;
        let ids = stmt.query_map([patient_id], |r| r.get(0))?;
        ids.collect::<rusqlite::Result<_>>()?
    };
    ids.into_iter().map(|id| read(conn, id)).collect()
}

fn write_reasons(conn: &Connection, id: i64, reasons: &[ReferralReason]) -> Result<()> {
    let mut stmt =
        conn.prepare("INSERT INTO referral_reasons (referral_id, reason) VALUES (?1, ?2)")?;
    for r in reasons {
        stmt.execute(params![id, r.as_str()])?;
    }
    Ok(())
}

pub(crate) fn read(conn: &Connection, id: i64) -> Result<Referral> {
    let row = conn
        .query_row(
            "SELECT patient_id, received_date, referrer_name, referrer_role, referrer_organisation,
                source, conditions, status, closure_reason, closed_date, created_at, updated_at,
                what_matters
             FROM referrals WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, Option<String>>(12)?,
                ))
            },
        )
        .optional()?
        .ok_or(Error::NotFound { entity: ENTITY, id })?;
    let (
        patient_id,
        received,
        name,
        role,
        org,
        source,
        conditions,
        status,
        reason,
        closed,
        created,
        updated,
        what_matters,
    ) = row;
    let mut stmt = conn.prepare("SELECT reason FROM referral_reasons WHERE referral_id = ?1")?;
    let mut reasons = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .map(|r| Ok(r?.parse::<ReferralReason>()?))
        .collect::<Result<Vec<_>>>()?;
    reasons.sort();
    let extra = read_standard(conn, id)?;
    Ok(Referral {
        id,
        patient_id,
        fields: ReferralFields {
            received_date: parse_date(&received)?,
            referrer_name: name,
            referrer_role: role,
            referrer_organisation: org,
            source: source.parse()?,
            reasons,
            conditions,
            referrer_phone: extra.referrer_phone,
            referrer_email: extra.referrer_email,
            referrer_ods_code: extra.referrer_ods_code,
        },
        status: status.parse()?,
        closure_reason: reason,
        closed_date: parse_optional_date(closed)?,
        what_matters,
        outcome: extra.outcome,
        gp_appointments: extra.gp_appointments,
        next_steps: extra.next_steps,
        message_sent: extra.message_sent,
        history: history(conn, id)?,
        created_at: created,
        updated_at: updated,
    })
}

/// The columns schema 9 added for the social prescribing standard.
struct Standard {
    referrer_phone: Option<String>,
    referrer_email: Option<String>,
    referrer_ods_code: Option<String>,
    outcome: Option<ClosureOutcome>,
    gp_appointments: GpAppointments,
    next_steps: Option<String>,
    message_sent: Option<MessageSent>,
}

fn read_standard(conn: &Connection, id: i64) -> Result<Standard> {
    type Row = (
        [Option<String>; 4],
        [Option<u32>; 2],
        [Option<String>; 5],
        Option<String>,
    );
    let (texts, counts, more, staff): Row = conn.query_row(
        "SELECT r.referrer_phone, r.referrer_email, r.referrer_ods_code, r.closure_outcome,
            r.gp_appts_before, r.gp_appts_after, r.gp_appts_before_date, r.gp_appts_after_date,
            r.next_steps, r.message_sent_date, r.message_sent_how, s.display_name
         FROM referrals r LEFT JOIN staff s ON s.id = r.message_sent_by WHERE r.id = ?1",
        [id],
        |r| {
            Ok((
                [r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?],
                [r.get(4)?, r.get(5)?],
                [r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?],
                r.get(11)?,
            ))
        },
    )?;
    let [referrer_phone, referrer_email, referrer_ods_code, outcome] = texts;
    let [before, after] = counts;
    let [before_date, after_date, next_steps, sent_date, sent_how] = more;
    let counted = |n: Option<u32>, d: Option<String>| -> Result<Option<Counted>> {
        Ok(match (n, parse_optional_date(d)?) {
            (Some(appointments), Some(counted)) => Some(Counted {
                appointments,
                counted,
            }),
            _ => None,
        })
    };
    let message_sent = match (parse_optional_date(sent_date)?, sent_how) {
        (Some(date), Some(how)) => Some(MessageSent {
            date,
            how: how.parse()?,
            staff_name: staff,
        }),
        _ => None,
    };
    Ok(Standard {
        referrer_phone,
        referrer_email,
        referrer_ods_code,
        outcome: outcome.map(|o| o.parse()).transpose()?,
        gp_appointments: GpAppointments {
            before: counted(before, before_date)?,
            after: counted(after, after_date)?,
        },
        next_steps,
        message_sent,
    })
}
