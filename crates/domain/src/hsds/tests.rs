use serde_json::json;

use super::*;
use crate::directory::{CostBand, JoinMethod, Weekday};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn shared(path: &str) -> String {
    let full = format!("{}/../../../shared/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn named<'a>(read: &'a ReadFeed, name: &str) -> &'a FeedService {
    read.services
        .iter()
        .find(|s| s.input.name == name)
        .unwrap_or_else(|| panic!("no service named {name}"))
}

#[test]
fn the_sample_directory_reads_whole() {
    let read = read_json(&shared("data/directory.hsds.json"), today()).unwrap();
    assert_eq!(read.shape, Shape::Page);
    assert!(read.complete);
    assert_eq!(read.services.len(), 29);
    assert!(read.skipped.is_empty());
    let yoga = named(&read, "Gentle Yoga for Strength and Balance");
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
    assert!(yoga.waymark_category);
    let coop = named(&read, "Community Childcare Co-op");
    assert_eq!(coop.input.languages, "en, pl");
    assert_eq!(coop.input.cost_band, Some(CostBand::Free));
}

#[test]
fn the_official_hsds3_service_full_example_reads_with_its_quoted_phone() {
    let read = read_json(
        &shared("data/real/hsds3-examples/json/service_full.json"),
        today(),
    )
    .unwrap();
    assert_eq!(read.shape, Shape::Single);
    assert!(!read.complete, "one service says nothing of the others");
    let s = &read.services[0];
    assert_eq!(s.input.name, "Community Counselling");
    assert_eq!(s.input.phone, "+44 1234 234567 ext. 100");
    assert!(s.adjustments.iter().any(|a| a.starts_with("phone")));
    assert_eq!(s.input.organization, "Example Organization Inc.");
    assert!(s.input.address.contains("1-30 Main Street"));
    assert!(!s.terms.is_empty());
}

#[test]
fn the_official_hsds3_list_example_reads_as_a_page() {
    let read = read_json(
        &shared("data/real/hsds3-examples/json/service_list.json"),
        today(),
    )
    .unwrap();
    assert_eq!(read.shape, Shape::Page);
    assert_eq!(read.services.len() + read.skipped.len(), 1);
    assert_eq!(read.services[0].input.name, "Community Counselling");
}

#[test]
fn the_official_hsds3_csv_package_reads_through_its_tables() {
    let dir = format!(
        "{}/../../../shared/data/real/hsds3-examples/csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut tables = Tables::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            tables
                .add_csv(&name, &std::fs::read_to_string(&path).unwrap())
                .unwrap();
        }
    }
    let read = tables.read(today()).unwrap();
    assert_eq!(read.shape, Shape::Package);
    let s = &read.services[0];
    assert_eq!(s.input.name, "Community Counselling");
    assert_eq!(s.input.organization, "Example Organization Inc.");
    assert_eq!(s.input.phone, "+44 1234 234567 ext. 100");
    assert_eq!(s.input.location_name, "MyCity Civic Center");
    assert!(s.input.address.starts_with("1-30 Main Street"));
    assert!(s.input.accessibility.contains("induction loops"));
    assert_eq!(s.input.days, vec![Weekday::Th, Weekday::Fr]);
    assert_eq!(s.input.languages, "ur");
    assert!(s.input.fees_description.contains("£50 per hour"));
    assert_eq!(s.input.cost_band, Some(CostBand::Paid));
}

#[test]
fn an_oruk_feed_as_a_bare_list_reads_with_old_names() {
    let feed = json!([
        {
            "id": 101,
            "name": "Tea &amp; Chat",
            "url": "www.teachat.example/join",
            "fees": "Free",
            "attending_type": "In person",
            "attending_access": "drop-in",
            "deliverable_type": "Advice",
            "pc_targetAudience": ["Older people"],
            "organization": {"id": 7, "name": "Friends of Hollinsford"},
            "regular_schedules": [
                {"weekday": "Tuesday", "opens_at": "10:00:00", "closes_at": "12:00:00"},
                {"weekday": "Thursday", "opens_at": "10:00:00", "closes_at": "12:00:00"},
                {"weekday": "Saturday", "opens_at": "9:30am", "closes_at": "11am"}
            ],
            "service_taxonomys": [
                {"taxonomy": {"id": "LGA-1", "name": "Befriending services", "vocabulary": "esdServiceTypes"}}
            ],
            "languages": [{"language": "English"}, {"language": "Polish"}],
            "eligibilitys": [{"eligibility": "Adults over 60"}],
            "service_at_locations": [{"location": {
                "name": "Library", "physical_addresses": [{"address_1": "1 High St", "city": "Hollinsford", "postal_code": "HF1 1AA"}]
            }}]
        },
        {"id": 102, "name": ""},
        {"id": "103", "name": "Walk", "description": "<p>Easy walks.</p><p>Meet at the <a href=\"https://walks.example\">gate</a>.</p>"},
        {"name": "No id at all"}
    ]);
    let read = read_value(feed, today()).unwrap();
    assert_eq!(read.shape, Shape::List);
    assert!(read.complete);
    assert_eq!(read.services.len(), 2);
    let tea = &read.services[0];
    assert_eq!(tea.hsds_id, "101");
    assert_eq!(tea.organization_hsds_id.as_deref(), Some("7"));
    assert_eq!(tea.input.name, "Tea & Chat");
    assert_eq!(tea.input.url, "https://www.teachat.example/join");
    assert!(tea
        .adjustments
        .contains(&"web address: added https://".to_owned()));
    assert_eq!(tea.input.cost_band, Some(CostBand::Free));
    assert_eq!(tea.input.days, vec![Weekday::Tu, Weekday::Th, Weekday::Sa]);
    assert_eq!(
        tea.input.when_text,
        "Tue, Thu 10:00\u{2013}12:00; Sat 09:30\u{2013}11:00"
    );
    assert_eq!(tea.input.languages, "English, Polish");
    assert_eq!(tea.input.eligibility, "Adults over 60");
    assert_eq!(tea.input.address, "1 High St, Hollinsford, HF1 1AA");
    assert_eq!(tea.terms[0].name, "Befriending services");
    assert_eq!(tea.terms[0].vocabulary, "esdServiceTypes");
    let walk = &read.services[1];
    assert_eq!(
        walk.input.description,
        "Easy walks.\n\nMeet at the gate (https://walks.example)."
    );
    assert_eq!(read.skipped.len(), 2);
    assert_eq!(read.skipped[0].position, 2);
    assert_eq!(read.skipped[0].reason, "it has no name");
    assert_eq!(read.skipped[1].name.as_deref(), Some("No id at all"));
    assert_eq!(read.skipped[1].reason, "it has no id");
}

