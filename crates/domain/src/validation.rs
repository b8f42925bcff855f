//! Field-by-field validation results, so a form can show one message per field.

use chrono::NaiveDate;

/// One field's problem, in words a practice worker can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input's field name, as the form knows it (camelCase, e.g. `givenName`).
    pub field: &'static str,
    pub message: String,
}

/// Every problem found in one input; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
#[error("{} field(s) need correcting", .0.len())]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn push(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `field`, if it has one.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn into_result<T>(self, ok: T) -> Result<T, ValidationErrors> {
        if self.is_empty() {
            Ok(ok)
        } else {
            Err(self)
        }
    }
}

/// Collects a text field: trims it, bounds its length in characters, refuses control
/// characters (tabs, newlines and the like have no place in a name or a phone number)
/// and turns empty into `None`. Every other Unicode character is kept as typed.
pub(crate) fn optional_text(
    errors: &mut ValidationErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max_chars: usize,
    allow_newlines: bool,
) -> Option<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return None;
    }
    let count = trimmed.chars().count();
    if count > max_chars {
        errors.push(
            field,
            format!("{label} is too long: at most {max_chars} characters (it has {count})."),
        );
        return None;
    }
    let bad_control = trimmed
        .chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')));
    if bad_control {
        errors.push(field, format!("{label} contains a control character."));
        return None;
    }
    Some(trimmed.to_owned())
}

/// Like [`optional_text`] but the field must be filled in.
pub(crate) fn required_text(
    errors: &mut ValidationErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max_chars: usize,
) -> String {
    if value.trim().is_empty() {
        errors.push(field, format!("Enter the {}.", label.to_lowercase()));
        return String::new();
    }
    optional_text(errors, field, label, value, max_chars, false).unwrap_or_default()
}

/// A name (of a person, a practice, a service or an organisation): as
/// [`required_text`], and refusing the invisible and direction-changing characters that
/// make one name look like another ([`spoofing_char`]).
pub(crate) fn required_name(
    errors: &mut ValidationErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max_chars: usize,
) -> String {
    let text = required_text(errors, field, label, value, max_chars);
    refuse_spoofing(errors, field, label, &text);
    text
}

/// Like [`required_name`] for a name that may be left empty.
pub(crate) fn optional_name(
    errors: &mut ValidationErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max_chars: usize,
) -> Option<String> {
    let text = optional_text(errors, field, label, value, max_chars, false)?;
    refuse_spoofing(errors, field, label, &text);
    Some(text)
}

fn refuse_spoofing(errors: &mut ValidationErrors, field: &'static str, label: &str, text: &str) {
    if let Some(c) = spoofing_char(text) {
        errors.push(
            field,
            format!(
                "{label} contains an invisible or direction-changing character (U+{:04X}) that \
                 could make it look like another name. Type it again without it.",
                u32::from(c)
            ),
        );
    }
}

/// The first character in `name` that has no business in one: direction overrides,
/// embeddings, isolates and marks (which reorder what is shown: "\u{202E}" makes
/// "Smith" display reversed), and invisible characters (zero-width space, word joiner,
/// byte-order mark, soft hyphen) that make "Zoë" and "Zo\u{200B}ë" two patients who look
/// the same. The zero-width joiner and non-joiner are kept where they do their real
/// work, between two letters of a script that shapes with them (Persian, Arabic, the
/// Indic scripts, Sinhala); between Latin, Greek or Cyrillic letters, or anywhere
/// else, they only hide a difference.
pub fn spoofing_char(name: &str) -> Option<char> {
    let chars: Vec<char> = name.chars().collect();
    // A letter or mark beyond Latin, Greek and Cyrillic (a virama counts: Devanagari
    // puts the joiner after one).
    let shaping_letter = |c: Option<&char>| {
        c.is_some_and(|c| {
            u32::from(*c) > 0x052F && !c.is_whitespace() && !matches!(c, '\u{2000}'..='\u{206F}')
        })
    };
    chars.iter().enumerate().find_map(|(i, &c)| {
        let spoof = match c {
            '\u{200E}' | '\u{200F}' | '\u{061C}' => true,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' => true,
            '\u{2061}'..='\u{2064}' => true,
            '\u{200C}' | '\u{200D}' => {
                !(i > 0 && shaping_letter(chars.get(i - 1)) && shaping_letter(chars.get(i + 1)))
            }
            _ => false,
        };
        spoof.then_some(c)
    })
}

