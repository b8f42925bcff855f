use chrono::{Duration, TimeZone, Utc};
use waymark_domain::{Role, StaffInput};
use waymark_store::{AuditAction, Error};

use crate::common::*;

fn amara() -> StaffInput {
    StaffInput {
        display_name: "Amara Okafor".into(),
        username: "amara".into(),
        role: Role::Admin,
    }
}

const PASS: &str = "kettle violet harbour";

#[test]
fn accounts_sign_in_with_their_passphrase_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    assert!(
        !db.staff().has_active_admin().unwrap(),
        "a new caseload needs its setup"
    );
    let staff = db.staff().create(&amara(), PASS).unwrap();
    assert!(db.staff().has_active_admin().unwrap());
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    assert_eq!(
        db.staff().sign_in(" AMARA ", PASS, now).unwrap().id,
        staff.id
    );
    assert!(matches!(
        db.staff().sign_in("amara", "kettle violet harbor", now),
        Err(Error::SignInFailed)
    ));
    assert!(matches!(
        db.staff().sign_in("nobody", PASS, now),
        Err(Error::SignInFailed)
    ));
    let stored: String = {
        // The passphrase itself is never stored: only an Argon2id PHC string.
        let rows = db.audit_entries(10).unwrap();
        assert!(rows
            .iter()
            .any(|r| r.action == AuditAction::SignIn && r.staff_id == Some(staff.id)));
        assert_eq!(
            rows.iter()
                .filter(|r| r.action == AuditAction::SignInFailed)
                .count(),
            2
        );
        format!("{rows:?}")
    };
    assert!(!stored.contains(PASS));
}

#[test]
fn repeated_failures_lock_the_account_for_a_growing_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    db.staff().create(&amara(), PASS).unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    for _ in 0..5 {
        assert!(matches!(
            db.staff().sign_in("amara", "wrong passphrase!", t0),
            Err(Error::SignInFailed)
        ));
    }
    // Locked: even the right passphrase is refused until the lock ends.
    assert!(matches!(
        db.staff().sign_in("amara", PASS, t0),
        Err(Error::SignInLocked { minutes: 1 })
    ));
    let later = t0 + Duration::minutes(2);
    assert!(
        db.staff().sign_in("amara", PASS, later).is_ok(),
        "the lock ends, success clears it"
    );
    assert!(matches!(
        db.staff().sign_in("amara", "wrong passphrase!", later),
        Err(Error::SignInFailed)
    ));
}

#[test]
fn disabled_accounts_cannot_sign_in_and_resets_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let s = db.staff().create(&amara(), PASS).unwrap();
    db.staff()
        .create(
            &StaffInput {
                display_name: "Ben Adeyemi".into(),
                username: "ben".into(),
                role: Role::Admin,
            },
            PASS,
        )
        .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    db.staff().set_active(s.id, false).unwrap();
    assert!(matches!(
        db.staff().sign_in("amara", PASS, now),
        Err(Error::SignInFailed)
    ));
    db.staff().set_active(s.id, true).unwrap();
    db.staff()
        .reset_passphrase(s.id, "new long passphrase")
        .unwrap();
    assert!(db.staff().sign_in("amara", PASS, now).is_err());
    assert!(db
        .staff()
        .sign_in("amara", "new long passphrase", now)
        .is_ok());
}

#[test]
fn bad_accounts_are_refused_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    assert!(matches!(
        db.staff().create(&amara(), "short"),
        Err(Error::Validation(_))
    ));
    db.staff().create(&amara(), PASS).unwrap();
    match db.staff().create(
        &StaffInput {
            display_name: "Other".into(),
            ..amara()
        },
        PASS,
    ) {
        Err(Error::Validation(e)) => assert!(e.message_for("username").is_some()),
        other => panic!("a duplicate username must be refused: {other:?}"),
    }
    assert_eq!(db.staff().list().unwrap().len(), 1);
}

#[test]
fn the_last_active_admin_cannot_be_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let admin = db.staff().create(&amara(), PASS).unwrap();
    let worker = db
        .staff()
        .create(
            &StaffInput {
                display_name: "Chidi Obi".into(),
                username: "chidi".into(),
                role: Role::LinkWorker,
            },
            PASS,
        )
        .unwrap();
    let before = db.audit_entries(100).unwrap().len();
    assert!(matches!(
        db.staff().set_active(admin.id, false),
        Err(Error::LastAdmin)
    ));
    assert!(db.staff().has_active_admin().unwrap());
    assert_eq!(
        db.audit_entries(100).unwrap().len(),
        before,
        "nothing recorded"
    );
    // Link workers can still be disabled, and a second admin frees the first.
    db.staff().set_active(worker.id, false).unwrap();
    let second = db
        .staff()
        .create(
            &StaffInput {
                display_name: "Ben Adeyemi".into(),
                username: "ben".into(),
                role: Role::Admin,
            },
            PASS,
        )
        .unwrap();
    db.staff().set_active(admin.id, false).unwrap();
    assert!(matches!(
        db.staff().set_active(second.id, false),
        Err(Error::LastAdmin)
    ));
}
