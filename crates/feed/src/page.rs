//! The shapes a page of `/services` comes in, and what a page says about paging.

use serde_json::{Map, Value};

/// The keys only a full service record has. A list item with an `id` and none of
/// these is a summary, and its detail is fetched from `/services/{id}`.
const DETAIL_KEYS: &[&str] = &[
    "phones",
    "service_at_locations",
    "schedules",
    "regular_schedules",
    "organization",
    "contacts",
    "cost_options",
    "languages",
];

/// One page of services, whichever shape it came in.
#[derive(Debug)]
pub(crate) struct Page {
    pub items: Vec<Value>,
    /// `total_pages` (HSDS 3) or `totalPages` (ORUK v1), when given.
    pub total_pages: Option<u32>,
    /// `last_page` (HSDS 3) or `last` (ORUK v1), when given.
    pub last: Option<bool>,
    /// The answer was a bare array: the whole feed, not a page of it.
    pub whole_feed: bool,
}

impl Page {
    /// Reads a page: an HSDS 3 page (`contents`), an ORUK v1 Spring-style page
    /// (`content`), or a bare array of services. `None` for any other JSON.
    ///
    /// The page number a server reports (`page_number`, `number`) is ignored: some
    /// ORUK servers count from 0, so the caller counts pages itself.
    pub fn read(json: Value) -> Option<Page> {
        let mut object = match json {
            Value::Array(items) => {
                return Some(Page {
                    items,
                    total_pages: None,
                    last: Some(true),
                    whole_feed: true,
                });
            }
            Value::Object(object) => object,
            _ => return None,
        };
        let items = match take_list(&mut object, "contents")
            .or_else(|| take_list(&mut object, "content"))?
        {
            Value::Array(items) => items,
            // A page that says it is empty may send `null` for its list.
            Value::Null => Vec::new(),
            _ => return None,
        };
        Some(Page {
            items,
            total_pages: count(
                object
                    .get("total_pages")
                    .or_else(|| object.get("totalPages")),
            ),
            last: flag(object.get("last_page").or_else(|| object.get("last"))),
            whole_feed: false,
        })
    }
}

/// Removes the list under `key` when it is an array or null.
fn take_list(object: &mut Map<String, Value>, key: &str) -> Option<Value> {
    match object.get(key) {
        Some(Value::Array(_) | Value::Null) => object.remove(key),
        _ => None,
    }
}

/// A non-negative count given as a number or as a string of digits.
fn count(value: Option<&Value>) -> Option<u32> {
    match value? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A flag given as a boolean or as the string `"true"`/`"false"`.
fn flag(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The id of a list item as a path segment: a non-empty string or a number.
fn id_of(item: &Value) -> Option<String> {
    match item.get("id")? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The id to fetch the full record by, when `item` is a summary: an object with a
/// usable `id` and none of the detail keys.
pub(crate) fn summary_id(item: &Value) -> Option<String> {
    let object = item.as_object()?;
    if DETAIL_KEYS.iter().any(|key| object.contains_key(*key)) {
        return None;
    }
    id_of(item)
}

/// What identifies a page's items, to notice a server that ignores `page` and
/// sends the same page again: each item's `id`, or the whole item when it has none.
pub(crate) fn identities(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .map(|item| item.get("id").cloned().unwrap_or_else(|| item.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hsds_page_with_string_counts() {
        let page = Page::read(json!({
            "total_items": "3", "total_pages": "2", "page_number": "1", "size": "2",
            "first_page": true, "last_page": "false", "empty": false,
            "contents": [{"id": "a"}, {"id": "b"}]
        }))
        .unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.total_pages, Some(2));
        assert_eq!(page.last, Some(false));
        assert!(!page.whole_feed);
    }

    #[test]
    fn oruk_page() {
        let page = Page::read(json!({
            "totalElements": 1, "totalPages": 1, "number": 0, "size": 10,
            "first": true, "last": true, "content": [{"id": 1}]
        }))
        .unwrap();
        assert_eq!(page.items, vec![json!({"id": 1})]);
        assert_eq!(page.total_pages, Some(1));
        assert_eq!(page.last, Some(true));
    }

    #[test]
    fn other_json_is_not_a_page() {
        assert!(Page::read(json!({"services": []})).is_none());
        assert!(Page::read(json!({"contents": "x"})).is_none());
        assert!(Page::read(json!("hello")).is_none());
        assert!(Page::read(json!({"contents": null, "empty": true}))
            .unwrap()
            .items
            .is_empty());
    }

    #[test]
    fn summaries_are_told_from_details() {
        assert_eq!(
            summary_id(&json!({"id": "s1", "name": "X"})),
            Some("s1".into())
        );
        assert_eq!(summary_id(&json!({"id": 42})), Some("42".into()));
        assert_eq!(summary_id(&json!({"id": "s1", "phones": []})), None);
        assert_eq!(summary_id(&json!({"id": "s1", "organization": {}})), None);
        assert_eq!(summary_id(&json!({"id": ""})), None);
        assert_eq!(summary_id(&json!({"name": "no id"})), None);
        assert_eq!(summary_id(&json!(["not", "an", "object"])), None);
    }
}
