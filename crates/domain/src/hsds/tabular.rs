//! HSDS tabular data packages: CSV tables (or the JSON form of the same tables) joined
//! back into service objects, so one reader serves every shape. Table names follow
//! HSDS 3.x, HSDS 1.x/2.x and Open Referral UK; a table that is not there is simply
//! absent, whatever `datapackage.json` says.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::service::{id, text};
use super::{read_each, HsdsError, ReadFeed, Shape};

type Row = Map<String, Value>;

/// The tables of one package, under their HSDS names.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    tables: BTreeMap<&'static str, Vec<Row>>,
    /// Files that are not HSDS tables Waymark reads, for the preview's notes.
    pub ignored: Vec<String>,
    pub notes: Vec<String>,
}

/// The HSDS table a file or key names, in any of the standard's versions.
fn canonical(name: &str, json_form: bool) -> Option<&'static str> {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem
        .strip_suffix(".csv")
        .or_else(|| stem.strip_suffix(".CSV"))
        .unwrap_or(stem)
        .to_ascii_lowercase();
    Some(match stem.as_str() {
        "services" | "service" => "service",
        "organizations" | "organization" | "organisations" | "organisation" => "organization",
        "locations" | "location" => "location",
        "addresses" | "address" | "physical_addresses" | "physical_address" => "address",
        "phones" | "phone" => "phone",
        "schedules" | "schedule" | "regular_schedules" | "regular_schedule" => "schedule",
        "service_at_location"
        | "service_at_locations"
        | "services_at_location"
        | "services_at_locations" => "service_at_location",
        "taxonomy_terms" | "taxonomy_term" => "taxonomy_term",
        // HSDS 1.x's `taxonomy` table holds terms; in HSDS 3's JSON form the key
        // `taxonomy` is the table of vocabularies, as `taxonomies.csv` is.
        "taxonomy" if !json_form => "taxonomy_term",
        "taxonomy" | "taxonomies" => "vocabulary",
        "service_taxonomy" | "services_taxonomy" | "service_taxonomys" | "service_taxonomies" => {
            "service_taxonomy"
        }
        "attributes" | "attribute" => "attribute",
        "cost_options" | "cost_option" => "cost_option",
        "languages" | "language" => "language",
        "eligibility" | "eligibilities" | "eligibilitys" => "eligibility",
        "contacts" | "contact" => "contact",
        "accessibility" | "accessibility_for_disabilities" => "accessibility",
        _ => return None,
    })
}

