//! A social prescription: the services prescribed to a patient on a date, each with a
//! personal note, and how each one went.

use chrono::NaiveDate;

use crate::validation::{optional_date, optional_text, past_date, ValidationErrors};

/// Where one prescribed activity stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    Suggested,
    Referred,
    Started,
    Completed,
    Declined,
    DidNotAttend,
}

crate::string_enum!(ItemStatus {
    Suggested => "suggested",
    Referred => "referred",
    Started => "started",
    Completed => "completed",
    Declined => "declined",
    DidNotAttend => "did_not_attend",
});

impl ItemStatus {
    /// The activity did not happen: a barrier says why.
    pub fn did_not_happen(self) -> bool {
        matches!(self, ItemStatus::Declined | ItemStatus::DidNotAttend)
    }
}

/// Why an activity did not happen; these become the unmet-needs report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Barrier {
    Cost,
    Transport,
    Eligibility,
    WaitingList,
    Confidence,
    Timing,
    NoSuchService,
    Other,
}

crate::string_enum!(Barrier {
    Cost => "cost",
    Transport => "transport",
    Eligibility => "eligibility",
    WaitingList => "waiting_list",
    Confidence => "confidence",
    Timing => "timing",
    NoSuchService => "no_such_service",
    Other => "other",
});

/// One activity on a new prescription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescriptionItemInput {
    pub service_id: i64,
    pub personal_note: String,
}

/// A prescription as composed in the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescriptionInput {
    pub referral_id: Option<i64>,
    pub prescribed_date: String,
    pub message: String,
    pub next_checkin_date: String,
    pub items: Vec<PrescriptionItemInput>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescriptionItemFields {
    pub service_id: i64,
    pub personal_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescriptionFields {
    pub referral_id: Option<i64>,
    pub prescribed_date: NaiveDate,
    pub message: Option<String>,
    pub next_checkin_date: Option<NaiveDate>,
    pub items: Vec<PrescriptionItemFields>,
}

/// The reference code a provider quotes back, written as the practice would type it
/// ("wm-7k2m-9qxd", "WM 7K2M 9QXD", "WM7K2M9QXD"), in its printed form `WM-7K2M-9QXD`.
pub fn parse_reference_code(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}'))
        .collect::<String>()
        .to_ascii_uppercase();
    // The code's alphabet has no I, L, O or U: read aloud or retyped, O is 0, I and L are 1.
    let body: String = compact
        .strip_prefix("WM")?
        .chars()
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (body.len() == 8 && body.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("WM-{}-{}", &body[..4], &body[4..]))
}

/// Most activities one prescription may carry: twelve print on at most three pages.
pub const MAX_ITEMS: usize = 12;

/// Whether a patient's next check-in has passed without it happening (the caseload
/// keeps `next` cleared once a conversation on or after it is logged).
pub fn checkin_overdue(next: Option<NaiveDate>, today: NaiveDate) -> bool {
    next.is_some_and(|d| d < today)
}

impl PrescriptionInput {
    pub fn validate(&self, today: NaiveDate) -> Result<PrescriptionFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let prescribed_date = past_date(
            &mut e,
            "prescribedDate",
            "Date",
            &self.prescribed_date,
            today,
        );
        let message = optional_text(
            &mut e,
            "message",
            "Message to the patient",
            &self.message,
            2000,
            true,
        );
        let next_checkin_date = optional_date(
            &mut e,
            "nextCheckinDate",
            "Next check-in",
            &self.next_checkin_date,
            today,
        );
        if let (Some(p), Some(c)) = (prescribed_date, next_checkin_date) {
            if c < p {
                e.push(
                    "nextCheckinDate",
                    "The next check-in cannot be before the prescription's date.",
                );
            }
        }
        if self.items.is_empty() {
            e.push("items", "Choose at least one service to prescribe.");
        } else if self.items.len() > MAX_ITEMS {
            e.push(
                "items",
                format!("A prescription can hold at most {MAX_ITEMS} services."),
            );
        }
        let mut items = Vec::with_capacity(self.items.len());
        let mut seen = std::collections::HashSet::new();
        for item in &self.items {
            if !seen.insert(item.service_id) {
                e.push(
                    "items",
                    "Each service can appear only once on a prescription.",
                );
            }
            let personal_note = optional_text(
                &mut e,
                "items",
                "A personal note",
                &item.personal_note,
                1000,
                true,
            );
            items.push(PrescriptionItemFields {
                service_id: item.service_id,
                personal_note,
            });
        }
        e.into_result(PrescriptionFields {
            referral_id: self.referral_id,
            prescribed_date: prescribed_date.unwrap_or(today),
            message,
            next_checkin_date,
            items,
        })
    }
}

