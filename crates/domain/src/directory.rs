//! The community directory: services a link worker can prescribe, with the Open Referral
//! HSDS 3.0 fields a practice needs to print and to filter on.

use chrono::NaiveDate;

use crate::validation::{
    optional_email, optional_name, optional_phone, optional_text, past_date, required_name,
    ValidationErrors,
};

/// How a patient joins: told where to go (signpost) or referred by the link worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinMethod {
    Signpost,
    DirectReferral,
}

crate::string_enum!(JoinMethod {
    Signpost => "signpost",
    DirectReferral => "direct_referral",
});

/// Whether a service may still be prescribed. Retired services stay in the directory so
/// old prescriptions keep naming them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceStatus {
    Active,
    Inactive,
}

crate::string_enum!(ServiceStatus {
    Active => "active",
    Inactive => "inactive",
});

/// What a service costs a patient, coarsely, for filtering: the detail is in
/// `fees_description` and `discount_description`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostBand {
    Free,
    Low,
    Paid,
    Unknown,
}

crate::string_enum!(CostBand {
    Free => "free",
    Low => "low",
    Paid => "paid",
    Unknown => "unknown",
});

/// Most a session may cost, in the practice's currency, to count as low cost.
pub const LOW_COST_MAX: f64 = 5.0;

impl CostBand {
    /// The band of a service from its cost options' amounts and its fees text, as an
    /// import sees them: any free option or fees that start "Free" make it free.
    pub fn from_amounts(amounts: &[f64], fees: Option<&str>) -> Self {
        let says_free = fees.is_some_and(|f| f.trim_start().to_lowercase().starts_with("free"));
        let cheapest = amounts
            .iter()
            .copied()
            .filter(|a| a.is_finite() && *a >= 0.0)
            .fold(None, |m: Option<f64>, a| Some(m.map_or(a, |m| m.min(a))));
        match cheapest {
            _ if says_free => CostBand::Free,
            Some(0.0) => CostBand::Free,
            Some(a) if a <= LOW_COST_MAX => CostBand::Low,
            Some(_) => CostBand::Paid,
            None => CostBand::Unknown,
        }
    }
}

/// A day of the week, as RFC 5545 (and HSDS schedules) write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weekday {
    Mo,
    Tu,
    We,
    Th,
    Fr,
    Sa,
    Su,
}

crate::string_enum!(Weekday {
    Mo => "MO",
    Tu => "TU",
    We => "WE",
    Th => "TH",
    Fr => "FR",
    Sa => "SA",
    Su => "SU",
});

impl Weekday {
    /// The days named by an RFC 5545 BYDAY list such as `MO,WE` or `1SA,3SA` (the
    /// ordinal, "first and third", is dropped: the day is what a filter needs).
    pub fn parse_byday(byday: &str) -> Result<Vec<Weekday>, String> {
        let mut days = Vec::new();
        for part in byday.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let code =
                part.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
            let day = code
                .to_ascii_uppercase()
                .parse::<Weekday>()
                .map_err(|_| format!("{part:?} is not a day of the week"))?;
            days.push(day);
        }
        days.sort();
        days.dedup();
        Ok(days)
    }

    /// Stored form of a set of days: `MO,WE,FR`.
    pub fn join(days: &[Weekday]) -> String {
        days.iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A service as typed in the directory form (or read from an import).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceInput {
    pub name: String,
    pub organization: String,
    pub description: String,
    pub category: String,
    pub when_text: String,
    pub days: Vec<Weekday>,
    pub location_name: String,
    pub address: String,
    pub fees_description: String,
    pub discount_description: String,
    pub cost_band: Option<CostBand>,
    pub eligibility: String,
    pub phone: String,
    pub email: String,
    pub url: String,
    pub accessibility: String,
    /// Language codes or names separated by commas: `en, pl`.
    pub languages: String,
    pub application_process: String,
    pub join_method: Option<JoinMethod>,
    /// The date the details were last checked with the provider (HSDS `assured_date`).
    pub last_verified: String,
}

/// A service after every rule has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFields {
    pub name: String,
    pub organization: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub when_text: Option<String>,
    pub days: Vec<Weekday>,
    pub location_name: Option<String>,
    pub address: Option<String>,
    pub fees_description: Option<String>,
    pub discount_description: Option<String>,
    pub cost_band: CostBand,
    pub eligibility: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub accessibility: Option<String>,
    pub languages: Vec<String>,
    pub application_process: Option<String>,
    pub join_method: JoinMethod,
    pub last_verified: Option<NaiveDate>,
}

/// A service whose details were last checked this many months ago or more is stale.
pub const STALE_AFTER_MONTHS: u32 = 12;

/// True when the service was never verified, or not within the last 12 months.
pub fn is_stale(last_verified: Option<NaiveDate>, today: NaiveDate) -> bool {
    match (
        last_verified,
        today.checked_sub_months(chrono::Months::new(STALE_AFTER_MONTHS)),
    ) {
        (Some(d), Some(cutoff)) => d <= cutoff,
        _ => true,
    }
}

/// Normalises a language list: lower-case, trimmed, unique, in the order given.
pub fn parse_languages(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let ok = part.chars().count() <= 40
            && part
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | ' ' | '(' | ')'));
        if !ok {
            return Err(format!("{part:?} is not a language name or code"));
        }
        let l = part.to_lowercase();
        if !out.contains(&l) {
            out.push(l);
        }
    }
    Ok(out)
}

/// A web address must be http(s) so a printed QR code or a click can never run script.
fn optional_url(e: &mut ValidationErrors, value: &str) -> Option<String> {
    let url = optional_text(e, "url", "Web page", value, 500, false)?;
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !url.chars().any(char::is_whitespace) => Some(url),
        _ => {
            e.push(
                "url",
                "Enter a web address starting https://, e.g. https://example.org.",
            );
            None
        }
    }
}

