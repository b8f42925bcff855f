//! Caseload benchmark: builds a synthetic encrypted caseload (100,000 patients, 1,000,000
//! contacts, 300,000 prescriptions by default) and prints how long caseload searches and
//! full patient-page loads take. Run with `cargo xtask bench` (release build); pass
//! `--small` for a quick run on a tenth of the data.
//!
//! Targets (issue 4): caseload search p95 under 10 ms; a full patient page under 20 ms.
//! Issue 6: every period report (and each table's CSV export) under 300 ms.
//! Issue 17: while a backup of the caseload runs, a patient page and the app's status
//! check keep a p99 under 100 ms.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a panic is the report

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use waymark_domain::{Period, ReportTable};
use waymark_store::bench_seed::{name_parts, nhs_from_stem, Rng, Size};
use waymark_store::{CredentialVault, Database, EpisodeFilter, PatientQuery};

fn main() {
    let small = std::env::args().any(|a| a == "--small");
    let size = if small {
        Size {
            patients: 10_000,
            contacts: 100_000,
            prescriptions: 30_000,
            services: 300,
        }
    } else {
        Size {
            patients: 100_000,
            contacts: 1_000_000,
            prescriptions: 300_000,
            services: 1_000,
        }
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let vault = CredentialVault::new(keyring_core::mock::Store::new().unwrap());
    let db = Database::open(dir.path(), &vault).unwrap();

    let start = Instant::now();
    db.bench_seed(size, today).unwrap();
    let seeded = start.elapsed();
    let bytes = std::fs::metadata(dir.path().join("waymark.db")).map_or(0, |m| m.len());
    println!(
        "caseload: {} patients, {} contacts, {} prescriptions (3 items each), {} services",
        size.patients, size.contacts, size.prescriptions, size.services
    );
    println!(
        "built in {:.1} s; encrypted database {:.0} MB",
        seeded.as_secs_f64(),
        bytes as f64 / 1e6
    );

    let (given, family) = name_parts();
    let mut rng = Rng::new(7);
    let mut pick = |xs: &[&'static str]| xs[usize::try_from(rng.below(xs.len() as u64)).unwrap()];
    // What a link worker types, one keystroke at a time: the first letters of a family
    // name, a whole name, an NHS number, a date of birth; plus the filtered lists.
    let mut queries: Vec<(&str, PatientQuery)> = Vec::new();
    for i in 0..200_u64 {
        let f = pick(family);
        let g = pick(given);
        let prefix: String = f
            .chars()
            .take(2 + usize::try_from(i % 4).unwrap())
            .collect();
        queries.push(("name prefix", query(&prefix)));
        queries.push(("given + family", query(&format!("{g} {f}"))));
        let nhs = nhs_from_stem(100_000_000 + (i * 389 % u64::from(size.patients)) * 7)
            .unwrap_or_else(|| "9434765919".into());
        queries.push(("NHS number", query(&nhs[..6])));
        queries.push((
            "date of birth",
            query(&format!("19{:02}-0{}-1{}", 40 + i % 60, 1 + i % 9, i % 10)),
        ));
    }
    for i in 0..50_u32 {
        queries.push(("first page", query("")));
        queries.push((
            "overdue",
            PatientQuery {
                overdue: true,
                ..query("")
            },
        ));
        queries.push((
            "no contact 8 weeks",
            PatientQuery {
                no_contact_weeks: Some(8),
                offset: i * 50,
                ..query("")
            },
        ));
        queries.push((
            "status new",
            PatientQuery {
                episode: Some(EpisodeFilter::Status(waymark_domain::ReferralStatus::New)),
                ..query("")
            },
        ));
    }
    // One pass to warm the page cache, as a running app would be.
    for (_, q) in &queries {
        db.patients().list(q, today).unwrap();
    }
    let mut all = Vec::new();
    let mut by_kind: Vec<(&str, Vec<Duration>)> = Vec::new();
    for (kind, q) in &queries {
        let t = Instant::now();
        db.patients().list(q, today).unwrap();
        let d = t.elapsed();
        all.push(d);
        match by_kind.iter_mut().find(|(k, _)| k == kind) {
            Some((_, v)) => v.push(d),
            None => by_kind.push((kind, vec![d])),
        }
    }
    println!();
    report("caseload search (all kinds)", &mut all, 10.0);
    for (kind, v) in &mut by_kind {
        report(&format!("  {kind}"), v, 10.0);
    }

    let mut pages = Vec::new();
    let mut rng = Rng::new(11);
    for _ in 0..50 {
        db.patient_record(
            1 + i64::try_from(rng.below(u64::from(size.patients))).unwrap(),
            20,
        )
        .unwrap();
    }
    for _ in 0..500 {
        let id = 1 + i64::try_from(rng.below(u64::from(size.patients))).unwrap();
        let t = Instant::now();
        let record = db.patient_record(id, 20).unwrap();
        pages.push(t.elapsed());
        assert_eq!(record.patient.id, id);
    }
    println!();
    report("patient page (record + audit row)", &mut pages, 20.0);

    reports(&db, today, size.patients > 50_000);
    during_backup(&db, size);
}

/// Issue 17: while a backup of the whole caseload runs (on its own read-only
/// connection, as the app runs it), a patient page and the app's status check keep
/// answering. Measured on the app's own connection, behind a lock as in the app.
fn during_backup(db: &Database, size: Size) {
    db.issue_recovery_code().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let job = db.backup_job(usb.path(), 2).unwrap();
    let app = std::sync::Mutex::new(db);
    let done = std::sync::atomic::AtomicBool::new(false);
    let mut pages = Vec::new();
    let mut statuses = Vec::new();
    let mut rng = Rng::new(13);
    let started = Instant::now();
    let copied = std::thread::scope(|scope| {
        let backup = scope.spawn(|| {
            let report = job.run(&mut |_| true);
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            report
        });
        while !done.load(std::sync::atomic::Ordering::SeqCst) {
            let id = 1 + i64::try_from(rng.below(u64::from(size.patients))).unwrap();
            let t = Instant::now();
            let record = app.lock().unwrap().patient_record(id, 20).unwrap();
            pages.push(t.elapsed());
            assert_eq!(record.patient.id, id);
            // What `app_status` asks of the caseload.
            let t = Instant::now();
            {
                let db = app.lock().unwrap();
                db.staff().any().unwrap();
                db.idle_minutes().unwrap();
                db.integrity_warning().unwrap();
            }
            statuses.push(t.elapsed());
            std::thread::sleep(Duration::from_millis(5));
        }
        backup.join().unwrap()
    });
    let took = started.elapsed();
    let report = copied.unwrap();
    println!();
    println!(
        "backup of the caseload on its own connection: {:.1} s ({} patients)",
        took.as_secs_f64(),
        report.manifest.counts["patients"]
    );
    report_p99("  patient page during the backup", &mut pages, 100.0);
    report_p99("  app status during the backup", &mut statuses, 100.0);
}

fn report_p99(what: &str, samples: &mut [Duration], target_ms: f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |p: f64| {
        let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
        ms(samples[i])
    };
    let p99 = at(0.99);
    println!(
        "{what:<36} n={:<5} p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms   target p99 < {target_ms} ms: {}",
        samples.len(),
        at(0.5),
        p99,
        ms(samples[samples.len() - 1]),
        if p99 < target_ms { "met" } else { "MISSED" }
    );
}

/// The period report over periods of growing length, then each table's CSV export for
/// the last twelve months.
fn reports(db: &Database, today: NaiveDate, full: bool) {
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let periods = [
        ("last 30 days", today - chrono::Duration::days(29), today),
        (
            "last quarter (Jul-Sep 2026)",
            day(2026, 7, 1),
            day(2026, 9, 30),
        ),
        ("last 12 months", today - chrono::Duration::days(364), today),
        ("everything (since 2024)", day(2024, 1, 1), today),
    ];
    println!();
    let runs = 20;
    for (name, from, to) in periods {
        let period = Period::parse(&iso(from), &iso(to)).unwrap();
        let first = db.reports().period(period).unwrap();
        let mut samples = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            db.reports().period(period).unwrap();
            samples.push(t.elapsed());
        }
        report(&format!("report: {name}"), &mut samples, 300.0);
        let ucla = first.outcomes.last().map_or(0, |o| o.pairs);
        println!(
            "    {} referrals, {} people seen, {} activities, {} barriers, {} UCLA-3 pairs",
            first.referrals,
            first.people_seen,
            first.items,
            first.barriers.iter().map(|b| b.count).sum::<u64>(),
            ucla
        );
        if full {
            assert!(
                first.referrals > 0 && ucla > 0,
                "the benchmark must measure real work"
            );
        }
    }
    let out = tempfile::tempdir().unwrap();
    let year = Period::parse(&iso(today - chrono::Duration::days(364)), &iso(today)).unwrap();
    for table in ReportTable::ALL {
        let path = out.path().join(format!("{}.csv", table.as_str()));
        let mut samples = Vec::new();
        for _ in 0..runs / 2 {
            let t = Instant::now();
            db.reports().export_csv(year, *table, &path).unwrap();
            samples.push(t.elapsed());
        }
        report(
            &format!("export CSV: {}", table.as_str()),
            &mut samples,
            300.0,
        );
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn query(text: &str) -> PatientQuery {
    PatientQuery {
        text: text.into(),
        limit: 50,
        ..Default::default()
    }
}

fn report(what: &str, samples: &mut [Duration], target_ms: f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |p: f64| {
        let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
        ms(samples[i])
    };
    let p95 = at(0.95);
    println!(
        "{what:<36} n={:<5} p50 {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms   target p95 < {target_ms} ms: {}",
        samples.len(),
        at(0.5),
        p95,
        ms(samples[samples.len() - 1]),
        if p95 < target_ms { "met" } else { "MISSED" }
    );
}