/// A checked follow-up of one activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemStatusChange {
    pub status: ItemStatus,
    pub barrier: Option<Barrier>,
    pub barrier_note: Option<String>,
}

impl ItemStatusChange {
    /// Declined and did-not-attend need a barrier ("other" also needs a note); the
    /// other statuses carry none.
    pub fn new(
        status: ItemStatus,
        barrier: Option<Barrier>,
        barrier_note: &str,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let note = optional_text(
            &mut e,
            "barrierNote",
            "Barrier note",
            barrier_note,
            1000,
            true,
        );
        if !status.did_not_happen() {
            return e.into_result(Self {
                status,
                barrier: None,
                barrier_note: None,
            });
        }
        match barrier {
            None => e.push("barrier", "Choose what got in the way."),
            Some(Barrier::Other) if note.is_none() && e.is_empty() => {
                e.push("barrierNote", "Say what got in the way.");
            }
            _ => {}
        }
        e.into_result(Self {
            status,
            barrier,
            barrier_note: note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn input() -> PrescriptionInput {
        PrescriptionInput {
            referral_id: Some(1),
            prescribed_date: "2026-11-24".into(),
            message: "Small steps: one thing a week.".into(),
            next_checkin_date: "2026-12-15".into(),
            items: vec![
                PrescriptionItemInput {
                    service_id: 1,
                    personal_note: "Ask for Maria".into(),
                },
                PrescriptionItemInput {
                    service_id: 2,
                    personal_note: String::new(),
                },
            ],
        }
    }

    #[test]
    fn a_prescription_keeps_its_items_in_order() {
        let f = input().validate(today()).unwrap();
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.items[0].personal_note.as_deref(), Some("Ask for Maria"));
        assert_eq!(f.items[1].personal_note, None);
    }

    #[test]
    fn bad_prescriptions_are_refused_per_field() {
        let mut dup = input();
        dup.items[1].service_id = 1;
        assert!(dup
            .validate(today())
            .unwrap_err()
            .message_for("items")
            .is_some());
        let none = PrescriptionInput {
            items: vec![],
            next_checkin_date: "2026-11-01".into(),
            prescribed_date: "2026-12-01".into(),
            ..input()
        };
        let e = none.validate(today()).unwrap_err();
        assert!(e.message_for("items").is_some());
        assert!(e.message_for("prescribedDate").is_some());
        let early = PrescriptionInput {
            next_checkin_date: "2026-11-01".into(),
            ..input()
        };
        assert!(early
            .validate(today())
            .unwrap_err()
            .message_for("nextCheckinDate")
            .is_some());
    }

    #[test]
    fn reference_codes_are_read_however_they_are_typed() {
        for typed in [
            "WM-7K2M-9QXD",
            "wm-7k2m-9qxd",
            " WM 7K2M 9QXD ",
            "wm7k2m9qxd",
        ] {
            assert_eq!(
                super::parse_reference_code(typed).as_deref(),
                Some("WM-7K2M-9QXD"),
                "{typed}"
            );
        }
        for not_code in [
            "WM-7K2M",
            "7K2M-9QXD",
            "WM-7K2M-9QXD-1",
            "Wmoore",
            "WM-7K2M-9QX!",
        ] {
            assert_eq!(super::parse_reference_code(not_code), None, "{not_code}");
        }
    }

    #[test]
    fn a_missed_activity_needs_a_barrier() {
        let e = ItemStatusChange::new(ItemStatus::Declined, None, "").unwrap_err();
        assert_eq!(
            e.message_for("barrier"),
            Some("Choose what got in the way.")
        );
        let e =
            ItemStatusChange::new(ItemStatus::DidNotAttend, Some(Barrier::Other), " ").unwrap_err();
        assert!(e.message_for("barrierNote").is_some());
        let ok =
            ItemStatusChange::new(ItemStatus::Declined, Some(Barrier::Cost), "bus fare").unwrap();
        assert_eq!(ok.barrier, Some(Barrier::Cost));
        let started = ItemStatusChange::new(ItemStatus::Started, Some(Barrier::Cost), "x").unwrap();
        assert_eq!((started.barrier, started.barrier_note), (None, None));
    }

    #[test]
    fn enums_round_trip() {
        for s in ItemStatus::ALL {
            assert_eq!(s.as_str().parse::<ItemStatus>().as_ref(), Ok(s));
        }
        for b in Barrier::ALL {
            assert_eq!(b.as_str().parse::<Barrier>().as_ref(), Ok(b));
        }
    }
}
