use waymark_domain::{CostBand, ServiceInput, ServiceStatus, Weekday};
use waymark_store::directory::{CostFilter, ServiceQuery};
use waymark_store::{AuditAction, Error};

use crate::common::*;

fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/directory.hsds.json"
    ))
    .unwrap()
}

fn all() -> ServiceQuery {
    ServiceQuery {
        limit: 100,
        ..Default::default()
    }
}

fn names(db: &waymark_store::Database, q: &ServiceQuery) -> Vec<String> {
    db.directory()
        .list(q, today())
        .unwrap()
        .items
        .into_iter()
        .map(|s| s.fields.name)
        .collect()
}

#[test]
fn importing_the_same_file_twice_creates_no_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let first = db.directory().import_hsds(&sample(), today()).unwrap();
    assert_eq!((first.new, first.changed, first.unchanged), (29, 0, 0));
    let again = db.directory().import_hsds(&sample(), today()).unwrap();
    assert_eq!((again.new, again.changed, again.unchanged), (0, 0, 29));
    assert_eq!(again.delisted, 0);
    assert_eq!(db.directory().list(&all(), today()).unwrap().total, 29);
    assert_eq!(db.audit_entries(1).unwrap()[0].entity, "directory_import");

    // A changed service in a later file updates the record it matches on HSDS id.
    let edited = sample().replace("£8 a class;", "£9 a class;");
    let third = db.directory().import_hsds(&edited, today()).unwrap();
    assert_eq!((third.new, third.changed, third.unchanged), (0, 1, 28));
    let yoga = &db
        .directory()
        .list(
            &ServiceQuery {
                text: "gentle yoga".into(),
                ..all()
            },
            today(),
        )
        .unwrap()
        .items[0];
    assert!(yoga
        .fields
        .fees_description
        .as_deref()
        .unwrap()
        .starts_with("£9"));
    assert_eq!(
        yoga.hsds_id.as_deref(),
        Some("7bafb9e1-378a-5aea-83ab-0884040c5faf")
    );
}

#[test]
fn a_file_that_is_no_directory_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    db.directory().import_hsds(&sample(), today()).unwrap();
    let audit_before = db.audit_entries(1).unwrap()[0].id;
    for bad in ["{\"hello\": 1}", "not json", "42"] {
        let err = db.directory().import_hsds(bad, today()).unwrap_err();
        assert!(matches!(err, Error::ImportInvalid(_)), "{bad}");
        assert!(err.to_string().contains("Nothing has been changed"));
    }
    assert_eq!(db.directory().list(&all(), today()).unwrap().total, 29);
    assert_eq!(db.audit_entries(1).unwrap()[0].id, audit_before);
}

#[test]
fn a_bad_field_is_left_out_and_the_rest_of_the_service_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let broken = sample().replace("£8 a class;", "£9 a class;").replace(
        "\"assured_date\": \"2026-10-12\"",
        "\"assured_date\": \"soon\"",
    );
    let report = db.directory().import_hsds(&broken, today()).unwrap();
    assert_eq!(report.new, 29);
    let adjusted = report
        .adjusted
        .iter()
        .find(|a| a.name == "Stop Smoking Service")
        .expect("the service whose date was left out is named");
    assert!(adjusted.adjustments[0].contains("date last verified: \"soon\" left out"));
    assert_eq!(
        report.adjustment_counts,
        vec![("date last verified: left out".to_owned(), 1)]
    );
    let smoking = names(
        &db,
        &ServiceQuery {
            text: "stop smoking".into(),
            ..all()
        },
    );
    assert_eq!(smoking, ["Stop Smoking Service"]);
}

