use std::fs;
use std::path::Path;

use waymark_store::backup::{list_backups, restore, verify_backup};
use waymark_store::recovery::RecoveryCode;
use waymark_store::{Database, PatientQuery};

use crate::common::*;

/// A caseload with a few patients and a referral, its recovery code, and its folder.
fn caseload() -> (
    tempfile::TempDir,
    waymark_store::CredentialVault,
    Database,
    RecoveryCode,
) {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let db = open(dir.path(), &vault);
    let zoe = db.patients().create(&zoe(), today()).unwrap();
    db.patients()
        .create(
            &patient("Siobhán", "Ní Bhriain", "1995-11-02", "9991590838"),
            today(),
        )
        .unwrap();
    db.referrals().create(zoe.id, &referral(), today()).unwrap();
    let code = db.issue_recovery_code().unwrap();
    (dir, vault, db, code)
}

fn total(db: &Database) -> u64 {
    db.patients()
        .list(
            &PatientQuery {
                limit: 10,
                ..Default::default()
            },
            today(),
        )
        .unwrap()
        .total
}

#[test]
fn backup_is_verified_encrypted_and_counted() {
    let (_dir, _vault, db, code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    let report = db.backup_to(dest.path(), 14).unwrap();
    assert_eq!(report.manifest.counts["patients"], 2);
    assert_eq!(report.manifest.counts["referrals"], 1);
    assert_eq!(verify_backup(&report.dir, &code).unwrap(), report.manifest);
    for (path, bytes) in snapshot(dest.path()) {
        for needle in [
            "Zoë",
            "Siobhán",
            "Bhriain",
            "Multiple sclerosis",
            "9995260182",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} in plain text in {path}"
            );
        }
    }
    let wrong = RecoveryCode::generate().unwrap();
    assert_eq!(
        verify_backup(&report.dir, &wrong).unwrap_err().code(),
        "recovery_code_wrong"
    );
}

#[test]
fn backup_needs_the_recovery_kit() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let dest = tempfile::tempdir().unwrap();
    assert_eq!(
        db.backup_to(dest.path(), 3).unwrap_err().code(),
        "recovery_file_missing"
    );
    assert!(list_backups(dest.path()).unwrap().is_empty());
}

