//! A patient's record: what the form sends, and the checked fields the store keeps.

use chrono::NaiveDate;

use crate::demographics::{check_ethnicity, Gender};
use crate::nhs::NhsNumber;
use crate::validation::{
    optional_email, optional_name, optional_phone, optional_text, past_date, required_name,
    ValidationErrors,
};

/// How a patient gave their consent, when it is recorded at the moment it is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentHow {
    /// Said so to the link worker.
    Verbal,
    /// Signed or wrote it.
    Written,
}

crate::string_enum!(ConsentHow {
    Verbal => "verbal",
    Written => "written",
});

/// How the patient prefers to be contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreferredContact {
    Phone,
    Text,
    Email,
    Letter,
}

/// Whether the patient is on the caseload. Archiving never deletes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientStatus {
    Active,
    Archived,
}

crate::string_enum!(PreferredContact {
    Phone => "phone",
    Text => "text",
    Email => "email",
    Letter => "letter",
});

crate::string_enum!(PatientStatus {
    Active => "active",
    Archived => "archived",
});

/// A patient form as typed: every text as entered, empty meaning "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientInput {
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: String,
    pub date_of_birth: String,
    pub nhs_number: String,
    pub mrn: String,
    pub pronouns: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub preferred_contact: Option<PreferredContact>,
    pub language: String,
    /// The language the prescription prints in: a code of `PRINT_LANGUAGES`, "" for English.
    pub print_language: String,
    pub needs_large_print: bool,
    pub needs_easy_read: bool,
    pub needs_interpreter: bool,
    pub registered_gp: String,
    pub consent_store: bool,
    pub consent_contact: bool,
    pub consent_share: bool,
    pub gender: Option<Gender>,
    /// Codes of `demographics::NHS_ETHNIC_CATEGORIES` or `US_RACE_ETHNICITY`.
    pub ethnicity: Vec<String>,
    /// Needs beyond the printed-material ones: "BSL interpreter", "hearing loop".
    pub communication_needs: String,
    /// How consent to social prescribing (`consent_store`) was given.
    pub consent_how: Option<ConsentHow>,
    /// Who gave it when not the person: a name and relationship ("" for the person).
    pub consent_given_by: String,
    /// The day it was given ("": today, or as first recorded).
    pub consent_date: String,
    /// The day the person withdrew it ("": not withdrawn).
    pub consent_withdrawn_date: String,
}

/// A patient's fields after every rule has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFields {
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: NaiveDate,
    pub nhs_number: Option<NhsNumber>,
    pub mrn: Option<String>,
    pub pronouns: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub preferred_contact: Option<PreferredContact>,
    pub language: Option<String>,
    /// `None`: English.
    pub print_language: Option<String>,
    pub needs_large_print: bool,
    pub needs_easy_read: bool,
    pub needs_interpreter: bool,
    pub registered_gp: Option<String>,
    pub consent_store: bool,
    pub consent_contact: bool,
    pub consent_share: bool,
    pub gender: Option<Gender>,
    pub ethnicity: Vec<String>,
    pub communication_needs: Option<String>,
    pub consent_how: Option<ConsentHow>,
    pub consent_given_by: Option<String>,
    /// `None` with `consent_store`: today, or the date first recorded.
    pub consent_date: Option<NaiveDate>,
    pub consent_withdrawn_date: Option<NaiveDate>,
}

pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 500;

