//! Feed addresses: turning what a person pasted into a base address, and building
//! the request addresses from it.

use crate::FeedError;

/// Turns what the practice typed or pasted into the feed's base address: trimmed,
/// `https://` added when no scheme is given, http or https only, with trailing `/`
/// and a trailing `/services` removed so either the base or the services address
/// can be pasted. No query or fragment: the crate appends its own path and query.
///
/// ```
/// # use waymark_feed::normalise_base;
/// assert_eq!(
///     normalise_base(" api.example.org/v3/services/ ").unwrap(),
///     "https://api.example.org/v3"
/// );
/// ```
pub fn normalise_base(input: &str) -> Result<String, FeedError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(FeedError::BadAddress(
            "No feed address was given: enter the web address of the Open Referral feed."
                .to_owned(),
        ));
    }

    let with_scheme = match scheme_of(trimmed) {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            // Lower-case the scheme; keep the rest as typed.
            format!(
                "{}{}",
                scheme.to_ascii_lowercase(),
                &trimmed[scheme.len()..]
            )
        }
        Some(_) => {
            return Err(FeedError::BadAddress(format!(
                "“{trimmed}” is not a web address: a feed address must start with https:// or http://."
            )));
        }
        None => format!("https://{trimmed}"),
    };

    if with_scheme.chars().any(char::is_whitespace) {
        return Err(bad(trimmed, "it contains spaces"));
    }
    if with_scheme.contains(['?', '#']) {
        return Err(bad(
            trimmed,
            "it has a ? or # part; give the feed's base address only",
        ));
    }

    let mut base = with_scheme.as_str();
    base = base.trim_end_matches('/');
    if let Some(cut) = base.len().checked_sub("/services".len()) {
        if base.is_char_boundary(cut) && base[cut..].eq_ignore_ascii_case("/services") {
            base = base[..cut].trim_end_matches('/');
        }
    }

    // The base must parse as an absolute http(s) address with a host, and so must
    // every address built from it.
    let after_scheme = base.split_once("://").map_or("", |(_, rest)| rest);
    let authority = after_scheme.split('/').next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() || host.starts_with(':') {
        return Err(bad(trimmed, "it has no server name"));
    }
    if authority.contains('@') {
        return Err(bad(
            trimmed,
            "it includes a user name or password, which Waymark does not send",
        ));
    }
    let probe = format!("{base}/services?page=1&per_page=1");
    if ureq::http::Uri::try_from(probe.as_str()).is_err() {
        return Err(bad(trimmed, "it is not a valid web address"));
    }
    Ok(base.to_owned())
}

/// The explanation for an address that cannot be used.
fn bad(input: &str, why: &str) -> FeedError {
    FeedError::BadAddress(format!(
        "“{input}” cannot be used as a feed address: {why}."
    ))
}

/// The scheme of an address that has one (`"ftp"` for `ftp://x`, `"mailto"` for
/// `mailto:x`), or `None` when it starts straight with a host. `host:port` is not
/// taken for a scheme: a scheme is followed by `//` or by something not all digits.
fn scheme_of(address: &str) -> Option<&str> {
    let (scheme, rest) = address.split_once(':')?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !first_ok || !rest_ok {
        return None;
    }
    if rest.starts_with("//") {
        return Some(scheme);
    }
    // "localhost:8080/api" is a host and port, not a scheme.
    let port = rest.split('/').next().unwrap_or_default();
    if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) {
        None
    } else {
        Some(scheme)
    }
}

/// `{base}/services?page=N&per_page=P`.
pub(crate) fn page_url(base: &str, page: u32, per_page: u32) -> String {
    format!("{base}/services?page={page}&per_page={per_page}")
}

/// `{base}/services` (named in errors about the feed as a whole).
pub(crate) fn services_url(base: &str) -> String {
    format!("{base}/services")
}

