//! The outcome_measures table: wellbeing measures recorded at baseline and follow-up.
//! Answers are kept item by item, so scores are always recomputed by the domain's
//! rules and never stored. Audited.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use waymark_domain::outcomes::{self, Instrument, Scores, Timepoint};
use waymark_domain::MeasureInput;

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::{caseload, date_text, now, parse_date};

const ENTITY: &str = "outcome_measure";
const FOLLOW_UP_WEEKS_KEY: &str = "measure_follow_up_weeks";

/// A recorded measure with its scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub id: i64,
    pub patient_id: i64,
    pub referral_id: Option<i64>,
    pub instrument: Instrument,
    pub timepoint: Timepoint,
    pub recorded_date: NaiveDate,
    pub answers: Vec<u8>,
    pub scores: Scores,
    pub staff_name: Option<String>,
}

#[derive(Debug)]
pub struct Outcomes<'a> {
    db: &'a Database,
}

impl Database {
    pub fn outcomes(&self) -> Outcomes<'_> {
        Outcomes { db: self }
    }

    /// Weeks from a baseline to its follow-up measures.
    pub fn follow_up_weeks(&self) -> Result<u32> {
        follow_up_weeks(&self.conn)
    }

    /// Sets the follow-up interval (1 to 52 weeks); an admin action, audited.
    pub fn set_follow_up_weeks(&self, weeks: u32) -> Result<()> {
        let weeks = outcomes::validate_follow_up_weeks(weeks)?;
        let tx = self.conn.unchecked_transaction()?;
        crate::practice::put_setting(&tx, FOLLOW_UP_WEEKS_KEY, Some(&weeks.to_string()))?;
        audit::record(&tx, self.actor, AuditAction::Admin, "settings", None, None)?;
        tx.commit()?;
        Ok(())
    }
}

pub(crate) fn follow_up_weeks(conn: &Connection) -> Result<u32> {
    Ok(crate::practice::setting(conn, FOLLOW_UP_WEEKS_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(outcomes::DEFAULT_FOLLOW_UP_WEEKS))
}

impl Outcomes<'_> {
    /// Records a measure taken by the signed-in staff member, filed under the patient's
    /// latest episode. Incomplete or out-of-range answers are refused, naming each
    /// question, and nothing is written.
    pub fn record(
        &self,
        patient_id: i64,
        input: &MeasureInput,
        today: NaiveDate,
    ) -> Result<Measure> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        crate::ensure_exists(&tx, "patient", patient_id)?;
        let referral_id = crate::referrals::latest_episode(&tx, patient_id)?.map(|(id, _)| id);
        let answers = serde_json::to_string(&f.answers)
            .map_err(|e| Error::Corrupt(format!("answers: {e}")))?;
        tx.execute(
            "INSERT INTO outcome_measures (patient_id, referral_id, instrument, timepoint,
                recorded_date, answers, staff_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                patient_id,
                referral_id,
                f.instrument.as_str(),
                f.timepoint.as_str(),
                date_text(f.recorded_date),
                answers,
                self.db.actor,
                now()
            ],
        )?;
        let id = tx.last_insert_rowid();
        caseload::refresh(&tx, patient_id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Create,
            ENTITY,
            Some(id),
            Some(patient_id),
        )?;
        let measure = select(&tx, "m.id = ?1", id)?
            .pop()
            .ok_or(Error::NotFound { entity: ENTITY, id })?;
        tx.commit()?;
        Ok(measure)
    }
}

/// A patient's measures, oldest first.
pub(crate) fn of_patient(conn: &Connection, patient_id: i64) -> Result<Vec<Measure>> {
    select(conn, "m.patient_id = ?1", patient_id)
}

/// The measures filed under one episode, oldest first.
pub(crate) fn of_referral(conn: &Connection, referral_id: i64) -> Result<Vec<Measure>> {
    // Through the patient's own rows (indexed), not a scan of every measure.
    select(
        conn,
        "m.patient_id = (SELECT patient_id FROM referrals WHERE id = ?1) AND m.referral_id = ?1",
        referral_id,
    )
}

/// The measures matching `clause` (one `?1` parameter), oldest first.
fn select(conn: &Connection, clause: &str, param: i64) -> Result<Vec<Measure>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT m.id, m.patient_id, m.referral_id, m.instrument, m.timepoint, m.recorded_date,
            m.answers, s.display_name
         FROM outcome_measures m LEFT JOIN staff s ON s.id = m.staff_id
         WHERE {clause} ORDER BY m.recorded_date, m.id"
    ))?;
    let mut rows = stmt.query([param])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let instrument: Instrument = r.get::<_, String>(3)?.parse()?;
        let (answers, scores) = scored(instrument, &r.get::<_, String>(6)?)?;
        out.push(Measure {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            referral_id: r.get(2)?,
            instrument,
            timepoint: r.get::<_, String>(4)?.parse()?,
            recorded_date: parse_date(&r.get::<_, String>(5)?)?,
            answers,
            scores,
            staff_name: r.get(7)?,
        });
    }
    Ok(out)
}

/// Stored answers (a JSON array of small integers) and their scores; answers that no
/// longer fit the instrument mean the row was damaged.
pub(crate) fn scored(instrument: Instrument, text: &str) -> Result<(Vec<u8>, Scores)> {
    let answers: Vec<u8> =
        serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("stored answers: {e}")))?;
    let scores =
        outcomes::score(instrument, &answers).map_err(|e| Error::Corrupt(e.to_string()))?;
    Ok((answers, scores))
}

/// The latest baseline date with no follow-up recorded on or after it, for the
/// caseload's reminder. Read through the patient's own rows (a handful), so the planner
/// cannot pick the practice-wide date index instead.
pub(crate) fn open_baseline(conn: &Connection, patient_id: i64) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT timepoint, recorded_date FROM outcome_measures INDEXED BY outcome_measures_patient
         WHERE patient_id = ?1",
    )?;
    let mut rows = stmt.query([patient_id])?;
    let (mut baseline, mut follow_up): (Option<String>, Option<String>) = (None, None);
    while let Some(r) = rows.next()? {
        let latest = match r.get::<_, String>(0)?.as_str() {
            "baseline" => &mut baseline,
            _ => &mut follow_up,
        };
        let date: String = r.get(1)?;
        // ISO dates compare as text.
        if latest.as_ref().is_none_or(|d| *d < date) {
            *latest = Some(date);
        }
    }
    Ok(match (baseline, follow_up) {
        (Some(b), Some(f)) if f >= b => None,
        (b, _) => b,
    })
}
