//! A contact: one conversation with the patient, logged on their timeline.

use chrono::NaiveDate;

use crate::validation::{optional_text, past_date, ValidationErrors};

/// How the conversation happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactKind {
    FaceToFace,
    Phone,
    Video,
    HomeVisit,
}

crate::string_enum!(ContactKind {
    FaceToFace => "face_to_face",
    Phone => "phone",
    Video => "video",
    HomeVisit => "home_visit",
});

/// A contact as typed; `minutes` is the text of the field so a bad value can be named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactInput {
    pub referral_id: Option<i64>,
    pub contact_date: String,
    pub kind: ContactKind,
    pub minutes: String,
    pub notes: String,
}

/// A contact after every rule has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFields {
    pub referral_id: Option<i64>,
    pub contact_date: NaiveDate,
    pub kind: ContactKind,
    pub minutes: Option<u32>,
    pub notes: Option<String>,
}

/// Longest conversation that can be logged: a whole day.
pub const MAX_MINUTES: u32 = 1440;

impl ContactInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ContactFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let contact_date = past_date(&mut e, "contactDate", "Date", &self.contact_date, today);
        let minutes = match self.minutes.trim() {
            "" => None,
            m => match m.parse::<u32>() {
                Ok(n) if n <= MAX_MINUTES => Some(n),
                _ => {
                    e.push(
                        "minutes",
                        format!("Minutes must be a whole number from 0 to {MAX_MINUTES}."),
                    );
                    None
                }
            },
        };
        let notes = optional_text(&mut e, "notes", "Notes", &self.notes, 10_000, true);
        let fields = ContactFields {
            referral_id: self.referral_id,
            contact_date: contact_date.unwrap_or(today),
            kind: self.kind,
            minutes,
            notes,
        };
        e.into_result(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn input() -> ContactInput {
        ContactInput {
            referral_id: Some(3),
            contact_date: "2026-11-20".into(),
            kind: ContactKind::Phone,
            minutes: " 25 ".into(),
            notes: "No time to exercise: two children under five.\nWould try yoga.".into(),
        }
    }

    #[test]
    fn a_conversation_is_logged_with_its_minutes_and_notes() {
        let f = input().validate(today()).unwrap();
        assert_eq!(f.minutes, Some(25));
        assert!(f.notes.unwrap().contains('\n'));
        assert_eq!(
            f.contact_date,
            NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
        );
    }

    #[test]
    fn bad_minutes_and_future_dates_are_named() {
        for bad in ["-5", "2.5", "1441", "ten"] {
            let e = ContactInput {
                minutes: bad.into(),
                contact_date: "2026-12-01".into(),
                ..input()
            }
            .validate(today())
            .unwrap_err();
            assert!(e.message_for("minutes").is_some(), "{bad}");
            assert!(e.message_for("contactDate").is_some(), "{bad}");
        }
        let f = ContactInput {
            minutes: String::new(),
            ..input()
        }
        .validate(today())
        .unwrap();
        assert_eq!(f.minutes, None);
    }

    #[test]
    fn kinds_round_trip() {
        for k in ContactKind::ALL {
            assert_eq!(k.as_str().parse::<ContactKind>().as_ref(), Ok(k));
        }
    }
}
