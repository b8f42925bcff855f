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
