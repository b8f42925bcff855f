//! Reading Open Referral directories in every shape councils and 211s publish them:
//! an HSDS 3.0 page (`contents`) or an ORUK page (`content`), a bare list of services,
//! a single `service_full` object, and a tabular data package (CSV tables, or their
//! JSON form), in the names of HSDS 3.x, HSDS 1.x/2.x and Open Referral UK.
//!
//! Reading is forgiving and says so: every service that can be made to fit is kept,
//! with the changes that made it fit; a service with no id or no name is skipped with
//! the reason; the file as a whole is refused only when it is no directory at all.

pub mod categories;
pub mod clean;
pub mod export;
mod service;
mod tabular;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::Value;

use crate::directory::{ServiceInput, ServiceStatus};
pub use categories::FeedTerm;
pub use tabular::Tables;

/// The vocabulary Waymark's exports use for the fields HSDS has no place for
/// (discount, how a patient joins, the cost band a practice chose), so an export
/// imports back whole.
pub const WAYMARK_FIELDS: &str = "waymark-fields";

/// Most services one read may hold: a guard against a runaway file, far above any
/// practice's or 211's directory.
pub const MAX_SERVICES: usize = 50_000;

/// One service read from a feed, ready for the store to match and write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedService {
    /// Where it was in the feed, from 1.
    pub position: usize,
    pub hsds_id: String,
    pub organization_hsds_id: Option<String>,
    pub status: ServiceStatus,
    /// The service's fields. `category` is set only when the feed used Waymark's own
    /// categories; otherwise the store maps `terms` onto the practice's categories.
    pub input: ServiceInput,
    pub terms: Vec<FeedTerm>,
    pub waymark_category: bool,
    /// Whether the feed said anything about the fields only Waymark keeps; when it did
    /// not, an update keeps the practice's own.
    pub has_discount: bool,
    pub has_join_method: bool,
    /// What was changed to make it fit, in words: "web address: added https://".
    pub adjustments: Vec<String>,
}

/// A service that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub position: usize,
    pub name: Option<String>,
    pub reason: String,
}

/// The shape a directory arrived in, for the preview's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Page,
    List,
    Single,
    Package,
}

crate::string_enum!(Shape {
    Page => "page",
    List => "list",
    Single => "single",
    Package => "package",
});

/// Everything read from one file or feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFeed {
    pub shape: Shape,
    pub services: Vec<FeedService>,
    pub skipped: Vec<Skipped>,
    /// Things about the whole read a practice should know: ids given twice, a page
    /// that is only part of its feed, tables a package named but did not hold.
    pub notes: Vec<String>,
    /// True when the read holds the source's whole directory, so a service missing
    /// from it is no longer listed; false for one page of many or a single service.
    pub complete: bool,
}

/// Why nothing could be read, in words that say where to look.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HsdsError(pub String);

/// Reads a JSON directory file in any of the shapes above.
pub fn read_json(text: &str, today: NaiveDate) -> Result<ReadFeed, HsdsError> {
    let text = text.trim_start_matches('\u{feff}');
    let root: Value = serde_json::from_str(text)
        .map_err(|e| HsdsError(format!("The file is not valid JSON ({e}).")))?;
    read_value(root, today)
}

/// Reads a parsed JSON directory in any of the shapes above.
pub fn read_value(root: Value, today: NaiveDate) -> Result<ReadFeed, HsdsError> {
    match root {
        Value::Array(items) => read_services(items, Shape::List, true, Vec::new(), today),
        Value::Object(mut obj) => {
            let list_key = ["contents", "content"]
                .into_iter()
                .find(|k| obj.get(*k).is_some_and(Value::is_array));
            if let Some(key) = list_key {
                let items = match obj.remove(key) {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                };
                let number = |keys: &[&str]| {
                    keys.iter().find_map(|k| match obj.get(*k) {
                        Some(Value::Number(n)) => n.as_u64(),
                        Some(Value::String(s)) => s.trim().parse().ok(),
                        _ => None,
                    })
                };
                let pages = number(&["total_pages", "totalPages"]);
                let total = number(&["total_items", "totalElements"]);
                let mut notes = Vec::new();
                let complete = pages.is_none_or(|p| p <= 1);
                if !complete {
                    notes.push(format!(
                        "This file is one page of a feed of {} pages: services on the other \
                         pages are not in it, so none is marked as no longer listed. \
                         Subscribe to the feed to read all of it.",
                        pages.unwrap_or_default()
                    ));
                } else if let Some(t) =
                    total.filter(|t| usize::try_from(*t).ok() != Some(items.len()))
                {
                    notes.push(format!(
                        "The file says it holds {t} services; {} are in it.",
                        items.len()
                    ));
                }
                read_services(items, Shape::Page, complete, notes, today)
            } else if obj.get("id").is_some() && obj.get("name").is_some() {
                read_services(
                    vec![Value::Object(obj)],
                    Shape::Single,
                    false,
                    Vec::new(),
                    today,
                )
            } else if let Some(tables) = Tables::from_json(&obj) {
                tables.read(today)
            } else {
                Err(HsdsError(
                    "The file is not an Open Referral directory: it has no list of services \
                     (\"contents\"), is not a list or a single service, and holds no \
                     \"services\" table."
                        .into(),
                ))
            }
        }
        _ => Err(HsdsError(
            "The file is not an Open Referral directory: it holds neither services nor a page \
             of them."
                .into(),
        )),
    }
}

/// Reads a list of service objects. A later service with an id already read replaces
/// the earlier one, and the practice is told.
pub fn read_services(
    items: Vec<Value>,
    shape: Shape,
    complete: bool,
    notes: Vec<String>,
    today: NaiveDate,
) -> Result<ReadFeed, HsdsError> {
    let count = items.len();
    read_each(count, items.into_iter(), shape, complete, notes, today)
}

/// Reads `count` service objects one at a time, so a large package never holds every
/// joined object in memory at once.
fn read_each(
    count: usize,
    items: impl Iterator<Item = Value>,
    shape: Shape,
    complete: bool,
    mut notes: Vec<String>,
    today: NaiveDate,
) -> Result<ReadFeed, HsdsError> {
    if count > MAX_SERVICES {
        return Err(HsdsError(format!(
            "The directory lists {count} services; at most {MAX_SERVICES} can be imported at once."
        )));
    }
    let mut services: Vec<FeedService> = Vec::with_capacity(count);
    let mut skipped = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.enumerate() {
        match service::read(&item, i + 1, today) {
            Ok(s) => match at.get(&s.hsds_id) {
                Some(&earlier) => {
                    notes.push(format!(
                        "The id {} is given to services {} and {}: the later one is kept.",
                        s.hsds_id,
                        services[earlier].position,
                        i + 1
                    ));
                    services[earlier] = s;
                }
                None => {
                    at.insert(s.hsds_id.clone(), services.len());
                    services.push(s);
                }
            },
            Err((name, reason)) => skipped.push(Skipped {
                position: i + 1,
                name,
                reason,
            }),
        }
    }
    Ok(ReadFeed {
        shape,
        services,
        skipped,
        notes,
        complete,
    })
}

#[cfg(test)]
mod tests;
