//! The one place that talks HTTP: GET a JSON document within the time and size
//! limits, following a few redirects by hand.

use std::io::ErrorKind;

use serde_json::Value;
use ureq::tls::{RootCerts, TlsConfig};
use ureq::Agent;

use crate::address::redirect_target;
use crate::{FeedError, FeedOptions};

/// Redirects followed for one request before giving up.
const MAX_REDIRECTS: u32 = 5;

/// An HTTP client for one feed read, counting the bytes read so far.
#[derive(Debug)]
pub(crate) struct Client {
    agent: Agent,
    max_page_bytes: u64,
    max_bytes: u64,
    bytes_read: u64,
}

impl Client {
    pub fn new(opts: &FeedOptions) -> Client {
        // Certificates are checked by the operating system (rustls-platform-verifier),
        // not against a root list built into the app: NHS and council networks inspect
        // TLS with their own root certificates, which only the OS store trusts.
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::PlatformVerifier)
            .build();
        let agent = Agent::config_builder()
            // Statuses are ours to explain, so they come back as responses.
            .http_status_as_error(false)
            // Redirects are followed in `get_json`, which refuses non-http(s)
            // schemes and https-to-http; ureq hands the 3xx back untouched.
            .max_redirects(0)
            .max_redirects_will_error(false)
            // End to end for one request, reading the body included. A redirect
            // starts a new request with its own allowance.
            .timeout_global(Some(opts.timeout))
            .user_agent(concat!("Waymark/", env!("CARGO_PKG_VERSION")))
            .accept("application/json")
            .tls_config(tls)
            .build()
            .new_agent();
        // ureq keeps no cookies unless its `cookies` feature is on, and it is not.
        Client {
            agent,
            max_page_bytes: opts.max_page_bytes,
            max_bytes: opts.max_bytes,
            bytes_read: 0,
        }
    }

    /// GETs `url` and parses its JSON; any non-2xx status is an error.
    pub fn get_json(&mut self, url: &str) -> Result<Value, FeedError> {
        self.get(url, false)?.ok_or_else(|| FeedError::Http {
            url: url.to_owned(),
            status: 404,
        })
    }

    /// As [`Client::get_json`], but `Ok(None)` for a 404.
    pub fn get_json_unless_missing(&mut self, url: &str) -> Result<Option<Value>, FeedError> {
        self.get(url, true)
    }

    /// GETs `url` and parses its JSON. `Ok(None)` for a 404 when `missing_ok`;
    /// every other non-2xx status is an error. The proxy, if any, comes from the
    /// usual `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` environment variables.
    fn get(&mut self, url: &str, missing_ok: bool) -> Result<Option<Value>, FeedError> {
        let mut current = url.to_owned();
        let mut redirects = 0;
        let mut response = loop {
            let response = self
                .agent
                .get(&current)
                .call()
                .map_err(|e| from_ureq(&current, e, self.max_page_bytes))?;
            let status = response.status();
            if !status.is_redirection() || status.as_u16() == 304 {
                break response;
            }
            let Some(location) = response
                .headers()
                .get(ureq::http::header::LOCATION)
                .and_then(|v| v.to_str().ok())
            else {
                return Err(FeedError::Http {
                    url: current,
                    status: status.as_u16(),
                });
            };
            if redirects == MAX_REDIRECTS {
                return Err(FeedError::Network {
                    url: url.to_owned(),
                    message: format!("it redirected more than {MAX_REDIRECTS} times"),
                });
            }
            redirects += 1;
            current =
                redirect_target(&current, location).map_err(|message| FeedError::Network {
                    url: current.clone(),
                    message,
                })?;
        };

        let status = response.status().as_u16();
        if status == 404 && missing_ok {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(FeedError::Http {
                url: current,
                status,
            });
        }

        let remaining = self.max_bytes.saturating_sub(self.bytes_read);
        let (limit, too_large) = if self.max_page_bytes <= remaining {
            let max = self.max_page_bytes;
            (
                max,
                FeedError::TooLarge {
                    url: current.clone(),
                    max,
                },
            )
        } else {
            let max = self.max_bytes;
            (
                remaining,
                FeedError::FeedTooLarge {
                    url: current.clone(),
                    max,
                },
            )
        };
        // Refuse a declared oversize body without reading it (ureq drops the
        // length of a body it will decompress, so this is the uncompressed size).
        if response.body().content_length().is_some_and(|n| n > limit) {
            return Err(too_large);
        }
        let html = response
            .body()
            .mime_type()
            .is_some_and(|m| m.eq_ignore_ascii_case("text/html"));
        let bytes = match response.body_mut().with_config().limit(limit).read_to_vec() {
            Ok(bytes) => bytes,
            Err(ureq::Error::BodyExceedsLimit(_)) => return Err(too_large),
            Err(e) => return Err(from_ureq(&current, e, self.max_page_bytes)),
        };
        self.bytes_read = self.bytes_read.saturating_add(bytes.len() as u64);

        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match serde_json::from_slice(text) {
            Ok(json) => Ok(Some(json)),
            Err(_) if html => Err(FeedError::NotJson {
                url: current,
                message: "it sent a web page instead, perhaps a sign-in or error page".into(),
            }),
            Err(e) => Err(FeedError::NotJson {
                url: current,
                message: e.to_string(),
            }),
        }
    }
}

/// Explains a ureq failure for `url`.
fn from_ureq(url: &str, error: ureq::Error, max_page_bytes: u64) -> FeedError {
    use ureq::Error as E;
    let network = |message: &str| FeedError::Network {
        url: url.to_owned(),
        message: message.to_owned(),
    };
    match error {
        E::Timeout(_) => FeedError::TimedOut { url: url.to_owned() },
        E::Io(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
            FeedError::TimedOut { url: url.to_owned() }
        }
        E::BodyExceedsLimit(_) => FeedError::TooLarge {
            url: url.to_owned(),
            max: max_page_bytes,
        },
        E::HostNotFound => network("the server name was not found; check the address"),
        E::ConnectionFailed => network("the server could not be reached"),
        E::Io(e) if e.kind() == ErrorKind::ConnectionRefused => {
            network("the server refused the connection")
        }
        E::Io(e) => network(&format!("the connection failed ({e})")),
        E::Tls(_) | E::Rustls(_) | E::Pem(_) => network(
            "the secure connection failed; the server's certificate may not be trusted on this computer",
        ),
        E::TooManyRedirects | E::RedirectFailed => network("it redirected in a way Waymark cannot follow"),
        E::LargeResponseHeader(..) => network("its reply headers were too large"),
        E::Decompress(..) => network("its compressed reply could not be unpacked"),
        E::ConnectProxyFailed(_) | E::InvalidProxyUrl => {
            network("the network proxy could not be used; check the proxy settings")
        }
        E::BadUri(_) => network("the address is not valid"),
        other => network(&format!("the reply could not be read ({other})")),
    }
}
