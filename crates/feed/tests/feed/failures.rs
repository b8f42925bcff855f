//! Feeds that fail: slow, erroring, not JSON, not a feed, redirecting away, cancelled.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use waymark_feed::{fetch_services, FeedError, FeedOptions};

use crate::read;
use crate::server::{Reply, Server};

const PAGE_1: &str = "/services?page=1&per_page=100";

/// The address of page 1 on `server`.
fn page_1(server: &Server) -> String {
    format!("{}{PAGE_1}", server.base())
}

#[test]
fn a_slow_page_times_out() {
    let server = Server::routes(vec![(
        PAGE_1,
        Reply::fixture("bare_array.json").after(Duration::from_secs(10)),
    )]);
    let opts = FeedOptions {
        timeout: Duration::from_millis(300),
        ..FeedOptions::default()
    };
    let started = Instant::now();
    let (result, reports) = read(&server.base(), &opts);
    let elapsed = started.elapsed();

    let err = result.unwrap_err();
    assert!(
        matches!(&err, FeedError::TimedOut { url } if *url == page_1(&server)),
        "{err:?}"
    );
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert!(reports.is_empty());
    assert_eq!(err.code(), "timed_out");
}

#[test]
fn a_server_error_is_reported_with_its_status() {
    let server = Server::routes(vec![(PAGE_1, Reply::status(500))]);
    let (result, reports) = read(&server.base(), &FeedOptions::default());
    let err = result.unwrap_err();
    assert!(
        matches!(&err, FeedError::Http { url, status: 500 } if *url == page_1(&server)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "The feed at {} answered 500 (server error).",
            page_1(&server)
        )
    );
    assert!(reports.is_empty());
}

#[test]
fn a_missing_feed_is_a_404() {
    let server = Server::routes(vec![]);
    let (result, _) = read(&server.base(), &FeedOptions::default());
    let err = result.unwrap_err();
    assert!(
        matches!(&err, FeedError::Http { status: 404, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("not found: check the address"),
        "{err}"
    );
}

#[test]
fn bad_json_is_not_json() {
    let server = Server::routes(vec![(PAGE_1, Reply::json(r#"{"contents": [{"id": "a",}"#))]);
    let (result, _) = read(&server.base(), &FeedOptions::default());
    let err = result.unwrap_err();
    match &err {
        FeedError::NotJson { url, message } => {
            assert_eq!(*url, page_1(&server));
            assert!(message.contains("line 1"), "{message}");
        }
        other => panic!("expected NotJson, got {other:?}"),
    }
}

#[test]
fn a_web_page_is_explained() {
    let server = Server::routes(vec![(
        PAGE_1,
        Reply::html("<html><body>Sign in</body></html>"),
    )]);
    let (result, _) = read(&server.base(), &FeedOptions::default());
    let err = result.unwrap_err();
    assert!(matches!(&err, FeedError::NotJson { .. }), "{err:?}");
    assert!(err.to_string().contains("sent a web page instead"), "{err}");
}

#[test]
fn other_json_is_not_a_feed() {
    let server = Server::routes(vec![(PAGE_1, Reply::json(r#"{"services": []}"#))]);
    let (result, _) = read(&server.base(), &FeedOptions::default());
    let err = result.unwrap_err();
    assert!(
        matches!(&err, FeedError::NotAFeed { url } if *url == page_1(&server)),
        "{err:?}"
    );
}

#[test]
fn a_redirect_to_another_scheme_is_refused() {
    let server = Server::routes(vec![(PAGE_1, Reply::redirect("ftp://127.0.0.1/services"))]);
    let (result, _) = read(&server.base(), &FeedOptions::default());
    let err = result.unwrap_err();
    match &err {
        FeedError::Network { url, message } => {
            assert_eq!(*url, page_1(&server));
            assert!(message.contains("ftp: address"), "{message}");
        }
        other => panic!("expected Network, got {other:?}"),
    }
    assert_eq!(server.targets(), [PAGE_1]);
}

#[test]
fn endless_redirects_stop() {
    let server = Server::start(|target| Reply::redirect(&format!("{target}&again=1")));
    let (result, _) = read(&server.base(), &FeedOptions::default());
    let err = result.unwrap_err();
    assert!(
        matches!(&err, FeedError::Network { message, .. } if message.contains("more than 5 times")),
        "{err:?}"
    );
    assert_eq!(server.targets().len(), 6);
}

#[test]
fn nothing_listening_is_a_network_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (result, _) = read(&format!("http://127.0.0.1:{port}"), &FeedOptions::default());
    let err = result.unwrap_err();
    assert!(matches!(&err, FeedError::Network { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("Waymark could not read the feed at http://127.0.0.1:"),
        "{err}"
    );
}

#[test]
fn cancel_from_progress_stops_before_the_next_request() {
    let server = Server::hsds_three_pages();
    let opts = FeedOptions {
        per_page: 2,
        ..FeedOptions::default()
    };
    let cancel = AtomicBool::new(false);
    let mut calls = 0;
    let result = fetch_services(
        &server.base(),
        &opts,
        &mut |_| {
            calls += 1;
            cancel.store(true, Ordering::Relaxed);
        },
        &cancel,
    );
    assert!(matches!(result, Err(FeedError::Cancelled)), "{result:?}");
    assert_eq!(calls, 1);
    assert_eq!(server.targets(), ["/services?page=1&per_page=2"]);
}

#[test]
fn cancel_before_start_makes_no_request() {
    let server = Server::routes(vec![(PAGE_1, Reply::fixture("bare_array.json"))]);
    let cancel = AtomicBool::new(true);
    let result = fetch_services(
        &server.base(),
        &FeedOptions::default(),
        &mut |_| {},
        &cancel,
    );
    assert!(matches!(result, Err(FeedError::Cancelled)), "{result:?}");
    assert!(server.targets().is_empty());
}

#[test]
fn a_bad_address_makes_no_request() {
    let (result, _) = read("ftp://127.0.0.1/services", &FeedOptions::default());
    assert!(
        matches!(result, Err(FeedError::BadAddress(_))),
        "{result:?}"
    );
}
