//! A referral (an episode of support): who referred the patient, why, and where it stands.

use chrono::NaiveDate;

use crate::validation::{
    optional_email, optional_name, optional_phone, optional_text, past_date, ValidationErrors,
};

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
    pub referrer_phone: String,
    pub referrer_email: String,
    /// The referring organisation's ODS code (a GP practice's is a letter and five
    /// digits, "B86012"); "" when not known.
    pub referrer_ods_code: String,
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
    pub referrer_phone: Option<String>,
    pub referrer_email: Option<String>,
    /// Upper case.
    pub referrer_ods_code: Option<String>,
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
        let referrer_phone = optional_phone(&mut e, "referrerPhone", &self.referrer_phone);
        let referrer_email = optional_email(&mut e, "referrerEmail", &self.referrer_email);
        let referrer_ods_code = ods_code(&mut e, &self.referrer_ods_code);
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
            referrer_phone,
            referrer_email,
            referrer_ods_code,
        };
        e.into_result(fields)
    }
}

/// An Organisation Data Service code: 3 to 10 letters and digits (a GP practice's is a
/// letter and five digits, a trust's three characters).
fn ods_code(e: &mut ValidationErrors, value: &str) -> Option<String> {
    let code = value.trim().to_ascii_uppercase();
    if code.is_empty() {
        return None;
    }
    if !(3..=10).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        e.push(
            "referrerOdsCode",
            "An ODS code has 3 to 10 letters and digits, such as B86012.",
        );
        return None;
    }
    Some(code)
}

/// How an episode ended, for the message back and its codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosureOutcome {
    /// The person is connected to what helps and needs no more support.
    Completed,
    /// The person declined social prescribing.
    Declined,
    NotContactable,
    StoppedTakingPart,
    ReferredElsewhere,
    MovedAway,
    Other,
}

crate::string_enum!(ClosureOutcome {
    Completed => "completed",
    Declined => "declined",
    NotContactable => "not_contactable",
    StoppedTakingPart => "stopped_taking_part",
    ReferredElsewhere => "referred_elsewhere",
    MovedAway => "moved_away",
    Other => "other",
});

impl ClosureOutcome {
    pub fn label(self) -> &'static str {
        match self {
            ClosureOutcome::Completed => "Support completed",
            ClosureOutcome::Declined => "Declined social prescribing",
            ClosureOutcome::NotContactable => "Could not be contacted",
            ClosureOutcome::StoppedTakingPart => "Stopped taking part",
            ClosureOutcome::ReferredElsewhere => "Referred to another service",
            ClosureOutcome::MovedAway => "Moved away",
            ClosureOutcome::Other => "Other",
        }
    }
}

/// The GP appointments counted for an episode's evidence, as typed: the six months
/// before the referral and the six months after it, each with the day it was counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GpAppointmentsInput {
    pub before: String,
    pub before_counted: String,
    pub after: String,
    pub after_counted: String,
}

/// One count and the day it was read from the GP system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub appointments: u32,
    pub counted: NaiveDate,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GpAppointments {
    pub before: Option<Counted>,
    pub after: Option<Counted>,
}

impl GpAppointments {
    /// Whether counts already recorded were each made once their months were over, for a
    /// referral received on `received` (a referral's date may be edited later).
    pub fn fit(&self, received: NaiveDate) -> bool {
        self.before.is_none_or(|c| c.counted >= received)
            && self
                .after
                .is_none_or(|c| c.counted >= six_months_after(received))
    }
}

/// More than this in six months is a typing slip (it is more than one a working day).
pub const GP_APPOINTMENTS_MAX: u32 = 200;

/// The months each count covers, either side of the referral.
pub const GP_APPOINTMENT_MONTHS: u32 = 6;

/// The day the six months after a referral received on `received` are over.
pub fn six_months_after(received: NaiveDate) -> NaiveDate {
    received
        .checked_add_months(chrono::Months::new(GP_APPOINTMENT_MONTHS))
        .unwrap_or(received)
}

impl GpAppointmentsInput {
    /// Checks the counts for a referral received on `received`. A count may be left
    /// out; one given needs the day it was counted (today when empty). The months
    /// before are complete on the day the referral arrived, the months after six
    /// months later: a count made earlier would miss appointments, so it is refused.
    pub fn validate(
        &self,
        received: NaiveDate,
        today: NaiveDate,
    ) -> Result<GpAppointments, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let mut one = |count_field: &'static str,
                       date_field: &'static str,
                       count: &str,
                       counted: &str,
                       complete_on: NaiveDate,
                       which: &str| {
            let count = count.trim();
            if count.is_empty() {
                if !counted.trim().is_empty() {
                    e.push(
                        count_field,
                        format!("Enter the number of appointments {which}, or clear the date."),
                    );
                }
                return None;
            }
            let appointments = match count.parse::<u32>() {
                Ok(n) if n <= GP_APPOINTMENTS_MAX => Some(n),
                _ => {
                    e.push(
                        count_field,
                        format!(
                            "Enter a whole number of appointments from 0 to {GP_APPOINTMENTS_MAX}."
                        ),
                    );
                    None
                }
            };
            let day = if counted.trim().is_empty() {
                Some(today)
            } else {
                past_date(&mut e, date_field, "Date counted", counted, today)
            };
            if let Some(d) = day {
                if d < complete_on {
                    e.push(
                        date_field,
                        format!(
                            "The months {which} are complete on {complete_on}: count them on or after that day."
                        ),
                    );
                    return None;
                }
            }
            Some(Counted {
                appointments: appointments?,
                counted: day?,
            })
        };
        let before = one(
            "before",
            "beforeCounted",
            &self.before,
            &self.before_counted,
            received,
            "before the referral",
        );
        let after = one(
            "after",
            "afterCounted",
            &self.after,
            &self.after_counted,
            six_months_after(received),
            "after the referral",
        );
        e.into_result(GpAppointments { before, after })
    }
}

