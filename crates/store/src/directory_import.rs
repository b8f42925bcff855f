//! Importing a read directory (a file or a feed): matched against what the caseload
//! already holds, previewed, then written in one transaction.
//!
//! The preview and the import are the same code: the preview runs the import in a
//! transaction and rolls it back, so what the practice is shown is exactly what
//! "Import" then does.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use waymark_domain::hsds::categories::{self, FeedTerm, UNCATEGORISED};
use waymark_domain::hsds::{FeedService, ReadFeed, Shape, Skipped};
use waymark_domain::ServiceFields;

use crate::audit::{self, AuditAction};
use crate::directory::{self, Directory};
use crate::error::Result;
use crate::now;

/// Where a read came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file the practice chose, named as it was (`council-services.json`).
    File { name: String },
    /// A feed the practice subscribes to, by its base address.
    Feed { address: String },
}

/// A service the preview names, with what was changed to make it fit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Adjusted {
    pub position: usize,
    pub name: String,
    pub adjustments: Vec<String>,
}

/// What an import will do (or did). Serialised (for the command line) as JSON.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportPreview {
    pub source_label: String,
    /// False when the read updates services an earlier import brought in.
    pub source_is_new: bool,
    #[serde(serialize_with = "shape_text")]
    pub shape: Shape,
    pub complete: bool,
    pub new: u32,
    pub changed: u32,
    pub unchanged: u32,
    /// Services of this source that the read no longer lists (kept, marked).
    pub delisted: u32,
    #[serde(serialize_with = "skipped_list")]
    pub skipped: Vec<Skipped>,
    pub adjusted: Vec<Adjusted>,
    /// How many services each kind of adjustment touched, most first.
    pub adjustment_counts: Vec<(String, u32)>,
    /// Services whose feed terms matched none of the practice's categories.
    pub uncategorised: u32,
    pub notes: Vec<String>,
    /// Names of the first services of each kind, for the preview to show.
    pub new_names: Vec<String>,
    pub changed_names: Vec<String>,
    pub delisted_names: Vec<String>,
}

fn shape_text<S: serde::Serializer>(shape: &Shape, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(shape.as_str())
}

fn skipped_list<S: serde::Serializer>(
    list: &[Skipped],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(list.len()))?;
    for k in list {
        seq.serialize_element(&serde_json::json!({
            "position": k.position,
            "name": k.name,
            "reason": k.reason,
        }))?;
    }
    seq.end()
}

/// What importing `read` into an empty directory would do: for a look at a file or
/// feed with no caseload (and so no key) at hand. The scratch database lives in
/// memory only and holds nothing but the read's public directory data.
pub fn preview_against_empty(
    read: &ReadFeed,
    origin: &Origin,
    today: NaiveDate,
) -> Result<ImportPreview> {
    let mut conn = Connection::open_in_memory()?;
    crate::migrations::apply(&mut conn)?;
    let tx = conn.transaction()?;
    let preview = apply(&tx, read, origin, today)?;
    tx.rollback()?;
    Ok(preview)
}

/// How many names of each kind the preview carries.
const NAMES_SHOWN: usize = 50;

impl ImportPreview {
    /// One line for the directory's source list and the audit trail.
    pub fn summary(&self) -> String {
        format!(
            "{} new, {} changed, {} unchanged, {} skipped, {} no longer listed",
            self.new,
            self.changed,
            self.unchanged,
            self.skipped.len(),
            self.delisted
        )
    }
}

/// A feed the practice subscribes to, or a file lineage it imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub address: Option<String>,
    pub last_imported_at: Option<String>,
    pub last_summary: Option<String>,
    pub services: u32,
}

/// A feed term the practice can map onto one of its categories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMapping {
    pub key: String,
    pub label: String,
    pub vocabulary: String,
    /// The practice's choice, if it made one.
    pub chosen: Option<String>,
    /// Waymark's suggestion.
    pub suggested: Option<String>,
    /// How many services carry the term.
    pub services: u32,
}

