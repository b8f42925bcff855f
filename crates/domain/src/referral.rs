//! A referral (an episode of support): who referred the patient, why, and where it stands.

use chrono::NaiveDate;

use crate::validation::{optional_name, optional_text, past_date, ValidationErrors};

/// Who made the referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralSource {
    Gp,
    Nurse,
    OtherClinician,
    SelfReferral,
    Other,
}

crate::string_enum!(ReferralSource {
    Gp => "gp",
    Nurse => "nurse",
    OtherClinician => "other_clinician",
    SelfReferral => "self",
    Other => "other",
});

/// Why the patient was referred; a referral has one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReferralReason {
    Loneliness,
    MentalWellbeing,
    LongTermCondition,
    PhysicalActivity,
    Finance,
    Employment,
    Housing,
    CarerSupport,
    Bereavement,
    Diet,
    Other,
}

crate::string_enum!(ReferralReason {
    Loneliness => "loneliness",
    MentalWellbeing => "mental_wellbeing",
    LongTermCondition => "long_term_condition",
    PhysicalActivity => "physical_activity",
    Finance => "finance",
    Employment => "employment",
    Housing => "housing",
    CarerSupport => "carer_support",
    Bereavement => "bereavement",
    Diet => "diet",
    Other => "other",
});

/// Where the episode stands: new → contacted → active → closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralStatus {
    New,
    Contacted,
    Active,
    Closed,
}

crate::string_enum!(ReferralStatus {
    New => "new",
    Contacted => "contacted",
    Active => "active",
    Closed => "closed",
});

/// What moved an episode's status: a person, or the work recorded against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusCause {
    Person,
    Conversation,
    Prescription,
}

crate::string_enum!(StatusCause {
    Person => "person",
    Conversation => "conversation",
    Prescription => "prescription",
});

/// Where recorded work moves an episode by itself: the first conversation makes a new
/// referral "contacted", the first prescription makes a new or contacted one "active".
/// Nothing moves a closed episode (closing and reopening are a person's decisions) or
/// moves one back.
pub fn status_after(current: ReferralStatus, cause: StatusCause) -> Option<ReferralStatus> {
    use ReferralStatus::{Active, Contacted, New};
    match (current, cause) {
        (New, StatusCause::Conversation) => Some(Contacted),
        (New | Contacted, StatusCause::Prescription) => Some(Active),
        _ => None,
    }
}

/// SNOMED CT concept for the GP record: "Referral to social prescribing service".
pub const SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING: (&str, &str) =
    ("871731000000106", "Referral to social prescribing service");
/// SNOMED CT concept for the GP record: "Social prescribing declined".
pub const SNOMED_SOCIAL_PRESCRIBING_DECLINED: (&str, &str) =
    ("871711000000103", "Social prescribing declined");

/// A referral form as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralInput {
    pub received_date: String,
    pub referrer_name: String,
    pub referrer_role: String,
    pub referrer_organisation: String,
    pub source: ReferralSource,
    pub reasons: Vec<ReferralReason>,
    pub conditions: String,
}

/// A referral's fields after every rule has passed; reasons are sorted and unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFields {
    pub received_date: NaiveDate,
    pub referrer_name: Option<String>,
    pub referrer_role: Option<String>,
    pub referrer_organisation: Option<String>,
    pub source: ReferralSource,
    pub reasons: Vec<ReferralReason>,
    pub conditions: Option<String>,
}

impl ReferralInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ReferralFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let received_date = past_date(
            &mut e,
            "receivedDate",
            "Received date",
            &self.received_date,
            today,
        );
        let referrer_name = optional_name(
            &mut e,
            "referrerName",
            "Referrer's name",
            &self.referrer_name,
            200,
        );
        let referrer_role = optional_text(
            &mut e,
            "referrerRole",
            "Referrer's role",
            &self.referrer_role,
            100,
            false,
        );
        let referrer_organisation = optional_name(
            &mut e,
            "referrerOrganisation",
            "Referrer's organisation",
            &self.referrer_organisation,
            200,
        );
        let conditions = optional_text(
            &mut e,
            "conditions",
            "Conditions",
            &self.conditions,
            4000,
            true,
        );
        let mut reasons = self.reasons.clone();
        reasons.sort();
        reasons.dedup();
        if reasons.is_empty() {
            e.push("reasons", "Choose at least one reason for the referral.");
        }
        let fields = ReferralFields {
            // Only read when `e` is empty, in which case the date parsed.
            received_date: received_date.unwrap_or(today),
            referrer_name,
            referrer_role,
            referrer_organisation,
            source: self.source,
            reasons,
            conditions,
        };
        e.into_result(fields)
    }
}