impl PatientInput {
    /// Checks every field against `today` and returns all problems at once.
    pub fn validate(&self, today: NaiveDate) -> Result<PatientFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let given_name = required_name(
            &mut e,
            "givenName",
            "Given name",
            &self.given_name,
            NAME_MAX,
        );
        let family_name = required_name(
            &mut e,
            "familyName",
            "Family name",
            &self.family_name,
            NAME_MAX,
        );
        let preferred_name = optional_name(
            &mut e,
            "preferredName",
            "Preferred name",
            &self.preferred_name,
            NAME_MAX,
        );
        let date_of_birth = past_date(
            &mut e,
            "dateOfBirth",
            "Date of birth",
            &self.date_of_birth,
            today,
        );
        let nhs_number = if self.nhs_number.trim().is_empty() {
            None
        } else {
            match NhsNumber::parse(&self.nhs_number) {
                Ok(n) => Some(n),
                Err(err) => {
                    e.push("nhsNumber", err.to_string());
                    None
                }
            }
        };
        let mrn = optional_text(&mut e, "mrn", "Medical record number", &self.mrn, 30, false);
        if let Some(m) = &mrn {
            if !m.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                e.push(
                    "mrn",
                    "A medical record number has only letters, digits and hyphens.",
                );
            }
        }
        let pronouns = optional_text(&mut e, "pronouns", "Pronouns", &self.pronouns, 40, false);
        let address = optional_text(
            &mut e,
            "address",
            "Address",
            &self.address,
            ADDRESS_MAX,
            true,
        );
        let phone = optional_phone(&mut e, "phone", &self.phone);
        let email = optional_email(&mut e, "email", &self.email);
        let language = optional_text(&mut e, "language", "Language", &self.language, 35, false);
        let print_language = match crate::print_language::check_print_language(&self.print_language)
        {
            Ok(code) => code.map(str::to_owned),
            Err(message) => {
                e.push("printLanguage", message);
                None
            }
        };
        let registered_gp = optional_text(
            &mut e,
            "registeredGp",
            "Registered GP",
            &self.registered_gp,
            200,
            false,
        );
        if self.preferred_contact == Some(PreferredContact::Email) && email.is_none() {
            e.push(
                "email",
                "Add an email address, or choose another way to contact them.",
            );
        }
        if matches!(
            self.preferred_contact,
            Some(PreferredContact::Phone | PreferredContact::Text)
        ) && phone.is_none()
        {
            e.push(
                "phone",
                "Add a phone number, or choose another way to contact them.",
            );
        }
        let ethnicity = match check_ethnicity(&self.ethnicity) {
            Ok(codes) => codes.into_iter().map(str::to_owned).collect(),
            Err(message) => {
                e.push("ethnicity", message);
                Vec::new()
            }
        };
        let communication_needs = optional_text(
            &mut e,
            "communicationNeeds",
            "Communication needs",
            &self.communication_needs,
            500,
            true,
        );
        let consent_given_by = optional_name(
            &mut e,
            "consentGivenBy",
            "Who gave consent",
            &self.consent_given_by,
            200,
        );
        let consent_date = optional_past_date(
            &mut e,
            "consentDate",
            "Date consent was given",
            &self.consent_date,
            today,
        );
        let consent_withdrawn_date = optional_past_date(
            &mut e,
            "consentWithdrawnDate",
            "Date consent was withdrawn",
            &self.consent_withdrawn_date,
            today,
        );
        if let (Some(given), Some(withdrawn)) = (consent_date, consent_withdrawn_date) {
            if withdrawn < given {
                e.push(
                    "consentWithdrawnDate",
                    "Consent cannot be withdrawn before the day it was given.",
                );
            }
        }
        let given = self.consent_store;
        let fields = PatientFields {
            given_name,
            family_name,
            preferred_name,
            // Only read when `e` is empty, in which case the date parsed.
            date_of_birth: date_of_birth.unwrap_or(today),
            nhs_number,
            mrn,
            pronouns,
            address,
            phone,
            email,
            preferred_contact: self.preferred_contact,
            language,
            print_language,
            needs_large_print: self.needs_large_print,
            needs_easy_read: self.needs_easy_read,
            needs_interpreter: self.needs_interpreter,
            registered_gp,
            consent_store: self.consent_store,
            consent_contact: self.consent_contact,
            consent_share: self.consent_share,
            gender: self.gender,
            ethnicity,
            communication_needs,
            consent_how: self.consent_how.filter(|_| given),
            consent_given_by: consent_given_by.filter(|_| given),
            // Consent not given has no date, manner, giver or withdrawal to keep: unticking
            // it removes the record of it.
            consent_date: consent_date.filter(|_| given),
            consent_withdrawn_date: consent_withdrawn_date.filter(|_| given),
        };
        e.into_result(fields)
    }
}