impl Directory<'_> {
    /// What importing `read` would do, writing nothing.
    pub fn preview_import(
        &self,
        read: &ReadFeed,
        origin: &Origin,
        today: NaiveDate,
    ) -> Result<ImportPreview> {
        let tx = self.db.conn.unchecked_transaction()?;
        let preview = apply(&tx, read, origin, today)?;
        tx.rollback()?;
        Ok(preview)
    }

    /// Imports `read` in one transaction, audited as the signed-in person (or the CLI).
    pub fn import(
        &self,
        read: &ReadFeed,
        origin: &Origin,
        today: NaiveDate,
    ) -> Result<ImportPreview> {
        let tx = self.db.conn.unchecked_transaction()?;
        let preview = apply(&tx, read, origin, today)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Create,
            "directory_import",
            None,
            None,
        )?;
        tx.commit()?;
        Ok(preview)
    }

    /// Every feed and file lineage the directory was imported from.
    pub fn sources(&self) -> Result<Vec<Source>> {
        let mut stmt = self.db.conn.prepare(
            "SELECT d.id, d.kind, d.label, d.address, d.last_imported_at, d.last_summary,
                    (SELECT count(*) FROM services s WHERE s.source_id = d.id
                       AND s.delisted_at IS NULL)
             FROM directory_sources d ORDER BY d.kind, d.label COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Source {
                id: r.get(0)?,
                kind: r.get(1)?,
                label: r.get(2)?,
                address: r.get(3)?,
                last_imported_at: r.get(4)?,
                last_summary: r.get(5)?,
                services: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Subscribes to a feed (nothing is read until it is refreshed). Subscribing to
    /// one already there returns it.
    pub fn subscribe(&self, address: &str) -> Result<Source> {
        let tx = self.db.conn.unchecked_transaction()?;
        let id = feed_source(&tx, address)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Create,
            "directory_feed",
            Some(id),
            None,
        )?;
        tx.commit()?;
        self.sources()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(crate::Error::NotFound {
                entity: "directory_feed",
                id,
            })
    }

    /// Ends a feed subscription. Its services stay, as a file import's would.
    pub fn unsubscribe(&self, id: i64) -> Result<()> {
        let tx = self.db.conn.unchecked_transaction()?;
        let n = tx.execute(
            "UPDATE directory_sources SET kind = 'file', address = NULL
             WHERE id = ?1 AND kind = 'feed'",
            [id],
        )?;
        if n == 0 {
            return Err(crate::Error::NotFound {
                entity: "directory_feed",
                id,
            });
        }
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Archive,
            "directory_feed",
            Some(id),
            None,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every feed term imports have met, with the practice's choice and Waymark's
    /// suggestion, most used first.
    pub fn term_mappings(&self) -> Result<Vec<TermMapping>> {
        let counts = term_counts(&self.db.conn)?;
        let mut stmt = self
            .db
            .conn
            .prepare("SELECT term_key, label, vocabulary, code, category FROM category_map")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, label, vocabulary, code, chosen) = row?;
            // The key is the folded name, which is all the suggestion reads of a name.
            let term = FeedTerm {
                vocabulary: vocabulary.clone(),
                code,
                name: key.clone(),
            };
            out.push(TermMapping {
                services: counts.get(&key).copied().unwrap_or_default(),
                suggested: categories::suggest(&term).map(str::to_owned),
                key,
                label,
                vocabulary,
                chosen,
            });
        }
        out.sort_by(|a, b| b.services.cmp(&a.services).then(a.label.cmp(&b.label)));
        Ok(out)
    }

    /// Sets (or, with `None`, clears) the practice's category for a feed term, and
    /// re-files the imported services that carry it.
    pub fn set_term_category(&self, key: &str, category: Option<&str>) -> Result<u32> {
        let category = category.map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = category {
            if c.chars().count() > 100 || c.chars().any(char::is_control) {
                let mut e = waymark_domain::ValidationErrors::default();
                e.push(
                    "category",
                    "A category is one line of at most 100 characters.",
                );
                return Err(e.into());
            }
        }
        let tx = self.db.conn.unchecked_transaction()?;
        let n = tx.execute(
            "UPDATE category_map SET category = ?2, updated_at = ?3 WHERE term_key = ?1",
            params![key, category, now()],
        )?;
        if n == 0 {
            return Err(crate::Error::NotFound {
                entity: "category_term",
                id: 0,
            });
        }
        let refiled = refile(&tx)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            "category_map",
            None,
            None,
        )?;
        tx.commit()?;
        Ok(refiled)
    }
}

