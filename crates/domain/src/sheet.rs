//! What a printed social prescription says: gathered by the store from the caseload,
//! laid out by the print crate. Plain data, so the printer needs no database and the
//! store no fonts.

use chrono::NaiveDate;

use crate::{JoinMethod, PracticeFields, ServiceFields};

/// Everything printed on one patient's social prescription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescriptionSheet {
    pub practice: PracticeFields,
    /// The patient's full name as registered (given then family name).
    pub patient_name: String,
    /// The patient's printed-material need: large print by default for them.
    pub needs_large_print: bool,
    /// The language the fixed wording prints in (`PRINT_LANGUAGES`); `None`: English.
    pub print_language: Option<String>,
    /// Who prescribed: the patient's link worker.
    pub link_worker: Option<String>,
    pub prescribed_date: NaiveDate,
    pub message: Option<String>,
    pub next_checkin: Option<NaiveDate>,
    /// Quoted back by providers to close the loop.
    pub reference_code: String,
    /// "What matters to you", in the person's own words.
    pub what_matters: Option<String>,
    /// The agreed goals still being worked on or achieved (dropped ones are left off).
    pub goals: Vec<SheetGoal>,
    pub items: Vec<SheetItem>,
    /// Whether the referral slips print. A slip hands the patient's name to the
    /// provider, so it prints only for a patient who agreed to share their details with
    /// providers, unless the link worker chose to print without them.
    pub slips: bool,
}

impl PrescriptionSheet {
    /// The activities the link worker refers to directly: each prints a slip naming
    /// the patient for the provider.
    pub fn slip_items(&self) -> impl Iterator<Item = &SheetItem> {
        self.items
            .iter()
            .filter(|i| i.service.join_method == JoinMethod::DirectReferral)
    }

    /// Whether any activity prints a slip.
    pub fn has_slips(&self) -> bool {
        self.slip_items().next().is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetGoal {
    pub description: String,
    pub target_date: Option<NaiveDate>,
}

/// One prescribed activity: the directory's details and the link worker's note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetItem {
    pub service: ServiceFields,
    pub personal_note: Option<String>,
}

/// Text as it may be printed: tabs become spaces, other control and bidirectional
/// override characters are removed (a stored "\u{202E}evil" must not print reversed or
/// as an empty box), line breaks are kept.
pub fn printable(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' => Some(c),
            '\t' => Some(' '),
            c if c.is_control() || is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn printable_text_drops_controls_and_direction_overrides_but_keeps_lines() {
        assert_eq!(printable("\u{202E}evil"), "evil");
        assert_eq!(printable("a\u{0007}b\u{2067}c\u{200F}"), "abc");
        assert_eq!(
            printable("Flat 4\r\nWeaver St\tHF1"),
            "Flat 4\nWeaver St HF1"
        );
        assert_eq!(printable("Zoë Ødegård Ελένη 李"), "Zoë Ødegård Ελένη 李");
    }
}
