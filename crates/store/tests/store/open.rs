use std::fs;

use waymark_store::key::account_for;
use waymark_store::paths::{DATABASE_FILE, KEYCHECK_FILE};
use waymark_store::{Database, DbKey, Error, KeyVault, PatientQuery};

use crate::common::*;

#[test]
fn fresh_database_is_created_migrated_and_keyed() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let db = open(dir.path(), &vault);
    assert_eq!(
        db.schema_version().unwrap(),
        waymark_store::migrations::latest_version()
    );
    assert!(dir.path().join(DATABASE_FILE).exists());
    assert!(dir.path().join(KEYCHECK_FILE).exists());
    assert!(!dir.path().join(format!("{DATABASE_FILE}.new")).exists());
    let account = account_for(&dunce::canonicalize(dir.path()).unwrap());
    assert!(
        vault.load(&account).unwrap().is_some(),
        "key filed in the credential store"
    );
    // SQLCipher's header is random salt, never SQLite's plain magic string.
    let bytes = fs::read(dir.path().join(DATABASE_FILE)).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
}

#[test]
fn reopen_after_close_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let id = {
        let db = open(dir.path(), &vault);
        db.patients().create(&zoe(), today()).unwrap().id
    };
    let db = open(dir.path(), &vault);
    let p = db.patients().get(id).unwrap();
    assert_eq!(p.fields.given_name, "Zoë");
    db.integrity_check().unwrap();
}

/// Opens `dir` expecting an error, and checks that no file in the folder changed.
fn open_fails_unchanged(dir: &std::path::Path, vault: &dyn KeyVault) -> Error {
    let before = snapshot(dir);
    let err = Database::open(dir, vault).unwrap_err();
    assert_eq!(
        snapshot(dir),
        before,
        "opening after {err:?} changed a file"
    );
    err
}

fn populated() -> (tempfile::TempDir, waymark_store::CredentialVault) {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    {
        let db = open(dir.path(), &vault);
        db.patients().create(&zoe(), today()).unwrap();
    }
    (dir, vault)
}

#[test]
fn missing_key_is_its_own_error_and_changes_nothing() {
    let (dir, _vault) = populated();
    let empty = mock_vault();
    let err = open_fails_unchanged(dir.path(), &empty);
    assert_eq!(err.code(), "key_missing", "{err}");
}

#[test]
fn wrong_key_is_its_own_error_and_changes_nothing() {
    let (dir, _vault) = populated();
    let other = mock_vault();
    let account = account_for(&dunce::canonicalize(dir.path()).unwrap());
    other.store(&account, &DbKey::generate().unwrap()).unwrap();
    let err = open_fails_unchanged(dir.path(), &other);
    assert_eq!(err.code(), "key_mismatch", "{err}");
}

#[test]
fn damaged_file_is_its_own_error_and_changes_nothing() {
    let (dir, vault) = populated();
    let path = dir.path().join(DATABASE_FILE);
    let mut bytes = fs::read(&path).unwrap();
    // Flip bytes inside the first page, after SQLCipher's 16-byte salt.
    for b in &mut bytes[100..140] {
        *b ^= 0xFF;
    }
    fs::write(&path, &bytes).unwrap();
    let err = open_fails_unchanged(dir.path(), &vault);
    assert_eq!(err.code(), "database_damaged", "{err}");
}

#[test]
fn truncated_to_empty_is_damage_not_a_fresh_start() {
    let (dir, vault) = populated();
    fs::write(dir.path().join(DATABASE_FILE), b"").unwrap();
    let err = open_fails_unchanged(dir.path(), &vault);
    assert_eq!(err.code(), "database_damaged", "{err}");
}

#[test]
fn missing_database_with_its_key_check_is_not_replaced() {
    let (dir, vault) = populated();
    let path = dir.path().join(DATABASE_FILE);
    let kept = dir.path().join("moved-away.db");
    fs::rename(&path, &kept).unwrap();
    let err = open_fails_unchanged(dir.path(), &vault);
    assert_eq!(err.code(), "database_missing", "{err}");
    assert!(!path.exists(), "no new database was created");
}

#[test]
fn lost_key_check_with_a_wrong_key_cannot_be_told_apart_and_says_so() {
    let (dir, _vault) = populated();
    fs::remove_file(dir.path().join(KEYCHECK_FILE)).unwrap();
    let other = mock_vault();
    let account = account_for(&dunce::canonicalize(dir.path()).unwrap());
    other.store(&account, &DbKey::generate().unwrap()).unwrap();
    let err = open_fails_unchanged(dir.path(), &other);
    assert_eq!(err.code(), "key_check_missing", "{err}");
}

