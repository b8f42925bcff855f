use std::fs;

use waymark_store::backup::verify_backup;
use waymark_store::db::{pending_account_for, RenewalStop};
use waymark_store::key::account_for;
use waymark_store::recovery::RecoveryCode;
use waymark_store::{Database, KeyVault, PatientQuery};

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
    let vault = mock_vault();
    let mut db = open(dir.path(), &vault);
    let old = db.issue_recovery_code().unwrap();
    db.check_recovery_code(&old).unwrap();
    let new = db.renew_recovery_code(&vault).unwrap();
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

/// Copies the caseload's database and key check into a new folder with `recovery` as
/// its recovery file: what someone holding an old code and an old backup's wrapped key
/// could try against the live file.
fn live_copy_with(dir: &std::path::Path, recovery: &std::path::Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for name in ["waymark.db", "waymark.keycheck"] {
        fs::copy(dir.join(name), copy.path().join(name)).unwrap();
    }
    fs::copy(recovery, copy.path().join("waymark.recovery")).unwrap();
    copy
}

#[test]
fn a_new_recovery_code_changes_the_key_so_old_codes_and_backups_open_nothing_live() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let mut db = open(dir.path(), &vault);
    db.patients().create(&zoe(), today()).unwrap();
    let old = db.issue_recovery_code().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let before = db.backup_to(usb.path(), 14).unwrap().dir;

    let new = db.renew_recovery_code(&vault).unwrap();
    db.patients()
        .create(
            &patient("Siobhán", "Ní Bhriain", "1995-11-02", "9991590838"),
            today(),
        )
        .unwrap();
    drop(db);

    // The old code with the live folder's own recovery file: refused.
    assert_eq!(
        Database::recover(dir.path(), &mock_vault(), &old)
            .unwrap_err()
            .code(),
        "recovery_code_wrong"
    );
    // The old code with the old backup's wrapped key, against the live database: the
    // key it unwraps is not the live one any more.
    let copy = live_copy_with(dir.path(), &before.join("waymark.recovery"));
    let err = Database::recover(copy.path(), &mock_vault(), &old).unwrap_err();
    assert!(
        matches!(err.code(), "key_mismatch" | "database_damaged"),
        "{err}"
    );
    // The old backup itself still opens with the old code, until it rotates out.
    assert_eq!(verify_backup(&before, &old).unwrap().counts["patients"], 1);
    // The new code opens the live caseload on a machine without the key.
    let fresh = mock_vault();
    let db = Database::recover(dir.path(), &fresh, &new).unwrap();
    assert_eq!(search(&db, "").total, 2);
    drop(db);
    // And this machine's credential store holds the new key, with nothing pending.
    let db = open(dir.path(), &vault);
    assert_eq!(search(&db, "").total, 2);
    assert!(vault
        .load(&pending_account_for(&db.paths().dir))
        .unwrap()
        .is_none());
    assert!(!dir.path().join("waymark.recovery.next").exists());
}

#[test]
fn a_renewal_stopped_at_any_point_opens_with_the_old_or_new_key_and_settles() {
    for stop in [
        RenewalStop::BeforeRekey,
        RenewalStop::AfterRekey,
        RenewalStop::AfterKeyCheck,
        RenewalStop::AfterRecoveryFile,
        RenewalStop::AfterCredential,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let vault = mock_vault();
        let mut db = open(dir.path(), &vault);
        db.patients().create(&zoe(), today()).unwrap();
        let old = db.issue_recovery_code().unwrap();
        let data_dir = db.paths().dir.clone();
        let new = db.renew_key_until(&vault, stop).unwrap();
        // As a crash would: the process ends here, nothing else runs.
        drop(db);

        let db = Database::open(dir.path(), &vault)
            .unwrap_or_else(|e| panic!("{stop:?}: the caseload must open: {e}"));
        assert_eq!(search(&db, "Zoë").total, 1, "{stop:?}");
        let (works, retired) = if stop == RenewalStop::BeforeRekey {
            (&old, &new)
        } else {
            (&new, &old)
        };
        db.check_recovery_code(works)
            .unwrap_or_else(|e| panic!("{stop:?}: the recovery file agrees: {e}"));
        assert!(db.check_recovery_code(retired).is_err(), "{stop:?}");
        assert!(
            vault
                .load(&pending_account_for(&data_dir))
                .unwrap()
                .is_none(),
            "{stop:?}: nothing pending"
        );
        assert!(
            !dir.path().join("waymark.recovery.next").exists(),
            "{stop:?}"
        );
        drop(db);
        // The key check and the credential entry agree with the database: it opens
        // again plainly, and with the working code on a machine without the key.
        assert!(vault.load(&account_for(&data_dir)).unwrap().is_some());
        open(dir.path(), &vault);
        Database::recover(dir.path(), &mock_vault(), works)
            .unwrap_or_else(|e| panic!("{stop:?}: recovery with the working code: {e}"));
    }
}
