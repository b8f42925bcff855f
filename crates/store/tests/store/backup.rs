use std::fs;
use std::path::Path;

use waymark_store::backup::{list_backups, make_room, restore, verify_backup};
use waymark_store::recovery::RecoveryCode;
use waymark_store::{Database, KeyVault, PatientQuery};

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
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("before-restore-")
        })
        .filter(|p| p.join("waymark.db-wal").exists())
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

#[test]
fn restoring_a_backup_from_another_key_keeps_the_replaced_caseload_openable() {
    // Live caseload A (its own key and code), used for a week on a fresh laptop.
    let (a_dir, vault, a, a_code) = caseload();
    a.patients()
        .create(&patient("Only", "InA", "1960-02-03", ""), today())
        .unwrap();
    drop(a);
    // An old USB backup of caseload B, made under another key and code.
    let (_b_dir, _b_vault, b, b_code) = caseload();
    let usb = tempfile::tempdir().unwrap();
    let b_backup = b.backup_to(usb.path(), 14).unwrap().dir;
    drop(b);

    let restored = restore(&b_backup, a_dir.path(), &vault, &b_code).unwrap();
    let aside = restored.previous.expect("A was set aside");
    assert_eq!(total(&open(a_dir.path(), &vault)), 2, "B is live");
    // A opens from where it was set aside, with this computer's credential store …
    let a_again = Database::open(&aside, &vault).unwrap();
    assert_eq!(total(&a_again), 3, "A's records, all of them");
    assert_eq!(search(&a_again, "InA").total, 1);
    drop(a_again);
    // … and with A's own recovery code on a computer that never had its key.
    let a_elsewhere = Database::recover(&aside, &mock_vault(), &a_code).unwrap();
    assert_eq!(total(&a_elsewhere), 3);
}

/// A backup's recovery file damaged by `damage` makes the backup fail verification,
/// with the key (as `waymark-admin verify` checks) and with the code.
fn recovery_file_damage_is_caught(damage: impl Fn(&Path)) {
    let (_dir, vault, db, code) = caseload();
    let usb = tempfile::tempdir().unwrap();
    let made = db.backup_to(usb.path(), 14).unwrap().dir;
    let key = vault
        .load(&waymark_store::key::account_for(&db.paths().dir))
        .unwrap()
        .unwrap();
    damage(&made.join("waymark.recovery"));
    let e = waymark_store::backup::verify_backup_with_key(&made, &key).unwrap_err();
    assert_eq!(e.code(), "backup_invalid", "{e}");
    assert!(e.to_string().contains("recovery file"), "{e}");
    assert!(verify_backup(&made, &code).is_err());
}

#[test]
fn a_backup_whose_recovery_file_is_missing_fails_verification() {
    recovery_file_damage_is_caught(|f| fs::remove_file(f).unwrap());
}

#[test]
fn a_backup_whose_recovery_file_is_cut_short_fails_verification() {
    recovery_file_damage_is_caught(|f| {
        let bytes = fs::read(f).unwrap();
        fs::write(f, &bytes[..bytes.len() / 2]).unwrap();
    });
}

#[test]
fn a_backup_whose_recovery_file_is_for_another_key_fails_verification() {
    let (_odir, _ovault, other, _ocode) = caseload();
    let other_recovery = other.paths().recovery.clone();
    recovery_file_damage_is_caught(move |f| {
        fs::copy(&other_recovery, f).unwrap();
    });
}

#[test]
fn rotation_removes_only_this_caseloads_own_backups() {
    let (_dir, _vault, db, _code) = caseload();
    let (_odir, _ovault, other, _ocode) = caseload();
    let usb = tempfile::tempdir().unwrap();
    // Another caseload's backups share the folder, made earlier (older names).
    let theirs = [
        other.backup_to(usb.path(), 14).unwrap().dir,
        other.backup_to(usb.path(), 14).unwrap().dir,
    ];
    // A folder that looks like a backup by name but holds no valid manifest.
    let lookalike = usb.path().join("waymark-backup-20200101T000000Z");
    fs::create_dir(&lookalike).unwrap();
    fs::write(lookalike.join("notes.txt"), b"the practice's own files").unwrap();
    let mut mine = Vec::new();
    for _ in 0..3 {
        mine.push(db.backup_to(usb.path(), 2).unwrap().dir);
    }
    for dir in theirs.iter().chain([&lookalike]) {
        assert!(dir.exists(), "{} was removed", dir.display());
    }
    assert!(!mine[0].exists(), "this caseload's oldest goes");
    assert!(mine[1].exists() && mine[2].exists());
}

#[test]
fn after_a_new_key_the_older_backups_still_rotate_out() {
    let (_dir, vault, mut db, _code) = caseload();
    let usb = tempfile::tempdir().unwrap();
    let old = db.backup_to(usb.path(), 2).unwrap().dir;
    db.renew_recovery_code(&vault).unwrap();
    db.backup_to(usb.path(), 2).unwrap();
    db.backup_to(usb.path(), 2).unwrap();
    assert!(
        !old.exists(),
        "a backup under the earlier key is still this caseload's"
    );
}

