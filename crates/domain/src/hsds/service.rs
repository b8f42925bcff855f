//! One service object, in any of the names HSDS 3.x, HSDS 1.x/2.x and Open Referral UK
//! give its fields, read forgivingly into a `ServiceInput`. What had to change to make
//! it fit is recorded; only a service with no id or no usable name is skipped.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::categories::{FeedTerm, WAYMARK_CATEGORIES};
use super::clean;
use super::{FeedService, WAYMARK_FIELDS};
use crate::directory::{CostBand, JoinMethod, ServiceInput, ServiceStatus, Weekday};

/// The longest description kept; a longer one is cut at a word with an ellipsis.
const DESCRIPTION_MAX: usize = 4000;

/// Reads one service, or says why it cannot be imported.
pub(super) fn read(
    s: &Value,
    position: usize,
    today: NaiveDate,
) -> Result<FeedService, (Option<String>, String)> {
    let Some(obj) = s.as_object() else {
        return Err((None, "it is not a service record".into()));
    };
    let mut adj = Vec::new();
    // Waymark's own exports (they carry its fields) hold the practice's plain text:
    // kept as written, never read as HTML, so an export imports back unchanged.
    let all_terms = taxonomy_terms(obj);
    let ours = all_terms.iter().any(|t| t.vocabulary == WAYMARK_FIELDS);
    let plain: fn(&str) -> String = if ours { as_written } else { clean::plain_text };
    let raw_name = text(obj, "name");
    let name = raw_name.as_deref().map(|n| {
        if ours {
            n.to_owned()
        } else {
            one_line(&plain(n))
        }
    });
    let Some(hsds_id) = id(obj.get("id")) else {
        return Err((name, "it has no id".into()));
    };
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return Err((None, "it has no name".into()));
    };
    if raw_name.as_deref() != Some(name.as_str()) {
        adj.push("name: markup removed".to_owned());
    }
    let status = match text(obj, "status")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("active") => ServiceStatus::Active,
        Some("inactive" | "defunct" | "temporarily closed" | "closed") => ServiceStatus::Inactive,
        Some(other) => {
            adj.push(format!(
                "status {other:?} is not an HSDS status: read as active"
            ));
            ServiceStatus::Active
        }
    };

    let org = obj.get("organization").and_then(Value::as_object);
    let organization =
        org.and_then(|o| text(o, "name"))
            .map(|n| if ours { n } else { one_line(&plain(&n)) });
    let organization_hsds_id = org
        .and_then(|o| id(o.get("id")))
        .or_else(|| id(obj.get("organization_id")));

    let description = text(obj, "description").map(|d| {
        let plain = plain(&d);
        if plain != d.trim() {
            adj.push("description: HTML turned into plain text".to_owned());
        }
        shorten(&plain, DESCRIPTION_MAX, "description", &mut adj)
    });

    let url = text(obj, "url").or_else(|| text(obj, "website")).map(|u| {
        let (fixed, changed) = clean::web_address(&u);
        if changed {
            adj.push("web address: added https://".to_owned());
        }
        fixed
    });
    let email = text(obj, "email").map(|e| e.trim_start_matches("mailto:").to_owned());

    let phone = first_phone(obj).map(|(number, ext)| {
        let cleaned = clean::phone(&number, ext.as_deref());
        let as_given = match ext.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => format!("{} ext. {e}", number.trim()),
            None => number.trim().to_owned(),
        };
        if cleaned != as_given {
            adj.push("phone: stray characters removed".to_owned());
        }
        cleaned
    });

    let (cost_band, fees) = costs(obj, plain);
    let eligibility = eligibility(obj, plain);
    let languages = languages(obj);
    let (days, when_text) = schedules(obj, plain, &mut adj);
    let place = place(obj);

    let mut last_verified = text(obj, "assured_date")
        .or_else(|| text(obj, "last_assured"))
        .unwrap_or_default();
    if last_verified.len() > 10 && last_verified.is_char_boundary(10) {
        // "2026-09-14T10:00:00Z": the day is what matters.
        last_verified.truncate(10);
    }

    // Waymark's own exports carry what HSDS has no field for as attributes.
    let mut terms = Vec::new();
    let mut discount = None;
    let mut join_method = None;
    let mut band_override = None;
    let mut category = None;
    for t in all_terms {
        if t.vocabulary == WAYMARK_FIELDS {
            match t.code.as_str() {
                "discount_description" => discount = Some(t.name.clone()),
                "join_method" => join_method = t.name.parse::<JoinMethod>().ok(),
                "cost_band" => band_override = t.name.parse::<CostBand>().ok(),
                _ => {}
            }
        } else if t.vocabulary == WAYMARK_CATEGORIES && category.is_none() {
            category = Some(t.name.clone());
        } else if !terms.contains(&t) {
            terms.push(t);
        }
    }

    let mut input = ServiceInput {
        name,
        organization: organization.unwrap_or_default(),
        description: description.unwrap_or_default(),
        category: category.clone().unwrap_or_default(),
        when_text,
        days,
        location_name: place.0,
        address: place.1,
        fees_description: fees,
        discount_description: discount.clone().unwrap_or_default(),
        cost_band: Some(band_override.unwrap_or(cost_band)),
        eligibility,
        phone: phone.unwrap_or_default(),
        email: email.unwrap_or_default(),
        url: url.unwrap_or_default(),
        accessibility: place.2,
        languages,
        application_process: text(obj, "application_process")
            .map(|a| plain(&a))
            .unwrap_or_default(),
        join_method: Some(join_method.unwrap_or(JoinMethod::Signpost)),
        last_verified,
    };
    fit(&mut input, today, &mut adj).map_err(|m| (Some(input.name.clone()), m))?;
    Ok(FeedService {
        position,
        hsds_id,
        organization_hsds_id,
        status,
        input,
        terms,
        waymark_category: category.is_some(),
        has_discount: discount.is_some(),
        has_join_method: join_method.is_some(),
        adjustments: adj,
    })
}

