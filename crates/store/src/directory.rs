//! The community directory: services with their organisation, created by hand or
//! imported from an Open Referral HSDS 3.0 file. Services are retired, never deleted, so
//! every prescription keeps naming what was prescribed.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use waymark_domain::directory::is_stale;
use waymark_domain::hsds;

pub use crate::directory_import::{
    preview_against_empty, Adjusted, ImportPreview, Origin, Source, TermMapping,
};
use waymark_domain::search::{fold, query_terms};
use waymark_domain::{ServiceFields, ServiceInput, ServiceStatus, Weekday};

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::patients::MAX_PAGE;
use crate::{date_text, now, parse_optional_date};

const ENTITY: &str = "service";

/// A stored service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub id: i64,
    pub hsds_id: Option<String>,
    pub fields: ServiceFields,
    pub status: ServiceStatus,
    /// Not verified within the last 12 months (or never).
    pub stale: bool,
    pub updated_at: String,
    /// The feed or file it was imported from; `None` for services made here.
    pub source: Option<String>,
    /// Its source no longer lists it (it stays for the prescriptions that name it).
    pub delisted: bool,
    /// The feed's own categories for it, as the practice sees them.
    pub feed_terms: Vec<String>,
}

/// Which services to list. Every filter narrows; empty text matches all.
#[derive(Debug, Clone, Default)]
pub struct ServiceQuery {
    pub text: String,
    pub category: Option<String>,
    /// Only services that are free, or free or low cost.
    pub cost: Option<CostFilter>,
    pub day: Option<Weekday>,
    /// A language code or name as stored (`pl`).
    pub language: Option<String>,
    /// Words that must appear in the accessibility details (`step-free`).
    pub accessibility: String,
    pub include_inactive: bool,
    pub stale_only: bool,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostFilter {
    Free,
    FreeOrLow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePage {
    pub items: Vec<Service>,
    pub total: u64,
}

#[derive(Debug)]
pub struct Directory<'a> {
    pub(crate) db: &'a Database,
}

impl Database {
    pub fn directory(&self) -> Directory<'_> {
        Directory { db: self }
    }
}

const COLUMNS: &str = "s.id, s.hsds_id, s.name, o.name, s.description, s.category, s.when_text,
    s.days, s.location_name, s.address, s.fees_description, s.discount_description,
    s.cost_band, s.eligibility, s.phone, s.email, s.url, s.accessibility, s.languages,
    s.application_process, s.join_method, s.last_verified, s.status, s.updated_at,
    (SELECT label FROM directory_sources d WHERE d.id = s.source_id), s.delisted_at, s.feed_terms";

