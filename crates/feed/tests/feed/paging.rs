//! Feeds read to the end in each page shape: HSDS 3, ORUK v1 with summaries, bare arrays.

use serde_json::json;
use waymark_feed::{FeedError, FeedOptions};

use crate::server::{Reply, Server};
use crate::{fixture, ids, progress, read};

#[test]
fn hsds_three_pages_in_order() {
    let server = Server::hsds_three_pages();
    let opts = FeedOptions {
        per_page: 2,
        ..FeedOptions::default()
    };
    // The services address pasted in full works as well as the base.
    let (result, reports) = read(&format!("{}/services/", server.base()), &opts);
    let services = result.unwrap();

    assert_eq!(
        ids(&services),
        ["svc-001", "svc-002", "svc-003", "svc-004", "svc-005"]
    );
    assert_eq!(services[2], fixture("hsds_page2.json")["contents"][0]);
    assert_eq!(
        reports,
        [
            progress(1, Some(3), 2, 0),
            progress(2, Some(3), 4, 0),
            progress(3, Some(3), 5, 0)
        ]
    );
    assert_eq!(
        server.targets(),
        [
            "/services?page=1&per_page=2",
            "/services?page=2&per_page=2",
            "/services?page=3&per_page=2"
        ]
    );
}

#[test]
fn requests_ask_for_json_and_name_waymark() {
    let server = Server::hsds_three_pages();
    let opts = FeedOptions {
        per_page: 2,
        ..FeedOptions::default()
    };
    read(&server.base(), &opts).0.unwrap();
    let head = server.requests()[0].head.to_ascii_lowercase();
    assert!(
        head.starts_with("get /services?page=1&per_page=2 http/1.1\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\naccept: application/json\r\n"), "{head}");
    let agent = format!("\r\nuser-agent: waymark/{}\r\n", env!("CARGO_PKG_VERSION"));
    assert!(head.contains(&agent), "{head}");
    assert!(!head.contains("cookie"), "{head}");
}

#[test]
fn oruk_summaries_are_replaced_by_details() {
    let server = Server::routes(vec![
        (
            "/services?page=1&per_page=100",
            Reply::fixture("oruk_page1.json"),
        ),
        (
            "/services?page=2&per_page=100",
            Reply::fixture("oruk_page2.json"),
        ),
        ("/services/101", Reply::fixture("oruk_service_101.json")),
        (
            "/services/oruk%20b%2F2",
            Reply::fixture("oruk_service_b2.json"),
        ),
        // "oruk-gone" is not served: 404, so its summary is kept.
    ]);
    let (result, reports) = read(&server.base(), &FeedOptions::default());
    let services = result.unwrap();

    assert_eq!(
        services,
        [
            fixture("oruk_service_101.json"),
            fixture("oruk_service_b2.json"),
            json!({ "id": "oruk-gone", "name": "Willow Bereavement Café" }),
        ]
    );
    assert_eq!(
        reports,
        [
            progress(1, Some(2), 2, 0),
            progress(1, Some(2), 2, 1),
            progress(1, Some(2), 2, 2),
            progress(2, Some(2), 3, 2),
            progress(2, Some(2), 3, 2),
        ]
    );
    assert_eq!(
        server.targets(),
        [
            "/services?page=1&per_page=100",
            "/services/101",
            "/services/oruk%20b%2F2",
            "/services?page=2&per_page=100",
            "/services/oruk-gone",
        ]
    );
}

#[test]
fn a_failing_detail_fails_the_read() {
    let server = Server::routes(vec![
        (
            "/services?page=1&per_page=100",
            Reply::fixture("oruk_page1.json"),
        ),
        ("/services/101", Reply::status(503)),
    ]);
    let (result, _) = read(&server.base(), &FeedOptions::default());
    let err = result.unwrap_err();
    let url = format!("{}/services/101", server.base());
    assert!(
        matches!(&err, FeedError::Http { url: u, status: 503 } if *u == url),
        "{err:?}"
    );
}

#[test]
fn a_bare_array_is_the_whole_feed() {
    let server = Server::routes(vec![(
        "/services?page=1&per_page=100",
        Reply::fixture("bare_array.json"),
    )]);
    let (result, reports) = read(&server.base(), &FeedOptions::default());
    let services = result.unwrap();
    assert_eq!(
        services,
        fixture("bare_array.json").as_array().unwrap().clone()
    );
    assert_eq!(reports, [progress(1, None, 2, 0)]);
    assert_eq!(server.targets(), ["/services?page=1&per_page=100"]);
}

#[test]
fn an_empty_page_ends_a_feed_without_counts() {
    let server = Server::routes(vec![
        (
            "/services?page=1&per_page=100",
            Reply::json(r#"{"contents":[{"id":"a","phones":[]},{"id":"b","phones":[]}]}"#),
        ),
        (
            "/services?page=2&per_page=100",
            Reply::json(r#"{"contents":[],"empty":true}"#),
        ),
    ]);
    let (result, reports) = read(&server.base(), &FeedOptions::default());
    assert_eq!(ids(&result.unwrap()), ["a", "b"]);
    assert_eq!(reports, [progress(1, None, 2, 0), progress(2, None, 2, 0)]);
}

#[test]
fn a_server_that_ignores_page_gives_its_first_page() {
    // Every page is page 1, which claims three pages: keep page 1, stop at page 2.
    let server = Server::start(|target| {
        if target.starts_with("/services?") {
            Reply::fixture("hsds_page1.json")
        } else {
            Reply::status(404)
        }
    });
    let (result, reports) = read(&server.base(), &FeedOptions::default());
    assert_eq!(ids(&result.unwrap()), ["svc-001", "svc-002"]);
    assert_eq!(
        reports,
        [progress(1, Some(3), 2, 0), progress(2, Some(3), 2, 0)]
    );
    assert_eq!(server.targets().len(), 2);
}

#[test]
fn a_page_repeated_later_is_an_error() {
    let server = Server::routes(vec![
        (
            "/services?page=1&per_page=100",
            Reply::fixture("hsds_page1.json"),
        ),
        (
            "/services?page=2&per_page=100",
            Reply::fixture("hsds_page2.json"),
        ),
        (
            "/services?page=3&per_page=100",
            Reply::fixture("hsds_page2.json"),
        ),
    ]);
    let (result, _) = read(&server.base(), &FeedOptions::default());
    let err = result.unwrap_err();
    let url = format!("{}/services?page=3&per_page=100", server.base());
    assert!(
        matches!(&err, FeedError::RepeatedPage { url: u } if *u == url),
        "{err:?}"
    );
}

#[test]
fn redirects_within_http_are_followed() {
    let server = Server::routes(vec![
        (
            "/services?page=1&per_page=100",
            Reply::redirect("/v2/services?page=1&per_page=100"),
        ),
        (
            "/v2/services?page=1&per_page=100",
            Reply::fixture("bare_array.json"),
        ),
    ]);
    let (result, _) = read(&server.base(), &FeedOptions::default());
    assert_eq!(ids(&result.unwrap()), ["arr-1", "arr-2"]);
    assert_eq!(
        server.targets(),
        [
            "/services?page=1&per_page=100",
            "/v2/services?page=1&per_page=100"
        ]
    );
}