#[test]
fn lost_key_check_with_the_right_key_is_restored() {
    let (dir, vault) = populated();
    fs::remove_file(dir.path().join(KEYCHECK_FILE)).unwrap();
    let db = open(dir.path(), &vault);
    assert_eq!(
        db.patients()
            .list(
                &PatientQuery {
                    limit: 10,
                    ..Default::default()
                },
                today()
            )
            .unwrap()
            .total,
        1
    );
    assert!(dir.path().join(KEYCHECK_FILE).exists());
}

#[test]
fn each_data_folder_has_its_own_key() {
    let vault = mock_vault();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    open(a.path(), &vault);
    open(b.path(), &vault);
    let ka = vault
        .load(&account_for(&dunce::canonicalize(a.path()).unwrap()))
        .unwrap()
        .unwrap();
    let kb = vault
        .load(&account_for(&dunce::canonicalize(b.path()).unwrap()))
        .unwrap()
        .unwrap();
    assert_ne!(ka.fingerprint(), kb.fingerprint());
}

/// Copies a live data folder (database, WAL and key check) as a crash would leave it,
/// filing the same key for the copy's folder.
fn crash_copy(dir: &std::path::Path, vault: &waymark_store::CredentialVault) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        fs::copy(&p, copy.path().join(p.file_name().unwrap())).unwrap();
    }
    let key = vault
        .load(&account_for(&dunce::canonicalize(dir).unwrap()))
        .unwrap()
        .unwrap();
    vault
        .store(
            &account_for(&dunce::canonicalize(copy.path()).unwrap()),
            &key,
        )
        .unwrap();
    copy
}

#[test]
fn damage_after_a_crash_leaves_database_and_wal_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let db = open(dir.path(), &vault);
    db.patients().create(&zoe(), today()).unwrap();
    // The connection is still open: its WAL holds the recent writes.
    let copy = crash_copy(dir.path(), &vault);
    drop(db);
    let main = copy.path().join(DATABASE_FILE);
    let wal = copy.path().join(format!("{DATABASE_FILE}-wal"));
    assert!(wal.exists(), "the crash copy has a WAL");
    let mut bytes = fs::read(&main).unwrap();
    for b in &mut bytes[100..140] {
        *b ^= 0xFF;
    }
    fs::write(&main, &bytes).unwrap();
    let wal_before = fs::read(&wal).unwrap();

    let err = Database::open(copy.path(), &vault).unwrap_err();
    assert_eq!(err.code(), "database_damaged", "{err}");
    assert_eq!(fs::read(&main).unwrap(), bytes, "database file changed");
    assert_eq!(fs::read(&wal).unwrap(), wal_before, "WAL changed");
}

#[test]
fn a_crash_copy_with_its_wal_opens_with_every_committed_record() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let db = open(dir.path(), &vault);
    db.patients().create(&zoe(), today()).unwrap();
    let copy = crash_copy(dir.path(), &vault);
    drop(db);
    let reopened = open(copy.path(), &vault);
    let page = reopened
        .patients()
        .list(
            &PatientQuery {
                limit: 10,
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(page.total, 1);
    reopened.integrity_check().unwrap();
}

#[test]
fn a_flipped_byte_deep_in_the_file_is_reported_never_read_as_wrong_data() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let names: Vec<String> = {
        let db = open(dir.path(), &vault);
        for i in 0..300 {
            let mut p = zoe();
            p.family_name = format!("O'Brien {i:03}");
            p.nhs_number = String::new(); // one NHS number names one person
            p.address = "Flat 4, 3 Weaver Street, Hollinsford HF1 3JS ".repeat(8);
            db.patients().create(&p, today()).unwrap();
        }
        let all = db
            .patients()
            .list(
                &PatientQuery {
                    limit: 500,
                    ..Default::default()
                },
                today(),
            )
            .unwrap();
        all.items.into_iter().map(|p| p.family_name).collect()
    };
    let path = dir.path().join(DATABASE_FILE);
    let mut bytes = fs::read(&path).unwrap();
    assert!(bytes.len() > 64 * 1024, "the file spans many pages");
    // A byte in the middle of a page two thirds into the file (pages are 4096 bytes).
    let at = (bytes.len() * 2 / 3) / 4096 * 4096 + 2048;
    bytes[at] ^= 0x01;
    fs::write(&path, &bytes).unwrap();

    match Database::open(dir.path(), &vault) {
        Err(e) => assert_eq!(e.code(), "database_damaged", "{e}"),
        Ok(db) => {
            let check = db.integrity_check().unwrap_err();
            assert_eq!(check.code(), "database_damaged", "{check}");
            match db.patients().list(
                &PatientQuery {
                    limit: 500,
                    ..Default::default()
                },
                today(),
            ) {
                Err(e) => assert_eq!(e.code(), "database_damaged", "{e}"),
                Ok(page) => {
                    let read: Vec<String> = page.items.into_iter().map(|p| p.family_name).collect();
                    assert_eq!(read, names, "a damaged page was read as data");
                }
            }
        }
    }
}

