//! The admin tool end to end, as a scheduled job would run it: against the real OS
//! credential store, so `cargo xtask test` runs these inside its D-Bus session.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use waymark_domain::PatientInput;
use waymark_store::{CredentialVault, Database, PatientQuery};

fn admin(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark-admin"))
        .args(args)
        .env("WAYMARK_DATA_DIR", data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
#[ignore = "needs the OS credential store: run by `cargo xtask test`"]
fn backup_verify_and_restore_on_another_folder() {
    let home = tempfile::tempdir().unwrap();
    let vault = CredentialVault::platform().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    {
        let db = Database::open(home.path(), &vault).unwrap();
        let p = PatientInput {
            given_name: "Ελένη".into(),
            family_name: "Παπαδοπούλου".into(),
            date_of_birth: "1979-08-21".into(),
            ..Default::default()
        };
        db.patients().create(&p, today).unwrap();
    }
    let out = admin(home.path(), &["new-recovery-code"], "");
    assert!(out.status.success(), "{}", text(&out));
    let code = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_owned();
    assert_eq!(code.split('-').count(), 8, "printed in groups: {code}");

    let dest = tempfile::tempdir().unwrap();
    let out = admin(
        home.path(),
        &[
            "backup",
            "--to",
            dest.path().to_str().unwrap(),
            "--keep",
            "2",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("patients: 1"), "{}", text(&out));
    let backup_dir = waymark_store::backup::list_backups(dest.path())
        .unwrap()
        .pop()
        .unwrap();
    let backup = backup_dir.to_str().unwrap();

    let out = admin(home.path(), &["verify", backup], "");
    assert!(
        out.status.success(),
        "verify with this computer's key: {}",
        text(&out)
    );
    let out = admin(
        home.path(),
        &["verify", "--recovery-code", backup],
        &format!("{code}\n"),
    );
    assert!(out.status.success(), "verify with the code: {}", text(&out));
    let out = admin(
        home.path(),
        &["verify", "--recovery-code", backup],
        "0000-0000-0000-0000-0000-0000-0000-0000\n",
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("does not open"), "{}", text(&out));

    // A new machine: another data folder with no key for it yet.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = admin(
        elsewhere.path(),
        &["restore", backup],
        &format!("{}\n", code.to_lowercase()),
    );
    assert!(out.status.success(), "{}", text(&out));
    let db = Database::open(elsewhere.path(), &vault).unwrap();
    let page = db
        .patients()
        .list(
            &PatientQuery {
                text: "ελενη".into(),
                limit: 5,
                ..Default::default()
            },
            chrono::Local::now().date_naive(),
        )
        .unwrap();
    assert_eq!(page.total, 1);
}

#[test]
fn bad_usage_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = admin(dir.path(), &["restore"], "");
    assert!(!out.status.success());
    assert!(
        text(&out).to_lowercase().contains("usage"),
        "{}",
        text(&out)
    );
}

#[test]
#[ignore = "needs the OS credential store: run by `cargo xtask test`"]
fn no_command_creates_a_caseload_in_an_empty_or_mistyped_folder() {
    let parent = tempfile::tempdir().unwrap();
    let empty = parent.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let typo = parent.path().join("wyamark");
    let usb = tempfile::tempdir().unwrap();
    let to = usb.path().to_str().unwrap();
    for dir in [&empty, &typo] {
        for args in [
            &["backup", "--to", to][..],
            &["new-recovery-code"][..],
            &["verify", to][..],
        ] {
            let out = admin(dir, args, "");
            assert!(!out.status.success(), "{args:?} in {}", dir.display());
            assert!(
                text(&out).contains("There is no caseload in")
                    && text(&out).contains(dir.file_name().unwrap().to_str().unwrap()),
                "{args:?}: {}",
                text(&out)
            );
        }
    }
    assert_eq!(
        std::fs::read_dir(&empty).unwrap().count(),
        0,
        "nothing made"
    );
    assert!(!typo.exists(), "no folder made");
    assert_eq!(
        std::fs::read_dir(usb.path()).unwrap().count(),
        0,
        "no backup"
    );
}

#[test]
#[ignore = "needs the OS credential store: run by `cargo xtask test`"]
fn backup_and_restore_refuse_while_the_app_has_the_caseload_open() {
    let home = tempfile::tempdir().unwrap();
    let vault = CredentialVault::platform().unwrap();
    let app = Database::open(home.path(), &vault).unwrap();
    let code = app.issue_recovery_code().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let backup = app.backup_to(usb.path(), 14).unwrap().dir;
    let to = tempfile::tempdir().unwrap();
    // `app` stands for the running Waymark: it holds the caseload open.
    for (args, stdin) in [
        (
            vec!["backup", "--to", to.path().to_str().unwrap()],
            String::new(),
        ),
        (
            vec!["restore", backup.to_str().unwrap()],
            format!("{}\n", code.grouped().as_str()),
        ),
        (vec!["new-recovery-code"], String::new()),
    ] {
        let out = admin(home.path(), &args, &stdin);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out).contains("Waymark is using the caseload in"),
            "{args:?}: {}",
            text(&out)
        );
    }
    assert_eq!(std::fs::read_dir(to.path()).unwrap().count(), 0);
    drop(app);
    let out = admin(
        home.path(),
        &["backup", "--to", to.path().to_str().unwrap()],
        "",
    );
    assert!(
        out.status.success(),
        "free once the app closes: {}",
        text(&out)
    );
}
