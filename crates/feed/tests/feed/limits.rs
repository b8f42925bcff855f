//! The page and byte limits: endless feeds, oversize pages, oversize feeds.

use waymark_feed::{FeedError, FeedOptions};

use crate::read;
use crate::server::{Reply, Server};

/// Page `n` of a feed that always says there is more.
fn endless_page(target: &str) -> Reply {
    let n = target
        .strip_prefix("/services?page=")
        .and_then(|rest| rest.split('&').next())
        .unwrap_or("0");
    Reply::json(format!(
        r#"{{"content":[{{"id":"endless-{n}","phones":[]}}],"last":false,"totalPages":"1000000","number":{n}}}"#
    ))
}

#[test]
fn an_endless_feed_stops_at_max_pages() {
    let server = Server::start(endless_page);
    let opts = FeedOptions {
        max_pages: 5,
        ..FeedOptions::default()
    };
    let (result, reports) = read(&server.base(), &opts);
    let err = result.unwrap_err();
    assert!(
        matches!(&err, FeedError::TooManyPages { max: 5, url } if *url == format!("{}/services", server.base())),
        "{err:?}"
    );
    assert_eq!(server.targets().len(), 5);
    assert_eq!(server.targets()[4], "/services?page=5&per_page=100");
    assert_eq!(reports.len(), 5);
    assert_eq!(reports[4].services, 5);
}

#[test]
fn a_feed_at_exactly_max_pages_is_fine() {
    let server = Server::hsds_three_pages();
    let opts = FeedOptions {
        max_pages: 3,
        per_page: 2,
        ..FeedOptions::default()
    };
    assert_eq!(read(&server.base(), &opts).0.unwrap().len(), 5);
}

/// A page of `count` services with long descriptions, ids starting `{prefix}-`.
fn big_page(prefix: &str, count: usize) -> String {
    let services: Vec<String> = (0..count)
        .map(|i| {
            format!(
                r#"{{"id":"{prefix}-{i}","phones":[],"description":"{}"}}"#,
                "x".repeat(200)
            )
        })
        .collect();
    format!(
        r#"{{"contents":[{}],"last_page":false}}"#,
        services.join(",")
    )
}

#[test]
fn a_page_over_max_page_bytes_is_too_large() {
    let body = big_page("big", 20);
    assert!(body.len() > 4000);
    let server = Server::routes(vec![("/services?page=1&per_page=100", Reply::json(body))]);
    let opts = FeedOptions {
        max_page_bytes: 1000,
        ..FeedOptions::default()
    };
    let (result, _) = read(&server.base(), &opts);
    let err = result.unwrap_err();
    let url = format!("{}/services?page=1&per_page=100", server.base());
    assert!(
        matches!(&err, FeedError::TooLarge { url: u, max: 1000 } if *u == url),
        "{err:?}"
    );
    assert!(err.to_string().contains("more than 1000 bytes"), "{err}");
}

#[test]
fn a_page_without_length_is_cut_off_too() {
    let server = Server::routes(vec![(
        "/services?page=1&per_page=100",
        Reply::json(big_page("big", 20)).without_length(),
    )]);
    let opts = FeedOptions {
        max_page_bytes: 1000,
        ..FeedOptions::default()
    };
    let (result, _) = read(&server.base(), &opts);
    let err = result.unwrap_err();
    assert!(
        matches!(&err, FeedError::TooLarge { max: 1000, .. }),
        "{err:?}"
    );
}

#[test]
fn a_page_at_max_page_bytes_is_read() {
    let body = big_page("big", 1).replace(r#""last_page":false"#, r#""last_page":true"#);
    let len = body.len() as u64;
    let server = Server::routes(vec![(
        "/services?page=1&per_page=100",
        Reply::json(body).without_length(),
    )]);
    let opts = FeedOptions {
        max_page_bytes: len,
        ..FeedOptions::default()
    };
    assert_eq!(read(&server.base(), &opts).0.unwrap().len(), 1);
}

#[test]
fn pages_over_max_bytes_together_are_too_large() {
    // Each page is about 1.2 KB: two fit in 3000 bytes, the third does not.
    let server = Server::start(|target| Reply::json(big_page(target, 5)));
    let opts = FeedOptions {
        max_page_bytes: 2000,
        max_bytes: 3000,
        ..FeedOptions::default()
    };
    let (result, reports) = read(&server.base(), &opts);
    let err = result.unwrap_err();
    let url = format!("{}/services?page=3&per_page=100", server.base());
    assert!(
        matches!(&err, FeedError::FeedTooLarge { url: u, max: 3000 } if *u == url),
        "{err:?}"
    );
    assert_eq!(reports.len(), 2);
}
