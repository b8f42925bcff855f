//! Synthetic caseloads for the benchmark (`cargo xtask bench`): rows written straight
//! into the tables in one transaction, shaped as the repositories would write them, so a
//! caseload of 100,000 patients takes seconds rather than hours to build. Compiled only
//! with the `bench` feature; nothing in the app calls it.

use chrono::{Duration, NaiveDate};
use rusqlite::params;
use waymark_domain::{NhsNumber, PatientFields};

use crate::error::Result;
use crate::{date_text, now, Database};

/// How big a caseload to build.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub patients: u32,
    pub contacts: u32,
    pub prescriptions: u32,
    pub services: u32,
}

const GIVEN: &[&str] = &[
    "Zoë",
    "Siobhán",
    "Ελένη",
    "Łukasz",
    "Aoife",
    "Mohammed",
    "Priya",
    "Kwame",
    "Ingrid",
    "José",
    "Fatima",
    "Oliver",
    "Amelia",
    "Noah",
    "Isla",
    "Chidi",
    "Mei",
    "Tomasz",
    "Grace",
    "Arjun",
    "Saoirse",
    "Yusuf",
    "Hannah",
    "Dmitri",
    "Aisha",
    "Ravi",
    "Margaret",
    "Callum",
    "Niamh",
    "Ödön",
];
const FAMILY: &[&str] = &[
    "O'Brien",
    "Ní Bhriain",
    "Παπαδοπούλου",
    "Wójcik",
    "Ødegård",
    "Smith",
    "Jones",
    "Patel",
    "Khan",
    "Okafor",
    "Nowak",
    "Murphy",
    "Kowalski",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Ahmed",
    "Ali",
    "Begum",
    "Hussain",
    "Singh",
    "Kaur",
    "Wilson",
    "Walker",
    "Wright",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
];

/// A small deterministic generator, so every run builds the same caseload.
#[derive(Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// The name parts the generator draws from, for building realistic queries.
pub fn name_parts() -> (&'static [&'static str], &'static [&'static str]) {
    (GIVEN, FAMILY)
}

/// A valid NHS number from a nine-digit stem, or `None` when the stem has no check digit.
pub fn nhs_from_stem(stem: u64) -> Option<String> {
    let digits = format!("{:09}", stem % 1_000_000_000);
    let sum: u32 = digits
        .chars()
        .zip((2..=10).rev())
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = (11 - sum % 11) % 11;
    (check != 10).then(|| format!("{digits}{check}"))
}

const CATEGORIES: &[&str] = &[
    "Physical activity",
    "Arts and creativity",
    "Gardening and nature",
    "Money and debt",
    "Employment",
    "Food and cooking",
    "Peer support",
    "Carers",
];
/// Referring organisations as link workers type them: a few spellings of one, and
/// none given.
const REFERRERS: &[&str] = &[
    "Hollinsford Surgery",
    "Hollinsford Surgery",
    "hollinsford surgery",
    "Mill Lane Medical Practice",
    "Mill Lane Medical Practice",
    "Riverside Health Centre",
    "Citizens Advice Hollinsford",
    "Jobcentre Plus",
    "Hollinsford Community Mental Health Team",
    "Age Well Hollinsford",
    "",
    "",
];

const SOURCES: &[&str] = &[
    "gp",
    "gp",
    "gp",
    "nurse",
    "other_clinician",
    "self",
    "other",
];
const REASONS: &[&str] = &[
    "loneliness",
    "mental_wellbeing",
    "long_term_condition",
    "physical_activity",
    "finance",
    "employment",
    "housing",
    "carer_support",
    "bereavement",
    "diet",
    "other",
];
const ITEM_STATUSES: &[&str] = &[
    "suggested",
    "referred",
    "started",
    "started",
    "completed",
    "declined",
    "did_not_attend",
];
const BARRIERS: &[&str] = &[
    "cost",
    "transport",
    "eligibility",
    "waiting_list",
    "confidence",
    "timing",
    "no_such_service",
];
/// Instrument, items, lowest answer, how many answers.
const MEASURES: [(&str, u64, u64, u64); 3] =
    [("ons4", 4, 0, 11), ("swemwbs", 7, 1, 5), ("ucla3", 3, 1, 3)];