impl Directory<'_> {
    pub fn create(&self, input: &ServiceInput, today: NaiveDate) -> Result<Service> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        let id = insert(&tx, None, &f, ServiceStatus::Active, None)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Create,
            ENTITY,
            Some(id),
            None,
        )?;
        let s = read(&tx, id, today)?;
        tx.commit()?;
        Ok(s)
    }

    pub fn update(&self, id: i64, input: &ServiceInput, today: NaiveDate) -> Result<Service> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        crate::ensure_exists(&tx, ENTITY, id)?;
        let org = organization_by_name(&tx, f.organization.as_deref())?;
        write_fields(&tx, id, &f, org)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            ENTITY,
            Some(id),
            None,
        )?;
        let s = read(&tx, id, today)?;
        tx.commit()?;
        Ok(s)
    }

    /// Retires a service (it can no longer be prescribed) or brings it back.
    pub fn set_status(&self, id: i64, status: ServiceStatus, today: NaiveDate) -> Result<Service> {
        let tx = self.db.conn.unchecked_transaction()?;
        let n = tx.execute(
            "UPDATE services SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, status.as_str(), now()],
        )?;
        if n == 0 {
            return Err(Error::NotFound { entity: ENTITY, id });
        }
        let action = match status {
            ServiceStatus::Active => AuditAction::Restore,
            ServiceStatus::Inactive => AuditAction::Archive,
        };
        audit::record(&tx, self.db.actor, action, ENTITY, Some(id), None)?;
        let s = read(&tx, id, today)?;
        tx.commit()?;
        Ok(s)
    }

    pub fn get(&self, id: i64, today: NaiveDate) -> Result<Service> {
        read(&self.db.conn, id, today)
    }

    /// Lists services by name. Directory reads are not audited: they hold no patient data.
    pub fn list(&self, q: &ServiceQuery, today: NaiveDate) -> Result<ServicePage> {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let arg = |args: &mut Vec<Value>, v: Value| {
            args.push(v);
            format!("?{}", args.len())
        };
        if !q.include_inactive {
            clauses.push("s.status = 'active' AND s.delisted_at IS NULL".into());
        }
        // Terms match at the start of a word ("art" finds "Art class", not "start").
        for term in query_terms(&q.text) {
            let p = arg(&mut args, Value::Text(format!(" {term}")));
            clauses.push(format!("instr(s.search_text, {p}) > 0"));
        }
        if let Some(c) = q.category.as_deref().filter(|c| !c.is_empty()) {
            let p = arg(&mut args, Value::Text(c.to_owned()));
            clauses.push(format!("s.category = {p}"));
        }
        match q.cost {
            Some(CostFilter::Free) => clauses.push("s.cost_band = 'free'".into()),
            Some(CostFilter::FreeOrLow) => clauses.push("s.cost_band IN ('free', 'low')".into()),
            None => {}
        }
        if let Some(d) = q.day {
            let p = arg(&mut args, Value::Text(format!(",{},", d.as_str())));
            clauses.push(format!("instr(',' || s.days || ',', {p}) > 0"));
        }
        if let Some(l) = q.language.as_deref().filter(|l| !l.is_empty()) {
            // Stored as "en, british sign language": only the separators' spaces go.
            let p = arg(&mut args, Value::Text(format!(",{},", l.to_lowercase())));
            clauses.push(format!(
                "instr(',' || replace(s.languages, ', ', ',') || ',', {p}) > 0"
            ));
        }
        for term in query_terms(&q.accessibility) {
            let p = arg(&mut args, Value::Text(term));
            clauses.push(format!("instr(s.access_search, {p}) > 0"));
        }
        if q.stale_only {
            let cutoff = today
                .checked_sub_months(chrono::Months::new(
                    waymark_domain::directory::STALE_AFTER_MONTHS,
                ))
                .unwrap_or(today);
            let p = arg(&mut args, Value::Text(date_text(cutoff)));
            clauses.push(format!(
                "(s.last_verified IS NULL OR s.last_verified <= {p})"
            ));
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let total: i64 = self.db.conn.query_row(
            &format!("SELECT count(*) FROM services s {filter}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let limit = arg(
            &mut args,
            Value::Integer(i64::from(q.limit.clamp(1, MAX_PAGE))),
        );
        let offset = arg(&mut args, Value::Integer(i64::from(q.offset)));
        let mut stmt = self.db.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM services s LEFT JOIN organizations o ON o.id = s.organization_id
             {filter} ORDER BY s.name COLLATE NOCASE, s.id LIMIT {limit} OFFSET {offset}"
        ))?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut items = Vec::new();
        while let Some(r) = rows.next()? {
            items.push(row(r, today)?);
        }
        Ok(ServicePage {
            items,
            total: u64::try_from(total).unwrap_or_default(),
        })
    }

    /// The categories and languages in use, for the directory's filters.
    pub fn facets(&self) -> Result<(Vec<String>, Vec<String>)> {
        let mut stmt = self.db.conn.prepare(
            "SELECT DISTINCT category FROM services WHERE category IS NOT NULL ORDER BY category",
        )?;
        let categories = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        let mut stmt = self
            .db
            .conn
            .prepare("SELECT DISTINCT languages FROM services WHERE languages IS NOT NULL")?;
        let mut languages: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .iter()
            .flat_map(|l| {
                l.split(',')
                    .map(|s| s.trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|l| !l.is_empty())
            .collect();
        languages.sort();
        languages.dedup();
        Ok((categories, languages))
    }

    /// Reads and imports a JSON directory file in one step (the example directory,
    /// tests): what the app does after its preview.
    pub fn import_hsds(&self, text: &str, today: NaiveDate) -> Result<ImportPreview> {
        let read = hsds::read_json(text, today).map_err(|e| Error::ImportInvalid(e.0))?;
        self.import(
            &read,
            &Origin::File {
                name: "Directory file".into(),
            },
            today,
        )
    }
}

/// The organisation with this HSDS id, created or renamed to `name`. A rename is
/// carried into the search text of every service it runs.
pub(crate) fn upsert_organization(conn: &Connection, hsds_id: &str, name: &str) -> Result<i64> {
    let found: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, name FROM organizations WHERE hsds_id = ?1")?
        .query_row([hsds_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let ts = now();
    match found {
        Some((id, old)) if old == name => Ok(id),
        Some((id, _)) => {
            conn.prepare_cached(
                "UPDATE organizations SET name = ?2, updated_at = ?3 WHERE id = ?1",
            )?
            .execute(params![id, name, ts])?;
            refresh_search_of_organization(conn, id)?;
            Ok(id)
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO organizations (hsds_id, name, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)",
            )?
            .execute(params![hsds_id, name, ts])?;
            Ok(conn.last_insert_rowid())
        }
    }
}

fn refresh_search_of_organization(conn: &Connection, org: i64) -> Result<()> {
    let ids: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT id FROM services WHERE organization_id = ?1")?;
        let rows = stmt.query_map([org], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for id in ids {
        refresh_search(conn, id)?;
    }
    Ok(())
}

/// Recomputes what a directory search matches for one service: the folded name,
/// organisation, description, category and the feed's own terms, with a leading space
/// so every word start is preceded by one.
pub(crate) fn refresh_search(conn: &Connection, id: i64) -> Result<()> {
    let (name, org, description, category, terms): (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = conn
        .prepare_cached(
            "SELECT s.name, o.name, s.description, s.category, s.feed_terms
         FROM services s LEFT JOIN organizations o ON o.id = s.organization_id WHERE s.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    let labels: Vec<String> = terms
        .as_deref()
        .map(crate::directory_import::decode_terms)
        .unwrap_or_default()
        .iter()
        .map(|t| t.label())
        .collect();
    let labels = labels.join(" ");
    let words = [
        Some(name.as_str()),
        org.as_deref(),
        description.as_deref(),
        category.as_deref(),
        Some(labels.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    conn.prepare_cached("UPDATE services SET search_text = ?2 WHERE id = ?1")?
        .execute(params![id, format!(" {}", fold(&words))])?;
    Ok(())
}

/// The organisation with this name (any case), created when there is none.
pub(crate) fn organization_by_name(conn: &Connection, name: Option<&str>) -> Result<Option<i64>> {
    let Some(name) = name else { return Ok(None) };
    let found: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM organizations WHERE name = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
        )?
        .query_row([name], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(Some(id));
    }
    let ts = now();
    conn.prepare_cached(
        "INSERT INTO organizations (name, created_at, updated_at) VALUES (?1, ?2, ?2)",
    )?
    .execute(params![name, ts])?;
    Ok(Some(conn.last_insert_rowid()))
}

pub(crate) fn insert(
    conn: &Connection,
    hsds_id: Option<&str>,
    f: &ServiceFields,
    status: ServiceStatus,
    org: Option<i64>,
) -> Result<i64> {
    insert_from(conn, hsds_id, f, status, org, None)
}

/// Where an imported service came from: its source, its id there, its feed terms.
pub(crate) type FromSource<'a> = (i64, &'a str, Option<&'a str>);

/// Inserts a service, with where it was imported from when it was.
pub(crate) fn insert_from(
    conn: &Connection,
    hsds_id: Option<&str>,
    f: &ServiceFields,
    status: ServiceStatus,
    org: Option<i64>,
    from: Option<FromSource<'_>>,
) -> Result<i64> {
    let org = match org {
        Some(o) => Some(o),
        None => organization_by_name(conn, f.organization.as_deref())?,
    };
    let ts = now();
    let (source, feed_id, terms) = match from {
        Some((s, id, t)) => (Some(s), Some(id), t),
        None => (None, None, None),
    };
    conn.prepare_cached(
        "INSERT INTO services (hsds_id, name, status, search_text, created_at, updated_at,
                               source_id, feed_id, feed_terms)
         VALUES (?1, ?2, ?3, '', ?4, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        hsds_id,
        f.name,
        status.as_str(),
        ts,
        source,
        feed_id,
        terms
    ])?;
    let id = conn.last_insert_rowid();
    write_fields(conn, id, f, org)?;
    Ok(id)
}

pub(crate) fn write_fields(
    conn: &Connection,
    id: i64,
    f: &ServiceFields,
    org: Option<i64>,
) -> Result<()> {
    let access = f.accessibility.as_deref().map(fold).unwrap_or_default();
    conn.prepare_cached(
        "UPDATE services SET organization_id = ?2, name = ?3, description = ?4, category = ?5,
            when_text = ?6, days = ?7, location_name = ?8, address = ?9, fees_description = ?10,
            discount_description = ?11, cost_band = ?12, eligibility = ?13, phone = ?14,
            email = ?15, url = ?16, accessibility = ?17, languages = ?18,
            application_process = ?19, join_method = ?20, last_verified = ?21,
            updated_at = ?22, access_search = ?23
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        org,
        f.name,
        f.description,
        f.category,
        f.when_text,
        Weekday::join(&f.days),
        f.location_name,
        f.address,
        f.fees_description,
        f.discount_description,
        f.cost_band.as_str(),
        f.eligibility,
        f.phone,
        f.email,
        f.url,
        f.accessibility,
        (!f.languages.is_empty()).then(|| f.languages.join(", ")),
        f.application_process,
        f.join_method.as_str(),
        f.last_verified.map(date_text),
        now(),
        access,
    ])?;
    refresh_search(conn, id)
}

pub(crate) fn read(conn: &Connection, id: i64, today: NaiveDate) -> Result<Service> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM services s LEFT JOIN organizations o ON o.id = s.organization_id
         WHERE s.id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(r) => row(r, today),
        None => Err(Error::NotFound { entity: ENTITY, id }),
    }
}

/// Every service an import source brought in, by its id in that source, with the
/// feed terms as stored (to compare with a new read's).
pub(crate) fn read_source(
    conn: &Connection,
    source: i64,
    today: NaiveDate,
) -> Result<std::collections::HashMap<String, (Service, Option<String>)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, s.feed_id, s.feed_terms FROM services s
         LEFT JOIN organizations o ON o.id = s.organization_id WHERE s.source_id = ?1"
    ))?;
    let mut rows = stmt.query([source])?;
    let mut out = std::collections::HashMap::new();
    while let Some(r) = rows.next()? {
        let feed_id: Option<String> = r.get(27)?;
        let terms: Option<String> = r.get(28)?;
        if let Some(feed_id) = feed_id {
            out.insert(feed_id, (row(r, today)?, terms));
        }
    }
    Ok(out)
}

