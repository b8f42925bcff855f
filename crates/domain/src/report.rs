//! The practice's period reports: the period asked for, the tables a report holds,
//! their wording in exported files, and small-number suppression.

use chrono::NaiveDate;

use crate::outcomes::Scale;
use crate::prescription::{Barrier, ItemStatus};
use crate::referral::{ReferralReason, ReferralSource};
use crate::validation::ValidationErrors;

/// The longest period one report may cover.
pub const MAX_PERIOD_YEARS: i32 = 20;

/// A report's period: both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// Parses the two ISO dates a form sends; the period must run forwards.
    pub fn parse(from: &str, to: &str) -> Result<Period, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let date = |e: &mut ValidationErrors, field: &'static str, label: &str, v: &str| {
            let parsed = NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok();
            if parsed.is_none() {
                e.push(
                    field,
                    format!(
                        "{label} is not a date Waymark can read. {}",
                        crate::validation::DATE_HELP
                    ),
                );
            }
            parsed
        };
        let from = date(&mut e, "from", "From", from);
        let to = date(&mut e, "to", "To", to);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                e.push("to", "The period must end on or after the day it starts.");
            } else if t.years_since(f).unwrap_or(0) >= MAX_PERIOD_YEARS as u32 {
                e.push(
                    "from",
                    format!("A report covers at most {MAX_PERIOD_YEARS} years."),
                );
            }
        }
        match (from, to) {
            (Some(from), Some(to)) if e.is_empty() => Ok(Period { from, to }),
            _ => Err(e),
        }
    }
}

/// One table of a period report, exported as one CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportTable {
    ReferralSources,
    ReferralReasons,
    Activity,
    ServiceCategories,
    ItemFunnel,
    Barriers,
    Outcomes,
    Referrers,
    GpAppointments,
}

crate::string_enum!(ReportTable {
    ReferralSources => "referral_sources",
    ReferralReasons => "referral_reasons",
    Activity => "activity",
    ServiceCategories => "service_categories",
    ItemFunnel => "item_funnel",
    Barriers => "barriers",
    Outcomes => "outcomes",
    Referrers => "referrers",
    GpAppointments => "gp_appointments",
});

/// Counts under this are shown as "<5" in exported tables, so a report cannot single
/// out a patient.
pub const SUPPRESS_BELOW: u64 = 5;

/// A count as an exported table shows it: 1 to 4 become "<5"; none is still "0".
pub fn suppressed(count: u64) -> String {
    if count > 0 && count < SUPPRESS_BELOW {
        format!("<{SUPPRESS_BELOW}")
    } else {
        count.to_string()
    }
}

/// Whether a count is hidden by [`suppressed`].
pub fn is_suppressed(count: u64) -> bool {
    count > 0 && count < SUPPRESS_BELOW
}

/// Wording of exported reports (English; the UI has its own labels).
pub fn source_label(s: ReferralSource) -> &'static str {
    match s {
        ReferralSource::Gp => "GP",
        ReferralSource::Nurse => "Nurse",
        ReferralSource::OtherClinician => "Other clinician",
        ReferralSource::SelfReferral => "Self-referral",
        ReferralSource::Other => "Other",
    }
}

pub fn reason_label(r: ReferralReason) -> &'static str {
    match r {
        ReferralReason::Loneliness => "Loneliness or isolation",
        ReferralReason::MentalWellbeing => "Mental wellbeing",
        ReferralReason::LongTermCondition => "Long-term condition",
        ReferralReason::PhysicalActivity => "Physical activity",
        ReferralReason::Finance => "Finance or debt",
        ReferralReason::Employment => "Employment",
        ReferralReason::Housing => "Housing",
        ReferralReason::CarerSupport => "Carer support",
        ReferralReason::Bereavement => "Bereavement",
        ReferralReason::Diet => "Diet",
        ReferralReason::Other => "Other",
    }
}

pub fn barrier_label(b: Barrier) -> &'static str {
    match b {
        Barrier::Cost => "Cost",
        Barrier::Transport => "Transport",
        Barrier::Eligibility => "Eligibility",
        Barrier::WaitingList => "Waiting list",
        Barrier::Confidence => "Confidence",
        Barrier::Timing => "Timing",
        Barrier::NoSuchService => "No such service",
        Barrier::Other => "Other",
    }
}

pub fn item_status_label(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Suggested => "Suggested",
        ItemStatus::Referred => "Referred",
        ItemStatus::Started => "Started",
        ItemStatus::Completed => "Completed",
        ItemStatus::Declined => "Declined",
        ItemStatus::DidNotAttend => "Did not attend",
    }
}

pub fn scale_label(s: Scale) -> &'static str {
    match s {
        Scale::LifeSatisfaction => "ONS4 life satisfaction (0-10, higher is better)",
        Scale::Worthwhile => "ONS4 worthwhile (0-10, higher is better)",
        Scale::Happiness => "ONS4 happiness (0-10, higher is better)",
        Scale::Anxiety => "ONS4 anxiety (0-10, lower is better)",
        Scale::Swemwbs => "SWEMWBS metric score (7-35, higher is better)",
        Scale::Ucla3 => "UCLA-3 loneliness (3-9, lower is better)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_under_five_are_suppressed_but_none_is_shown() {
        assert_eq!(suppressed(0), "0");
        for n in 1..=4 {
            assert_eq!(suppressed(n), "<5");
            assert!(is_suppressed(n));
        }
        assert_eq!(suppressed(5), "5");
        assert_eq!(suppressed(1234), "1234");
        assert!(!is_suppressed(0) && !is_suppressed(5));
    }

    #[test]
    fn a_period_runs_forwards_between_real_dates() {
        let p = Period::parse("2026-04-01", " 2027-03-31 ").unwrap();
        assert_eq!(p.from, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        assert_eq!(p.to, NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
        assert!(Period::parse("2026-04-01", "2026-04-01").is_ok());
        let e = Period::parse("2026-04-02", "2026-04-01").unwrap_err();
        assert!(e.message_for("to").unwrap().contains("on or after"));
        let e = Period::parse("", "2026-02-30").unwrap_err();
        assert!(e.message_for("from").is_some() && e.message_for("to").is_some());
        assert!(Period::parse("1990-01-01", "2026-01-01")
            .unwrap_err()
            .message_for("from")
            .is_some());
    }
}