/// Checks the service against the directory's rules and leaves out each optional
/// field that breaks them, saying so; only a bad name stops the service.
fn fit(input: &mut ServiceInput, today: NaiveDate, adj: &mut Vec<String>) -> Result<(), String> {
    for _ in 0..3 {
        let Err(errors) = input.validate(today) else {
            return Ok(());
        };
        for e in &errors.0 {
            let cleared = match e.field {
                "name" => return Err(format!("its name cannot be used: {}", e.message)),
                "organization" => clear(&mut input.organization),
                "description" => clear(&mut input.description),
                "category" => clear(&mut input.category),
                "whenText" => clear(&mut input.when_text),
                "locationName" => clear(&mut input.location_name),
                "address" => clear(&mut input.address),
                "feesDescription" => clear(&mut input.fees_description),
                "discountDescription" => clear(&mut input.discount_description),
                "eligibility" => clear(&mut input.eligibility),
                "accessibility" => clear(&mut input.accessibility),
                "applicationProcess" => clear(&mut input.application_process),
                "phone" => clear(&mut input.phone),
                "email" => clear(&mut input.email),
                "url" => clear(&mut input.url),
                "languages" => clear(&mut input.languages),
                "lastVerified" => clear(&mut input.last_verified),
                _ => String::new(),
            };
            adj.push(format!(
                "{}: {:?} left out ({})",
                label(e.field),
                shorten_quiet(&cleared, 60),
                e.message.trim_end_matches('.')
            ));
        }
    }
    Err("it breaks the directory's rules".into())
}

fn clear(field: &mut String) -> String {
    std::mem::take(field)
}

fn label(field: &str) -> &str {
    match field {
        "organization" => "organisation",
        "whenText" => "when it runs",
        "locationName" => "place",
        "feesDescription" => "cost",
        "discountDescription" => "discount",
        "applicationProcess" => "how to join",
        "url" => "web address",
        "lastVerified" => "date last verified",
        other => other,
    }
}

/// Text from Waymark's own export: already plain, already trimmed by `text`.
fn as_written(text: &str) -> String {
    text.to_owned()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten_quiet(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}\u{2026}", cut.trim_end())
}

fn shorten(text: &str, max: usize, what: &str, adj: &mut Vec<String>) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let at_word = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    adj.push(format!("{what}: shortened to {max} characters"));
    format!("{}\u{2026}", cut[..at_word].trim_end())
}

/// A text field: strings trimmed (empty is absent), numbers written out, else absent.
pub(super) fn text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An id: a string or an integer.
pub(super) fn id(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The objects in a list field (or a single object where a list was expected).
fn objects<'a>(obj: &'a Map<String, Value>, key: &str) -> Vec<&'a Map<String, Value>> {
    match obj.get(key) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(o)) => vec![o],
        _ => Vec::new(),
    }
}

fn first_of<'a>(obj: &'a Map<String, Value>, keys: &[&str]) -> Vec<&'a Map<String, Value>> {
    keys.iter()
        .map(|k| objects(obj, k))
        .find(|l| !l.is_empty())
        .unwrap_or_default()
}

/// The service's locations: HSDS 3 and ORUK nest them in `service_at_locations`
/// (or `service_at_location`); HSDS 1.x JSON may list `locations` directly.
fn locations(obj: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    let via = first_of(obj, &["service_at_locations", "service_at_location"]);
    let mut out: Vec<&Map<String, Value>> = via
        .iter()
        .filter_map(|sal| sal.get("location").and_then(Value::as_object))
        .collect();
    if out.is_empty() {
        out = objects(obj, "locations");
    }
    out
}

