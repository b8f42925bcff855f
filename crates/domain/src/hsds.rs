//! Reading an Open Referral HSDS 3.0 file: the API's page shape (`{"contents": [service,
//! ...], ...}`) with each service's organization, phones, cost options, languages,
//! attributes (category), schedules and service_at_locations inlined.
//!
//! Reading is all-or-nothing: the first problem is reported with where it is (which
//! service, which field), and nothing is returned to import.

use chrono::NaiveDate;
use serde_json::Value;

use crate::directory::{CostBand, JoinMethod, ServiceInput, ServiceStatus, Weekday};

/// One service read from the file, ready to validate and store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedService {
    pub hsds_id: String,
    pub organization_hsds_id: Option<String>,
    pub status: ServiceStatus,
    pub input: ServiceInput,
}

/// Why a file cannot be imported, in words that say where to look.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HsdsError(pub String);

/// Most services one file may hold: a guard against a runaway file, far above any
/// practice's directory.
pub const MAX_SERVICES: usize = 20_000;

/// Reads every service in an HSDS 3.0 page, checking each against the directory's rules.
pub fn parse_page(text: &str, today: NaiveDate) -> Result<Vec<ImportedService>, HsdsError> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| HsdsError(format!("The file is not valid JSON ({e}).")))?;
    let contents = root
        .get("contents")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            HsdsError(
                "The file is not an Open Referral HSDS 3.0 page: it has no \"contents\" list of \
                 services."
                    .into(),
            )
        })?;
    if contents.len() > MAX_SERVICES {
        return Err(HsdsError(format!(
            "The file lists {} services; at most {MAX_SERVICES} can be imported at once.",
            contents.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(contents.len());
    for (i, s) in contents.iter().enumerate() {
        let service = read_service(s, today).map_err(|m| {
            let name = s.get("name").and_then(Value::as_str).unwrap_or("");
            let which = if name.is_empty() {
                format!("Service {}", i + 1)
            } else {
                format!("Service {} (\u{201c}{name}\u{201d})", i + 1)
            };
            HsdsError(format!("{which}: {m}"))
        })?;
        if !seen.insert(service.hsds_id.clone()) {
            return Err(HsdsError(format!(
                "Service {}: the id {} appears twice in the file.",
                i + 1,
                service.hsds_id
            )));
        }
        out.push(service);
    }
    Ok(out)
}

fn read_service(s: &Value, today: NaiveDate) -> Result<ImportedService, String> {
    if !s.is_object() {
        return Err("is not an object".into());
    }
    let hsds_id = text(s, "id")?.ok_or("\"id\" is missing")?;
    let name = text(s, "name")?.ok_or("\"name\" is missing")?;
    let status = match text(s, "status")?.as_deref() {
        None | Some("active") => ServiceStatus::Active,
        Some("inactive" | "defunct" | "temporarily closed") => ServiceStatus::Inactive,
        Some(other) => return Err(format!("\"status\" {other:?} is not an HSDS status")),
    };
    let org = s.get("organization").filter(|o| !o.is_null());
    let organization = org.map(|o| text(o, "name")).transpose()?.flatten();
    let organization_hsds_id = match org {
        Some(o) => text(o, "id")?,
        None => None,
    }
    .or(text(s, "organization_id")?);

    let phone = list(s, "phones")?
        .first()
        .map(|p| text(p, "number"))
        .transpose()?
        .flatten();
    let mut amounts = Vec::new();
    for c in list(s, "cost_options")? {
        match c.get("amount") {
            None | Some(Value::Null) => {}
            Some(a) => amounts.push(
                a.as_f64()
                    .ok_or("a cost option's \"amount\" is not a number")?,
            ),
        }
    }
    let fees = text(s, "fees_description")?;
    let cost_band = CostBand::from_amounts(&amounts, fees.as_deref());
    let mut languages = Vec::new();
    for l in list(s, "languages")? {
        if let Some(code) = text(l, "code")?.or(text(l, "name")?) {
            languages.push(code);
        }
    }
    let category = match list(s, "attributes")?
        .iter()
        .find_map(|a| a.get("taxonomy_term"))
    {
        Some(t) => text(t, "name")?.or(text(t, "code")?),
        None => None,
    };
    let mut days = Vec::new();
    let mut when = Vec::new();
    for sch in list(s, "schedules")? {
        if let Some(byday) = text(sch, "byday")? {
            days.extend(Weekday::parse_byday(&byday).map_err(|m| format!("schedule: {m}"))?);
        }
        let described = text(sch, "description")?.or_else(|| {
            let open = text(sch, "opens_at").ok().flatten()?;
            let close = text(sch, "closes_at").ok().flatten()?;
            Some(format!("{open} to {close}"))
        });
        when.extend(described);
    }
    let (mut location_name, mut address, mut accessibility) = (None, None, Vec::new());
    if let Some(sal) = list(s, "service_at_locations")?.first() {
        let loc = sal
            .get("location")
            .ok_or("a service_at_location has no \"location\"")?;
        location_name = text(loc, "name")?;
        if let Some(a) = list(loc, "addresses")?.first() {
            let parts = ["address_1", "city", "postal_code"]
                .iter()
                .map(|k| text(a, k))
                .collect::<Result<Vec<_>, _>>()?;
            let line: Vec<String> = parts.into_iter().flatten().collect();
            address = (!line.is_empty()).then(|| line.join(", "));
        }
        for a in list(loc, "accessibility")? {
            accessibility.extend(text(a, "description")?);
        }
    }
    let last_verified = text(s, "assured_date")?.unwrap_or_default();
    if !last_verified.is_empty() && NaiveDate::parse_from_str(&last_verified, "%Y-%m-%d").is_err() {
        return Err(format!(
            "\"assured_date\" {last_verified:?} is not a date (year-month-day)"
        ));
    }
    let input = ServiceInput {
        name,
        organization: organization.unwrap_or_default(),
        description: text(s, "description")?.unwrap_or_default(),
        category: category.unwrap_or_default(),
        when_text: when.join("; "),
        days,
        location_name: location_name.unwrap_or_default(),
        address: address.unwrap_or_default(),
        fees_description: fees.unwrap_or_default(),
        discount_description: String::new(),
        cost_band: Some(cost_band),
        eligibility: text(s, "eligibility_description")?.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        email: text(s, "email")?.unwrap_or_default(),
        url: text(s, "url")?.unwrap_or_default(),
        accessibility: accessibility.join(", "),
        languages: languages.join(", "),
        application_process: text(s, "application_process")?.unwrap_or_default(),
        join_method: Some(JoinMethod::Signpost),
        last_verified,
    };
    if let Err(errors) = input.validate(today) {
        let first = errors
            .0
            .first()
            .map_or_else(|| "is not valid".to_owned(), |f| f.message.clone());
        return Err(first);
    }
    Ok(ImportedService {
        hsds_id,
        organization_hsds_id,
        status,
        input,
    })
}

/// A string field: absent or null is `None`, anything but a string is an error.
fn text(v: &Value, key: &str) -> Result<Option<String>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(format!("\"{key}\" is not text")),
    }
}

/// A list field: absent or null is empty, anything but a list is an error.
fn list<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("\"{key}\" is not a list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn sample() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/directory.hsds.json"
        );
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn the_sample_directory_reads_whole() {
        let services = parse_page(&sample(), today()).unwrap();
        assert_eq!(services.len(), 29);
        let yoga = services
            .iter()
            .find(|s| s.input.name == "Gentle Yoga for Strength and Balance")
            .unwrap();
        assert_eq!(yoga.input.organization, "Lotus Tree Yoga Studio");
        assert_eq!(yoga.input.cost_band, Some(CostBand::Low));
        assert!(yoga.input.fees_description.contains("50% off"));
        assert_eq!(yoga.input.days, vec![Weekday::Tu, Weekday::Th]);
        assert_eq!(
            yoga.input.address,
            "Unit 3, Canal Wharf, Hollinsford, HF1 2QT"
        );
        assert!(yoga.input.accessibility.contains("step-free access"));
        assert_eq!(yoga.input.category, "Physical activity");
        let hike = services
            .iter()
            .find(|s| s.input.name == "Saturday Group Hike")
            .unwrap();
        assert_eq!(hike.input.days, vec![Weekday::Sa]);
        assert_eq!(hike.input.cost_band, Some(CostBand::Free));
        let coop = services
            .iter()
            .find(|s| s.input.name == "Community Childcare Co-op")
            .unwrap();
        assert_eq!(coop.input.languages, "en, pl");
        assert_eq!(coop.input.cost_band, Some(CostBand::Free));
    }

    #[test]
    fn malformed_files_say_what_is_wrong() {
        let cases = [
            ("not json", "not valid JSON"),
            ("[]", "no \"contents\" list"),
            (
                r#"{"contents": [{"name": "Yoga"}]}"#,
                "Service 1 (\u{201c}Yoga\u{201d}): \"id\" is missing",
            ),
            (
                r#"{"contents": [{"id": "a"}]}"#,
                "Service 1: \"name\" is missing",
            ),
            (
                r#"{"contents": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}"#,
                "appears twice",
            ),
            (
                r#"{"contents": [{"id": "a", "name": "A", "assured_date": "last week"}]}"#,
                "\"assured_date\" \"last week\" is not a date",
            ),
            (
                r#"{"contents": [{"id": "a", "name": "A", "url": "javascript:alert(1)"}]}"#,
                "web address",
            ),
            (
                r#"{"contents": [{"id": "a", "name": "A", "phones": {"number": "1"}}]}"#,
                "\"phones\" is not a list",
            ),
            (
                r#"{"contents": [{"id": "a", "name": "A", "schedules": [{"byday": "XX"}]}]}"#,
                "not a day of the week",
            ),
        ];
        for (text, expected) in cases {
            let e = parse_page(text, today()).unwrap_err();
            assert!(e.0.contains(expected), "{text}: {}", e.0);
        }
    }
}
