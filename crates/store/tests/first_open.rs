//! Keyed opens at the very start of a process, many threads at once.
//!
//! SQLCipher finishes setting itself up just after SQLite reports itself initialised, and
//! a key given in between used to be refused. That window exists only in a fresh process,
//! so this test runs itself again as child processes, each racing threads to their first
//! connection: some open plain in-memory connections (as other code in the process may),
//! the rest open keyed caseloads. The race is narrow: before the fix about one child in
//! two hundred failed, so 400 children caught it about six runs in seven.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::process::Command;
use std::sync::{Arc, Barrier};

use waymark_store::{CredentialVault, Database};

const CHILD: &str = "WAYMARK_FIRST_OPEN_CHILD";
const CHILDREN: usize = 400;
const THREADS: usize = 8;

#[test]
fn the_first_keyed_opens_in_a_process_all_succeed() {
    if std::env::var_os(CHILD).is_some() {
        race();
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut failures = Vec::new();
    for _ in 0..CHILDREN {
        let out = Command::new(&exe)
            .args([
                "--exact",
                "the_first_keyed_opens_in_a_process_all_succeed",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .output()
            .unwrap();
        if !out.status.success() {
            failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {CHILDREN} fresh processes failed a first keyed open; the first said:\n{}",
        failures.len(),
        failures[0]
    );
}

/// One child: every thread waits at the barrier, then makes its process's first use of
/// SQLite at the same moment.
fn race() {
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || -> Result<(), String> {
                let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
                let vault = CredentialVault::new(
                    keyring_core::mock::Store::new().map_err(|e| e.to_string())?,
                );
                barrier.wait();
                if i % 2 == 0 {
                    // Code outside the store (a library, another test) starting SQLite.
                    let conn = rusqlite::Connection::open_in_memory().map_err(|e| e.to_string())?;
                    conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
                        .map_err(|e| e.to_string())?;
                    Ok(())
                } else {
                    Database::open(&dir.path().join("data"), &vault)
                        .map(drop)
                        .map_err(|e| format!("keyed open failed: {e}"))
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
}
