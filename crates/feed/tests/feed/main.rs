//! Reads feeds from a loopback HTTP server (127.0.0.1 only) with recorded pages.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod address;
mod failures;
mod limits;
mod paging;
mod server;

use std::sync::atomic::AtomicBool;

use serde_json::Value;
use waymark_feed::{fetch_services, FeedError, FeedOptions, FeedProgress};

/// Reads the feed at `base`, returning the result and every progress report.
fn read(base: &str, opts: &FeedOptions) -> (Result<Vec<Value>, FeedError>, Vec<FeedProgress>) {
    let mut reports = Vec::new();
    let cancel = AtomicBool::new(false);
    let result = fetch_services(base, opts, &mut |p| reports.push(p), &cancel);
    (result, reports)
}

/// The fixture `tests/fixtures/{name}` as JSON.
fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The `id`s of some services, as text.
fn ids(services: &[Value]) -> Vec<String> {
    services
        .iter()
        .map(|s| match &s["id"] {
            Value::String(id) => id.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn progress(
    pages_read: u32,
    pages_total: Option<u32>,
    services: u32,
    details_fetched: u32,
) -> FeedProgress {
    FeedProgress {
        pages_read,
        pages_total,
        services,
        details_fetched,
    }
}