#[test]
fn a_clock_set_back_never_makes_a_new_backup_delete_a_good_one() {
    let (_dir, _vault, db, _code) = caseload();
    let usb = tempfile::tempdir().unwrap();
    let first = db.backup_to(usb.path(), 2).unwrap().dir;
    let second = db.backup_to(usb.path(), 2).unwrap().dir;
    // As if both were made in 2030 and the clock has since been put back to now:
    // their names sort after any new backup's.
    let future = |dir: &Path, n: u32| {
        let to = usb
            .path()
            .join(format!("waymark-backup-20300101T00000{n}Z"));
        fs::rename(dir, &to).unwrap();
        to
    };
    let (first, second) = (future(&first, 1), future(&second, 2));
    let third = db.backup_to(usb.path(), 2).unwrap();
    assert_eq!(
        third.removed,
        vec![first.clone()],
        "the oldest by backup number"
    );
    assert!(!first.exists());
    assert!(second.exists() && third.dir.exists(), "the two newest stay");
}

#[test]
fn a_failed_backup_leaves_no_partial_folder() {
    let (dir, _vault, db, _code) = caseload();
    let usb = tempfile::tempdir().unwrap();
    // An abandoned attempt from long ago (a crash, a pulled drive).
    let stale = usb.path().join(".waymark-backup-20250101T000000Z.partial");
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join("waymark.db"), b"half a copy").unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    fs::File::options()
        .write(true)
        .open(stale.join("waymark.db"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    // The folder's own time too (Windows opens a folder only with backup semantics,
    // and needs the right to write its attributes).
    let mut folder = fs::OpenOptions::new();
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_WRITE_ATTRIBUTES: u32 = 0x100;
        const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
        folder
            .access_mode(FILE_WRITE_ATTRIBUTES)
            .custom_flags(FILE_FLAG_BACKUP_SEMANTICS);
    }
    #[cfg(not(windows))]
    folder.read(true);
    folder.open(&stale).unwrap().set_modified(old).unwrap();
    // This attempt fails part-way: the recovery file goes between the check and the copy
    // is not possible to time, so make the copy fail instead: a read-only recovery file
    // is fine, but a recovery file that is a folder cannot be copied.
    let recovery = dir.path().join("waymark.recovery");
    let saved = fs::read(&recovery).unwrap();
    fs::remove_file(&recovery).unwrap();
    fs::create_dir(&recovery).unwrap();
    assert!(db.backup_to(usb.path(), 2).is_err());
    let left: Vec<_> = fs::read_dir(usb.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    fs::remove_dir(&recovery).unwrap();
    fs::write(&recovery, saved).unwrap();
    db.backup_to(usb.path(), 2).unwrap();
}

#[test]
fn making_room_removes_only_this_caseloads_oldest_backups() {
    let (_dir, _vault, db, _code) = caseload();
    let (_odir, _ovault, other, _ocode) = caseload();
    let usb = tempfile::tempdir().unwrap();
    let theirs = other.backup_to(usb.path(), 14).unwrap().dir;
    let mine: Vec<_> = (0..3)
        .map(|_| db.backup_to(usb.path(), 14).unwrap().dir)
        .collect();
    let removed = make_room(usb.path(), &db.key_fingerprints().unwrap(), 1).unwrap();
    assert_eq!(removed, mine[..2].to_vec());
    assert!(theirs.exists() && mine[2].exists());
}

#[test]
fn a_backup_from_a_newer_waymark_is_refused_before_anything_moves() {
    let (dir, vault, db, code) = caseload();
    let usb = tempfile::tempdir().unwrap();
    let made = db.backup_to(usb.path(), 14).unwrap().dir;
    drop(db);
    let manifest = made.join("manifest.json");
    let text = fs::read_to_string(&manifest).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["schema_version"] = serde_json::json!(999);
    fs::write(&manifest, serde_json::to_string(&json).unwrap()).unwrap();
    let before = snapshot(dir.path());
    let e = restore(&made, dir.path(), &vault, &code).unwrap_err();
    assert_eq!(e.code(), "database_too_new", "{e}");
    assert_eq!(snapshot(dir.path()), before, "nothing moved");
}

#[test]
fn a_backup_runs_on_its_own_connection_while_the_caseload_is_used() {
    let (_dir, _vault, db, code) = caseload();
    let usb = tempfile::tempdir().unwrap();
    let job = db.backup_job(usb.path(), 14).unwrap();
    let (started, wait_started) = std::sync::mpsc::channel();
    let (go, wait_go) = std::sync::mpsc::channel::<()>();
    let running = std::thread::spawn(move || {
        let mut first = true;
        job.run(&mut |_| {
            if first {
                first = false;
                started.send(()).unwrap();
                wait_go.recv().unwrap();
            }
            true
        })
    });
    wait_started.recv().unwrap();
    // Mid-copy, the caseload's own connection writes and reads as usual.
    db.patients()
        .create(&patient("During", "Backup", "1970-01-01", ""), today())
        .unwrap();
    assert_eq!(total(&db), 3);
    go.send(()).unwrap();
    let report = running.join().unwrap().unwrap();
    assert_eq!(
        report.manifest.counts["patients"], 2,
        "the caseload as it was when the backup began"
    );
    assert_eq!(
        verify_backup(&report.dir, &code).unwrap().counts["patients"],
        2
    );
    db.record_backup(None, "backup").unwrap();
}

#[test]
fn a_cancelled_backup_leaves_nothing_behind() {
    let (_dir, _vault, db, _code) = caseload();
    let usb = tempfile::tempdir().unwrap();
    let job = db.backup_job(usb.path(), 14).unwrap();
    let mut calls = 0;
    let e = job
        .run(&mut |_| {
            calls += 1;
            calls < 2
        })
        .unwrap_err();
    assert_eq!(e.code(), "backup_cancelled");
    assert_eq!(fs::read_dir(usb.path()).unwrap().count(), 0, "nothing left");
    // Nothing is recorded as a failure either.
    assert_eq!(db.backup_status().unwrap().last_failure, None);
}
