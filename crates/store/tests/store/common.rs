use std::path::Path;

use chrono::NaiveDate;
use waymark_domain::{
    Country, PatientInput, PracticeInput, ReferralInput, ReferralReason, ReferralSource, Role,
    StaffInput,
};
use waymark_store::directory::ServiceQuery;
use waymark_store::{CredentialVault, Database, PatientPage, PatientQuery};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

/// An in-memory credential store, as keyring-core's mock provides.
pub fn mock_vault() -> CredentialVault {
    CredentialVault::new(keyring_core::mock::Store::new().unwrap())
}

pub fn open(dir: &Path, vault: &CredentialVault) -> Database {
    Database::open(dir, vault).unwrap()
}

/// The first page of the caseload search for `text`, as typed in the search box.
pub fn search(db: &Database, text: &str) -> PatientPage {
    db.patients()
        .list(
            &PatientQuery {
                text: text.into(),
                limit: 5,
                ..Default::default()
            },
            today(),
        )
        .unwrap()
}

pub fn patient(given: &str, family: &str, dob: &str, nhs: &str) -> PatientInput {
    PatientInput {
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: dob.into(),
        nhs_number: nhs.into(),
        ..Default::default()
    }
}

pub fn zoe() -> PatientInput {
    PatientInput {
        preferred_name: "Zo".into(),
        address: "12 Mill Lane, Hollinsford HF2 4RD".into(),
        phone: "07700 900101".into(),
        pronouns: "she/her".into(),
        consent_store: true,
        ..patient("Zoë", "O'Brien", "1987-03-14", "999 526 0182")
    }
}

pub fn referral() -> ReferralInput {
    ReferralInput {
        received_date: "2026-11-02".into(),
        referrer_name: "Dr Amara Okafor".into(),
        referrer_role: "GP".into(),
        referrer_organisation: "Hollinsford Surgery".into(),
        source: ReferralSource::Gp,
        reasons: vec![
            ReferralReason::LongTermCondition,
            ReferralReason::PhysicalActivity,
        ],
        conditions: "Multiple sclerosis: muscle weakness and coordination".into(),
        referrer_phone: String::new(),
        referrer_email: String::new(),
        referrer_ods_code: String::new(),
    }
}

/// Every file in `dir`, recursively, with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

pub fn with_directory() -> (tempfile::TempDir, waymark_store::Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/directory.hsds.json"
    ))
    .unwrap();
    db.directory().import_hsds(&text, today()).unwrap();
    (dir, db)
}

/// The example directory, and the practice set up with Amara Okafor signed in as its
/// admin (printing needs the practice; prints are audited as her).
pub fn with_practice() -> (tempfile::TempDir, waymark_store::Database) {
    let (dir, mut db) = with_directory();
    db.complete_setup(
        &PracticeInput {
            name: "Hollinsford Surgery".into(),
            address: "1 High Street, Hollinsford HF1 1AA".into(),
            phone: "01632 960000".into(),
            email: String::new(),
            country: Country::Uk,
            logo_png: None,
        },
        &StaffInput {
            display_name: "Amara Okafor".into(),
            username: "amara".into(),
            role: Role::Admin,
        },
        "kettle violet harbour",
    )
    .unwrap();
    (dir, db)
}

pub fn service(db: &waymark_store::Database, text: &str) -> i64 {
    let page = db
        .directory()
        .list(
            &ServiceQuery {
                text: text.into(),
                limit: 5,
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(page.total, 1, "{text}");
    page.items[0].id
}

/// The audit log's newest row.
pub fn newest_audit(db: &Database) -> waymark_store::AuditEntry {
    let (rows, _) = db
        .audit_query(&waymark_store::AuditFilter {
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    rows.into_iter().next().unwrap().entry
}
