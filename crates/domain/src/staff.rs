//! Staff accounts: who may sign in, in which role, with what passphrase.

use crate::validation::{required_name, ValidationErrors};

/// What a staff member may do: admins also manage staff and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    LinkWorker,
}

crate::string_enum!(Role {
    Admin => "admin",
    LinkWorker => "link_worker",
});

/// Passphrases: long rather than complex (NCSC's "three random words").
pub const PASSPHRASE_MIN: usize = 12;
pub const PASSPHRASE_MAX: usize = 256;

/// A new staff account as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffInput {
    pub display_name: String,
    pub username: String,
    pub role: Role,
}

/// A checked staff account: the username is lower-cased for signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffFields {
    pub display_name: String,
    pub username: String,
    pub role: Role,
}

impl StaffInput {
    pub fn validate(&self) -> Result<StaffFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let display_name = required_name(&mut e, "displayName", "Name", &self.display_name, 100);
        let username = self.username.trim().to_lowercase();
        if username.chars().count() < 3 || username.chars().count() > 50 {
            e.push("username", "A username has 3 to 50 characters.");
        } else if !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            e.push(
                "username",
                "A username has only letters, digits, dots, hyphens and underscores.",
            );
        }
        e.into_result(StaffFields {
            display_name,
            username,
            role: self.role,
        })
    }
}

/// Checks a new passphrase; the message names the field `passphrase`.
pub fn check_passphrase(passphrase: &str) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    let n = passphrase.chars().count();
    if n < PASSPHRASE_MIN {
        e.push(
            "passphrase",
            format!("Use at least {PASSPHRASE_MIN} characters: three random words work well."),
        );
    } else if n > PASSPHRASE_MAX {
        e.push(
            "passphrase",
            format!("Use at most {PASSPHRASE_MAX} characters."),
        );
    }
    e.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        let ok = StaffInput {
            display_name: "Amara Okafor".into(),
            username: " A.Okafor ".into(),
            role: Role::Admin,
        };
        assert_eq!(ok.validate().unwrap().username, "a.okafor");
        for bad in ["ab", "has space", "zoë", ""] {
            let input = StaffInput {
                username: bad.into(),
                ..ok.clone()
            };
            assert!(
                input
                    .validate()
                    .unwrap_err()
                    .message_for("username")
                    .is_some(),
                "{bad}"
            );
        }
    }

    #[test]
    fn passphrases_must_be_long() {
        assert!(check_passphrase("short").is_err());
        assert!(check_passphrase("correct horse battery").is_ok());
        assert!(check_passphrase(&"x".repeat(257)).is_err());
    }
}
