use waymark_domain::PatientInput;
use waymark_store::{AuditAction, Error, PatientQuery};

use crate::common::*;

fn query(text: &str) -> PatientQuery {
    PatientQuery {
        text: text.into(),
        limit: 50,
        ..Default::default()
    }
}

fn names(db: &waymark_store::Database, text: &str) -> Vec<String> {
    db.patients()
        .list(&query(text), today())
        .unwrap()
        .items
        .into_iter()
        .map(|p| format!("{} {}", p.given_name, p.family_name))
        .collect()
}

#[test]
fn round_trip_keeps_every_field_and_unicode() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let created = db.patients().create(&zoe(), today()).unwrap();
    let got = db.patients().get(created.id).unwrap();
    assert_eq!(got, created);
    assert_eq!(got.fields.given_name, "Zoë");
    assert_eq!(got.fields.family_name, "O'Brien");
    assert_eq!(
        got.fields.nhs_number.as_ref().unwrap().to_string(),
        "999 526 0182"
    );
    assert_eq!(got.consent_store_date, Some(today()));
    assert_eq!(got.consent_share_date, None);

    let mut changed = zoe();
    changed.family_name = "Ní Bhriain".into();
    changed.consent_share = true;
    let later = today().succ_opt().unwrap();
    let updated = db.patients().update(created.id, &changed, later).unwrap();
    assert_eq!(updated.fields.family_name, "Ní Bhriain");
    assert_eq!(
        updated.consent_store_date,
        Some(today()),
        "a consent keeps its first date"
    );
    assert_eq!(updated.consent_share_date, Some(later));
}

