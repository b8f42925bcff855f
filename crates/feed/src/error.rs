//! Why reading a feed failed, in words a practice manager can act on.

/// Why a feed could not be read. Every message is a full sentence that names the
/// address involved, ready to show as it is; [`FeedError::code`] gives a stable
/// name for code that must branch on the kind of failure.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The address typed in cannot be used; the text is the whole explanation.
    #[error("{0}")]
    BadAddress(String),

    /// The server answered with an HTTP error status.
    #[error("The feed at {url} answered {status} ({}).", status_meaning(*status))]
    Http { url: String, status: u16 },

    /// No answer could be had: name lookup, connection, TLS or a broken reply.
    #[error("Waymark could not read the feed at {url}: {message}.")]
    Network { url: String, message: String },

    /// The server did not answer in full within the time allowed for one request.
    #[error("The feed at {url} did not answer in time; the server may be busy or down, so try again later.")]
    TimedOut { url: String },

    /// The answer was not JSON.
    #[error("The feed at {url} did not send valid JSON ({message}).")]
    NotJson { url: String, message: String },

    /// The answer was JSON, but not a page of services (nor, for a detail request,
    /// a service).
    #[error("The address {url} answered, but not with an Open Referral list of services; check that it is the feed's base address.")]
    NotAFeed { url: String },

    /// The feed kept saying there was more after `max` pages. `url` is the feed's
    /// `/services` address.
    #[error(
        "The feed at {url} has more than {max} pages, more than Waymark will read from one feed."
    )]
    TooManyPages { url: String, max: u32 },

    /// One response was larger than the per-response limit.
    #[error("The feed at {url} sent more than {}, the most Waymark reads in one response.", size(*max))]
    TooLarge { url: String, max: u64 },

    /// The responses together were larger than the limit for a whole feed. `url`
    /// is the request that crossed the limit.
    #[error("The feed stopped at {url}: it came to more than {} in total, the most Waymark reads from one feed.", size(*max))]
    FeedTooLarge { url: String, max: u64 },

    /// A page listed exactly the services of the page before it, after more than
    /// one page had been read: the server's paging is broken, and reading on would
    /// only repeat services.
    #[error("The feed at {url} sent the same services as the page before it, so Waymark stopped reading; the feed's paging seems to be broken.")]
    RepeatedPage { url: String },

    /// The caller asked to stop.
    #[error("Reading the feed was cancelled.")]
    Cancelled,
}

impl FeedError {
    /// A stable, machine-readable name for the kind of failure (for `{ code,
    /// message }` errors across IPC): never parse the message instead.
    pub fn code(&self) -> &'static str {
        match self {
            FeedError::BadAddress(_) => "bad_address",
            FeedError::Http { .. } => "http",
            FeedError::Network { .. } => "network",
            FeedError::TimedOut { .. } => "timed_out",
            FeedError::NotJson { .. } => "not_json",
            FeedError::NotAFeed { .. } => "not_a_feed",
            FeedError::TooManyPages { .. } => "too_many_pages",
            FeedError::TooLarge { .. } => "too_large",
            FeedError::FeedTooLarge { .. } => "feed_too_large",
            FeedError::RepeatedPage { .. } => "repeated_page",
            FeedError::Cancelled => "cancelled",
        }
    }
}

/// What an HTTP status means for the person who typed the address.
fn status_meaning(status: u16) -> &'static str {
    match status {
        400 => "bad request: the server did not understand Waymark's request",
        401 | 403 => "access refused: the feed may need a key or may block this network",
        404 | 410 => "not found: check the address",
        408 => "request timeout: try again later",
        429 => "too many requests: try again later",
        300..=399 => "a redirect Waymark could not follow",
        500..=599 => "server error",
        _ => "an unexpected answer",
    }
}

/// A byte count as a person reads it: "20 MB", "1.5 MB", "900 KB", "512 bytes"
/// (binary multiples, as the limits are set).
fn size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    let scaled = |unit: u64, name: &str| {
        if bytes.is_multiple_of(unit) {
            format!("{} {name}", bytes / unit)
        } else {
            // Display only: the precision lost in the cast does not matter.
            #[allow(clippy::cast_precision_loss)]
            let value = bytes as f64 / unit as f64;
            format!("{value:.1} {name}")
        }
    };
    if bytes >= MB {
        scaled(MB, "MB")
    } else if bytes >= KB {
        scaled(KB, "KB")
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(20 * 1024 * 1024), "20 MB");
        assert_eq!(size(1024 * 1024 + 512 * 1024), "1.5 MB");
        assert_eq!(size(2048), "2 KB");
        assert_eq!(size(1000), "1000 bytes");
    }

    #[test]
    fn messages_name_the_address() {
        let e = FeedError::Http {
            url: "https://x/services?page=3".into(),
            status: 500,
        };
        assert_eq!(
            e.to_string(),
            "The feed at https://x/services?page=3 answered 500 (server error)."
        );
        assert_eq!(e.code(), "http");
    }
}
