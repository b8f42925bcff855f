//! Durability: a writer killed with SIGKILL in the middle of writes, again and again,
//! loses no committed record and leaves a database that passes the integrity check.
//! Uses the real credential store, so `cargo xtask test` runs it in its D-Bus session.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use waymark_store::{CredentialVault, Database, PatientQuery};

const CYCLES: u64 = 50;

#[test]
#[ignore = "needs the OS credential store: run by `cargo xtask test`"]
fn sigkill_mid_write_loses_no_committed_record() {
    let dir = tempfile::tempdir().unwrap();
    let vault = CredentialVault::platform().unwrap();
    drop(Database::open(dir.path(), &vault).unwrap());
    let mut committed = BTreeSet::new();
    let mut next = 0u64;
    for cycle in 0..CYCLES {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash-writer"))
            .arg(next.to_string())
            .env("WAYMARK_DATA_DIR", dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the first commit (start-up takes a while), then vary the moment of the
        // kill so it lands in different phases of a write.
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut printed = String::new();
        stdout.read_line(&mut printed).unwrap();
        std::thread::sleep(Duration::from_millis(5 + (cycle * 37) % 120));
        child.kill().unwrap(); // SIGKILL on Unix: no destructor, no checkpoint.
        child.wait().unwrap();
        stdout.read_to_string(&mut printed).unwrap();
        for n in printed.lines().filter_map(|l| l.parse::<u64>().ok()) {
            committed.insert(n);
            next = next.max(n + 1);
        }
        next += 1_000; // keep each writer's names apart

        let db = Database::open(dir.path(), &vault)
            .unwrap_or_else(|e| panic!("cycle {cycle}: reopening failed: {e}"));
        db.integrity_check()
            .unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
        let page = db
            .patients()
            .list(
                &PatientQuery {
                    text: "crash".into(),
                    limit: 500,
                    ..Default::default()
                },
                chrono::Local::now().date_naive(),
            )
            .unwrap();
        let mut stored = BTreeSet::new();
        let mut offset = 0;
        let mut total = page.total;
        loop {
            let page = db
                .patients()
                .list(
                    &PatientQuery {
                        text: "crash".into(),
                        limit: 500,
                        offset,
                        ..Default::default()
                    },
                    chrono::Local::now().date_naive(),
                )
                .unwrap();
            total = total.max(page.total);
            for p in &page.items {
                stored.insert(p.family_name.parse::<u64>().unwrap());
            }
            if page.items.len() < 500 {
                break;
            }
            offset += 500;
        }
        assert_eq!(stored.len() as u64, total);
        let lost: Vec<_> = committed.difference(&stored).collect();
        assert!(
            lost.is_empty(),
            "cycle {cycle}: committed records lost: {lost:?}"
        );
    }
    assert!(
        committed.len() > 50,
        "the writer committed too little to test anything: {}",
        committed.len()
    );
}
