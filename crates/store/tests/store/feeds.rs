//! Real directories: the 211 data package and the official HSDS 3 examples (read from
//! ../shared, never copied), previews that write nothing, sources whose services
//! disappear, and the practice's category mapping.

use std::path::PathBuf;

use serde_json::json;
use waymark_domain::hsds::{self, Shape};
use waymark_domain::ServiceStatus;
use waymark_store::directory::{Origin, ServiceQuery};
use waymark_store::directory_file::read_path;

use crate::common::*;

fn real(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/real")
        .join(path)
}

fn all() -> ServiceQuery {
    ServiceQuery {
        limit: 100,
        ..Default::default()
    }
}

fn feed(address: &str) -> Origin {
    Origin::Feed {
        address: address.into(),
    }
}

fn list(items: serde_json::Value) -> hsds::ReadFeed {
    hsds::read_value(items, today()).unwrap()
}

#[test]
fn the_211_data_package_previews_then_imports_and_imports_again_unchanged() {
    let read = read_path(&real("miami-211-hsds1/datapackage-1566177582.zip"), today()).unwrap();
    assert_eq!(read.shape, Shape::Package);
    assert!(read.complete);
    // The package's descriptor lists tables its zip does not hold: read as empty.
    assert!(
        read.notes
            .iter()
            .any(|n| n.contains("postal_addresses.csv")),
        "{:?}",
        read.notes
    );
    assert!(read.services.len() + read.skipped.len() == 4089);
    assert!(read.services.len() > 4000, "{} read", read.services.len());

    let scouts = read.services.iter().find(|s| s.hsds_id == "136").unwrap();
    assert_eq!(scouts.input.phone, "305-253-4841");
    assert_eq!(
        scouts.input.address,
        "11347 SW 160th Street, Miami, FL, 33157"
    );
    assert!(scouts.input.languages.contains("Spanish"));
    assert!(
        !scouts.terms.is_empty(),
        "AIRS terms are joined through services_taxonomy"
    );
    assert!(scouts.input.days.len() >= 5, "{:?}", scouts.input.days);

    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let origin = Origin::File {
        name: "datapackage-1566177582.zip".into(),
    };
    let preview = db
        .directory()
        .preview_import(&read, &origin, today())
        .unwrap();
    assert_eq!(preview.new as usize, read.services.len());
    assert_eq!(
        db.directory().list(&all(), today()).unwrap().total,
        0,
        "a preview writes nothing"
    );
    assert!(db.directory().sources().unwrap().is_empty());

    let done = db.directory().import(&read, &origin, today()).unwrap();
    assert_eq!(done.new, preview.new);
    assert_eq!(done.uncategorised, preview.uncategorised);
    assert!(
        (done.uncategorised as usize) < read.services.len() / 2,
        "most 211 services find a category ({} did not)",
        done.uncategorised
    );
    let listed = db.directory().list(&all(), today()).unwrap().total;
    let active = read
        .services
        .iter()
        .filter(|s| s.status == ServiceStatus::Active)
        .count();
    assert_eq!(listed as usize, active);

    // The same file again, under another name, is the same source and changes nothing.
    let again = db
        .directory()
        .import(
            &read,
            &Origin::File {
                name: "datapackage-later.zip".into(),
            },
            today(),
        )
        .unwrap();
    assert_eq!((again.new, again.changed, again.delisted), (0, 0, 0));
    assert_eq!(again.unchanged as usize, read.services.len());
    assert!(!again.source_is_new);
    assert_eq!(again.source_label, "datapackage-1566177582.zip");

    // A service is found by the feed's own term as well as by its category.
    let term = scouts.terms[0].name.clone();
    let found = db
        .directory()
        .list(
            &ServiceQuery {
                text: term.clone(),
                ..all()
            },
            today(),
        )
        .unwrap();
    assert!(found.total > 0, "searching for the term {term:?}");
}

#[test]
fn the_official_hsds3_examples_read_as_a_folder_and_as_json() {
    let folder = read_path(&real("hsds3-examples/csv"), today()).unwrap();
    assert_eq!(folder.services[0].input.name, "Community Counselling");
    let one_table = read_path(&real("hsds3-examples/csv/services.csv"), today()).unwrap();
    assert_eq!(one_table.services, folder.services);
    let json = read_path(&real("hsds3-examples/json/service_full.json"), today()).unwrap();
    assert_eq!(json.services[0].input.phone, folder.services[0].input.phone);
    let err = read_path(&real("hsds3-examples/SOURCE.txt"), today()).unwrap_err();
    assert!(err.0.contains("not valid JSON"), "{}", err.0);
}

