//! The message back to the GP and referrer (domain::message_back): gathered from one
//! episode, and recorded as sent (with the audit row) only once the letter or text it
//! was made into has been produced.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use waymark_domain::message_back::validate_next_steps;
use waymark_domain::message_back::{
    ActivityLine, GoalLine, LinkWorker, MessageBack, Person, ReferralSummary, WellbeingLine,
};
use waymark_domain::outcomes::Instrument;
use waymark_domain::{Country, GoalStatus, ItemStatus};

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::referrals::SentAs;
use crate::{date_text, now};

/// The audit log's name for the message back.
pub const ENTITY: &str = "message_back";

#[derive(Debug)]
pub struct MessageBacks<'a> {
    db: &'a Database,
}

impl Database {
    pub fn message_back(&self) -> MessageBacks<'_> {
        MessageBacks { db: self }
    }
}

impl MessageBacks<'_> {
    /// The message for episode `referral_id` as it stands, for the screen (audited as a
    /// view of the patient's record).
    pub fn draft(&self, referral_id: i64, today: NaiveDate) -> Result<MessageBack> {
        let tx = self.db.conn.unchecked_transaction()?;
        let message = gather(&tx, self.db.actor, referral_id, today)?;
        let patient = crate::referrals::patient_of(&tx, referral_id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::View,
            ENTITY,
            Some(referral_id),
            Some(patient),
        )?;
        tx.commit()?;
        Ok(message)
    }

    /// Saves what happens next, builds the message, hands it to `produce` (which makes
    /// the letter or the text), and only when that succeeds records the episode's
    /// message as sent, `how` and today, audited as a print (letter) or an export
    /// (text). A failure leaves nothing recorded.
    pub fn send<T, E: From<Error>>(
        &self,
        referral_id: i64,
        next_steps: &str,
        how: SentAs,
        today: NaiveDate,
        produce: impl FnOnce(&MessageBack) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let next_steps = validate_next_steps(next_steps).map_err(Error::from)?;
        let tx = self.db.conn.unchecked_transaction().map_err(Error::from)?;
        let patient = crate::referrals::patient_of(&tx, referral_id)?;
        tx.execute(
            "UPDATE referrals SET next_steps = ?2, message_sent_date = ?3, message_sent_how = ?4,
                message_sent_by = ?5, updated_at = ?6 WHERE id = ?1",
            params![
                referral_id,
                next_steps,
                date_text(today),
                how.as_str(),
                self.db.actor,
                now()
            ],
        )
        .map_err(Error::from)?;
        let message = gather(&tx, self.db.actor, referral_id, today)?;
        let out = produce(&message)?;
        audit::record(
            &tx,
            self.db.actor,
            match how {
                SentAs::Letter => AuditAction::Print,
                SentAs::Text => AuditAction::Export,
            },
            ENTITY,
            Some(referral_id),
            Some(patient),
        )?;
        tx.commit().map_err(Error::from)?;
        Ok(out)
    }
}

