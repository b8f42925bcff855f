//! Directory import benchmark (issue 18): the 211's real data package (about 4,000
//! services, read from ../shared) and a synthetic 800-service Open Referral UK feed,
//! each read, previewed and imported into a fresh encrypted caseload, then imported
//! again unchanged. Run with `cargo xtask bench` (release build).
//!
//! Targets: the 4,000-service package previews, and imports, in under 2 s each; the
//! 800-service feed in under 1 s; memory stays under 200 MB throughout.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a panic is the report

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::json;
use waymark_domain::hsds::{self, ReadFeed};
use waymark_store::directory::Origin;
use waymark_store::directory_file::read_path;
use waymark_store::{CredentialVault, Database};

const RUNS: usize = 5;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

/// Peak resident memory of this process so far (Linux), in MB.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

struct Figures {
    read: Duration,
    preview: Duration,
    import: Duration,
    again: Duration,
}

fn measure(read_once: &dyn Fn() -> ReadFeed, origin: &Origin, today: NaiveDate) -> Figures {
    let vault = CredentialVault::new(keyring_core::mock::Store::new().unwrap());
    let (mut reads, mut previews, mut imports, mut agains) = (vec![], vec![], vec![], vec![]);
    for _ in 0..RUNS {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path(), &vault).unwrap();
        let t = Instant::now();
        let read = read_once();
        reads.push(t.elapsed());
        let t = Instant::now();
        let p = db.directory().preview_import(&read, origin, today).unwrap();
        previews.push(t.elapsed());
        let t = Instant::now();
        let done = db.directory().import(&read, origin, today).unwrap();
        imports.push(t.elapsed());
        assert_eq!(p.new, done.new);
        let t = Instant::now();
        let again = db.directory().import(&read, origin, today).unwrap();
        agains.push(t.elapsed());
        assert_eq!(again.new + again.changed, 0);
    }
    Figures {
        read: median(reads),
        preview: median(previews),
        import: median(imports),
        again: median(agains),
    }
}

fn report(what: &str, services: usize, f: &Figures, target: Duration) {
    let verdict = |d: Duration| if d < target { "met" } else { "MISSED" };
    let preview = f.read + f.preview;
    println!("{what}: {services} services (median of {RUNS} runs)");
    println!(
        "  read {}; preview {}; read + preview {} (target < {}: {})",
        ms(f.read),
        ms(f.preview),
        ms(preview),
        ms(target),
        verdict(preview)
    );
    println!(
        "  import after the preview {} (target < {}: {}); importing it again unchanged {}",
        ms(f.import),
        ms(target),
        verdict(f.import),
        ms(f.again)
    );
}

/// An Open Referral UK feed as councils publish it: integer ids, HTML descriptions,
/// addresses without a scheme, quoted phones, regular_schedules and taxonomies.
fn oruk_feed(n: usize) -> String {
    let terms = [
        "Befriending services",
        "Debt advice",
        "Exercise classes",
        "Food banks",
        "Legal advice",
    ];
    let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    let services: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            json!({
                "id": 10_000 + i,
                "name": format!("Community group {i}"),
                "description": format!("<p>A weekly group for people in ward {}.</p><p>Tea &amp; chat, then an activity. See <a href=\"https://groups.example/{i}\">our page</a>.</p>", i % 40),
                "url": format!("www.groups.example/{i}"),
                "email": format!("group{i}@groups.example"),
                "fees": if i % 3 == 0 { "Free" } else { "£3 a session" },
                "attending_type": "In person",
                "organization": {"id": i % 120, "name": format!("Voluntary organisation {}", i % 120)},
                "regular_schedules": [
                    {"weekday": days[i % 5], "opens_at": "10:00:00", "closes_at": "12:00:00"},
                    {"weekday": days[(i + 2) % 5], "opens_at": "6:30pm", "closes_at": "8pm"}
                ],
                "service_taxonomys": [{"taxonomy": {"id": format!("t{}", i % 5), "name": terms[i % 5], "vocabulary": "esdServiceTypes"}}],
                "languages": [{"language": "English"}],
                "contacts": [{"name": "Organiser", "phones": [{"number": format!("\"01632 {:06}\"", i)}]}],
                "service_at_locations": [{"location": {
                    "name": format!("Hall {}", i % 60),
                    "physical_addresses": [{"address_1": format!("{} High Street", i % 200), "city": "Hollinsford", "postal_code": "HF1 1AA"}]
                }}]
            })
        })
        .collect();
    json!({"totalElements": n, "totalPages": 1, "number": 0, "content": services}).to_string()
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let zip = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/real/miami-211-hsds1/datapackage-1566177582.zip");
    let package = || read_path(&zip, today).unwrap();
    let count = package().services.len();
    let origin = Origin::File {
        name: "datapackage-1566177582.zip".into(),
    };
    let f = measure(&package, &origin, today);
    report(
        "211 data package (zip of CSV tables)",
        count,
        &f,
        Duration::from_secs(2),
    );

    let text = oruk_feed(800);
    let feed = || hsds::read_json(&text, today).unwrap();
    let origin = Origin::Feed {
        address: "https://council.example/oruk".into(),
    };
    let f = measure(&feed, &origin, today);
    report(
        "Open Referral UK feed (JSON)",
        800,
        &f,
        Duration::from_secs(1),
    );

    match peak_mb() {
        Some(mb) => println!(
            "peak memory of the whole benchmark: {mb:.0} MB (target < 200 MB: {})",
            if mb < 200.0 { "met" } else { "MISSED" }
        ),
        None => println!("peak memory: not measured on this platform"),
    }
}
