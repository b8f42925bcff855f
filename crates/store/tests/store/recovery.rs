use std::fs;

use waymark_store::recovery::RecoveryCode;
use waymark_store::{Database, PatientQuery};

use crate::common::*;

#[test]
fn recovery_code_opens_the_caseload_on_a_machine_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let code = {
        let db = open(dir.path(), &vault);
        db.patients().create(&zoe(), today()).unwrap();
        db.issue_recovery_code().unwrap()
    };
    // A new laptop: the credential store has no key.
    let new_store = mock_vault();
    assert_eq!(
        Database::open(dir.path(), &new_store).unwrap_err().code(),
        "key_missing"
    );

    let printed = code.grouped().to_string();
    let db = Database::recover(
        dir.path(),
        &new_store,
        &RecoveryCode::parse(&printed).unwrap(),
    )
    .unwrap();
    let page = db
        .patients()
        .list(
            &PatientQuery {
                limit: 10,
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(page.items[0].given_name, "Zoë");
    drop(db);
    // The key is back in the credential store: an ordinary open works again.
    open(dir.path(), &new_store);
}

#[test]
fn a_wrong_recovery_code_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    {
        let db = open(dir.path(), &vault);
        db.patients().create(&zoe(), today()).unwrap();
        db.issue_recovery_code().unwrap();
    }
    let new_store = mock_vault();
    let before = snapshot(dir.path());
    let err =
        Database::recover(dir.path(), &new_store, &RecoveryCode::generate().unwrap()).unwrap_err();
    assert_eq!(err.code(), "recovery_code_wrong", "{err}");
    assert_eq!(snapshot(dir.path()), before);
    assert_eq!(
        Database::open(dir.path(), &new_store).unwrap_err().code(),
        "key_missing"
    );
}

#[test]
fn reissuing_the_code_retires_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let (old, new) = {
        let db = open(dir.path(), &vault);
        (
            db.issue_recovery_code().unwrap(),
            db.issue_recovery_code().unwrap(),
        )
    };
    let text = fs::read_to_string(dir.path().join("waymark.recovery")).unwrap();
    assert!(
        !text.contains(&*old.grouped()) && !text.contains(&*new.grouped()),
        "codes are never stored"
    );
    let store = mock_vault();
    assert_eq!(
        Database::recover(dir.path(), &store, &old)
            .unwrap_err()
            .code(),
        "recovery_code_wrong"
    );
    Database::recover(dir.path(), &store, &new).unwrap();
}

#[test]
fn a_kit_is_only_made_for_the_code_that_unlocks_the_caseload() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let old = db.issue_recovery_code().unwrap();
    db.check_recovery_code(&old).unwrap();
    let new = db.renew_recovery_code().unwrap();
    assert_eq!(
        db.check_recovery_code(&old).unwrap_err().code(),
        "recovery_code_wrong"
    );
    db.check_recovery_code(&new).unwrap();
    db.record_recovery_kit_saved().unwrap();
    let entities: Vec<String> = db
        .audit_entries(10)
        .unwrap()
        .into_iter()
        .map(|e| e.entity)
        .collect();
    assert!(
        entities.contains(&"recovery_code".to_string()),
        "{entities:?}"
    );
    assert!(
        entities.contains(&"recovery_kit".to_string()),
        "{entities:?}"
    );
}