#[test]
fn one_process_owns_a_caseload_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let db = open(dir.path(), &vault);
    db.patients().create(&zoe(), today()).unwrap();
    let code = db.issue_recovery_code().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let backup = db.backup_to(usb.path(), 14).unwrap().dir;
    let before = snapshot(dir.path());

    // A second opener (another Waymark, `waymark-admin backup`) is refused, naming the
    // folder; so is a restore, before anything moves.
    let second = Database::open(dir.path(), &vault).unwrap_err();
    assert_eq!(second.code(), "caseload_in_use", "{second}");
    assert!(second
        .to_string()
        .contains(&*dunce::canonicalize(dir.path()).unwrap().to_string_lossy()));
    let e = waymark_store::backup::restore(&backup, dir.path(), &vault, &code).unwrap_err();
    assert_eq!(e.code(), "caseload_in_use", "{e}");
    assert_eq!(
        Database::recover(dir.path(), &vault, &code)
            .unwrap_err()
            .code(),
        "caseload_in_use"
    );
    assert!(snapshot(dir.path()) == before, "nothing changed");
    drop(db);

    // Closed, it is free again, and the lock goes with the process (nothing to clear).
    waymark_store::backup::restore(&backup, dir.path(), &vault, &code).unwrap();
    open(dir.path(), &vault);
}

#[cfg(unix)]
#[test]
fn every_file_in_the_data_folder_is_private_to_this_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let check = |label: &str| {
        for entry in fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(
                mode(&path) & 0o077,
                0,
                "{label}: {} is {:o}",
                path.display(),
                mode(&path)
            );
        }
    };
    {
        let db = open(dir.path(), &vault);
        db.patients().create(&zoe(), today()).unwrap();
        db.issue_recovery_code().unwrap();
        // The WAL and shared-memory files exist while the caseload is open.
        assert!(dir.path().join("waymark.db-wal").exists());
        check("new caseload");
    }
    // A caseload made by an older version (files 0644) is tightened when opened.
    for name in ["waymark.db", "waymark.keycheck", "waymark.recovery"] {
        fs::set_permissions(dir.path().join(name), fs::Permissions::from_mode(0o644)).unwrap();
    }
    let db = open(dir.path(), &vault);
    db.patients()
        .create(&patient("Ade", "Bello", "1990-01-01", ""), today())
        .unwrap();
    check("older caseload, reopened");
    assert_eq!(mode(dir.path()) & 0o077, 0, "the folder itself");
}

#[test]
fn an_older_copy_of_the_caseload_put_back_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let older = tempfile::tempdir().unwrap();
    {
        let db = open(dir.path(), &vault);
        db.patients().create(&zoe(), today()).unwrap();
        db.note_audit_head(&vault).unwrap();
        assert_eq!(db.rollback_warning(&vault).unwrap(), None);
    }
    // A copy as file history or a synced folder keeps it (closed: one file).
    fs::copy(
        dir.path().join("waymark.db"),
        older.path().join("waymark.db"),
    )
    .unwrap();
    {
        let db = open(dir.path(), &vault);
        db.patients()
            .create(&patient("Ade", "Bello", "1990-01-01", ""), today())
            .unwrap();
        db.note_audit_head(&vault).unwrap();
    }
    // The older copy is put back over the live file.
    fs::copy(
        older.path().join("waymark.db"),
        dir.path().join("waymark.db"),
    )
    .unwrap();
    let db = open(dir.path(), &vault);
    let warning = db.rollback_warning(&vault).unwrap().expect("noticed");
    assert!(
        warning.contains("older than one this computer has already opened"),
        "{warning}"
    );
    // Once an admin has seen it and work goes on, the new head is filed.
    db.note_audit_head(&vault).unwrap();
    assert_eq!(db.rollback_warning(&vault).unwrap(), None);
}
