//! What normalise_base accepts, changes and refuses.

use waymark_feed::{normalise_base, FeedError};

#[test]
fn adds_https_when_there_is_no_scheme() {
    assert_eq!(
        normalise_base("  directory.example.org/api/v3 ").unwrap(),
        "https://directory.example.org/api/v3"
    );
}

#[test]
fn strips_trailing_services_and_slashes() {
    assert_eq!(
        normalise_base("https://directory.example.org/api/services/").unwrap(),
        "https://directory.example.org/api"
    );
    assert_eq!(
        normalise_base("http://127.0.0.1:8080/services").unwrap(),
        "http://127.0.0.1:8080"
    );
    assert_eq!(
        normalise_base("https://directory.example.org///").unwrap(),
        "https://directory.example.org"
    );
}

#[test]
fn keeps_a_host_and_port_without_scheme() {
    assert_eq!(
        normalise_base("localhost:8080/openreferral").unwrap(),
        "https://localhost:8080/openreferral"
    );
}

#[test]
fn refuses_other_schemes() {
    let err = normalise_base("ftp://files.example.org/services").unwrap_err();
    assert!(matches!(err, FeedError::BadAddress(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "“ftp://files.example.org/services” is not a web address: a feed address must start with https:// or http://."
    );
}

#[test]
fn refuses_empty() {
    for input in ["", "   ", "\n"] {
        let err = normalise_base(input).unwrap_err();
        assert_eq!(err.code(), "bad_address");
        assert!(
            err.to_string().starts_with("No feed address was given"),
            "{err}"
        );
    }
}

#[test]
fn refuses_a_query() {
    let err = normalise_base("https://x.example.org/services?page=2").unwrap_err();
    assert!(
        err.to_string().contains("x.example.org/services?page=2"),
        "{err}"
    );
}