impl ServiceInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ServiceFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let name = required_name(&mut e, "name", "Name", &self.name, 200);
        let t = |e: &mut ValidationErrors, field, label, value: &str, max, lines| {
            optional_text(e, field, label, value, max, lines)
        };
        let organization = optional_name(
            &mut e,
            "organization",
            "Organisation",
            &self.organization,
            200,
        );
        let description = t(
            &mut e,
            "description",
            "Description",
            &self.description,
            4000,
            true,
        );
        let category = t(&mut e, "category", "Category", &self.category, 100, false);
        let when_text = t(
            &mut e,
            "whenText",
            "When it runs",
            &self.when_text,
            500,
            true,
        );
        let location_name = t(
            &mut e,
            "locationName",
            "Place",
            &self.location_name,
            200,
            false,
        );
        let address = t(&mut e, "address", "Address", &self.address, 500, true);
        let fees_description = t(
            &mut e,
            "feesDescription",
            "Cost",
            &self.fees_description,
            1000,
            true,
        );
        let discount_description = t(
            &mut e,
            "discountDescription",
            "Discount",
            &self.discount_description,
            1000,
            true,
        );
        let eligibility = t(
            &mut e,
            "eligibility",
            "Who it is for",
            &self.eligibility,
            1000,
            true,
        );
        let accessibility = t(
            &mut e,
            "accessibility",
            "Accessibility",
            &self.accessibility,
            1000,
            true,
        );
        let application_process = t(
            &mut e,
            "applicationProcess",
            "How to join",
            &self.application_process,
            1000,
            true,
        );
        let phone = optional_phone(&mut e, "phone", &self.phone);
        let email = optional_email(&mut e, "email", &self.email);
        let url = optional_url(&mut e, &self.url);
        let languages = parse_languages(&self.languages).unwrap_or_else(|m| {
            e.push(
                "languages",
                format!("Languages: {m}. Separate them with commas."),
            );
            Vec::new()
        });
        let last_verified = if self.last_verified.trim().is_empty() {
            None
        } else {
            past_date(
                &mut e,
                "lastVerified",
                "Date last verified",
                &self.last_verified,
                today,
            )
        };
        let mut days = self.days.clone();
        days.sort();
        days.dedup();
        e.into_result(ServiceFields {
            name,
            organization,
            description,
            category,
            when_text,
            days,
            location_name,
            address,
            fees_description,
            discount_description,
            cost_band: self.cost_band.unwrap_or(CostBand::Unknown),
            eligibility,
            phone,
            email,
            url,
            accessibility,
            languages,
            application_process,
            join_method: self.join_method.unwrap_or(JoinMethod::Signpost),
            last_verified,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn yoga() -> ServiceInput {
        ServiceInput {
            name: "Gentle Yoga".into(),
            organization: "Lotus Tree Yoga Studio".into(),
            fees_description: "£8 a class".into(),
            discount_description: "50% off with a doctor's letter".into(),
            cost_band: Some(CostBand::Paid),
            languages: "en, PL, en".into(),
            url: "https://lotustree.example/gentle".into(),
            days: vec![Weekday::Th, Weekday::Tu, Weekday::Tu],
            last_verified: "2026-10-02".into(),
            ..ServiceInput::default()
        }
    }

    #[test]
    fn a_service_is_normalised() {
        let f = yoga().validate(today()).unwrap();
        assert_eq!(f.languages, vec!["en", "pl"]);
        assert_eq!(f.days, vec![Weekday::Tu, Weekday::Th]);
        assert_eq!(f.join_method, JoinMethod::Signpost);
        assert_eq!(f.organization.as_deref(), Some("Lotus Tree Yoga Studio"));
    }

    #[test]
    fn bad_fields_are_named_one_by_one() {
        let e = ServiceInput {
            name: " ".into(),
            url: "javascript:alert(1)".into(),
            email: "not an email".into(),
            phone: "call us".into(),
            languages: "en, <b>".into(),
            last_verified: "2027-01-01".into(),
            ..yoga()
        }
        .validate(today())
        .unwrap_err();
        for field in ["name", "url", "email", "phone", "languages", "lastVerified"] {
            assert!(e.message_for(field).is_some(), "{field}");
        }
    }

    #[test]
    fn byday_lists_read_with_and_without_ordinals() {
        assert_eq!(Weekday::parse_byday("1SA,3SA").unwrap(), vec![Weekday::Sa]);
        assert_eq!(
            Weekday::parse_byday("MO,we,FR").unwrap(),
            vec![Weekday::Mo, Weekday::We, Weekday::Fr]
        );
        assert!(Weekday::parse_byday("MO,XX").is_err());
        assert_eq!(Weekday::join(&[Weekday::Mo, Weekday::Fr]), "MO,FR");
    }

    #[test]
    fn cost_bands_follow_the_cheapest_option() {
        assert_eq!(CostBand::from_amounts(&[8.0, 4.0], None), CostBand::Low);
        assert_eq!(CostBand::from_amounts(&[5.2, 2.5], None), CostBand::Low);
        assert_eq!(CostBand::from_amounts(&[30.0], None), CostBand::Paid);
        assert_eq!(CostBand::from_amounts(&[0.0, 5.0], None), CostBand::Free);
        assert_eq!(
            CostBand::from_amounts(&[], Some("Free to members")),
            CostBand::Free
        );
        assert_eq!(CostBand::from_amounts(&[], Some("Ask")), CostBand::Unknown);
    }

    #[test]
    fn staleness_is_twelve_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert!(!is_stale(d("2025-11-25"), today()));
        assert!(is_stale(d("2025-11-24"), today()));
        assert!(is_stale(None, today()));
    }
}