#[test]
fn an_oruk_spring_page_and_a_partial_page_are_told_apart() {
    let whole = json!({"totalPages": 1, "totalElements": 1, "number": 0, "content": [{"id": "a", "name": "A"}]});
    let read = read_value(whole, today()).unwrap();
    assert!(read.complete);
    assert_eq!(read.services.len(), 1);
    let part = json!({"total_pages": 9, "page_number": 1, "contents": [{"id": "a", "name": "A"}]});
    let read = read_value(part, today()).unwrap();
    assert!(!read.complete);
    assert!(read.notes[0].contains("one page of a feed of 9 pages"));
}

#[test]
fn bad_fields_are_left_out_with_the_reason_and_the_service_kept() {
    let feed = json!({"contents": [{
        "id": "a", "name": "A",
        "email": "not an email",
        "assured_date": "2027-01-01",
        "url": "javascript:alert(1)",
        "schedules": [{"byday": "MO,XX", "opens_at": "noonish"}],
        "phones": [{"number": "call us"}]
    }]});
    let read = read_value(feed, today()).unwrap();
    let a = &read.services[0];
    assert_eq!(a.input.email, "");
    assert_eq!(a.input.last_verified, "");
    assert_eq!(a.input.url, "");
    assert_eq!(a.input.phone, "");
    assert_eq!(a.input.days, vec![Weekday::Mo]);
    let said = a.adjustments.join("\n");
    for expected in [
        "email: \"not an email\" left out",
        "date last verified: \"2027-01-01\" left out",
        "web address: \"javascript:alert(1)\" left out",
        "day \"XX\" not understood",
        "time \"noonish\" not understood",
        "phone: \"call us\" left out",
    ] {
        assert!(said.contains(expected), "{expected} in {said}");
    }
}

#[test]
fn an_id_given_twice_keeps_the_later_service_and_says_so() {
    let feed = json!([{"id": 1, "name": "First"}, {"id": "2", "name": "Other"}, {"id": "1", "name": "Second"}]);
    let read = read_value(feed, today()).unwrap();
    assert_eq!(read.services.len(), 2);
    assert_eq!(read.services[0].input.name, "Second");
    assert!(
        read.notes[0].contains("services 1 and 3"),
        "{:?}",
        read.notes
    );
}

#[test]
fn waymark_s_own_fields_come_back_from_its_attributes() {
    let feed = json!([{"id": "x", "name": "X", "attributes": [
        {"taxonomy_term": {"code": "discount_description", "name": "discount_description", "taxonomy": WAYMARK_FIELDS}, "value": "Half price with a letter"},
        {"taxonomy_term": {"code": "join_method", "taxonomy": WAYMARK_FIELDS}, "value": "direct_referral"},
        {"taxonomy_term": {"code": "cost_band", "taxonomy": WAYMARK_FIELDS}, "value": "low"}
    ]}]);
    let read = read_value(feed, today()).unwrap();
    let x = &read.services[0];
    assert_eq!(x.input.discount_description, "Half price with a letter");
    assert_eq!(x.input.join_method, Some(JoinMethod::DirectReferral));
    assert_eq!(x.input.cost_band, Some(CostBand::Low));
    assert!(x.has_discount && x.has_join_method);
    assert!(x.terms.is_empty());
}

#[test]
fn what_is_no_directory_is_refused_with_the_reason() {
    for (text, expected) in [
        ("not json", "not valid JSON"),
        ("{\"hello\": 1}", "not an Open Referral directory"),
        ("42", "neither services"),
    ] {
        let e = read_json(text, today()).unwrap_err();
        assert!(e.0.contains(expected), "{text}: {}", e.0);
    }
}
