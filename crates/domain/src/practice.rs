//! The practice: its name and contact details, and the country that decides the
//! patient identifier, the date format and the paper size.

use crate::validation::{
    optional_email, optional_phone, optional_text, required_text, ValidationErrors,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    Uk,
    Us,
}

crate::string_enum!(Country {
    Uk => "UK",
    Us => "US",
});

/// The practice form as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeInput {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub country: Country,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeFields {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub country: Country,
}

impl PracticeInput {
    pub fn validate(&self) -> Result<PracticeFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let name = required_text(&mut e, "practiceName", "Practice name", &self.name, 200);
        let address = optional_text(
            &mut e,
            "practiceAddress",
            "Address",
            &self.address,
            500,
            true,
        );
        let phone = optional_phone(&mut e, "practicePhone", &self.phone);
        let email = optional_email(&mut e, "practiceEmail", &self.email);
        e.into_result(PracticeFields {
            name,
            address,
            phone,
            email,
            country: self.country,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_practice_needs_a_name_and_sane_contacts() {
        let input = PracticeInput {
            name: "  ".into(),
            address: "1 High Street".into(),
            phone: "call us".into(),
            email: "nope".into(),
            country: Country::Uk,
        };
        let e = input.validate().unwrap_err();
        for f in ["practiceName", "practicePhone", "practiceEmail"] {
            assert!(e.message_for(f).is_some(), "{f}");
        }
        let ok = PracticeInput {
            name: "Hollinsford Surgery".into(),
            phone: "01632 960000".into(),
            email: "".into(),
            ..input
        };
        assert_eq!(ok.validate().unwrap().country.as_str(), "UK");
    }
}