fn row(r: &rusqlite::Row<'_>, today: NaiveDate) -> Result<Service> {
    let days: String = r.get(7)?;
    let languages: Option<String> = r.get(18)?;
    let last_verified = parse_optional_date(r.get(21)?)?;
    Ok(Service {
        id: r.get(0)?,
        hsds_id: r.get(1)?,
        fields: ServiceFields {
            name: r.get(2)?,
            organization: r.get(3)?,
            description: r.get(4)?,
            category: r.get(5)?,
            when_text: r.get(6)?,
            days: Weekday::parse_byday(&days).map_err(Error::Corrupt)?,
            location_name: r.get(8)?,
            address: r.get(9)?,
            fees_description: r.get(10)?,
            discount_description: r.get(11)?,
            cost_band: r.get::<_, String>(12)?.parse()?,
            eligibility: r.get(13)?,
            phone: r.get(14)?,
            email: r.get(15)?,
            url: r.get(16)?,
            accessibility: r.get(17)?,
            languages: languages
                .map(|l| {
                    l.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            application_process: r.get(19)?,
            join_method: r.get::<_, String>(20)?.parse()?,
            last_verified,
        },
        stale: is_stale(last_verified, today),
        status: r.get::<_, String>(22)?.parse()?,
        updated_at: r.get(23)?,
        source: r.get(24)?,
        delisted: r.get::<_, Option<String>>(25)?.is_some(),
        feed_terms: r
            .get::<_, Option<String>>(26)?
            .as_deref()
            .map(crate::directory_import::decode_terms)
            .unwrap_or_default()
            .iter()
            .map(|t| t.label())
            .collect(),
    })
}