/// An optional phone number: digits, spaces and `+ ( ) - .`, with at least five digits,
/// and perhaps an extension written ` ext. 12`.
pub(crate) fn optional_phone(
    errors: &mut ValidationErrors,
    field: &'static str,
    value: &str,
) -> Option<String> {
    let phone = optional_text(errors, field, "Phone", value, 40, false)?;
    // An extension is written one way, after the number: "0161 496 0000 ext. 12".
    let number = match phone.rsplit_once(" ext. ") {
        Some((n, ext)) if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_digit()) => n,
        _ => phone.as_str(),
    };
    let ok_chars = number
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-' | '.'));
    if !ok_chars || number.chars().filter(char::is_ascii_digit).count() < 5 {
        errors.push(field, "A phone number has digits, spaces and + ( ) - only.");
        return None;
    }
    Some(phone)
}

/// An optional email address, checked for its shape only (`name@example.org`).
pub(crate) fn optional_email(
    errors: &mut ValidationErrors,
    field: &'static str,
    value: &str,
) -> Option<String> {
    let email = optional_text(errors, field, "Email", value, 254, false)?;
    let shaped = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(char::is_whitespace)
    });
    if !shaped {
        errors.push(field, "Enter an email address like name@example.org.");
        return None;
    }
    Some(email)
}

/// What to do about a date that could not be read (the date field beside the form has
/// already said why, in the practice's terms).
pub const DATE_HELP: &str =
    "Type it as the field's label shows (day, month and year in the order given there).";

/// Earliest date accepted anywhere in casework: nobody alive was born before it, and
/// no referral predates it.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("1900-01-01 is a valid date"),
};

/// Parses an ISO date (`YYYY-MM-DD`, what `<input type="date">` sends) that must lie
/// between 1900-01-01 and `today`.
pub(crate) fn past_date(
    errors: &mut ValidationErrors,
    field: &'static str,
    label: &str,
    value: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        errors.push(field, format!("Enter the {}.", label.to_lowercase()));
        return None;
    }
    let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") else {
        errors.push(
            field,
            format!("{label} is not a date Waymark can read. {DATE_HELP}"),
        );
        return None;
    };
    if date > today {
        errors.push(field, format!("{label} cannot be in the future."));
        return None;
    }
    if date < EARLIEST_DATE {
        errors.push(field, format!("{label} cannot be before 1900."));
        return None;
    }
    Some(date)
}

