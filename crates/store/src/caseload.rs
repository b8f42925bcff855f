//! The caseload's summary columns on `patients` (episode status, next check-in, last
//! contact, the baseline awaiting follow-up measures), recomputed from their source tables inside every transaction that changes
//! a referral, contact or prescription, so the caseload list reads one indexed table.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// Recomputes one patient's summary columns from referrals, contacts and prescriptions.
/// The next check-in is the latest prescription's, unless the latest episode is closed
/// or a conversation on or after that date has already been the check-in. Follow-up
/// measures are awaited after a baseline with no follow-up since, unless the latest
/// episode is closed.
pub(crate) fn refresh(conn: &Connection, patient_id: i64) -> Result<()> {
    let episode = crate::referrals::latest_episode(conn, patient_id)?.map(|(_, status)| status);
    let closed = episode.as_deref() == Some("closed");
    let measures_baseline = if closed {
        None
    } else {
        crate::outcomes::open_baseline(conn, patient_id)?
    };
    let next_checkin: Option<String> = if closed {
        None
    } else {
        conn.query_row(
            "SELECT next_checkin_date FROM prescriptions WHERE patient_id = ?1
             ORDER BY prescribed_date DESC, id DESC LIMIT 1",
            [patient_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten()
    };
    let last_contact: Option<String> = conn.query_row(
        "SELECT max(contact_date) FROM contacts WHERE patient_id = ?1",
        [patient_id],
        |r| r.get(0),
    )?;
    // ISO dates compare as text.
    let next_checkin = match (next_checkin, &last_contact) {
        (Some(due), Some(met)) if met.as_str() >= due.as_str() => None,
        (due, _) => due,
    };
    conn.execute(
        "UPDATE patients SET episode_status = ?2, next_checkin = ?3, last_contact = ?4,
            measures_baseline = ?5
         WHERE id = ?1",
        params![
            patient_id,
            episode,
            next_checkin,
            last_contact,
            measures_baseline
        ],
    )?;
    Ok(())
}

/// The practice's safe caseload when it has set none: NHS England's guidance is 200 to
/// 250 people a year for a full-time link worker.
pub const DEFAULT_SAFE_CASELOAD: u32 = 250;
const SAFE_CASELOAD_KEY: &str = "safe_caseload";

/// People supported in the last twelve months against the practice's safe caseload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseloadCounter {
    pub supported: u64,
    pub safe: u32,
    /// The first day of the twelve months counted.
    pub since: chrono::NaiveDate,
}

impl crate::db::Database {
    /// Distinct people with an episode open at any time in the twelve months up to
    /// `today`: received on or before today and not closed before the period began.
    pub fn caseload_counter(&self, today: chrono::NaiveDate) -> Result<CaseloadCounter> {
        let since = today
            .checked_sub_months(chrono::Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(today);
        let supported: i64 = self.conn.query_row(
            "SELECT count(DISTINCT patient_id) FROM referrals
             WHERE received_date <= ?2 AND (closed_date IS NULL OR closed_date >= ?1)",
            params![crate::date_text(since), crate::date_text(today)],
            |r| r.get(0),
        )?;
        Ok(CaseloadCounter {
            supported: u64::try_from(supported).unwrap_or_default(),
            safe: self.safe_caseload()?,
            since,
        })
    }

    pub fn safe_caseload(&self) -> Result<u32> {
        Ok(crate::practice::setting(&self.conn, SAFE_CASELOAD_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_SAFE_CASELOAD))
    }

    /// Sets the safe caseload (1 to 2000 people a year); an admin action, audited.
    pub fn set_safe_caseload(&self, people: u32) -> Result<()> {
        if !(1..=2000).contains(&people) {
            let mut e = waymark_domain::ValidationErrors::default();
            e.push("safeCaseload", "Choose between 1 and 2000 people a year.");
            return Err(e.into());
        }
        let tx = self.conn.unchecked_transaction()?;
        crate::practice::put_setting(&tx, SAFE_CASELOAD_KEY, Some(&people.to_string()))?;
        crate::audit::record(
            &tx,
            self.actor,
            crate::audit::AuditAction::Admin,
            "settings",
            None,
            None,
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Everything the patient page shows, read in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientRecord {
    pub patient: crate::Patient,
    pub referrals: Vec<crate::Referral>,
    pub goals: Vec<crate::plan::Goal>,
    /// The newest contacts; older ones are paged through `contacts().list`.
    pub contacts: crate::contacts::ContactPage,
    pub prescriptions: Vec<crate::prescriptions::Prescription>,
    /// Outcome measures, oldest first.
    pub measures: Vec<crate::outcomes::Measure>,
    /// When follow-up measures fall due, if a baseline awaits them.
    pub measures_due: Option<chrono::NaiveDate>,
    /// The caseload's summary columns: the next check-in still to happen, and the last
    /// conversation's date.
    pub next_checkin: Option<chrono::NaiveDate>,
    pub last_contact: Option<chrono::NaiveDate>,
}

type Date = Option<chrono::NaiveDate>;

/// A patient's next check-in and last contact, from the summary columns.
fn checkin_and_contact(conn: &Connection, patient_id: i64) -> Result<(Date, Date)> {
    let (next, last): (Option<String>, Option<String>) = conn.query_row(
        "SELECT next_checkin, last_contact FROM patients WHERE id = ?1",
        [patient_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((
        crate::parse_optional_date(next)?,
        crate::parse_optional_date(last)?,
    ))
}

/// When a patient's follow-up measures fall due, from the summary column.
fn measures_due(conn: &Connection, patient_id: i64) -> Result<Option<chrono::NaiveDate>> {
    let baseline: Option<String> = conn.query_row(
        "SELECT measures_baseline FROM patients WHERE id = ?1",
        [patient_id],
        |r| r.get(0),
    )?;
    let weeks = crate::outcomes::follow_up_weeks(conn)?;
    Ok(crate::parse_optional_date(baseline)?
        .map(|b| waymark_domain::outcomes::follow_up_due(b, weeks)))
}

impl crate::Database {
    /// Reads a patient's whole record (audited once, as a view of the patient).
    pub fn patient_record(&self, id: i64, contacts_shown: u32) -> Result<PatientRecord> {
        let tx = self.conn.unchecked_transaction()?;
        let patient = self.patients().read(&tx, id)?;
        let (next_checkin, last_contact) = checkin_and_contact(&tx, id)?;
        let record = PatientRecord {
            patient,
            referrals: crate::referrals::of_patient(&tx, id)?,
            goals: crate::plan::goals_of_patient(&tx, id)?,
            contacts: crate::contacts::page(&tx, id, contacts_shown, 0)?,
            prescriptions: crate::prescriptions::of_patient(&tx, id)?,
            measures: crate::outcomes::of_patient(&tx, id)?,
            measures_due: measures_due(&tx, id)?,
            next_checkin,
            last_contact,
        };
        crate::audit::record(
            &tx,
            self.actor,
            crate::AuditAction::View,
            "patient",
            Some(id),
            Some(id),
        )?;
        tx.commit()?;
        Ok(record)
    }
}