fn first_phone(obj: &Map<String, Value>) -> Option<(String, Option<String>)> {
    let mut lists = vec![first_of(obj, &["phones"])];
    for c in first_of(obj, &["contacts"]) {
        lists.push(objects(c, "phones"));
    }
    for sal in first_of(obj, &["service_at_locations", "service_at_location"]) {
        lists.push(objects(sal, "phones"));
    }
    for l in locations(obj) {
        lists.push(objects(l, "phones"));
    }
    if let Some(o) = obj.get("organization").and_then(Value::as_object) {
        lists.push(objects(o, "phones"));
    }
    lists.into_iter().flatten().find_map(|p| {
        let n = text(p, "number")?;
        Some((n, text(p, "extension")))
    })
}

/// The cost band from the cost options and the fees text; where the feed has no fees
/// text, one is written from its cost options.
fn costs(obj: &Map<String, Value>, plain: fn(&str) -> String) -> (CostBand, String) {
    let options = first_of(obj, &["cost_options", "cost_option"]);
    let mut amounts = Vec::new();
    let mut described = Vec::new();
    for c in &options {
        let amount = match c.get("amount") {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s
                .trim()
                .trim_start_matches(['£', '$', '€'])
                .replace(',', "")
                .parse::<f64>()
                .ok(),
            _ => None,
        };
        amounts.extend(amount);
        let symbol = match text(c, "currency")
            .map(|c| c.to_ascii_uppercase())
            .as_deref()
        {
            Some("GBP") => "£",
            Some("USD") => "$",
            Some("EUR") => "€",
            _ => "",
        };
        let price = amount.map(|a| {
            if a == 0.0 {
                "free".to_owned()
            } else if a.fract() == 0.0 {
                format!("{symbol}{a:.0}")
            } else {
                format!("{symbol}{a:.2}")
            }
        });
        let parts: Vec<String> = [text(c, "option"), price, text(c, "amount_description")]
            .into_iter()
            .flatten()
            .collect();
        if !parts.is_empty() {
            described.push(parts.join(" "));
        }
    }
    let fees = text(obj, "fees_description")
        .or_else(|| text(obj, "fees"))
        .map(|f| plain(&f))
        .unwrap_or_else(|| described.join("; "));
    let band = CostBand::from_amounts(
        &amounts,
        Some(&fees).filter(|f| !f.is_empty()).map(|f| f.as_str()),
    );
    (band, fees)
}

fn eligibility(obj: &Map<String, Value>, plain: fn(&str) -> String) -> String {
    let mut parts = Vec::new();
    parts.extend(text(obj, "eligibility_description"));
    if let Some(e) = text(obj, "eligibility") {
        parts.push(e);
    }
    for e in first_of(obj, &["eligibilitys", "eligibilities", "eligibility"]) {
        parts.extend(text(e, "eligibility").or_else(|| text(e, "description")));
    }
    let ages = (text(obj, "minimum_age"), text(obj, "maximum_age"));
    let ages = match ages {
        (Some(lo), Some(hi)) => Some(format!("Ages {lo} to {hi}.")),
        (Some(lo), None) => Some(format!("Ages {lo} and over.")),
        (None, Some(hi)) => Some(format!("Ages up to {hi}.")),
        (None, None) => None,
    };
    parts.extend(ages);
    let mut seen = Vec::new();
    for p in parts.into_iter().map(|p| plain(&p)) {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    seen.join("\n")
}

fn languages(obj: &Map<String, Value>) -> String {
    let mut out: Vec<String> = Vec::new();
    match obj.get("languages") {
        Some(Value::Array(items)) => {
            for l in items {
                let v = match l {
                    Value::String(s) => Some(s.trim().to_owned()),
                    Value::Object(o) => text(o, "code")
                        .or_else(|| text(o, "name"))
                        .or_else(|| text(o, "language")),
                    _ => None,
                };
                out.extend(v);
            }
        }
        Some(Value::String(s)) => out.extend(s.split([',', ';']).map(|l| l.trim().to_owned())),
        _ => {}
    }
    out.retain(|l| !l.is_empty());
    out.join(", ")
}

/// The days it runs and a "when" text: the schedules' own descriptions where given,
/// else each distinct set of hours with its days ("Mon, Wed 09:00–12:00").
fn schedules(
    obj: &Map<String, Value>,
    plain: fn(&str) -> String,
    adj: &mut Vec<String>,
) -> (Vec<Weekday>, String) {
    let mut list = first_of(obj, &["schedules", "regular_schedules"]);
    if list.is_empty() {
        for sal in first_of(obj, &["service_at_locations", "service_at_location"]) {
            list.extend(first_of(sal, &["schedules", "regular_schedules"]));
        }
    }
    let mut days = Vec::new();
    let mut described = Vec::new();
    let mut hours: Vec<(String, Vec<Weekday>)> = Vec::new();
    for sch in list {
        let mut these = Vec::new();
        if let Some(byday) = text(sch, "byday") {
            for part in byday.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match Weekday::parse_byday(part)
                    .ok()
                    .and_then(|d| d.first().copied())
                {
                    Some(d) => these.push(d),
                    None => adj.push(format!("schedule: day {part:?} not understood: left out")),
                }
            }
        }
        if let Some(w) = text(sch, "weekday").or_else(|| text(sch, "day")) {
            match clean::weekday(&w) {
                Some(d) => these.push(d),
                None => adj.push(format!("schedule: day {w:?} not understood: left out")),
            }
        }
        let mut time = |key: &str| {
            let raw = text(sch, key)?;
            let t = clean::time_of_day(&raw);
            if t.is_none() {
                adj.push(format!("schedule: time {raw:?} not understood: left out"));
            }
            t
        };
        let span = match (time("opens_at"), time("closes_at")) {
            (Some(o), Some(c)) => Some(format!("{o}\u{2013}{c}")),
            (Some(o), None) => Some(format!("from {o}")),
            (None, Some(c)) => Some(format!("until {c}")),
            (None, None) => None,
        };
        if let Some(d) = text(sch, "description").map(|d| plain(&d)) {
            if !described.contains(&d) {
                described.push(d);
            }
        } else if let Some(span) = span {
            match hours.iter_mut().find(|(s, _)| *s == span) {
                Some((_, ds)) => ds.extend(these.iter().copied()),
                None => hours.push((span, these.clone())),
            }
        }
        days.extend(these);
    }
    days.sort();
    days.dedup();
    let mut parts = described;
    for (span, mut ds) in hours {
        ds.sort();
        ds.dedup();
        let names: Vec<&str> = ds.iter().map(|d| clean::day_name(*d)).collect();
        parts.push(if names.is_empty() {
            span
        } else {
            format!("{} {span}", names.join(", "))
        });
    }
    (days, parts.join("; "))
}

