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

fn real(path: &str) -> String {
    format!(
        "{}/../../../shared/data/real/{path}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn json_of(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", text(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

#[test]
fn directory_preview_against_an_empty_directory_needs_no_caseload_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("never-made");
    let zip = real("miami-211-hsds1/datapackage-1566177582.zip");
    let out = admin(&data, &["directory", "preview", "--empty", &zip], "");
    let preview = json_of(&out);
    assert_eq!(preview["shape"], "package");
    let new = preview["new"].as_u64().unwrap();
    let skipped = preview["skipped"].as_array().unwrap().len() as u64;
    assert_eq!(new + skipped, 4089);
    assert!(new > 4000);
    assert_eq!(preview["source_label"], "datapackage-1566177582.zip");
    assert!(!data.exists(), "a preview makes no data folder");

    let missing = admin(
        &data,
        &["directory", "preview", "--empty", "no-such-file.json"],
        "",
    );
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("no-such-file.json cannot be read"),
        "{}",
        text(&missing)
    );
}

#[test]
fn directory_preview_reads_a_feed_on_the_loopback_address() {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        // Page 1 of 2, then page 2; each service is complete, so no detail requests.
        for stream in listener.incoming().take(2) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap();
            let request = String::from_utf8_lossy(&buf[..n]).into_owned();
            let body = if request.contains("page=2") {
                r#"{"total_pages": 2, "page_number": 2, "contents": [{"id": "b", "name": "Board Games", "phones": []}]}"#
            } else {
                r#"{"total_pages": 2, "page_number": 1, "contents": [{"id": "a", "name": "Art Club", "phones": []}, {"id": "c", "name": "", "phones": []}]}"#
            };
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(reply.as_bytes()).unwrap();
        }
    });
    let home = tempfile::tempdir().unwrap();
    let out = admin(home.path(), &["directory", "preview", "--empty", &base], "");
    let preview = json_of(&out);
    server.join().unwrap();
    assert_eq!(preview["new"], 2);
    assert_eq!(preview["skipped"][0]["reason"], "it has no name");
    assert_eq!(preview["source_label"], base.as_str());
    assert_eq!(preview["complete"], true);
}

#[test]
#[ignore = "needs the OS credential store: run by `cargo xtask test`"]
fn directory_import_writes_the_directory_audited_as_the_command_line() {
    let home = tempfile::tempdir().unwrap();
    let vault = CredentialVault::platform().unwrap();
    drop(Database::open(home.path(), &vault).unwrap());
    let file = home.path().join("council.json");
    std::fs::write(
        &file,
        r#"[{"id": 1, "name": "Art Club", "url": "art.example"}, {"id": 2, "name": "Chess Club"}]"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let preview = json_of(&admin(home.path(), &["directory", "preview", path], ""));
    assert_eq!(preview["new"], 2);
    let done = json_of(&admin(home.path(), &["directory", "import", path], ""));
    assert_eq!(done["new"], 2);
    assert_eq!(
        done["adjustment_counts"][0][0],
        "web address: added https://"
    );
    let again = json_of(&admin(home.path(), &["directory", "import", path], ""));
    assert_eq!(
        (again["new"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(2))
    );
    {
        let db = Database::open_existing(home.path(), &vault).unwrap();
        let entry = &db.audit_entries(1).unwrap()[0];
        assert_eq!(entry.entity, "directory_import");
        assert_eq!(entry.staff_id, None, "the command line, not a person");
    }

    // Exported, both forms read back by a preview against an empty directory.
    let out = home.path().join("export");
    std::fs::create_dir(&out).unwrap();
    for (format, name) in [("json", "directory.json"), ("package", "directory.zip")] {
        let to = out.join(name);
        let to = to.to_str().unwrap();
        let export = || {
            admin(
                home.path(),
                &["directory", "export", "--format", format, to],
                "",
            )
        };
        let written = export();
        assert!(written.status.success(), "{}", text(&written));
        assert!(text(&written).contains("2 services written"));
        let back = json_of(&admin(
            home.path(),
            &["directory", "preview", "--empty", to],
            "",
        ));
        assert_eq!(back["new"], 2, "{format}");
        // An existing file is never replaced.
        let again = export();
        assert!(!again.status.success(), "{format}");
    }
}
