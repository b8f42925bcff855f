//! The support plan of an episode: "what matters to you" (on the referral) and goals
//! with steps. Every change is audited against the patient.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use waymark_domain::plan::validate_what_matters;
use waymark_domain::{GoalInput, GoalStatus, StepInput};

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::{date_text, now, parse_optional_date};

/// A goal with its steps, in the order they were added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    pub id: i64,
    pub referral_id: i64,
    pub description: String,
    pub target_date: Option<NaiveDate>,
    pub status: GoalStatus,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: i64,
    pub goal_id: i64,
    pub description: String,
    pub target_date: Option<NaiveDate>,
    pub done: bool,
}

#[derive(Debug)]
pub struct Plans<'a> {
    db: &'a Database,
}

impl Database {
    pub fn plans(&self) -> Plans<'_> {
        Plans { db: self }
    }
}

impl Plans<'_> {
    /// Sets (or, with empty text, clears) what matters to the person in this episode.
    pub fn set_what_matters(&self, referral_id: i64, text: &str) -> Result<Option<String>> {
        let value = validate_what_matters(text)?;
        let tx = self.db.conn.unchecked_transaction()?;
        let patient_id = crate::referrals::patient_of(&tx, referral_id)?;
        tx.execute(
            "UPDATE referrals SET what_matters = ?2, updated_at = ?3 WHERE id = ?1",
            params![referral_id, value, now()],
        )?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            "referral",
            Some(referral_id),
            Some(patient_id),
        )?;
        tx.commit()?;
        Ok(value)
    }

    pub fn add_goal(&self, referral_id: i64, input: &GoalInput, today: NaiveDate) -> Result<Goal> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        let patient_id = crate::referrals::patient_of(&tx, referral_id)?;
        let ts = now();
        tx.execute(
            "INSERT INTO goals (referral_id, description, target_date, status, position,
                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4,
                (SELECT COALESCE(max(position), 0) + 1 FROM goals WHERE referral_id = ?1), ?5, ?5)",
            params![
                referral_id,
                f.description,
                f.target_date.map(date_text),
                f.status.as_str(),
                ts
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Create,
            "goal",
            Some(id),
            Some(patient_id),
        )?;
        let goal = read_goal(&tx, id)?;
        tx.commit()?;
        Ok(goal)
    }

    pub fn update_goal(&self, goal_id: i64, input: &GoalInput, today: NaiveDate) -> Result<Goal> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        let patient_id = goal_patient(&tx, goal_id)?;
        tx.execute(
            "UPDATE goals SET description = ?2, target_date = ?3, status = ?4, updated_at = ?5
             WHERE id = ?1",
            params![
                goal_id,
                f.description,
                f.target_date.map(date_text),
                f.status.as_str(),
                now()
            ],
        )?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            "goal",
            Some(goal_id),
            Some(patient_id),
        )?;
        let goal = read_goal(&tx, goal_id)?;
        tx.commit()?;
        Ok(goal)
    }

    pub fn add_step(&self, goal_id: i64, input: &StepInput, today: NaiveDate) -> Result<Goal> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        let patient_id = goal_patient(&tx, goal_id)?;
        tx.execute(
            "INSERT INTO goal_steps (goal_id, description, target_date, done, position)
             VALUES (?1, ?2, ?3, ?4,
                (SELECT COALESCE(max(position), 0) + 1 FROM goal_steps WHERE goal_id = ?1))",
            params![goal_id, f.description, f.target_date.map(date_text), f.done],
        )?;
        let id = tx.last_insert_rowid();
        touch_goal(&tx, goal_id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Create,
            "goal_step",
            Some(id),
            Some(patient_id),
        )?;
        let goal = read_goal(&tx, goal_id)?;
        tx.commit()?;
        Ok(goal)
    }

    /// Ticks a step off (or back on).
    pub fn set_step_done(&self, step_id: i64, done: bool) -> Result<Goal> {
        let tx = self.db.conn.unchecked_transaction()?;
        let goal_id: i64 = tx
            .query_row(
                "SELECT goal_id FROM goal_steps WHERE id = ?1",
                [step_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(Error::NotFound {
                entity: "goal_step",
                id: step_id,
            })?;
        let patient_id = goal_patient(&tx, goal_id)?;
        tx.execute(
            "UPDATE goal_steps SET done = ?2 WHERE id = ?1",
            params![step_id, done],
        )?;
        touch_goal(&tx, goal_id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            "goal_step",
            Some(step_id),
            Some(patient_id),
        )?;
        let goal = read_goal(&tx, goal_id)?;
        tx.commit()?;
        Ok(goal)
    }
}

fn touch_goal(conn: &Connection, goal_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE goals SET updated_at = ?2 WHERE id = ?1",
        params![goal_id, now()],
    )?;
    Ok(())
}

fn goal_patient(conn: &Connection, goal_id: i64) -> Result<i64> {
    conn.query_row(
        "SELECT r.patient_id FROM goals g JOIN referrals r ON r.id = g.referral_id WHERE g.id = ?1",
        [goal_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(Error::NotFound {
        entity: "goal",
        id: goal_id,
    })
}

fn read_goal(conn: &Connection, id: i64) -> Result<Goal> {
    let mut goals = goals_where(conn, "g.id = ?1", id)?;
    goals.pop().ok_or(Error::NotFound { entity: "goal", id })
}

/// Every goal (with steps) of a patient's episodes, by episode then position.
pub(crate) fn goals_of_patient(conn: &Connection, patient_id: i64) -> Result<Vec<Goal>> {
    goals_where(
        conn,
        "g.referral_id IN (SELECT id FROM referrals WHERE patient_id = ?1)",
        patient_id,
    )
}

/// The goals (with steps) of one episode, in order.
pub(crate) fn goals_of_referral(conn: &Connection, referral_id: i64) -> Result<Vec<Goal>> {
    goals_where(conn, "g.referral_id = ?1", referral_id)
}

/// `filter` is one of this module's fixed conditions on `g`, with one parameter.
fn goals_where(conn: &Connection, filter: &str, arg: i64) -> Result<Vec<Goal>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT g.id, g.referral_id, g.description, g.target_date, g.status,
            s.id, s.description, s.target_date, s.done
         FROM goals g LEFT JOIN goal_steps s ON s.goal_id = g.id
         WHERE {filter} ORDER BY g.referral_id, g.position, g.id, s.position, s.id"
    ))?;
    let mut rows = stmt.query([arg])?;
    let mut goals: Vec<Goal> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if goals.last().map(|g| g.id) != Some(id) {
            goals.push(Goal {
                id,
                referral_id: r.get(1)?,
                description: r.get(2)?,
                target_date: parse_optional_date(r.get(3)?)?,
                status: r.get::<_, String>(4)?.parse()?,
                steps: Vec::new(),
            });
        }
        if let (Some(step_id), Some(goal)) = (r.get::<_, Option<i64>>(5)?, goals.last_mut()) {
            goal.steps.push(Step {
                id: step_id,
                goal_id: id,
                description: r.get(6)?,
                target_date: parse_optional_date(r.get(7)?)?,
                done: r.get(8)?,
            });
        }
    }
    Ok(goals)
}
