//! Reads the services of an Open Referral feed over HTTP.
//!
//! A practice can subscribe its community directory to an Open Referral API (HSDS
//! 3.0, or Open Referral UK v1). This crate exists to do the fetching, and only
//! that: it reads `{base}/services` page by page, fetches the full record of any
//! service listed only as a summary, and hands back the raw service objects for
//! another crate to parse. It owns every network limit (time, bytes, pages,
//! redirects), so nothing a feed sends can make the app hang or exhaust memory.
//!
//! It is blocking: call it from a worker thread, with an [`AtomicBool`] to cancel.

mod address;
mod error;
mod http;
mod page;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value;

pub use address::normalise_base;
pub use error::FeedError;

use address::{detail_url, page_url, services_url};
use http::Client;
use page::{identities, summary_id, Page};

/// Limits on one read of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedOptions {
    /// Pages read at most; a feed that still says there is more fails with
    /// [`FeedError::TooManyPages`]. Values below 1 count as 1.
    pub max_pages: u32,
    /// Bytes read at most across all requests (page and detail bodies, after
    /// decompression).
    pub max_bytes: u64,
    /// Bytes read at most in one response body (after decompression).
    pub max_page_bytes: u64,
    /// Time allowed for one request, from connecting to the end of the body.
    pub timeout: Duration,
    /// Services asked for per page (`per_page`; values below 1 count as 1);
    /// servers may send fewer.
    pub per_page: u32,
}

impl Default for FeedOptions {
    fn default() -> Self {
        FeedOptions {
            max_pages: 1000,
            max_bytes: 200 * 1024 * 1024,
            max_page_bytes: 20 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            per_page: 100,
        }
    }
}

/// How far a read has got, reported after each page and each detail request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FeedProgress {
    /// Pages read so far.
    pub pages_read: u32,
    /// The page count the feed last gave, if it gives one.
    pub pages_total: Option<u32>,
    /// Services listed so far (summaries count before their detail arrives).
    pub services: u32,
    /// Summaries replaced by their full record so far (a detail the server
    /// answers 404 for is not counted: the summary is kept).
    pub details_fetched: u32,
}

/// Reads every service of the feed at `base` (anything [`normalise_base`]
/// accepts), in feed order.
///
/// Pages are requested as `{base}/services?page=N&per_page=P` from page 1 until a
/// page is empty, says it is the last (`last_page`/`last`), or reaches the page
/// count the feed gives (`total_pages`/`totalPages`). A bare JSON array is taken
/// as the whole feed. List items that are summaries (an `id` and none of the
/// detail keys) are replaced by `{base}/services/{id}`, or kept when that is 404.
///
/// `progress` is called after each page and each detail request; `cancel` is
/// checked before every request, and when set the read stops with
/// [`FeedError::Cancelled`].
pub fn fetch_services(
    base: &str,
    opts: &FeedOptions,
    progress: &mut dyn FnMut(FeedProgress),
    cancel: &AtomicBool,
) -> Result<Vec<Value>, FeedError> {
    let base = normalise_base(base)?;
    let mut client = Client::new(opts);
    let mut reader = Reader {
        base: &base,
        client: &mut client,
        progress,
        cancel,
        state: FeedProgress {
            pages_read: 0,
            pages_total: None,
            services: 0,
            details_fetched: 0,
        },
        services: Vec::new(),
    };
    let max_pages = opts.max_pages.max(1);
    let mut previous: Option<Vec<Value>> = None;

    for number in 1..=max_pages {
        reader.check_cancel()?;
        let url = page_url(&base, number, opts.per_page.max(1));
        let json = reader.client.get_json(&url)?;
        let page = Page::read(json).ok_or_else(|| FeedError::NotAFeed { url: url.clone() })?;
        reader.state.pages_read = number;
        if page.total_pages.is_some() {
            reader.state.pages_total = page.total_pages;
        }

        if page.items.is_empty() {
            reader.report();
            return Ok(reader.services);
        }

        let ids = identities(&page.items);
        if previous.as_ref() == Some(&ids) {
            // The same services as the page before: the server ignores `page`.
            // When that page was page 1, the server sends its whole list (or all
            // it will send) on every page, so page 1 already holds the feed: keep
            // it and stop, rather than fail a feed that works but cannot page.
            // After two different pages, though, a repeat means the paging broke
            // part-way and services may be missing, so that is an error.
            if number == 2 {
                reader.report();
                return Ok(reader.services);
            }
            return Err(FeedError::RepeatedPage { url });
        }
        previous = Some(ids);

        let done = page.whole_feed
            || page.last == Some(true)
            || page.total_pages.is_some_and(|total| number >= total);
        reader.add_page(page.items)?;
        if done {
            return Ok(reader.services);
        }
    }

    Err(FeedError::TooManyPages {
        url: services_url(&base),
        max: max_pages,
    })
}

/// The state of one read: where it is, what it has, whom to tell.
struct Reader<'a> {
    base: &'a str,
    client: &'a mut Client,
    progress: &'a mut dyn FnMut(FeedProgress),
    cancel: &'a AtomicBool,
    state: FeedProgress,
    services: Vec<Value>,
}

impl Reader<'_> {
    fn check_cancel(&self) -> Result<(), FeedError> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(FeedError::Cancelled)
        } else {
            Ok(())
        }
    }

    fn report(&mut self) {
        (self.progress)(self.state);
    }

    /// Adds a page's items, reports the page, then replaces each summary by its
    /// full record, reporting after each detail request.
    fn add_page(&mut self, items: Vec<Value>) -> Result<(), FeedError> {
        let first = self.services.len();
        let added = u32::try_from(items.len()).unwrap_or(u32::MAX);
        self.state.services = self.state.services.saturating_add(added);
        self.services.extend(items);
        self.report();

        for index in first..self.services.len() {
            let Some(id) = summary_id(&self.services[index]) else {
                continue;
            };
            self.check_cancel()?;
            let url = detail_url(self.base, &id);
            match self.client.get_json_unless_missing(&url)? {
                Some(detail @ Value::Object(_)) => {
                    self.services[index] = detail;
                    self.state.details_fetched += 1;
                }
                Some(_) => return Err(FeedError::NotAFeed { url }),
                // 404: the feed lists a service it cannot show; keep the summary.
                None => {}
            }
            self.report();
        }
        Ok(())
    }
}
