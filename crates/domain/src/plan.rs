//! The personalised support plan: what matters to the person, and goals with steps.

use chrono::NaiveDate;

use crate::validation::{optional_date, optional_text, required_text, ValidationErrors};

/// Where a goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalStatus {
    Open,
    InProgress,
    Achieved,
    Dropped,
}

crate::string_enum!(GoalStatus {
    Open => "open",
    InProgress => "in_progress",
    Achieved => "achieved",
    Dropped => "dropped",
});

/// A goal as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalInput {
    pub description: String,
    pub target_date: String,
    pub status: GoalStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalFields {
    pub description: String,
    pub target_date: Option<NaiveDate>,
    pub status: GoalStatus,
}

/// A step towards a goal, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepInput {
    pub description: String,
    pub target_date: String,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFields {
    pub description: String,
    pub target_date: Option<NaiveDate>,
    pub done: bool,
}

impl GoalInput {
    pub fn validate(&self, today: NaiveDate) -> Result<GoalFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let description = required_text(&mut e, "description", "Goal", &self.description, 500);
        let target_date = optional_date(
            &mut e,
            "targetDate",
            "Target date",
            &self.target_date,
            today,
        );
        e.into_result(GoalFields {
            description,
            target_date,
            status: self.status,
        })
    }
}

impl StepInput {
    pub fn validate(&self, today: NaiveDate) -> Result<StepFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let description = required_text(&mut e, "description", "Step", &self.description, 500);
        let target_date = optional_date(
            &mut e,
            "targetDate",
            "Target date",
            &self.target_date,
            today,
        );
        e.into_result(StepFields {
            description,
            target_date,
            done: self.done,
        })
    }
}

/// "What matters to you", in the person's own words; empty clears it.
pub fn validate_what_matters(text: &str) -> Result<Option<String>, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let v = optional_text(&mut e, "whatMatters", "What matters", text, 4000, true);
    e.into_result(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn a_goal_needs_words_and_a_sane_target() {
        let ok = GoalInput {
            description: " Meet new people, a little at a time ".into(),
            target_date: "2027-02-01".into(),
            status: GoalStatus::Open,
        }
        .validate(today())
        .unwrap();
        assert_eq!(ok.description, "Meet new people, a little at a time");
        let e = GoalInput {
            description: "  ".into(),
            target_date: "next week".into(),
            status: GoalStatus::Open,
        }
        .validate(today())
        .unwrap_err();
        assert_eq!(e.message_for("description"), Some("Enter the goal."));
        assert!(e.message_for("targetDate").is_some());
    }

    #[test]
    fn a_step_needs_words() {
        let e = StepInput {
            description: String::new(),
            target_date: String::new(),
            done: false,
        }
        .validate(today())
        .unwrap_err();
        assert_eq!(e.message_for("description"), Some("Enter the step."));
    }

    #[test]
    fn what_matters_keeps_lines_and_clears_when_empty() {
        assert_eq!(
            validate_what_matters("Time for myself\nBeing strong for the kids").unwrap(),
            Some("Time for myself\nBeing strong for the kids".into())
        );
        assert_eq!(validate_what_matters("  ").unwrap(), None);
        assert!(validate_what_matters(&"x".repeat(4001)).is_err());
    }
}
