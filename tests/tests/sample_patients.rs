//! Every sample patient in `shared/data/patients.json` registers through the domain
//! rules into a real encrypted store, is found again by name and NHS number, and comes
//! back exactly as typed (the hostile one included). A name carrying a direction
//! override or an invisible character is first refused, naming the field and changing
//! nothing, as a link worker would see it; retyped without it, it registers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use serde::Deserialize;
use waymark_domain::PatientInput;
use waymark_store::{CredentialVault, Database, PatientQuery};

#[derive(Deserialize)]
struct Sample {
    patients: Vec<SamplePatient>,
}

#[derive(Deserialize)]
struct SamplePatient {
    given: String,
    family: String,
    preferred: Option<String>,
    dob: String,
    nhs_number: Option<String>,
    pronouns: Option<String>,
    language: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    needs: Vec<String>,
}

fn samples() -> Vec<SamplePatient> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/patients.json"
    );
    let text = std::fs::read_to_string(path).expect("shared/data sits beside the repository");
    serde_json::from_str::<Sample>(&text).unwrap().patients
}

fn input(p: &SamplePatient) -> PatientInput {
    PatientInput {
        given_name: p.given.clone(),
        family_name: p.family.clone(),
        preferred_name: p.preferred.clone().unwrap_or_default(),
        date_of_birth: p.dob.clone(),
        nhs_number: p.nhs_number.clone().unwrap_or_default(),
        pronouns: p.pronouns.clone().unwrap_or_default(),
        language: p.language.clone().unwrap_or_default(),
        phone: p.phone.clone().unwrap_or_default(),
        address: p.address.clone().unwrap_or_default(),
        needs_large_print: p.needs.iter().any(|n| n == "large print"),
        needs_easy_read: p.needs.iter().any(|n| n == "easy read"),
        needs_interpreter: p.needs.iter().any(|n| n == "interpreter"),
        ..Default::default()
    }
}

#[test]
fn every_sample_patient_registers_and_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let vault = CredentialVault::new(keyring_core::mock::Store::new().unwrap());
    let db = Database::open(dir.path(), &vault).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let samples = samples();
    assert!(samples.len() >= 10);
    for s in &samples {
        let typed = input(s);
        let s_clean;
        let s = if [&typed.given_name, &typed.family_name, &typed.preferred_name]
            .iter()
            .any(|n| waymark_domain::validation::spoofing_char(n).is_some())
        {
            let before = db
                .patients()
                .list(&PatientQuery::default(), today)
                .unwrap()
                .total;
            let e = db.patients().create(&typed, today).unwrap_err();
            let fields = match &e {
                waymark_store::Error::Validation(v) => v.clone(),
                other => panic!("{}: not a field error: {other}", s.given),
            };
            assert!(
                ["givenName", "familyName", "preferredName"]
                    .iter()
                    .any(|f| fields
                        .message_for(f)
                        .is_some_and(|m| m.contains("direction-changing"))),
                "{e:?}"
            );
            let after = db
                .patients()
                .list(&PatientQuery::default(), today)
                .unwrap()
                .total;
            assert_eq!(before, after, "nothing stored");
            let strip = |t: &str| -> String {
                t.chars()
                    .filter(|c| waymark_domain::validation::spoofing_char(&c.to_string()).is_none())
                    .collect()
            };
            s_clean = SamplePatient {
                given: strip(&s.given),
                family: strip(&s.family),
                preferred: s.preferred.as_deref().map(strip),
                dob: s.dob.clone(),
                nhs_number: s.nhs_number.clone(),
                pronouns: s.pronouns.clone(),
                language: s.language.clone(),
                phone: s.phone.clone(),
                address: s.address.clone(),
                needs: s.needs.clone(),
            };
            &s_clean
        } else {
            s
        };
        let stored = db
            .patients()
            .create(&input(s), today)
            .unwrap_or_else(|e| panic!("{}: {e}", s.given));
        let back = db.patients().get(stored.id).unwrap();
        assert_eq!(back.fields.given_name, s.given, "given name kept exactly");
        assert_eq!(
            back.fields.family_name, s.family,
            "family name kept exactly"
        );
        assert_eq!(back.fields.preferred_name, s.preferred);

        let by_family = db
            .patients()
            .list(
                &PatientQuery {
                    text: s.family.clone(),
                    limit: 50,
                    ..Default::default()
                },
                chrono::Local::now().date_naive(),
            )
            .unwrap();
        assert!(
            by_family.items.iter().any(|p| p.id == stored.id),
            "{} found by family name",
            s.family
        );

        if let Some(nhs) = &s.nhs_number {
            let spaced = format!("{} {} {}", &nhs[..3], &nhs[3..6], &nhs[6..]);
            let by_nhs = db
                .patients()
                .list(
                    &PatientQuery {
                        text: spaced,
                        limit: 50,
                        ..Default::default()
                    },
                    chrono::Local::now().date_naive(),
                )
                .unwrap();
            assert_eq!(by_nhs.items.len(), 1);
            assert_eq!(by_nhs.items[0].id, stored.id);
        }
    }
    let all = db
        .patients()
        .list(
            &PatientQuery {
                limit: 100,
                ..Default::default()
            },
            chrono::Local::now().date_naive(),
        )
        .unwrap();
    assert_eq!(
        all.total as usize,
        samples.len(),
        "the hostile name dropped no table"
    );
}