/// A checked change of a referral's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: ReferralStatus,
    /// Present exactly when the status is `Closed`.
    pub closure_reason: Option<String>,
}

impl StatusChange {
    /// Closing needs a reason; any other status clears it (reopening is allowed).
    pub fn new(
        status: ReferralStatus,
        closure_reason: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let closure_reason = if status == ReferralStatus::Closed {
            let reason = optional_text(
                &mut e,
                "closureReason",
                "Closure reason",
                closure_reason.unwrap_or_default(),
                500,
                true,
            );
            if reason.is_none() && e.is_empty() {
                e.push("closureReason", "Say why the referral is being closed.");
            }
            reason
        } else {
            None
        };
        e.into_result(Self {
            status,
            closure_reason,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn work_moves_an_episode_forward_and_never_a_closed_one() {
        use ReferralStatus::*;
        let conv = StatusCause::Conversation;
        let rx = StatusCause::Prescription;
        assert_eq!(status_after(New, conv), Some(Contacted));
        assert_eq!(status_after(Contacted, conv), None);
        assert_eq!(status_after(Active, conv), None);
        assert_eq!(status_after(Closed, conv), None);
        assert_eq!(status_after(New, rx), Some(Active));
        assert_eq!(status_after(Contacted, rx), Some(Active));
        assert_eq!(status_after(Active, rx), None);
        assert_eq!(status_after(Closed, rx), None);
        for s in ReferralStatus::ALL {
            assert_eq!(status_after(*s, StatusCause::Person), None);
        }
    }

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn input() -> ReferralInput {
        ReferralInput {
            received_date: "2026-11-02".into(),
            referrer_name: "Dr Amara Okafor".into(),
            referrer_role: "GP".into(),
            referrer_organisation: "Hollinsford Surgery".into(),
            source: ReferralSource::Gp,
            reasons: vec![
                ReferralReason::PhysicalActivity,
                ReferralReason::LongTermCondition,
                ReferralReason::PhysicalActivity,
            ],
            conditions: "Multiple sclerosis".into(),
        }
    }

    #[test]
    fn reasons_are_sorted_and_unique() {
        let f = input().validate(today()).unwrap();
        assert_eq!(
            f.reasons,
            vec![
                ReferralReason::LongTermCondition,
                ReferralReason::PhysicalActivity
            ]
        );
    }

    #[test]
    fn needs_a_reason_and_a_past_date() {
        let e = ReferralInput {
            reasons: vec![],
            received_date: "2027-01-01".into(),
            ..input()
        }
        .validate(today())
        .unwrap_err();
        assert!(e.message_for("reasons").is_some());
        assert!(e.message_for("receivedDate").is_some());
    }

    #[test]
    fn closing_needs_a_reason_and_other_statuses_drop_it() {
        let e = StatusChange::new(ReferralStatus::Closed, Some("  ")).unwrap_err();
        assert_eq!(
            e.message_for("closureReason"),
            Some("Say why the referral is being closed.")
        );
        let c = StatusChange::new(ReferralStatus::Closed, Some("Goals met")).unwrap();
        assert_eq!(c.closure_reason.as_deref(), Some("Goals met"));
        let a = StatusChange::new(ReferralStatus::Active, Some("ignored")).unwrap();
        assert_eq!(a.closure_reason, None);
    }

    #[test]
    fn every_enum_round_trips() {
        for r in ReferralReason::ALL {
            assert_eq!(r.as_str().parse::<ReferralReason>().as_ref(), Ok(r));
        }
        for s in ReferralSource::ALL {
            assert_eq!(s.as_str().parse::<ReferralSource>().as_ref(), Ok(s));
        }
        assert_eq!(ReferralReason::ALL.len(), 11);
    }
}
