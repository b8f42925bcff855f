//! Test helper for `tests/crash.rs`: registers patients `Crash <n>` one transaction at
//! a time in the caseload at `WAYMARK_DATA_DIR`, printing each `n` only after its
//! transaction has committed, until it is killed.

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = waymark_store::paths::data_dir()?;
    let vault = waymark_store::CredentialVault::platform()?;
    let db = waymark_store::Database::open(&dir, &vault)?;
    let start: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let today = chrono::Local::now().date_naive();
    let mut out = std::io::stdout().lock();
    for n in start.. {
        let input = waymark_domain::PatientInput {
            given_name: "Crash".into(),
            family_name: format!("{n}"),
            date_of_birth: "1980-01-01".into(),
            address: "x".repeat(400),
            ..Default::default()
        };
        db.patients().create(&input, today)?;
        writeln!(out, "{n}")?;
        out.flush()?;
    }
    Ok(())
}