#[test]
fn filters_narrow_by_category_cost_day_language_and_access() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    db.directory().import_hsds(&sample(), today()).unwrap();
    let saturday = names(
        &db,
        &ServiceQuery {
            day: Some(Weekday::Sa),
            ..all()
        },
    );
    assert_eq!(
        saturday,
        [
            "Allotment Gardening Class",
            "Parkrun",
            "Saturday Group Hike"
        ]
    );
    let polish = names(
        &db,
        &ServiceQuery {
            language: Some("pl".into()),
            ..all()
        },
    );
    assert!(polish.contains(&"Community Childcare Co-op".to_owned()));
    assert!(polish.contains(&"Debt Advice Service".to_owned()));
    assert!(!polish.contains(&"Parkrun".to_owned()));
    let cheap_activity = names(
        &db,
        &ServiceQuery {
            category: Some("Physical activity".into()),
            cost: Some(CostFilter::FreeOrLow),
            ..all()
        },
    );
    assert!(cheap_activity.contains(&"Gentle Yoga for Strength and Balance".to_owned()));
    assert!(!cheap_activity.contains(&"Exercise on Referral".to_owned()));
    let free = names(
        &db,
        &ServiceQuery {
            cost: Some(CostFilter::Free),
            text: "art".into(),
            ..all()
        },
    );
    assert!(free.is_empty(), "the art class costs £3: {free:?}");
    let hoist = names(
        &db,
        &ServiceQuery {
            accessibility: "hoist".into(),
            ..all()
        },
    );
    assert_eq!(hoist, ["Swim for Health"]);
    let stale = names(
        &db,
        &ServiceQuery {
            stale_only: true,
            ..all()
        },
    );
    assert_eq!(stale, ["Knit and Natter"]);
    let (categories, languages) = db.directory().facets().unwrap();
    assert!(categories.contains(&"Childcare".to_owned()));
    assert!(languages.contains(&"ur".to_owned()));
}

#[test]
fn create_edit_and_retire_a_service() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let input = ServiceInput {
        name: "Walking Netball".into(),
        organization: "Hollinsford Netball Club".into(),
        when_text: "Thursdays 6pm".into(),
        days: vec![Weekday::Th],
        cost_band: Some(CostBand::Low),
        fees_description: "£2".into(),
        last_verified: "2026-11-01".into(),
        ..Default::default()
    };
    let s = db.directory().create(&input, today()).unwrap();
    assert!(!s.stale);
    assert_eq!(
        s.fields.organization.as_deref(),
        Some("Hollinsford Netball Club")
    );
    let edited = db
        .directory()
        .update(
            s.id,
            &ServiceInput {
                fees_description: "£2.50".into(),
                last_verified: String::new(),
                ..input.clone()
            },
            today(),
        )
        .unwrap();
    assert!(edited.stale, "never verified counts as stale");
    let bad = db.directory().update(
        s.id,
        &ServiceInput {
            url: "javascript:alert(1)".into(),
            ..input.clone()
        },
        today(),
    );
    assert!(matches!(bad, Err(Error::Validation(_))));
    assert_eq!(db.directory().get(s.id, today()).unwrap(), edited);

    let retired = db
        .directory()
        .set_status(s.id, ServiceStatus::Inactive, today())
        .unwrap();
    assert_eq!(retired.status, ServiceStatus::Inactive);
    assert!(names(&db, &all()).is_empty());
    assert_eq!(
        names(
            &db,
            &ServiceQuery {
                include_inactive: true,
                ..all()
            }
        ),
        ["Walking Netball"]
    );
    assert_eq!(db.audit_entries(1).unwrap()[0].action, AuditAction::Archive);
}

#[test]
fn a_renamed_organisation_is_found_by_its_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    db.directory().import_hsds(&sample(), today()).unwrap();
    let renamed = sample().replace("Lotus Tree Yoga Studio", "Lotus Flower Studio");
    let report = db.directory().import_hsds(&renamed, today()).unwrap();
    assert_eq!(report.changed, 1);
    let q = |text: &str| ServiceQuery {
        text: text.into(),
        ..all()
    };
    assert_eq!(
        names(&db, &q("lotus flower")),
        ["Gentle Yoga for Strength and Balance"]
    );
    assert!(names(&db, &q("lotus tree")).is_empty());
}

#[test]
fn language_and_accessibility_filters_match_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    db.directory()
        .create(
            &ServiceInput {
                name: "Café des Aidants".into(),
                languages: "fr, British Sign Language".into(),
                accessibility: "Accès de plain-pied, boucle magnétique".into(),
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    let (_, languages) = db.directory().facets().unwrap();
    assert!(languages.contains(&"british sign language".to_owned()));
    for language in languages {
        let found = names(
            &db,
            &ServiceQuery {
                language: Some(language.clone()),
                ..all()
            },
        );
        assert_eq!(found, ["Café des Aidants"], "{language}");
    }
    for access in ["accès", "ACCES", "plain pied", "magnétique"] {
        let found = names(
            &db,
            &ServiceQuery {
                accessibility: access.into(),
                ..all()
            },
        );
        assert_eq!(found, ["Café des Aidants"], "{access}");
    }
}