/// An optional date on or before `today`; empty is `None`.
fn optional_past_date(
    e: &mut ValidationErrors,
    field: &'static str,
    label: &str,
    value: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        None
    } else {
        past_date(e, field, label, value, today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn zoe() -> PatientInput {
        PatientInput {
            given_name: "Zoë".into(),
            family_name: "O'Brien".into(),
            preferred_name: "Zo".into(),
            date_of_birth: "1987-03-14".into(),
            nhs_number: "999 526 0182".into(),
            phone: "07700 900101".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_record_passes_and_is_normalised() {
        let f = zoe().validate(today()).unwrap();
        assert_eq!(f.given_name, "Zoë");
        assert_eq!(f.nhs_number.unwrap().digits(), "9995260182");
        assert_eq!(
            f.date_of_birth,
            NaiveDate::from_ymd_opt(1987, 3, 14).unwrap()
        );
        assert_eq!(f.email, None);
    }

    #[test]
    fn every_problem_is_reported_per_field() {
        let input = PatientInput {
            given_name: "  ".into(),
            family_name: "x".repeat(101),
            date_of_birth: "2030-01-01".into(),
            nhs_number: "9995260183".into(),
            email: "not-an-email".into(),
            phone: "call me".into(),
            ..Default::default()
        };
        let e = input.validate(today()).unwrap_err();
        for field in [
            "givenName",
            "familyName",
            "dateOfBirth",
            "nhsNumber",
            "email",
            "phone",
        ] {
            assert!(
                e.message_for(field).is_some(),
                "no message for {field}: {e:?}"
            );
        }
        assert_eq!(e.message_for("givenName"), Some("Enter the given name."));
    }

    #[test]
    fn hostile_text_is_kept_as_typed() {
        let input = PatientInput {
            given_name: "<script>alert(1)</script>".into(),
            family_name: "Robert'); DROP TABLE patients;--".into(),
            address: "\u{202e}evil".into(),
            date_of_birth: "1999-02-28".into(),
            ..Default::default()
        };
        let f = input.validate(today()).unwrap();
        assert_eq!(f.given_name, "<script>alert(1)</script>");
        assert_eq!(f.family_name, "Robert'); DROP TABLE patients;--");
        // Free text keeps what was typed (the UI shows it as text, print strips it);
        // names refuse it (see `validation::spoofing_char`).
        assert_eq!(f.address.as_deref(), Some("\u{202e}evil"));
        let spoofed = PatientInput {
            preferred_name: "\u{202e}evil".into(),
            ..input
        };
        assert!(spoofed
            .validate(today())
            .unwrap_err()
            .message_for("preferredName")
            .is_some());
    }

    #[test]
    fn preferred_contact_needs_the_matching_detail() {
        let input = PatientInput {
            preferred_contact: Some(PreferredContact::Email),
            ..zoe()
        };
        let e = input.validate(today()).unwrap_err();
        assert!(e.message_for("email").is_some());
    }

    #[test]
    fn the_standards_fields_are_checked() {
        let input = PatientInput {
            gender: Some(Gender::Female),
            ethnicity: vec!["M".into()],
            communication_needs: "  BSL interpreter\nhearing loop ".into(),
            consent_store: true,
            consent_how: Some(ConsentHow::Written),
            consent_given_by: "Sam O'Brien (daughter, lasting power of attorney)".into(),
            consent_date: "2026-11-02".into(),
            consent_withdrawn_date: "2026-11-20".into(),
            ..zoe()
        };
        let f = input.validate(today()).unwrap();
        assert_eq!(f.gender, Some(Gender::Female));
        assert_eq!(f.ethnicity, ["M"]);
        assert_eq!(
            f.communication_needs.as_deref(),
            Some("BSL interpreter\nhearing loop")
        );
        assert_eq!(f.consent_how, Some(ConsentHow::Written));
        assert_eq!(f.consent_date, NaiveDate::from_ymd_opt(2026, 11, 2));
        assert_eq!(
            f.consent_withdrawn_date,
            NaiveDate::from_ymd_opt(2026, 11, 20)
        );

        let field = |i: PatientInput, name: &str| {
            i.validate(today())
                .unwrap_err()
                .message_for(name)
                .map(str::to_owned)
        };
        let early = PatientInput {
            consent_withdrawn_date: "2026-11-01".into(),
            ..input.clone()
        };
        assert!(field(early, "consentWithdrawnDate").is_some());
        let future = PatientInput {
            consent_date: "2026-12-01".into(),
            ..input.clone()
        };
        assert!(field(future, "consentDate").is_some());
        // Unticked, consent keeps none of its details.
        let not_given = PatientInput {
            consent_store: false,
            ..input.clone()
        };
        let f = not_given.validate(today()).unwrap();
        assert_eq!((f.consent_date, f.consent_withdrawn_date), (None, None));
        assert_eq!((f.consent_how, f.consent_given_by), (None, None));
        let two = PatientInput {
            ethnicity: vec!["A".into(), "B".into()],
            ..input.clone()
        };
        assert!(field(two, "ethnicity").is_some());
        let long = PatientInput {
            communication_needs: "x".repeat(501),
            ..input.clone()
        };
        assert!(field(long, "communicationNeeds").is_some());
        let spoofed = PatientInput {
            consent_given_by: "\u{202e}evil".into(),
            ..input
        };
        assert!(field(spoofed, "consentGivenBy").is_some());
    }

    #[test]
    fn status_round_trips_as_text() {
        for s in [PatientStatus::Active, PatientStatus::Archived] {
            assert_eq!(s.as_str().parse::<PatientStatus>(), Ok(s));
        }
        assert!("deleted".parse::<PatientStatus>().is_err());
    }
}