/// A checked change of a referral's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: ReferralStatus,
    /// Present exactly when the status is `Closed`.
    pub closure_reason: Option<String>,
    /// How a closed episode ended; never present on another status.
    pub outcome: Option<ClosureOutcome>,
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
            outcome: None,
        })
    }

    /// The same change with how the episode ended (kept only when closing).
    pub fn with_outcome(mut self, outcome: Option<ClosureOutcome>) -> Self {
        self.outcome = outcome.filter(|_| self.status == ReferralStatus::Closed);
        self
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
            referrer_phone: "0161 496 0000 ext. 12".into(),
            referrer_email: "a.okafor@example.nhs.uk".into(),
            referrer_ods_code: " p84001 ".into(),
        }
    }

    #[test]
    fn referrer_details_are_checked() {
        let f = input().validate(today()).unwrap();
        assert_eq!(f.referrer_ods_code.as_deref(), Some("P84001"));
        assert_eq!(f.referrer_email.as_deref(), Some("a.okafor@example.nhs.uk"));
        let e = ReferralInput {
            referrer_phone: "ring the surgery".into(),
            referrer_email: "nobody".into(),
            referrer_ods_code: "P8-4001".into(),
            ..input()
        }
        .validate(today())
        .unwrap_err();
        for field in ["referrerPhone", "referrerEmail", "referrerOdsCode"] {
            assert!(e.message_for(field).is_some(), "{field}: {e:?}");
        }
        for bad in ["AB", "ABCDEFGHIJK"] {
            let e = ReferralInput {
                referrer_ods_code: bad.into(),
                ..input()
            }
            .validate(today())
            .unwrap_err();
            assert!(e.message_for("referrerOdsCode").is_some());
        }
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn gp_appointments_are_counted_once_their_months_are_over() {
        let received = date("2026-03-10");
        let today = date("2026-11-24");
        let ok = GpAppointmentsInput {
            before: "7".into(),
            before_counted: "2026-03-12".into(),
            after: " 3 ".into(),
            after_counted: "".into(),
        }
        .validate(received, today)
        .unwrap();
        assert_eq!(
            ok.before,
            Some(Counted {
                appointments: 7,
                counted: date("2026-03-12")
            })
        );
        assert_eq!(
            ok.after,
            Some(Counted {
                appointments: 3,
                counted: today
            })
        );
        assert_eq!(
            GpAppointmentsInput::default().validate(received, today),
            Ok(GpAppointments::default())
        );
        let field = |i: GpAppointmentsInput, f: &str| {
            i.validate(received, today)
                .unwrap_err()
                .message_for(f)
                .map(str::to_owned)
        };
        let early_after = GpAppointmentsInput {
            after: "2".into(),
            after_counted: "2026-09-09".into(),
            ..Default::default()
        };
        assert!(field(early_after, "afterCounted")
            .unwrap()
            .contains("2026-09-10"));
        let early_before = GpAppointmentsInput {
            before: "2".into(),
            before_counted: "2026-03-09".into(),
            ..Default::default()
        };
        assert!(field(early_before, "beforeCounted").is_some());
        for bad in ["-1", "2.5", "many", "201"] {
            let i = GpAppointmentsInput {
                before: bad.into(),
                ..Default::default()
            };
            assert!(field(i, "before").is_some(), "{bad}");
        }
        let date_only = GpAppointmentsInput {
            after_counted: "2026-10-01".into(),
            ..Default::default()
        };
        assert!(field(date_only, "after").is_some());
        let future = GpAppointmentsInput {
            before: "1".into(),
            before_counted: "2026-12-01".into(),
            ..Default::default()
        };
        assert!(field(future, "beforeCounted").is_some());
        // Counts already recorded fit their referral's date, or no longer do once it moves.
        assert!(ok.fit(received));
        assert!(!ok.fit(date("2026-03-13")));
        assert!(!ok.fit(date("2026-06-01")));
        // The months after a referral on 31 August end on the last day of February.
        assert_eq!(six_months_after(date("2025-08-31")), date("2026-02-28"));
    }

    #[test]
    fn an_outcome_is_kept_only_when_closing() {
        let c = StatusChange::new(ReferralStatus::Closed, Some("Declined"))
            .unwrap()
            .with_outcome(Some(ClosureOutcome::Declined));
        assert_eq!(c.outcome, Some(ClosureOutcome::Declined));
        let a = StatusChange::new(ReferralStatus::Active, None)
            .unwrap()
            .with_outcome(Some(ClosureOutcome::Declined));
        assert_eq!(a.outcome, None);
        for o in ClosureOutcome::ALL {
            assert_eq!(o.as_str().parse::<ClosureOutcome>().as_ref(), Ok(o));
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