/// How many services carry each term key.
fn term_counts(conn: &Connection) -> Result<HashMap<String, u32>> {
    let mut counts = HashMap::new();
    let mut stmt = conn.prepare("SELECT feed_terms FROM services WHERE feed_terms IS NOT NULL")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for row in rows {
        for t in decode_terms(&row?) {
            *counts.entry(t.key()).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

fn encode_terms(terms: &[FeedTerm]) -> Option<String> {
    if terms.is_empty() {
        return None;
    }
    let list: Vec<serde_json::Value> = terms
        .iter()
        .map(|t| serde_json::json!({"vocabulary": t.vocabulary, "code": t.code, "name": t.name}))
        .collect();
    Some(serde_json::Value::Array(list).to_string())
}

pub(crate) fn decode_terms(text: &str) -> Vec<FeedTerm> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    let field = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    items
        .iter()
        .map(|v| FeedTerm {
            vocabulary: field(v, "vocabulary"),
            code: field(v, "code"),
            name: field(v, "name"),
        })
        .collect()
}

/// The practice's categories for term keys it has chosen.
fn chosen_map(conn: &Connection) -> Result<HashMap<String, String>> {
    let mut stmt =
        conn.prepare("SELECT term_key, category FROM category_map WHERE category IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The category for a service's terms: the practice's choice for the first term it
/// mapped, else Waymark's suggestion for the first it recognises, else Uncategorised.
fn categorise(terms: &[FeedTerm], chosen: &HashMap<String, String>) -> String {
    if terms.is_empty() {
        return String::new();
    }
    terms
        .iter()
        .find_map(|t| chosen.get(&t.key()).cloned())
        .or_else(|| {
            terms
                .iter()
                .find_map(|t| categories::suggest(t).map(str::to_owned))
        })
        .unwrap_or_else(|| UNCATEGORISED.to_owned())
}

/// Re-files every imported service from its feed terms (after the mapping changed).
fn refile(conn: &Connection) -> Result<u32> {
    let chosen = chosen_map(conn)?;
    let rows: Vec<(i64, String, Option<String>)> = {
        let mut stmt = conn.prepare(
            "SELECT id, feed_terms, category FROM services WHERE feed_terms IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut n = 0;
    for (id, terms, old) in rows {
        let category = categorise(&decode_terms(&terms), &chosen);
        if old.as_deref() != Some(category.as_str()) {
            conn.execute(
                "UPDATE services SET category = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, category, now()],
            )?;
            directory::refresh_search(conn, id)?;
            n += 1;
        }
    }
    Ok(n)
}

fn feed_source(conn: &Connection, address: &str) -> Result<i64> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT id FROM directory_sources WHERE address = ?1",
            [address],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO directory_sources (kind, label, address, created_at) VALUES ('feed', ?1, ?1, ?2)",
        params![address, now()],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The source a read belongs to: a feed by its address; a file by the earlier import
/// that most of its ids came from (a council's file of this month updates last
/// month's), or a new source named after the file.
fn source_for(conn: &Connection, read: &ReadFeed, origin: &Origin) -> Result<(i64, String, bool)> {
    match origin {
        Origin::Feed { address } => {
            let existed: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM directory_sources WHERE address = ?1
                   AND last_imported_at IS NOT NULL)",
                [address],
                |r| r.get(0),
            )?;
            Ok((feed_source(conn, address)?, address.clone(), !existed))
        }
        Origin::File { name } => {
            let known: HashMap<String, i64> = {
                let mut stmt = conn.prepare(
                    "SELECT s.feed_id, s.source_id FROM services s
                     JOIN directory_sources d ON d.id = s.source_id
                     WHERE d.kind = 'file' AND s.feed_id IS NOT NULL",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut votes: HashMap<i64, u32> = HashMap::new();
            for s in &read.services {
                if let Some(source) = known.get(&s.hsds_id) {
                    *votes.entry(*source).or_insert(0) += 1;
                }
            }
            if let Some((&id, _)) = votes.iter().max_by_key(|(id, n)| (**n, -**id)) {
                let label: String = conn.query_row(
                    "SELECT label FROM directory_sources WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )?;
                return Ok((id, label, false));
            }
            conn.execute(
                "INSERT INTO directory_sources (kind, label, created_at) VALUES ('file', ?1, ?2)",
                params![name, now()],
            )?;
            Ok((conn.last_insert_rowid(), name.clone(), true))
        }
    }
}

fn apply(
    conn: &Connection,
    read: &ReadFeed,
    origin: &Origin,
    today: NaiveDate,
) -> Result<ImportPreview> {
    let (source, source_label, source_is_new) = source_for(conn, read, origin)?;
    let chosen = chosen_map(conn)?;
    let ts = now();
    let mut p = ImportPreview {
        source_label,
        source_is_new,
        shape: read.shape,
        complete: read.complete,
        new: 0,
        changed: 0,
        unchanged: 0,
        delisted: 0,
        skipped: read.skipped.clone(),
        adjusted: Vec::new(),
        adjustment_counts: Vec::new(),
        uncategorised: 0,
        notes: read.notes.clone(),
        new_names: Vec::new(),
        changed_names: Vec::new(),
        delisted_names: Vec::new(),
    };
    let mut kinds: HashMap<String, u32> = HashMap::new();
    // What the caseload holds of this source, read once.
    let mut held = directory::read_source(conn, source, today)?;
    let mut terms_seen: HashSet<String> = HashSet::new();
    for s in &read.services {
        let mut input = s.input.clone();
        if !s.waymark_category {
            input.category = categorise(&s.terms, &chosen);
            if input.category == UNCATEGORISED {
                p.uncategorised += 1;
            }
        }
        for t in &s.terms {
            let key = t.key();
            if terms_seen.insert(key.clone()) {
                conn.prepare_cached(
                    "INSERT INTO category_map (term_key, label, vocabulary, code, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (term_key) DO NOTHING",
                )?
                .execute(params![key, t.label(), t.vocabulary, t.code, ts])?;
            }
        }
        let before = held.remove(&s.hsds_id);
        if let Some((b, _)) = &before {
            // Feeds know nothing of the practice's own notes on a service.
            if !s.has_discount {
                input.discount_description =
                    b.fields.discount_description.clone().unwrap_or_default();
            }
            if !s.has_join_method {
                input.join_method = Some(b.fields.join_method);
            }
        }
        // The domain's reader already fitted the service to these rules.
        let fields = input.validate(today)?;
        let terms = encode_terms(&s.terms);
        match before {
            Some((b, held_terms)) => {
                if b.fields == fields && b.status == s.status && !b.delisted && held_terms == terms
                {
                    p.unchanged += 1;
                } else {
                    let org = organization(conn, source, s, &fields)?;
                    // The terms first: writing the fields refreshes the search text.
                    conn.prepare_cached(
                        "UPDATE services SET status = ?2, delisted_at = NULL, feed_terms = ?3
                         WHERE id = ?1",
                    )?
                    .execute(params![b.id, s.status.as_str(), terms])?;
                    directory::write_fields(conn, b.id, &fields, org)?;
                    p.changed += 1;
                    if p.changed_names.len() < NAMES_SHOWN {
                        p.changed_names.push(fields.name.clone());
                    }
                }
            }
            None => {
                let org = organization(conn, source, s, &fields)?;
                // An HSDS id another source already uses stays only as this source's id.
                let taken: bool = conn
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM services WHERE hsds_id = ?1)")?
                    .query_row([&s.hsds_id], |r| r.get(0))?;
                let hsds_id = (!taken).then_some(s.hsds_id.as_str());
                directory::insert_from(
                    conn,
                    hsds_id,
                    &fields,
                    s.status,
                    org,
                    Some((source, &s.hsds_id, terms.as_deref())),
                )?;
                p.new += 1;
                if p.new_names.len() < NAMES_SHOWN {
                    p.new_names.push(fields.name.clone());
                }
            }
        }
        if !s.adjustments.is_empty() {
            let mut seen = HashSet::new();
            for a in &s.adjustments {
                let kind = adjustment_kind(a);
                if seen.insert(kind.clone()) {
                    *kinds.entry(kind).or_insert(0) += 1;
                }
            }
            p.adjusted.push(Adjusted {
                position: s.position,
                name: s.input.name.clone(),
                adjustments: s.adjustments.clone(),
            });
        }
    }
    if read.complete {
        let listed: HashSet<&str> = read.services.iter().map(|s| s.hsds_id.as_str()).collect();
        let gone: Vec<(i64, String, String)> = {
            let mut stmt = conn.prepare(
                "SELECT id, feed_id, name FROM services
                 WHERE source_id = ?1 AND delisted_at IS NULL ORDER BY name",
            )?;
            let rows = stmt.query_map([source], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, feed_id, name) in gone {
            if listed.contains(feed_id.as_str()) {
                continue;
            }
            conn.prepare_cached("UPDATE services SET delisted_at = ?2 WHERE id = ?1")?
                .execute(params![id, ts])?;
            p.delisted += 1;
            if p.delisted_names.len() < NAMES_SHOWN {
                p.delisted_names.push(name);
            }
        }
    }
    let mut counts: Vec<(String, u32)> = kinds.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    p.adjustment_counts = counts;
    conn.prepare_cached(
        "UPDATE directory_sources SET last_imported_at = ?2, last_summary = ?3 WHERE id = ?1",
    )?
    .execute(params![source, ts, p.summary()])?;
    Ok(p)
}

/// The kind of an adjustment, for counting: "web address: added https://" stays as
/// it is; "email: \"x\" left out (…)" counts as "email: left out".
fn adjustment_kind(a: &str) -> String {
    let (field, what) = a.split_once(": ").unwrap_or((a, ""));
    if what.contains("left out") {
        format!("{field}: left out")
    } else if what.contains("not understood") {
        format!("{field}: {}", "something not understood, left out")
    } else {
        a.to_owned()
    }
}

fn organization(
    conn: &Connection,
    source: i64,
    s: &FeedService,
    f: &ServiceFields,
) -> Result<Option<i64>> {
    match (&s.organization_hsds_id, f.organization.as_deref()) {
        (Some(org_id), Some(name)) => {
            // Ids like "7" are unique only within one feed; UUIDs are unique anywhere.
            let key = if waymark_domain::hsds::export::is_uuid(org_id) {
                org_id.clone()
            } else {
                format!("{source}/{org_id}")
            };
            Ok(Some(directory::upsert_organization(conn, &key, name)?))
        }
        (None, name) => directory::organization_by_name(conn, name),
        (Some(_), None) => Ok(None),
    }
}