#[test]
fn invalid_input_is_refused_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let bad = PatientInput {
        nhs_number: "9995260183".into(),
        ..zoe()
    };
    match db.patients().create(&bad, today()) {
        Err(Error::Validation(e)) => assert!(e.message_for("nhsNumber").is_some()),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(db.patients().list(&query(""), today()).unwrap().total, 0);

    let good = db.patients().create(&zoe(), today()).unwrap();
    let bad_update = PatientInput {
        given_name: " ".into(),
        ..zoe()
    };
    assert!(matches!(
        db.patients().update(good.id, &bad_update, today()),
        Err(Error::Validation(_))
    ));
    assert_eq!(db.patients().get(good.id).unwrap().fields.given_name, "Zoë");
    assert!(matches!(
        db.patients().update(999, &zoe(), today()),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn the_print_language_is_kept_and_an_unknown_one_refused_changing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let polish = PatientInput {
        print_language: "pl".into(),
        ..zoe()
    };
    let p = db.patients().create(&polish, today()).unwrap();
    assert_eq!(p.fields.print_language.as_deref(), Some("pl"));
    let klingon = PatientInput {
        print_language: "tlh".into(),
        ..zoe()
    };
    match db.patients().update(p.id, &klingon, today()) {
        Err(Error::Validation(e)) => assert!(e.message_for("printLanguage").is_some()),
        other => panic!("expected a validation error, got {other:?}"),
    }
    let kept = db.patients().get(p.id).unwrap();
    assert_eq!(kept.fields.print_language.as_deref(), Some("pl"));
    // English is the default, kept as no language at all.
    let english = PatientInput {
        print_language: "en".into(),
        ..zoe()
    };
    let back = db.patients().update(p.id, &english, today()).unwrap();
    assert_eq!(back.fields.print_language, None);
}

#[test]
fn search_by_any_part_of_a_name_nhs_number_or_date_of_birth() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    db.patients().create(&zoe(), today()).unwrap();
    db.patients()
        .create(
            &patient("Siobhán", "Ní Bhriain", "1995-11-02", "9991590838"),
            today(),
        )
        .unwrap();
    db.patients()
        .create(
            &patient("Tomasz", "Wójcik-Łęczycki", "1971-06-30", "9990166137"),
            today(),
        )
        .unwrap();
    db.patients()
        .create(
            &patient("Ελένη", "Παπαδοπούλου", "1979-08-21", "9993909963"),
            today(),
        )
        .unwrap();
    db.patients()
        .create(&patient("李", "小龙", "1985-05-05", ""), today())
        .unwrap();

    assert_eq!(names(&db, "zoë"), ["Zoë O'Brien"]);
    assert_eq!(
        names(&db, "zoe obrien"),
        ["Zoë O'Brien"],
        "accents and apostrophes fold"
    );
    assert_eq!(names(&db, "brien"), ["Zoë O'Brien"], "any part of a name");
    assert_eq!(names(&db, "Zo"), ["Zoë O'Brien"]);
    assert_eq!(names(&db, "łęczycki"), ["Tomasz Wójcik-Łęczycki"]);
    assert_eq!(
        names(&db, "ΕΛΈΝΗ"),
        ["Ελένη Παπαδοπούλου"],
        "Greek case and accents fold"
    );
    assert_eq!(names(&db, "小龙"), ["李 小龙"]);
    assert_eq!(
        names(&db, "999 159 0838"),
        ["Siobhán Ní Bhriain"],
        "NHS number with spaces"
    );
    assert_eq!(
        names(&db, "9991590838"),
        ["Siobhán Ní Bhriain"],
        "NHS number without spaces"
    );
    assert_eq!(
        names(&db, "999 016"),
        ["Tomasz Wójcik-Łęczycki"],
        "start of an NHS number"
    );
    assert_eq!(
        names(&db, "1987-03-14"),
        ["Zoë O'Brien"],
        "ISO date of birth"
    );
    assert_eq!(
        names(&db, "14/03/1987"),
        ["Zoë O'Brien"],
        "UK date of birth"
    );
    assert!(names(&db, "nobody").is_empty());
    assert_eq!(
        names(&db, "z"),
        ["Zoë O'Brien"],
        "one letter matches the start of a word"
    );
    assert!(names(&db, "b").contains(&"Siobhán Ní Bhriain".to_owned()));
    assert_eq!(names(&db, "hri"), ["Siobhán Ní Bhriain"], "inside a word");
    assert!(
        names(&db, "ri").is_empty(),
        "two letters match word starts only"
    );
    assert_eq!(names(&db, "ni"), ["Siobhán Ní Bhriain"]);
    assert_eq!(db.patients().list(&query(""), today()).unwrap().total, 5);
}

#[test]
fn listing_is_ordered_and_paged() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    for (i, family) in ["Young", "Adams", "Mills", "Brown", "Ødegård"]
        .iter()
        .enumerate()
    {
        let mut p = patient("Pat", family, "1970-01-01", "");
        p.given_name = format!("Pat{i}");
        db.patients().create(&p, today()).unwrap();
    }
    let page1 = db
        .patients()
        .list(
            &PatientQuery {
                limit: 2,
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    let page3 = db
        .patients()
        .list(
            &PatientQuery {
                limit: 2,
                offset: 4,
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(page1.total, 5);
    let fam: Vec<_> = page1.items.iter().map(|p| p.family_name.as_str()).collect();
    assert_eq!(fam, ["Adams", "Brown"]);
    assert_eq!(page3.items.len(), 1);
}

#[test]
fn archive_hides_from_the_caseload_and_restore_brings_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let p = db.patients().create(&zoe(), today()).unwrap();
    let archived = db.patients().archive(p.id).unwrap();
    assert_eq!(archived.status.as_str(), "archived");
    assert_eq!(db.patients().list(&query("zoe"), today()).unwrap().total, 0);
    let all = db
        .patients()
        .list(
            &PatientQuery {
                include_archived: true,
                ..query("zoe")
            },
            today(),
        )
        .unwrap();
    assert_eq!(all.total, 1, "archiving deletes nothing");
    db.patients().restore(p.id).unwrap();
    assert_eq!(db.patients().list(&query("zoe"), today()).unwrap().total, 1);
}

#[test]
fn every_read_and_write_is_audited_without_patient_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let p = db.patients().create(&zoe(), today()).unwrap();
    db.patients().get(p.id).unwrap();
    db.patients().update(p.id, &zoe(), today()).unwrap();
    db.patients().list(&query("Zoë"), today()).unwrap();
    db.patients().archive(p.id).unwrap();
    let rows = db.audit_entries(100).unwrap();
    let actions: Vec<_> = rows.iter().rev().map(|r| r.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Create,
            AuditAction::View,
            AuditAction::Update,
            AuditAction::List,
            AuditAction::Archive
        ]
    );
    for r in &rows {
        assert_eq!(r.entity, "patient");
        if r.action != AuditAction::List {
            assert_eq!((r.record_id, r.patient_id), (Some(p.id), Some(p.id)));
        }
        let text = format!("{r:?}");
        assert!(!text.contains("Zo"), "audit row holds patient data: {text}");
    }
    // A failed write records nothing.
    let bad = PatientInput {
        date_of_birth: "2099-01-01".into(),
        ..zoe()
    };
    assert!(db.patients().create(&bad, today()).is_err());
    assert_eq!(db.audit_entries(100).unwrap().len(), rows.len());
}
