//! Waymark's domain: the pure types and rules of social-prescribing casework.
//!
//! This crate exists so that the rules a practice relies on (an NHS number's check
//! digit, which fields a patient record needs, what a referral may say) are written
//! once, tested without any IO, and shared by the store, the app shell and the
//! printer. It knows nothing of databases, files, IPC or the UI.

/// Gives a fieldless enum its stable text form (used in the database and over IPC),
/// parsing back from it, and a list of every value.
#[macro_export]
macro_rules! string_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    _ => Err($crate::UnknownValue { kind: stringify!($ty), value: s.to_owned() }),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A stored or received text that names no value of the enum it should.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a known {kind}")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

pub mod audit;
pub mod contact;
pub mod dates;
pub mod demographics;
pub mod directory;
pub mod hsds;
pub mod message_back;
pub mod nhs;
pub mod outcomes;
pub mod patient;
pub mod plan;
pub mod practice;
pub mod prescription;
pub mod print_language;
pub mod referral;
pub mod report;
pub mod search;
pub mod sheet;
pub mod staff;
pub mod validation;

pub use audit::AuditAction;
pub use contact::{ContactFields, ContactInput, ContactKind};
pub use dates::{read_date, DateError, DateUse};
pub use demographics::{EthnicCategory, Gender};
pub use directory::{CostBand, JoinMethod, ServiceFields, ServiceInput, ServiceStatus, Weekday};
pub use message_back::MessageBack;
pub use nhs::{NhsNumber, NhsNumberError};
pub use outcomes::{Band, Instrument, MeasureFields, MeasureInput, Scale, ScaleScore, Timepoint};
pub use patient::{ConsentHow, PatientFields, PatientInput, PatientStatus, PreferredContact};
pub use plan::{GoalFields, GoalInput, GoalStatus, StepFields, StepInput};
pub use practice::{Country, PracticeFields, PracticeInput};
pub use prescription::{
    checkin_overdue, Barrier, ItemStatus, ItemStatusChange, PrescriptionFields, PrescriptionInput,
    PrescriptionItemInput,
};
pub use referral::{
    status_after, ClosureOutcome, Counted, GpAppointments, GpAppointmentsInput, ReferralFields,
    ReferralInput, ReferralReason, ReferralSource, ReferralStatus, StatusCause, StatusChange,
};
pub use report::{Period, ReportTable};
pub use sheet::{PrescriptionSheet, SheetGoal, SheetItem};
pub use staff::{Role, StaffFields, StaffInput};
pub use validation::{FieldError, ValidationErrors};