/// Parses an optional ISO date that may lie in the future (a target or check-in date),
/// bounded to 1900..=`today` + 10 years so a typo in the year is caught.
pub(crate) fn optional_date(
    errors: &mut ValidationErrors,
    field: &'static str,
    label: &str,
    value: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") else {
        errors.push(
            field,
            format!("{label} is not a date Waymark can read. {DATE_HELP}"),
        );
        return None;
    };
    let latest = crate::dates::latest_planned(today);
    if date < EARLIEST_DATE || date > latest {
        errors.push(
            field,
            format!("{label} must be between 1900 and ten years from today."),
        );
        return None;
    }
    Some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_bounded_and_keeps_unicode() {
        let mut e = ValidationErrors::default();
        assert_eq!(
            optional_text(&mut e, "f", "Name", "  Ελένη  ", 10, false),
            Some("Ελένη".to_owned())
        );
        assert_eq!(optional_text(&mut e, "f", "Name", "   ", 10, false), None);
        assert!(e.is_empty());
        assert_eq!(optional_text(&mut e, "f", "Name", "ŁŁŁŁ", 3, false), None);
        assert!(e.message_for("f").is_some_and(|m| m.contains("at most 3")));
    }

    #[test]
    fn control_characters_are_refused_but_format_characters_kept() {
        let mut e = ValidationErrors::default();
        assert_eq!(
            optional_text(&mut e, "a", "Name", "a\u{7}b", 10, false),
            None
        );
        assert!(e.message_for("a").is_some());
        let mut e = ValidationErrors::default();
        // U+202E (right-to-left override) is a format character: stored as typed.
        assert_eq!(
            optional_text(&mut e, "b", "Name", "\u{202e}evil", 10, false),
            Some("\u{202e}evil".to_owned())
        );
        assert!(e.is_empty());
    }

    #[test]
    fn names_refuse_direction_overrides_and_invisible_characters() {
        for spoof in [
            "\u{202E}htims",
            "Smith\u{202C}",
            "\u{2067}Ali\u{2069}",
            "Zo\u{200B}e",
            "Zo\u{200D}e",
            "Zo\u{200C}e",
            "\u{200D}Zoe",
            "Ann\u{00AD}a",
            "\u{FEFF}Zoe",
            "Zoe\u{2060}",
            "Ro\u{200F}sa",
        ] {
            let mut e = ValidationErrors::default();
            required_name(&mut e, "givenName", "Given name", spoof, 100);
            let message = e.message_for("givenName").unwrap_or_default();
            assert!(
                message.contains("invisible or direction-changing"),
                "{spoof:?}"
            );
            let mut e = ValidationErrors::default();
            assert!(optional_name(&mut e, "p", "Preferred name", spoof, 100).is_some());
            assert!(e.message_for("p").is_some(), "{spoof:?}");
        }
        // Real names keep the joiners their scripts need, and every other letter.
        for real in [
            "\u{0645}\u{06CC}\u{200C}\u{0646}\u{0627}", // Persian, with a non-joiner
            "\u{0915}\u{094D}\u{200D}\u{0937}",         // Devanagari, with a joiner
            "Siobhán Ní Bhriain",
            "Ελένη Παπαδοπούλου",
            "O'Brien-Smith",
            "李小龍",
            "Nguyễn Thị Minh Khai",
        ] {
            let mut e = ValidationErrors::default();
            assert_eq!(required_name(&mut e, "n", "Name", real, 100), real);
            assert!(e.is_empty(), "{real:?}: {e:?}");
        }
    }

    #[test]
    fn optional_dates_may_be_future_but_not_absurd() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let mut e = ValidationErrors::default();
        assert_eq!(optional_date(&mut e, "d", "Date", " ", today), None);
        assert!(optional_date(&mut e, "d", "Date", "2027-01-05", today).is_some());
        assert!(e.is_empty());
        for bad in ["2037-01-01", "1899-12-31", "05/01/2027", "2027-02-30"] {
            let mut e = ValidationErrors::default();
            assert!(
                optional_date(&mut e, "d", "Date", bad, today).is_none(),
                "{bad}"
            );
            assert!(e.message_for("d").is_some(), "{bad}");
        }
    }

    #[test]
    fn dates_must_be_iso_and_in_range() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let mut e = ValidationErrors::default();
        assert!(past_date(&mut e, "d", "Date", "2026-11-24", today).is_some());
        assert!(past_date(&mut e, "d", "Date", "1900-01-01", today).is_some());
        assert!(e.is_empty());
        for bad in ["2026-11-25", "1899-12-31", "14/03/1987", "", "2026-02-30"] {
            let mut e = ValidationErrors::default();
            assert!(
                past_date(&mut e, "d", "Date", bad, today).is_none(),
                "{bad}"
            );
            assert!(e.message_for("d").is_some(), "{bad}");
        }
    }
}