/// `{base}/services/{id}`, the id encoded as one path segment.
pub(crate) fn detail_url(base: &str, id: &str) -> String {
    format!("{base}/services/{}", encode_segment(id))
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so the id
/// stays one path segment whatever it holds (`/`, `?`, spaces, non-ASCII). An id
/// made only of dots is encoded too, so it cannot read as `.` or `..`.
fn encode_segment(id: &str) -> String {
    let all_dots = id.bytes().all(|b| b == b'.');
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'~')
            || (byte == b'.' && !all_dots);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Where a redirect's `Location` points, resolved against the address that gave
/// it. Only http and https are followed, and never from https down to http (the
/// feed's content could then be altered on the way). Relative locations are joined
/// without removing `.`/`..` segments, which servers do not send in practice.
pub(crate) fn redirect_target(current: &str, location: &str) -> Result<String, String> {
    let location = location.trim();
    let (current_scheme, current_rest) = current
        .split_once("://")
        .ok_or_else(|| "the address it came from is not absolute".to_owned())?;
    let authority_end = current_rest.find('/').unwrap_or(current_rest.len());
    let origin = &current[..current_scheme.len() + 3 + authority_end];

    let target = if let Some(scheme) = scheme_of(location) {
        if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
            return Err(format!(
                "it redirected to a {scheme}: address, which is not a web address"
            ));
        }
        location.to_owned()
    } else if location.starts_with("//") {
        format!("{current_scheme}:{location}")
    } else if location.starts_with('/') {
        format!("{origin}{location}")
    } else {
        let path_and_query = &current[origin.len()..];
        let path = path_and_query.split(['?', '#']).next().unwrap_or_default();
        if location.starts_with('?') {
            format!("{origin}{path}{location}")
        } else {
            let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            format!("{origin}{dir}/{location}")
        }
    };

    if current_scheme.eq_ignore_ascii_case("https")
        && target
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    {
        return Err("it redirected from a secure (https) address to an insecure (http) one".into());
    }
    if ureq::http::Uri::try_from(target.as_str()).is_err() {
        return Err("it redirected to an address that is not valid".into());
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_ports() {
        assert_eq!(scheme_of("https://x"), Some("https"));
        assert_eq!(scheme_of("ftp://x"), Some("ftp"));
        assert_eq!(scheme_of("mailto:a@b"), Some("mailto"));
        assert_eq!(scheme_of("localhost:8080/api"), None);
        assert_eq!(scheme_of("example.org"), None);
        assert_eq!(scheme_of("example.org/a:b"), None);
    }

    #[test]
    fn base_forms() {
        assert_eq!(
            normalise_base("HTTP://localhost:8080/api/").unwrap(),
            "http://localhost:8080/api"
        );
        assert_eq!(
            normalise_base("localhost:8080").unwrap(),
            "https://localhost:8080"
        );
        assert_eq!(
            normalise_base("https://x.org/Services").unwrap(),
            "https://x.org"
        );
        assert_eq!(
            normalise_base("https://x.org/my-services").unwrap(),
            "https://x.org/my-services"
        );
        assert!(matches!(
            normalise_base("https://x.org/services?page=2"),
            Err(FeedError::BadAddress(_))
        ));
        assert!(matches!(
            normalise_base("https://user:pw@x.org"),
            Err(FeedError::BadAddress(_))
        ));
        assert!(matches!(
            normalise_base("https://"),
            Err(FeedError::BadAddress(_))
        ));
        assert!(matches!(
            normalise_base("https:///services"),
            Err(FeedError::BadAddress(_))
        ));
        assert!(matches!(
            normalise_base("a b.org"),
            Err(FeedError::BadAddress(_))
        ));
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(encode_segment("abc-1_2.3~"), "abc-1_2.3~");
        assert_eq!(encode_segment("a/b c?"), "a%2Fb%20c%3F");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("é"), "%C3%A9");
        assert_eq!(
            detail_url("https://x.org/api", "7"),
            "https://x.org/api/services/7"
        );
    }

    #[test]
    fn redirects_resolve() {
        let here = "https://a.org/api/services?page=1";
        assert_eq!(
            redirect_target(here, "https://b.org/x").unwrap(),
            "https://b.org/x"
        );
        assert_eq!(
            redirect_target(here, "//c.org/y").unwrap(),
            "https://c.org/y"
        );
        assert_eq!(
            redirect_target(here, "/v2/services?page=1").unwrap(),
            "https://a.org/v2/services?page=1"
        );
        assert_eq!(
            redirect_target(here, "other?page=1").unwrap(),
            "https://a.org/api/other?page=1"
        );
        assert_eq!(
            redirect_target(here, "?page=2").unwrap(),
            "https://a.org/api/services?page=2"
        );
        assert!(redirect_target(here, "ftp://a.org/x").is_err());
        assert!(redirect_target(here, "http://a.org/x").is_err());
        assert_eq!(
            redirect_target("http://a.org/x", "https://a.org/y").unwrap(),
            "https://a.org/y"
        );
    }
}
