use waymark_domain::{Country, PracticeInput, Role, StaffInput};
use waymark_store::{AuditAction, AuditFilter, Error};

use crate::common::*;

fn practice() -> PracticeInput {
    PracticeInput {
        name: "Hollinsford Surgery".into(),
        address: "1 High Street, Hollinsford HF1 1AA".into(),
        phone: "01632 960000".into(),
        email: "".into(),
        country: Country::Uk,
        logo_png: None,
    }
}

fn admin() -> StaffInput {
    StaffInput {
        display_name: "Amara Okafor".into(),
        username: "amara".into(),
        role: Role::LinkWorker,
    }
}

#[test]
fn setup_creates_practice_admin_and_recovery_code_once() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let mut db = open(dir.path(), &vault);
    let (staff, code) = db
        .complete_setup(&practice(), &admin(), "kettle violet harbour")
        .unwrap();
    assert_eq!(
        staff.role,
        Role::Admin,
        "the first account is always an admin"
    );
    assert_eq!(db.practice().unwrap().unwrap().name, "Hollinsford Surgery");
    assert!(dir.path().join("waymark.recovery").exists());
    assert_eq!(code.grouped().split('-').count(), 8);
    // Patient work after setup is audited against the admin.
    let p = db.patients().create(&zoe(), today()).unwrap();
    let rows = db.audit_entries(1).unwrap();
    assert_eq!(
        (rows[0].staff_id, rows[0].record_id),
        (Some(staff.id), Some(p.id))
    );
    // Setup cannot be run again over a caseload in use.
    assert!(matches!(
        db.complete_setup(&practice(), &admin(), "kettle violet harbour"),
        Err(Error::AlreadySetUp)
    ));
}

#[test]
fn setup_never_runs_again_once_any_account_exists() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let mut db = open(dir.path(), &vault);
    let first = db.issue_recovery_code().unwrap();
    let before = std::fs::read(dir.path().join("waymark.recovery")).unwrap();
    // An account that is not an active admin (a disabled one, or a link worker left
    // by an older version) still means the caseload has been set up.
    db.staff()
        .create(
            &StaffInput {
                role: Role::LinkWorker,
                ..admin()
            },
            "kettle violet harbour",
        )
        .unwrap();
    assert!(!db.staff().has_active_admin().unwrap());
    assert!(matches!(
        db.complete_setup(&practice(), &admin(), "kettle violet harbour"),
        Err(Error::AlreadySetUp)
    ));
    assert_eq!(
        std::fs::read(dir.path().join("waymark.recovery")).unwrap(),
        before,
        "the recovery file is untouched"
    );
    db.check_recovery_code(&first).unwrap();
    assert!(db.practice().unwrap().is_none());
}

#[test]
fn the_practice_logo_is_kept_and_a_bad_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(dir.path(), &mock_vault());
    let not_png = PracticeInput {
        logo_png: Some(b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec()),
        ..practice()
    };
    match db.complete_setup(&not_png, &admin(), "kettle violet harbour") {
        Err(Error::Validation(e)) => assert!(e.message_for("practiceLogo").is_some()),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(db.practice().unwrap().is_none());

    let logo = include_bytes!("../../../../icons/32x32.png").to_vec();
    let with_logo = PracticeInput {
        logo_png: Some(logo.clone()),
        ..practice()
    };
    db.complete_setup(&with_logo, &admin(), "kettle violet harbour")
        .unwrap();
    assert_eq!(db.practice().unwrap().unwrap().logo_png, Some(logo));
}

#[test]
fn bad_setup_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(dir.path(), &mock_vault());
    let bad = PracticeInput {
        name: "".into(),
        ..practice()
    };
    match db.complete_setup(
        &bad,
        &StaffInput {
            username: "x".into(),
            ..admin()
        },
        "short",
    ) {
        // Every problem in one answer, the passphrase's too.
        Err(Error::Validation(e)) => {
            assert!(e.message_for("practiceName").is_some());
            assert!(e.message_for("username").is_some());
            assert!(e.message_for("passphrase").is_some());
        }
        other => panic!("expected validation errors, got {other:?}"),
    }
    assert!(db.practice().unwrap().is_none());
    assert!(!db.staff().has_active_admin().unwrap());
    assert!(!dir.path().join("waymark.recovery").exists());
}