fn pick(rng: &mut Rng, from: &[&'static str]) -> &'static str {
    from[usize::try_from(rng.below(from.len() as u64)).unwrap_or(0)]
}

impl Database {
    /// Fills an empty caseload with synthetic patients, referrals (with outcome measures),
    /// contacts, services and prescriptions (with follow-up statuses and barriers), then
    /// computes the caseload summary columns.
    pub fn bench_seed(&self, size: Size, today: NaiveDate) -> Result<()> {
        let mut rng = Rng::new(20_261_124);
        let tx = self.conn.unchecked_transaction()?;
        let ts = now();
        {
            let mut svc = tx.prepare(
                "INSERT INTO services (name, description, category, days, cost_band, status,
                    search_text, last_verified, created_at, updated_at)
                 VALUES (?1, 'A community activity.', ?5, 'MO,WE', 'free',
                    'active', ?2, ?3, ?4, ?4)",
            )?;
            for i in 0..size.services {
                let name = format!("Activity {i}");
                svc.execute(params![
                    name,
                    format!(" {}", waymark_domain::search::fold(&name)),
                    date_text(today - Duration::days(30)),
                    ts,
                    CATEGORIES[usize::try_from(i).unwrap_or(0) % CATEGORIES.len()]
                ])?;
            }
            let mut patient = tx.prepare(
                "INSERT INTO patients (given_name, family_name, date_of_birth, nhs_number,
                    status, search_text, sort_key, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'active', ?5, ?6, ?7, ?7)",
            )?;
            let mut referral = tx.prepare(
                "INSERT INTO referrals (patient_id, received_date, source, status, closure_reason,
                    created_at, updated_at, referrer_organisation, gp_appts_before,
                    gp_appts_before_date, gp_appts_after, gp_appts_after_date)
                 VALUES (?1, ?2, ?6, ?3, ?4, ?5, ?5, ?7, ?8, ?9, ?10, ?11)",
            )?;
            let mut reason = tx.prepare(
                "INSERT OR IGNORE INTO referral_reasons (referral_id, reason) VALUES (?1, ?2)",
            )?;
            let mut measure = tx.prepare(
                "INSERT INTO outcome_measures (patient_id, referral_id, instrument, timepoint,
                    recorded_date, answers, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut goal = tx.prepare(
                "INSERT INTO goals (referral_id, description, status, position, created_at, updated_at)
                 VALUES (?1, 'Meet new people', 'open', 1, ?2, ?2)",
            )?;
            for i in 0..u64::from(size.patients) {
                let given = GIVEN[usize::try_from(rng.below(GIVEN.len() as u64)).unwrap_or(0)];
                let family = FAMILY[usize::try_from(rng.below(FAMILY.len() as u64)).unwrap_or(0)];
                let dob = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or(today)
                    + Duration::days(i64::try_from(rng.below(60 * 365)).unwrap_or(0));
                let nhs = nhs_from_stem(100_000_000 + i * 7);
                let fields = PatientFields {
                    given_name: given.to_owned(),
                    family_name: family.to_owned(),
                    preferred_name: None,
                    date_of_birth: dob,
                    nhs_number: nhs.as_deref().and_then(|n| NhsNumber::parse(n).ok()),
                    mrn: None,
                    pronouns: None,
                    address: None,
                    phone: None,
                    email: None,
                    preferred_contact: None,
                    language: None,
                    print_language: None,
                    needs_large_print: false,
                    needs_easy_read: false,
                    needs_interpreter: false,
                    registered_gp: None,
                    consent_store: false,
                    consent_contact: false,
                    consent_share: false,
                    gender: None,
                    ethnicity: Vec::new(),
                    communication_needs: None,
                    consent_how: None,
                    consent_given_by: None,
                    consent_date: None,
                    consent_withdrawn_date: None,
                };
                let search = crate::patients::search_text(&fields);
                patient.execute(params![
                    given,
                    family,
                    date_text(dob),
                    nhs,
                    search,
                    crate::patients::sort_key(family, given),
                    ts
                ])?;
                let pid = tx.last_insert_rowid();
                crate::patients::write_name_index(&tx, pid, &search)?;
                let status = ["new", "contacted", "active", "active", "closed"]
                    [usize::try_from(rng.below(5)).unwrap_or(0)];
                let received = today - Duration::days(i64::try_from(rng.below(700)).unwrap_or(0));
                // Referrers as typed, spellings varying; GP appointments counted for
                // most referrals, the months after once they are over.
                let org = pick(&mut rng, REFERRERS);
                let counted = rng.below(10) < 7;
                let before = counted.then(|| rng.below(15) as i64);
                let after_on = waymark_domain::referral::six_months_after(received);
                let after = (counted && after_on <= today).then(|| rng.below(12) as i64);
                referral.execute(params![
                    pid,
                    date_text(received),
                    status,
                    (status == "closed").then_some("Goals met"),
                    ts,
                    pick(&mut rng, SOURCES),
                    (!org.is_empty()).then_some(org),
                    before,
                    before.map(|_| date_text(received)),
                    after,
                    after.map(|_| date_text(after_on)),
                ])?;
                let rid = tx.last_insert_rowid();
                for _ in 0..1 + rng.below(2) {
                    reason.execute(params![rid, pick(&mut rng, REASONS)])?;
                }
                // Most people answer the three measures at the start; over half of
                // those again twelve weeks on, if that day has come.
                if rng.below(10) < 7 {
                    let baseline = received + Duration::days(7);
                    let follow_up = baseline + Duration::weeks(12);
                    let again = rng.below(10) < 7 && follow_up <= today;
                    for (instrument, items, lo, span) in MEASURES {
                        let answers = |rng: &mut Rng| -> String {
                            let a: Vec<u64> = (0..items).map(|_| lo + rng.below(span)).collect();
                            serde_json::to_string(&a).unwrap_or_default()
                        };
                        measure.execute(params![
                            pid,
                            rid,
                            instrument,
                            "baseline",
                            date_text(baseline.min(today)),
                            answers(&mut rng),
                            ts
                        ])?;
                        if again {
                            measure.execute(params![
                                pid,
                                rid,
                                instrument,
                                "follow_up",
                                date_text(follow_up),
                                answers(&mut rng),
                                ts
                            ])?;
                        }
                    }
                }
                goal.execute(params![rid, ts])?;
            }
            let mut contact = tx.prepare(
                "INSERT INTO contacts (patient_id, contact_date, kind, minutes, notes, created_at,
                    updated_at)
                 VALUES (?1, ?2, 'phone', 20, 'Talked about the week.', ?3, ?3)",
            )?;
            for _ in 0..size.contacts {
                let pid = 1 + i64::try_from(rng.below(u64::from(size.patients))).unwrap_or(0);
                let day = today - Duration::days(i64::try_from(rng.below(700)).unwrap_or(0));
                contact.execute(params![pid, date_text(day), ts])?;
            }
            let mut rx = tx.prepare(
                "INSERT INTO prescriptions (patient_id, referral_id, prescribed_date, message,
                    next_checkin_date, reference_code, created_at, updated_at)
                 VALUES (?1, ?1, ?2, 'One step at a time.', ?3, ?4, ?5, ?5)",
            )?;
            let mut item = tx.prepare(
                "INSERT INTO prescription_items (prescription_id, service_id, personal_note,
                    status, barrier, position)
                 VALUES (?1, ?2, 'Ask for Maria.', ?4, ?5, ?3)",
            )?;
            for i in 0..size.prescriptions {
                let pid = 1 + i64::try_from(rng.below(u64::from(size.patients))).unwrap_or(0);
                let day = today - Duration::days(i64::try_from(rng.below(700)).unwrap_or(0));
                rx.execute(params![
                    pid,
                    date_text(day),
                    date_text(day + Duration::days(28)),
                    format!("WM-{i:09}"),
                    ts
                ])?;
                let id = tx.last_insert_rowid();
                for position in 0..3_i64 {
                    let service =
                        1 + i64::try_from(rng.below(u64::from(size.services.max(1)))).unwrap_or(0);
                    let status = pick(&mut rng, ITEM_STATUSES);
                    let barrier = matches!(status, "declined" | "did_not_attend")
                        .then(|| pick(&mut rng, BARRIERS));
                    item.execute(params![id, service, position, status, barrier])?;
                }
            }
        }
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT id FROM patients")?;
            let ids = stmt.query_map([], |r| r.get(0))?;
            ids.collect::<rusqlite::Result<_>>()?
        };
        for id in ids {
            crate::caseload::refresh(&tx, id)?;
        }
        tx.commit()?;
        self.conn.execute_batch("PRAGMA optimize; ANALYZE;")?;
        Ok(())
    }
}
