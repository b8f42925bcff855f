//! The directory's imports, feeds and category mapping, as the UI sees them.

use serde::Serialize;
use ts_rs::TS;
use waymark_store as store;

/// What importing a file or feed will do (before "Import") or did (after).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportPreview {
    /// Hands the previewed read back to `directory_import_confirm`.
    pub token: u32,
    /// True once written; false for a preview.
    pub imported: bool,
    pub source_label: String,
    pub source_is_new: bool,
    /// `page`, `list`, `single` or `package`.
    pub shape: String,
    /// The read holds the source's whole directory (so missing services are delisted).
    pub complete: bool,
    pub new: u32,
    pub changed: u32,
    pub unchanged: u32,
    pub delisted: u32,
    pub skipped: Vec<SkippedService>,
    /// The first services changed to fit (see `adjusted_total` for how many in all).
    pub adjusted: Vec<AdjustedService>,
    pub adjusted_total: u32,
    pub adjustment_counts: Vec<AdjustmentCount>,
    pub uncategorised: u32,
    pub notes: Vec<String>,
    pub new_names: Vec<String>,
    pub changed_names: Vec<String>,
    pub delisted_names: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SkippedService {
    /// Where it was in the file, from 1.
    pub position: u32,
    pub name: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AdjustedService {
    pub position: u32,
    pub name: String,
    pub adjustments: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AdjustmentCount {
    pub what: String,
    pub services: u32,
}

/// Most adjusted services the preview lists one by one (the counts cover them all).
const ADJUSTED_SHOWN: usize = 200;

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl ImportPreview {
    pub fn new(p: store::directory::ImportPreview, token: u32, imported: bool) -> Self {
        Self {
            token,
            imported,
            source_label: p.source_label,
            source_is_new: p.source_is_new,
            shape: p.shape.as_str().to_owned(),
            complete: p.complete,
            new: p.new,
            changed: p.changed,
            unchanged: p.unchanged,
            delisted: p.delisted,
            skipped: p
                .skipped
                .into_iter()
                .map(|s| SkippedService {
                    position: small(s.position),
                    name: s.name,
                    reason: s.reason,
                })
                .collect(),
            adjusted_total: small(p.adjusted.len()),
            adjusted: p
                .adjusted
                .into_iter()
                .take(ADJUSTED_SHOWN)
                .map(|a| AdjustedService {
                    position: small(a.position),
                    name: a.name,
                    adjustments: a.adjustments,
                })
                .collect(),
            adjustment_counts: p
                .adjustment_counts
                .into_iter()
                .map(|(what, services)| AdjustmentCount { what, services })
                .collect(),
            uncategorised: p.uncategorised,
            notes: p.notes,
            new_names: p.new_names,
            changed_names: p.changed_names,
            delisted_names: p.delisted_names,
        }
    }
}

/// How far reading a feed has got.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedProgress {
    pub pages_read: u32,
    pub pages_total: Option<u32>,
    pub services: u32,
    pub details_fetched: u32,
}

impl From<waymark_feed::FeedProgress> for FeedProgress {
    fn from(p: waymark_feed::FeedProgress) -> Self {
        Self {
            pages_read: p.pages_read,
            pages_total: p.pages_total,
            services: p.services,
            details_fetched: p.details_fetched,
        }
    }
}

/// A feed the practice subscribes to, or a file it imported from.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DirectorySource {
    pub id: i64,
    /// `feed` or `file`.
    pub kind: String,
    pub label: String,
    pub address: Option<String>,
    pub last_imported_at: Option<String>,
    pub last_summary: Option<String>,
    /// Services it lists now.
    pub services: u32,
    /// A feed not refreshed in the last 30 days (or never).
    pub refresh_due: bool,
}

/// A feed is offered a refresh once its last one is this old.
pub const REFRESH_AFTER_DAYS: i64 = 30;

impl DirectorySource {
    pub fn new(s: store::directory::Source, now: chrono::DateTime<chrono::Utc>) -> Self {
        let last = s
            .last_imported_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        let refresh_due = s.kind == "feed"
            && last.is_none_or(|t| (now - t.to_utc()).num_days() >= REFRESH_AFTER_DAYS);
        Self {
            id: s.id,
            kind: s.kind,
            label: s.label,
            address: s.address,
            last_imported_at: s.last_imported_at,
            last_summary: s.last_summary,
            services: s.services,
            refresh_due,
        }
    }
}

/// A feed's term and the practice category it files under.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TermMapping {
    pub key: String,
    pub label: String,
    pub vocabulary: String,
    pub chosen: Option<String>,
    pub suggested: Option<String>,
    pub services: u32,
}

impl From<store::directory::TermMapping> for TermMapping {
    fn from(t: store::directory::TermMapping) -> Self {
        Self {
            key: t.key,
            label: t.label,
            vocabulary: t.vocabulary,
            chosen: t.chosen,
            suggested: t.suggested,
            services: t.services,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_is_due_a_refresh_after_thirty_days_and_a_file_never() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .unwrap()
            .to_utc();
        let source = |kind: &str, last: Option<&str>| store::directory::Source {
            id: 1,
            kind: kind.into(),
            label: "x".into(),
            address: None,
            last_imported_at: last.map(Into::into),
            last_summary: None,
            services: 0,
        };
        let due = |kind, last| DirectorySource::new(source(kind, last), now).refresh_due;
        assert!(due("feed", None));
        assert!(due("feed", Some("2026-10-31T12:00:00Z")));
        assert!(!due("feed", Some("2026-11-01T12:00:00Z")));
        assert!(!due("file", None));
    }
}