#[test]
fn a_new_account_s_problems_come_together_with_its_passphrase_s() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let mut db = open(dir.path(), &vault);
    db.complete_setup(&practice(), &admin(), "kettle violet harbour")
        .unwrap();
    let bad = StaffInput {
        username: "p shah".into(),
        ..admin()
    };
    match db.staff().create(&bad, "short") {
        Err(Error::Validation(e)) => {
            assert!(e.message_for("username").is_some());
            assert!(e.message_for("passphrase").is_some());
        }
        other => panic!("expected validation errors, got {other:?}"),
    }
    assert_eq!(db.staff().list().unwrap().len(), 1);
}

#[test]
fn idle_time_defaults_and_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    assert_eq!(db.idle_minutes().unwrap(), 5);
    db.set_idle_minutes(15).unwrap();
    assert_eq!(db.idle_minutes().unwrap(), 15);
    assert!(db.set_idle_minutes(0).is_err());
    assert!(db.set_idle_minutes(61).is_err());
    assert_eq!(db.idle_minutes().unwrap(), 15);
}

#[test]
fn audit_log_filters_by_staff_patient_and_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(dir.path(), &mock_vault());
    let (amara, _) = db
        .complete_setup(&practice(), &admin(), "kettle violet harbour")
        .unwrap();
    let p = db.patients().create(&zoe(), today()).unwrap();
    db.patients().get(p.id).unwrap();
    db.set_actor(None);
    db.patients().list(&Default::default(), today()).unwrap();

    let all = db
        .audit_query(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    let by_amara = db
        .audit_query(&AuditFilter {
            staff_id: Some(amara.id),
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    assert!(by_amara.1 < all.1);
    assert!(by_amara
        .0
        .iter()
        .all(|r| r.staff_name.as_deref() == Some("Amara Okafor")));
    let for_patient = db
        .audit_query(&AuditFilter {
            patient_id: Some(p.id),
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    let actions: Vec<_> = for_patient.0.iter().map(|r| r.entry.action).collect();
    assert_eq!(
        actions,
        [AuditAction::View, AuditAction::Create],
        "newest first"
    );
    let today_utc = chrono::Utc::now().date_naive();
    let this_period = db
        .audit_query(&AuditFilter {
            from: Some(today_utc),
            to: Some(today_utc),
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(this_period.1, all.1);
    let yesterday = today_utc.pred_opt().unwrap();
    let earlier = db
        .audit_query(&AuditFilter {
            to: Some(yesterday),
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(earlier.1, 0);
}

#[test]
fn audit_export_writes_every_matching_row_as_safe_csv_and_is_itself_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(&dir.path().join("data"), &mock_vault());
    let hostile = StaffInput {
        display_name: "=HYPERLINK(\"http://x\")".into(),
        ..admin()
    };
    let (amara, _) = db
        .complete_setup(&practice(), &hostile, "kettle violet harbour")
        .unwrap();
    let p = db.patients().create(&zoe(), today()).unwrap();
    for _ in 0..1100 {
        db.patients().get(p.id).unwrap(); // more rows than one export page
    }
    let out = dir.path().join("audit.csv");
    let filter = AuditFilter {
        patient_id: Some(p.id),
        limit: 10, // paging is ignored: the export holds every match
        offset: 5,
        ..Default::default()
    };
    let n = db.audit_export_csv(&filter, &out).unwrap();
    assert_eq!(n, 1101, "1100 views and the create");

    let text = std::fs::read_to_string(&out).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a BOM for spreadsheets");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "time_utc");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1101);
    assert_eq!(&rows[0][3], "view", "newest first");
    assert_eq!(&rows[1100][3], "create");
    assert!(rows.iter().all(|r| r[6] == p.id.to_string()));
    assert!(rows.iter().all(|r| r[1] == amara.id.to_string()));
    assert_eq!(&rows[0][2], "'=HYPERLINK(\"http://x\")", "no formula");
    assert!(
        !text.contains("Zoë") && !text.contains("O'Brien"),
        "ids, not patient details"
    );

    let newest = db.audit_entries(1).unwrap().remove(0);
    assert_eq!(newest.action, AuditAction::Export);
    assert_eq!(newest.entity, "audit_log");
    assert_eq!(newest.patient_id, Some(p.id));

    // An unwritable destination fails cleanly: no file, no export row.
    let before = db.audit_entries(1).unwrap();
    assert!(db
        .audit_export_csv(&filter, &dir.path().join("absent").join("a.csv"))
        .is_err());
    assert_eq!(db.audit_entries(1).unwrap(), before);
}