/// Everything the message says, read from the episode, its patient, its plan, its
/// prescriptions and measures, and the staff member writing it. Not inlined into each
/// `send` (one per kind of output): the app's size budget.
#[inline(never)]
pub(crate) fn gather(
    conn: &Connection,
    actor: Option<i64>,
    referral_id: i64,
    today: NaiveDate,
) -> Result<MessageBack> {
    let practice = crate::practice::read(conn)?.ok_or(Error::NotFound {
        entity: "practice",
        id: 1,
    })?;
    let referral = crate::referrals::read(conn, referral_id)?;
    let patient = crate::patients::read_row(conn, referral.patient_id)?;
    let f = &patient.fields;
    let identifier = match practice.country {
        Country::Uk => f.nhs_number.as_ref().map(|n| format!("NHS number {n}")),
        Country::Us => f.mrn.as_ref().map(|m| format!("MRN {m}")),
    }
    .or_else(|| f.nhs_number.as_ref().map(|n| format!("NHS number {n}")))
    .or_else(|| f.mrn.as_ref().map(|m| format!("MRN {m}")));
    let person = Person {
        name: format!("{} {}", f.given_name, f.family_name),
        date_of_birth: f.date_of_birth,
        identifier,
        address: f.address.clone(),
        registered_gp: f.registered_gp.clone(),
    };

    let r = &referral.fields;
    let referrer: Vec<String> = [
        r.referrer_name.clone(),
        r.referrer_role.clone(),
        r.referrer_organisation.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let summary = ReferralSummary {
        received_date: r.received_date,
        referrer: (!referrer.is_empty()).then(|| referrer.join(", ")),
        reasons: r.reasons.clone(),
        conditions: r.conditions.clone(),
        status: referral.status,
        closed_date: referral.closed_date,
        closure_reason: referral.closure_reason.clone(),
        outcome: referral.outcome,
    };

    let goals = crate::plan::goals_of_referral(conn, referral_id)?
        .into_iter()
        .map(|g| GoalLine {
            description: g.description,
            status: goal_status_words(g.status).to_owned(),
        })
        .collect();

    let (mut taken_up, mut not_taken_up, mut suggested) = (Vec::new(), Vec::new(), Vec::new());
    let mut prescriptions = crate::prescriptions::of_referral(conn, referral_id)?;
    // Oldest first, so the letter reads in the order things were prescribed.
    prescriptions.reverse();
    for item in prescriptions.into_iter().flat_map(|p| p.items) {
        let line = ActivityLine {
            service: item.service_name,
            organisation: item.organization,
            status: item.status,
            barrier: item.barrier,
            barrier_note: item.barrier_note,
        };
        match item.status {
            ItemStatus::Referred | ItemStatus::Started | ItemStatus::Completed => {
                taken_up.push(line)
            }
            ItemStatus::Declined | ItemStatus::DidNotAttend => not_taken_up.push(line),
            ItemStatus::Suggested => suggested.push(line),
        }
    }

    let link_worker = link_worker(conn, actor, &practice)?;
    Ok(MessageBack {
        date: today,
        person,
        referral: summary,
        what_matters: referral.what_matters.clone(),
        goals,
        taken_up,
        not_taken_up,
        suggested,
        wellbeing: wellbeing(conn, referral_id)?,
        gp_appointments: referral.gp_appointments,
        next_steps: referral.next_steps.clone(),
        link_worker,
        practice,
    })
}

fn goal_status_words(s: GoalStatus) -> &'static str {
    match s {
        GoalStatus::Open => "agreed",
        GoalStatus::InProgress => "in progress",
        GoalStatus::Achieved => "achieved",
        GoalStatus::Dropped => "set aside",
    }
}

/// For each scale measured more than once in the episode: its first score and its
/// latest.
fn wellbeing(conn: &Connection, referral_id: i64) -> Result<Vec<WellbeingLine>> {
    let measures = crate::outcomes::of_referral(conn, referral_id)?;
    let mut out = Vec::new();
    for instrument in Instrument::ALL {
        let mine: Vec<_> = measures
            .iter()
            .filter(|m| m.instrument == *instrument)
            .collect();
        let (Some(first), Some(last)) = (mine.first(), mine.last()) else {
            continue;
        };
        if mine.len() < 2 {
            continue;
        }
        for (b, l) in first.scores.scales.iter().zip(&last.scores.scales) {
            out.push(WellbeingLine {
                scale: b.scale,
                baseline: b.value,
                baseline_date: first.recorded_date,
                latest: l.value,
                latest_date: last.recorded_date,
            });
        }
    }
    Ok(out)
}

/// The staff member writing the message, reached through their own phone and email
/// where they have them and the practice's otherwise.
fn link_worker(
    conn: &Connection,
    actor: Option<i64>,
    practice: &waymark_domain::PracticeFields,
) -> Result<LinkWorker> {
    let row: Option<(String, Option<String>, Option<String>)> = match actor {
        Some(id) => conn
            .query_row(
                "SELECT display_name, phone, email FROM staff WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?,
        None => None,
    };
    let (name, phone, email) = match row {
        Some((n, p, e)) => (Some(n), p, e),
        None => (None, None, None),
    };
    Ok(LinkWorker {
        name,
        phone: phone.or_else(|| practice.phone.clone()),
        email: email.or_else(|| practice.email.clone()),
    })
}