/// The place's name, its one-line address and its accessibility, from the first
/// location that has any of them.
fn place(obj: &Map<String, Value>) -> (String, String, String) {
    for loc in locations(obj) {
        let name = text(loc, "name").unwrap_or_default();
        let addresses = first_of(loc, &["addresses", "physical_addresses", "address"]);
        let address = addresses
            .iter()
            .find(|a| text(a, "address_type").as_deref() == Some("physical"))
            .or(addresses.first())
            .map(|a| {
                let mut parts: Vec<String> = Vec::new();
                for key in [
                    "address_1",
                    "address_2",
                    "city",
                    "state_province",
                    "postal_code",
                ] {
                    if let Some(p) = text(a, key) {
                        if !parts.iter().any(|q| q.eq_ignore_ascii_case(&p)) {
                            parts.push(p);
                        }
                    }
                }
                parts.join(", ")
            })
            .unwrap_or_default();
        let mut access = Vec::new();
        for a in first_of(loc, &["accessibility", "accessibility_for_disabilities"]) {
            access.extend(
                text(a, "description")
                    .or_else(|| text(a, "accessibility"))
                    .or_else(|| text(a, "details")),
            );
        }
        if !name.is_empty() || !address.is_empty() || !access.is_empty() {
            return (name, address, access.join(", "));
        }
    }
    Default::default()
}

/// Every taxonomy term the service carries, in HSDS 3 `attributes`, ORUK
/// `service_taxonomys` or plain `taxonomy_terms` / `categories`.
fn taxonomy_terms(obj: &Map<String, Value>) -> Vec<FeedTerm> {
    let mut out = Vec::new();
    let mut push = |t: &Map<String, Value>, value: Option<String>| {
        let vocabulary = text(t, "taxonomy")
            .or_else(|| text(t, "vocabulary"))
            .unwrap_or_default();
        let code = text(t, "code")
            .or_else(|| id(t.get("id")))
            .unwrap_or_default();
        let name = value.or_else(|| text(t, "name")).unwrap_or_default();
        if !code.is_empty() || !name.is_empty() {
            out.push(FeedTerm {
                vocabulary,
                code,
                name,
            });
        }
    };
    for a in objects(obj, "attributes") {
        if let Some(t) = a.get("taxonomy_term").and_then(Value::as_object) {
            let waymark = text(t, "taxonomy").as_deref() == Some(WAYMARK_FIELDS);
            push(t, if waymark { text(a, "value") } else { None });
        }
    }
    for st in first_of(obj, &["service_taxonomys", "service_taxonomies"]) {
        if let Some(t) = st
            .get("taxonomy")
            .or_else(|| st.get("taxonomy_term"))
            .and_then(Value::as_object)
        {
            push(t, None);
        }
    }
    for t in first_of(obj, &["taxonomy_terms", "categories"]) {
        push(t, None);
    }
    out
}