#[test]
fn a_service_a_feed_stops_listing_is_kept_and_marked_and_comes_back_when_listed() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let a = feed("https://council.example/api");
    let three = list(json!([
        {"id": 1, "name": "Art Club"},
        {"id": 2, "name": "Bike Repair Café"},
        {"id": 3, "name": "Chess Club"}
    ]));
    db.directory().import(&three, &a, today()).unwrap();
    let chess = db
        .directory()
        .list(
            &ServiceQuery {
                text: "chess".into(),
                ..all()
            },
            today(),
        )
        .unwrap()
        .items[0]
        .id;

    let two = list(json!([{"id": 1, "name": "Art Club"}, {"id": 2, "name": "Bike Repair Café"}]));
    let preview = db.directory().preview_import(&two, &a, today()).unwrap();
    assert_eq!((preview.unchanged, preview.delisted), (2, 1));
    assert_eq!(preview.delisted_names, ["Chess Club"]);
    db.directory().import(&two, &a, today()).unwrap();
    let kept = db.directory().get(chess, today()).unwrap();
    assert!(kept.delisted, "marked, never deleted");
    assert_eq!(kept.source.as_deref(), Some("https://council.example/api"));
    assert_eq!(db.directory().list(&all(), today()).unwrap().total, 2);
    let with_retired = ServiceQuery {
        include_inactive: true,
        ..all()
    };
    assert_eq!(
        db.directory().list(&with_retired, today()).unwrap().total,
        3
    );

    // One page of a longer feed says nothing about the services on other pages.
    let page = hsds::read_value(
        json!({"total_pages": 4, "contents": [{"id": 1, "name": "Art Club"}]}),
        today(),
    )
    .unwrap();
    let partial = db.directory().preview_import(&page, &a, today()).unwrap();
    assert_eq!(partial.delisted, 0);

    let back = db.directory().import(&three, &a, today()).unwrap();
    assert_eq!((back.changed, back.unchanged), (1, 2));
    assert!(!db.directory().get(chess, today()).unwrap().delisted);
}

#[test]
fn two_feeds_numbering_their_services_alike_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let council = list(
        json!([{"id": 1, "name": "Walking Group", "organization": {"id": 5, "name": "Parks"}}]),
    );
    let two_eleven = list(
        json!([{"id": 1, "name": "Food Pantry", "organization": {"id": 5, "name": "Church"}}]),
    );
    db.directory()
        .import(&council, &feed("https://council.example"), today())
        .unwrap();
    let second = db
        .directory()
        .import(&two_eleven, &feed("https://211.example"), today())
        .unwrap();
    assert_eq!(second.new, 1);
    let mut names: Vec<(String, Option<String>)> = db
        .directory()
        .list(&all(), today())
        .unwrap()
        .items
        .into_iter()
        .map(|s| (s.fields.name, s.fields.organization))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("Food Pantry".to_owned(), Some("Church".to_owned())),
            ("Walking Group".to_owned(), Some("Parks".to_owned()))
        ]
    );
}

#[test]
fn the_practice_s_own_notes_survive_a_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let a = feed("https://council.example");
    let one = list(json!([{"id": "w", "name": "Walking Group", "description": "Weekly."}]));
    db.directory().import(&one, &a, today()).unwrap();
    let s = db
        .directory()
        .list(&all(), today())
        .unwrap()
        .items
        .remove(0);
    let mut input = waymark_domain::ServiceInput {
        name: s.fields.name.clone(),
        description: "Weekly.".into(),
        discount_description: "Free for carers".into(),
        join_method: Some(waymark_domain::JoinMethod::DirectReferral),
        ..Default::default()
    };
    input.category = s.fields.category.clone().unwrap_or_default();
    db.directory().update(s.id, &input, today()).unwrap();
    let changed = list(
        json!([{"id": "w", "name": "Walking Group", "description": "Weekly, from the park gate."}]),
    );
    let r = db.directory().import(&changed, &a, today()).unwrap();
    assert_eq!(r.changed, 1);
    let after = db.directory().get(s.id, today()).unwrap();
    assert_eq!(
        after.fields.description.as_deref(),
        Some("Weekly, from the park gate.")
    );
    assert_eq!(
        after.fields.discount_description.as_deref(),
        Some("Free for carers")
    );
    assert_eq!(
        after.fields.join_method,
        waymark_domain::JoinMethod::DirectReferral
    );
}

#[test]
fn feed_terms_map_onto_the_practice_s_categories_and_the_practice_can_change_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let read = list(json!([
        {"id": 1, "name": "Pantry", "service_taxonomys": [{"taxonomy": {"id": "BD-1800.2000", "name": "Food Pantries", "vocabulary": "AIRS"}}]},
        {"id": 2, "name": "Legal Clinic", "service_taxonomys": [{"taxonomy": {"id": "FT", "name": "Legal Services", "vocabulary": "AIRS"}}]}
    ]));
    let r = db
        .directory()
        .import(&read, &feed("https://211.example"), today())
        .unwrap();
    assert_eq!(r.uncategorised, 1);
    let category = |name: &str| {
        db.directory()
            .list(
                &ServiceQuery {
                    text: name.into(),
                    ..all()
                },
                today(),
            )
            .unwrap()
            .items[0]
            .fields
            .category
            .clone()
    };
    assert_eq!(category("pantry").as_deref(), Some("Food and nutrition"));
    assert_eq!(category("legal clinic").as_deref(), Some("Uncategorised"));
    let terms = db.directory().term_mappings().unwrap();
    let legal = terms
        .iter()
        .find(|t| t.label == "Legal Services (FT)")
        .unwrap();
    assert_eq!(
        (
            legal.suggested.as_deref(),
            legal.chosen.as_deref(),
            legal.services
        ),
        (None, None, 1)
    );
    let food = terms.iter().find(|t| t.key == "food pantries").unwrap();
    assert_eq!(food.suggested.as_deref(), Some("Food and nutrition"));

    assert_eq!(
        db.directory()
            .set_term_category(&legal.key, Some("Money and debt"))
            .unwrap(),
        1
    );
    assert_eq!(category("legal clinic").as_deref(), Some("Money and debt"));
    // The next refresh keeps the practice's choice.
    let again = db
        .directory()
        .import(&read, &feed("https://211.example"), today())
        .unwrap();
    assert_eq!((again.changed, again.uncategorised), (0, 0));
    assert!(db
        .directory()
        .set_term_category(&legal.key, Some("bad\ncategory"))
        .is_err());
    assert!(db
        .directory()
        .set_term_category("no such term", Some("Housing"))
        .is_err());
}