#[test]
fn only_the_newest_backups_are_kept() {
    let (_dir, _vault, db, _code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    let first = db.backup_to(dest.path(), 2).unwrap();
    let second = db.backup_to(dest.path(), 2).unwrap();
    let third = db.backup_to(dest.path(), 2).unwrap();
    assert_eq!(third.removed, vec![first.dir.clone()]);
    assert_eq!(
        list_backups(dest.path()).unwrap(),
        vec![second.dir, third.dir]
    );
}

#[test]
fn backups_made_in_the_same_second_rotate_oldest_first() {
    let (_dir, _vault, db, _code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    // A backup takes well under a second here, so these share their time stamp; the
    // third once took the first's freed name and sorted before the second.
    let _first = db.backup_to(dest.path(), 2).unwrap();
    let second = db.backup_to(dest.path(), 2).unwrap();
    let third = db.backup_to(dest.path(), 2).unwrap();
    assert_eq!(
        list_backups(dest.path()).unwrap(),
        vec![second.dir.clone(), third.dir.clone()]
    );
    let fourth = db.backup_to(dest.path(), 2).unwrap();
    assert_eq!(
        list_backups(dest.path()).unwrap(),
        vec![third.dir, fourth.dir]
    );
}

#[test]
fn restore_on_a_new_machine_holds_every_record() {
    let (_dir, _vault, db, code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    let report = db.backup_to(dest.path(), 14).unwrap();
    // Another computer: other data folder, empty credential store.
    let elsewhere = tempfile::tempdir().unwrap();
    let new_store = mock_vault();
    let restored = restore(&report.dir, elsewhere.path(), &new_store, &code).unwrap();
    assert_eq!(restored.previous, None);
    let db2 = Database::open(elsewhere.path(), &new_store).unwrap();
    assert_eq!(total(&db2), 2);
    let zoe = search(&db2, "zoe");
    assert_eq!(
        db2.referrals()
            .list_for_patient(zoe.items[0].id)
            .unwrap()
            .len(),
        1
    );
    db2.integrity_check().unwrap();
}

#[test]
fn restore_over_a_live_caseload_keeps_the_old_one() {
    let (dir, vault, db, code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    let report = db.backup_to(dest.path(), 14).unwrap();
    db.patients()
        .create(&patient("After", "Backup", "1970-01-01", ""), today())
        .unwrap();
    assert_eq!(total(&db), 3);
    drop(db);
    let restored = restore(&report.dir, dir.path(), &vault, &code).unwrap();
    let kept = restored.previous.expect("the replaced database is kept");
    assert!(kept.exists());
    assert_eq!(total(&open(dir.path(), &vault)), 2, "the backup's records");
}

#[test]
fn restore_waits_for_an_unfinished_move_into_the_folder() {
    let (dir, vault, db, code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    let report = db.backup_to(dest.path(), 14).unwrap();
    drop(db);
    // The marker `relocate` leaves while a caseload is moving in.
    fs::write(dir.path().join(".waymark-moving-in"), b"").unwrap();
    let before = snapshot(dir.path());
    let err = restore(&report.dir, dir.path(), &vault, &code).unwrap_err();
    assert!(err.to_string().contains("has not finished"), "{err}");
    assert_eq!(snapshot(dir.path()), before, "nothing changed");
}

#[test]
fn each_restore_keeps_the_database_it_replaced_under_a_name_of_its_own() {
    let (dir, vault, db, code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    let report = db.backup_to(dest.path(), 14).unwrap();
    drop(db);
    // Two restores well within a second: the second once took the first's name and
    // replaced the database it had kept.
    let first = restore(&report.dir, dir.path(), &vault, &code).unwrap();
    let second = restore(&report.dir, dir.path(), &vault, &code).unwrap();
    let (first, second) = (first.previous.unwrap(), second.previous.unwrap());
    assert_ne!(first, second);
    assert!(first.exists() && second.exists());
}

#[test]
fn a_wal_left_without_its_database_is_set_aside_not_replayed() {
    let (_dir, _vault, db, code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    let report = db.backup_to(dest.path(), 14).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let stray = elsewhere.path().join("waymark.db-wal");
    fs::write(&stray, b"a crash-left WAL of another database").unwrap();
    let other = mock_vault();
    let restored = restore(&report.dir, elsewhere.path(), &other, &code).unwrap();
    assert_eq!(restored.previous, None, "there was no database to keep");
    let kept: Vec<_> = fs::read_dir(elsewhere.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("waymark.db.before-restore-") && n.ends_with("-wal"))
        .collect();
    assert_eq!(kept.len(), 1, "the stray WAL is kept aside");
    assert_ne!(
        fs::read(&stray).unwrap_or_default(),
        b"a crash-left WAL of another database"
    );
    assert_eq!(total(&open(elsewhere.path(), &other)), 2);
}

fn damaged_backup_is_refused(damage: impl Fn(&Path)) {
    let (dir, vault, db, code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    let report = db.backup_to(dest.path(), 14).unwrap();
    drop(db);
    damage(&report.dir.join("waymark.db"));
    assert_eq!(
        verify_backup(&report.dir, &code).unwrap_err().code(),
        "backup_invalid"
    );
    let live_before = snapshot(dir.path());
    let err = restore(&report.dir, dir.path(), &vault, &code).unwrap_err();
    assert_eq!(err.code(), "backup_invalid", "{err}");
    assert_eq!(
        snapshot(dir.path()),
        live_before,
        "the live caseload was touched"
    );
    assert_eq!(total(&open(dir.path(), &vault)), 2);
}

#[test]
fn a_corrupt_backup_is_refused_and_the_live_caseload_untouched() {
    damaged_backup_is_refused(|db| {
        let mut bytes = fs::read(db).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        fs::write(db, bytes).unwrap();
    });
}

#[test]
fn a_truncated_backup_is_refused_and_the_live_caseload_untouched() {
    damaged_backup_is_refused(|db| {
        let bytes = fs::read(db).unwrap();
        fs::write(db, &bytes[..bytes.len() / 2]).unwrap();
    });
}

#[test]
fn choosing_the_folder_of_backups_instead_of_one_backup_says_so() {
    let (_dir, _vault, db, code) = caseload();
    let dest = tempfile::tempdir().unwrap();
    let made = db.backup_to(dest.path(), 14).unwrap();
    let manifest = waymark_store::backup::read_manifest(&made.dir).unwrap();
    assert_eq!(manifest.counts.get("patients"), Some(&2));
    let e = verify_backup(dest.path(), &code).unwrap_err();
    assert_eq!(e.code(), "backup_invalid");
    assert!(e.to_string().contains("holds several backups"), "{e}");
    let empty = tempfile::tempdir().unwrap();
    let e = waymark_store::backup::read_manifest(empty.path()).unwrap_err();
    assert!(e.to_string().contains("manifest cannot be read"), "{e}");
}