impl Tables {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one CSV file by its name (`services.csv`, `data/regular_schedules.csv`).
    /// A file that is no HSDS table Waymark reads is noted and left.
    pub fn add_csv(&mut self, file_name: &str, text: &str) -> Result<(), HsdsError> {
        let Some(table) = canonical(file_name, false) else {
            self.ignored.push(file_name.to_owned());
            return Ok(());
        };
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| HsdsError(format!("{file_name} is not a CSV table ({e}).")))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let rows = self.tables.entry(table).or_default();
        for (n, record) in reader.records().enumerate() {
            let record = record.map_err(|e| {
                HsdsError(format!(
                    "{file_name}, row {}: not readable as CSV ({e}).",
                    n + 2
                ))
            })?;
            let mut row = Row::new();
            for (h, v) in headers.iter().zip(record.iter()) {
                let v = v.trim();
                if !v.is_empty() && !h.is_empty() {
                    row.insert(h.clone(), Value::String(v.to_owned()));
                }
            }
            if !row.is_empty() {
                rows.push(row);
            }
        }
        Ok(())
    }

    /// The JSON form of a package (HSDS 3's `tabular.json`: an object of tables, each
    /// a list of rows), if `obj` is one.
    pub(super) fn from_json(obj: &Map<String, Value>) -> Option<Self> {
        let has_services = ["service", "services"]
            .iter()
            .any(|k| obj.get(*k).is_some_and(Value::is_array));
        if !has_services {
            return None;
        }
        let mut tables = Self::new();
        for (key, value) in obj {
            let (Some(table), Some(rows)) = (canonical(key, true), value.as_array()) else {
                continue;
            };
            let rows = rows.iter().filter_map(Value::as_object).cloned();
            tables.tables.entry(table).or_default().extend(rows);
        }
        Some(tables)
    }

    /// True when the package holds a services table.
    pub fn has_services(&self) -> bool {
        self.tables.contains_key("service")
    }

    fn rows(&self, table: &str) -> &[Row] {
        self.tables.get(table).map_or(&[], Vec::as_slice)
    }

    /// Joins the tables into service objects and reads them.
    pub fn read(mut self, today: NaiveDate) -> Result<ReadFeed, HsdsError> {
        let mut notes = std::mem::take(&mut self.notes);
        if !self.has_services() {
            return Err(HsdsError(
                "The data package has no services table (services.csv).".into(),
            ));
        }
        let by_id = |rows: &[Row]| -> HashMap<String, usize> {
            rows.iter()
                .enumerate()
                .filter_map(|(i, r)| Some((id(r.get("id"))?, i)))
                .collect()
        };
        let by = |rows: &[Row], key: &str| -> HashMap<String, Vec<usize>> {
            let mut m: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, r) in rows.iter().enumerate() {
                if let Some(k) = id(r.get(key)) {
                    m.entry(k).or_default().push(i);
                }
            }
            m
        };
        let orgs = by_id(self.rows("organization"));
        let locations = by_id(self.rows("location"));
        let terms = by_id(self.rows("taxonomy_term"));
        let vocabularies = by_id(self.rows("vocabulary"));
        let phones_s = by(self.rows("phone"), "service_id");
        let phones_l = by(self.rows("phone"), "location_id");
        let sched_s = by(self.rows("schedule"), "service_id");
        let sched_sal = by(self.rows("schedule"), "service_at_location_id");
        let sched_l = by(self.rows("schedule"), "location_id");
        let langs = by(self.rows("language"), "service_id");
        let elig = by(self.rows("eligibility"), "service_id");
        let costs = by(self.rows("cost_option"), "service_id");
        let contacts = by(self.rows("contact"), "service_id");
        let attrs = by(self.rows("attribute"), "link_id");
        let svc_tax = by(self.rows("service_taxonomy"), "service_id");
        let sals = by(self.rows("service_at_location"), "service_id");
        let addrs = by(self.rows("address"), "location_id");
        let access = by(self.rows("accessibility"), "location_id");

        let pick = |table: &str, idx: Option<&Vec<usize>>| -> Vec<Value> {
            let rows = self.rows(table);
            idx.map(|ix| ix.iter().map(|&i| Value::Object(rows[i].clone())).collect())
                .unwrap_or_default()
        };
        let term_object = |term_id: &str| -> Row {
            let mut t = match terms.get(term_id) {
                Some(&i) => self.rows("taxonomy_term")[i].clone(),
                None => Row::from_iter([("id".to_owned(), Value::String(term_id.to_owned()))]),
            };
            if text(&t, "taxonomy").is_none() && text(&t, "vocabulary").is_none() {
                let vocab = id(t.get("taxonomy_id"))
                    .and_then(|v| vocabularies.get(&v))
                    .and_then(|&i| text(&self.rows("vocabulary")[i], "name"));
                if let Some(v) = vocab {
                    t.insert("taxonomy".into(), Value::String(v));
                }
            }
            t
        };

        let unlinked = self
            .rows("eligibility")
            .iter()
            .filter(|r| id(r.get("service_id")).is_none())
            .count();
        if unlinked > 0 {
            notes.push(format!(
                "{unlinked} rows of the eligibility table name no service and were left out."
            ));
        }
        // Each service is joined, read and dropped before the next.
        let services = self.rows("service").iter().map(|s| {
            let mut obj = s.clone();
            let sid = id(s.get("id")).unwrap_or_default();
            if let Some(&o) = id(s.get("organization_id")).and_then(|o| orgs.get(&o)) {
                obj.insert(
                    "organization".into(),
                    Value::Object(self.rows("organization")[o].clone()),
                );
            }
            obj.insert(
                "phones".into(),
                Value::Array(pick("phone", phones_s.get(&sid))),
            );
            obj.insert(
                "languages".into(),
                Value::Array(pick("language", langs.get(&sid))),
            );
            obj.insert(
                "eligibilitys".into(),
                Value::Array(pick("eligibility", elig.get(&sid))),
            );
            obj.insert(
                "cost_options".into(),
                Value::Array(pick("cost_option", costs.get(&sid))),
            );
            obj.insert(
                "contacts".into(),
                Value::Array(pick("contact", contacts.get(&sid))),
            );
            let mut attributes = Vec::new();
            for a in attrs.get(&sid).into_iter().flatten() {
                let a = &self.rows("attribute")[*a];
                let entity = text(a, "link_entity").unwrap_or_default();
                if !(entity.is_empty() || entity == "service" || entity == "link_entity") {
                    continue;
                }
                if let Some(tid) = id(a.get("taxonomy_term_id")) {
                    let mut attr = a.clone();
                    attr.insert("taxonomy_term".into(), Value::Object(term_object(&tid)));
                    attributes.push(Value::Object(attr));
                }
            }
            obj.insert("attributes".into(), Value::Array(attributes));
            let taxonomys: Vec<Value> = svc_tax
                .get(&sid)
                .into_iter()
                .flatten()
                .filter_map(|st| id(self.rows("service_taxonomy")[*st].get("taxonomy_id")))
                .map(|tid| {
                    Value::Object(Row::from_iter([(
                        "taxonomy".to_owned(),
                        Value::Object(term_object(&tid)),
                    )]))
                })
                .collect();
            obj.insert("service_taxonomys".into(), Value::Array(taxonomys));

            let mut schedules = pick("schedule", sched_s.get(&sid));
            let mut at_locations = Vec::new();
            for &sal_i in sals.get(&sid).into_iter().flatten() {
                let sal = &self.rows("service_at_location")[sal_i];
                let mut sal_obj = sal.clone();
                let sal_id = id(sal.get("id")).unwrap_or_default();
                if schedules.is_empty() && !sal_id.is_empty() {
                    schedules = pick("schedule", sched_sal.get(&sal_id));
                }
                let Some(lid) = id(sal.get("location_id")) else {
                    continue;
                };
                if schedules.is_empty() {
                    schedules = pick("schedule", sched_l.get(&lid))
                        .into_iter()
                        .filter(|v| id(v.get("service_id")).is_none_or(|s| s == sid))
                        .collect();
                }
                if let Some(&l) = locations.get(&lid) {
                    let mut loc = self.rows("location")[l].clone();
                    loc.insert(
                        "addresses".into(),
                        Value::Array(pick("address", addrs.get(&lid))),
                    );
                    loc.insert(
                        "accessibility".into(),
                        Value::Array(pick("accessibility", access.get(&lid))),
                    );
                    loc.insert(
                        "phones".into(),
                        Value::Array(pick("phone", phones_l.get(&lid))),
                    );
                    sal_obj.insert("location".into(), Value::Object(loc));
                }
                at_locations.push(Value::Object(sal_obj));
            }
            obj.insert("schedules".into(), Value::Array(schedules));
            obj.insert("service_at_locations".into(), Value::Array(at_locations));
            Value::Object(obj)
        });
        let count = self.rows("service").len();
        read_each(count, services, Shape::Package, true, notes, today)
    }
}
