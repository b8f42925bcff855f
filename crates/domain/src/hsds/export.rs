//! The directory written out as Open Referral HSDS 3.0, for another practice, a council
//! or a 211 to read: a JSON page of full `service` objects, or a tabular data package
//! (CSV tables named and headed as the standard's own, with their `datapackage.json`).
//!
//! Both forms carry everything a practice edits, so an export imports back into
//! Waymark unchanged: the fields HSDS has no place for (discount, how a patient joins,
//! the cost band) travel as attributes in the [`WAYMARK_FIELDS`] vocabulary with the
//! detail in the attribute's `value`, and the category as an attribute in
//! [`WAYMARK_CATEGORIES`]. Those attributes also tell the reader that the text is
//! Waymark's plain text, so it is kept exactly as written rather than read as HTML.
//!
//! HSDS 3 gives every object a UUID. A service's and its organisation's come from the
//! caller; the objects inside a service (its phone, schedule, place, address…) get ids
//! derived from the service's id and their role, so the same directory exports the
//! same ids every time and two services never share one.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use super::categories::WAYMARK_CATEGORIES;
use super::WAYMARK_FIELDS;
use crate::directory::{CostBand, ServiceFields, ServiceStatus, Weekday};

type Row = Map<String, Value>;

/// One service as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportService {
    /// The service's HSDS id: a UUID, as HSDS 3 requires.
    pub hsds_id: String,
    /// Its organisation's HSDS id (a UUID); `None` derives one from the organisation's
    /// name, so services of one organisation still share it.
    pub organization_hsds_id: Option<String>,
    pub status: ServiceStatus,
    pub fields: ServiceFields,
}

/// A UUID derived from `parts` (version 8, "custom", of RFC 9562): the same parts give
/// the same id on every machine and in every version of Waymark. The hash is the
/// 128-bit FNV-1a, fully specified and needing no dependency; ids are identifiers, not
/// secrets, so it need not be cryptographic. Each part is length-prefixed, so
/// `["ab", "c"]` and `["a", "bc"]` differ.
pub fn stable_id(parts: &[&str]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    };
    for p in parts {
        eat(&(p.len() as u64).to_le_bytes());
        eat(p.as_bytes());
    }
    let mut b = h.to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // the RFC 9562 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// True for an id written as a UUID (`8-4-4-4-12` hex digits), as HSDS 3 wants ids.
pub fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.chars().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// The directory as one HSDS 3.0 page holding every service: what `GET /services`
/// of an HSDS API returns, with each service in full.
pub fn page(services: &[ExportService]) -> Value {
    let contents: Vec<Value> = services
        .iter()
        .map(|s| Value::Object(service_rows(s).into_json()))
        .collect();
    json!({
        "total_items": contents.len(),
        "total_pages": 1,
        "page_number": 1,
        "size": contents.len(),
        "first_page": true,
        "last_page": true,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

/// The directory as HSDS 3.0 CSV tables: `(file name, CSV text)`, every table below
/// present (header only when empty), each headed with all its HSDS columns in the
/// standard's order.
pub fn tables(services: &[ExportService]) -> Vec<(String, String)> {
    let mut rows: Vec<Vec<Row>> = vec![Vec::new(); TABLES.len()];
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    let mut push = |table: &str, row: Row| {
        let Some(t) = TABLES.iter().position(|d| d.name == table) else {
            return;
        };
        // Organisations and terms are shared between services: one row each.
        if matches!(table, "organization" | "taxonomy_term" | "taxonomy") {
            let id = row.get("id").and_then(Value::as_str).unwrap_or_default();
            if !seen.insert((t, id.to_owned())) {
                return;
            }
        }
        rows[t].push(row);
    };
    for s in services {
        let r = service_rows(s);
        push("service", r.service);
        if let Some(o) = r.organization {
            push("organization", o);
        }
        for p in r.phones {
            push("phone", p);
        }
        for p in r.schedules {
            push("schedule", p);
        }
        for p in r.languages {
            push("language", p);
        }
        for p in r.cost_options {
            push("cost_option", p);
        }
        for a in r.attributes {
            push("attribute", a.row);
            push("taxonomy_term", a.term);
            push("taxonomy", a.taxonomy);
        }
        if let Some(p) = r.place {
            push("service_at_location", p.service_at_location);
            push("location", p.location);
            for a in p.addresses {
                push("address", a);
            }
            for a in p.accessibility {
                push("accessibility", a);
            }
        }
    }
    TABLES
        .iter()
        .zip(rows)
        .map(|(def, rows)| (def.file.to_owned(), csv_text(def.columns, &rows)))
        .collect()
}

/// The `datapackage.json` that describes `tables`: one tabular data resource per file,
/// its schema's fields exactly the file's header, with the HSDS types and formats.
pub fn datapackage(tables: &[(String, String)]) -> Value {
    let present: Vec<&str> = tables.iter().map(|(file, _)| resource_name(file)).collect();
    let resources: Vec<Value> = tables
        .iter()
        .map(|(file, text)| {
            let header = csv_header(text);
            let fields: Vec<Value> = header
                .iter()
                .map(|name| {
                    let mut f = Row::new();
                    f.insert("name".into(), json!(name));
                    f.insert("type".into(), json!(field_type(name)));
                    if let Some(format) = field_format(name) {
                        f.insert("format".into(), json!(format));
                    }
                    Value::Object(f)
                })
                .collect();
            let foreign: Vec<Value> = header
                .iter()
                .filter_map(|col| {
                    let target = FOREIGN_KEYS
                        .iter()
                        .find(|(c, _)| c == col)
                        .map(|(_, t)| *t)?;
                    present.contains(&target).then(|| {
                        json!({"fields": col, "reference": {"resource": target, "fields": "id"}})
                    })
                })
                .collect();
            let mut schema = Row::new();
            schema.insert("fields".into(), Value::Array(fields));
            if header.iter().any(|h| h == "id") {
                schema.insert("primaryKey".into(), json!("id"));
            }
            if !foreign.is_empty() {
                schema.insert("foreignKeys".into(), Value::Array(foreign));
            }
            json!({
                "name": resource_name(file),
                "path": file,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": schema,
            })
        })
        .collect();
    json!({
        "name": "waymark-directory",
        "title": "Community directory",
        "description": "A community directory exported from Waymark as Open Referral \
                        HSDS 3.0 tables.",
        "profile": "tabular-data-package",
        "resources": resources,
    })
}

/// One HSDS table: its resource name, file name and columns, as the standard's own
/// `datapackage.json` and example CSV files give them.
struct TableDef {
    name: &'static str,
    file: &'static str,
    columns: &'static [&'static str],
}

const TABLES: &[TableDef] = &[
    TableDef {
        name: "organization",
        file: "organizations.csv",
        columns: &[
            "id",
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "tax_status",
            "tax_id",
            "year_incorporated",
            "legal_status",
            "logo",
            "uri",
            "parent_organization_id",
        ],
    },
    TableDef {
        name: "service",
        file: "services.csv",
        columns: &[
            "id",
            "organization_id",
            "program_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "fees_description",
            "wait_time",
            "fees",
            "accreditations",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "licenses",
            "alert",
            "last_modified",
        ],
    },
    TableDef {
        name: "attribute",
        file: "attributes.csv",
        columns: &[
            "id",
            "link_id",
            "taxonomy_term_id",
            "link_type",
            "link_entity",
            "value",
        ],
    },
    TableDef {
        name: "service_at_location",
        file: "service_at_location.csv",
        columns: &["id", "service_id", "location_id", "description"],
    },
    TableDef {
        name: "location",
        file: "locations.csv",
        columns: &[
            "id",
            "location_type",
            "url",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ],
    },
    TableDef {
        name: "phone",
        file: "phones.csv",
        columns: &[
            "id",
            "location_id",
            "service_id",
            "organization_id",
            "contact_id",
            "service_at_location_id",
            "number",
            "extension",
            "type",
            "description",
        ],
    },
    TableDef {
        name: "address",
        file: "addresses.csv",
        columns: &[
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ],
    },
    TableDef {
        name: "schedule",
        file: "schedules.csv",
        columns: &[
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "count",
            "wkst",
            "freq",
            "interval",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ],
    },
    TableDef {
        name: "language",
        file: "languages.csv",
        columns: &[
            "id",
            "service_id",
            "location_id",
            "phone_id",
            "name",
            "code",
            "note",
        ],
    },
    TableDef {
        name: "accessibility",
        file: "accessibility.csv",
        columns: &["id", "location_id", "description", "details", "url"],
    },
    TableDef {
        name: "taxonomy_term",
        file: "taxonomy_terms.csv",
        columns: &[
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "language",
            "taxonomy_id",
            "term_uri",
        ],
    },
    TableDef {
        name: "taxonomy",
        file: "taxonomies.csv",
        columns: &["id", "name", "description", "uri", "version"],
    },
    TableDef {
        name: "cost_option",
        file: "cost_options.csv",
        columns: &[
            "id",
            "service_id",
            "valid_from",
            "valid_to",
            "option",
            "currency",
            "amount",
            "amount_description",
        ],
    },
];

/// Columns that name a row of another table, and that table.
const FOREIGN_KEYS: &[(&str, &str)] = &[
    ("organization_id", "organization"),
    ("service_id", "service"),
    ("location_id", "location"),
    ("service_at_location_id", "service_at_location"),
    ("taxonomy_term_id", "taxonomy_term"),
    ("taxonomy_id", "taxonomy"),
];

fn resource_name(file: &str) -> &str {
    TABLES
        .iter()
        .find(|d| d.file == file)
        .map(|d| d.name)
        .unwrap_or_else(|| file.strip_suffix(".csv").unwrap_or(file))
}

/// A column's Table Schema type, as HSDS 3 declares it.
fn field_type(column: &str) -> &'static str {
    match column {
        "year_incorporated" | "minimum_age" | "maximum_age" | "latitude" | "longitude"
        | "extension" | "timezone" | "count" | "interval" | "amount" => "number",
        "assured_date" | "valid_from" | "valid_to" | "dtstart" | "until" => "date",
        "opens_at" | "closes_at" => "time",
        "last_modified" => "datetime",
        _ => "string",
    }
}

/// A column's Table Schema format, as HSDS 3 declares it.
fn field_format(column: &str) -> Option<&'static str> {
    match column {
        "tax_id" => None,
        "id" => Some("uuid"),
        c if c.ends_with("_id") => Some("uuid"),
        "email" | "assurer_email" => Some("email"),
        "url" | "website" | "uri" | "schedule_link" | "term_uri" => Some("uri"),
        _ => None,
    }
}

/// The CSV text of a table (RFC 4180: CRLF line ends, fields quoted where they must be).
fn csv_text(columns: &[&str], rows: &[Row]) -> String {
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.map(|c| csv_field(&c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    line(&mut columns.iter().map(|c| (*c).to_owned()));
    for row in rows {
        line(&mut columns.iter().map(|c| match row.get(*c) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => String::new(),
        }));
    }
    out
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// The column names of a CSV text's first line.
fn csv_header(text: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A service's rows, table by table; the JSON form nests them.
struct ServiceRows {
    service: Row,
    organization: Option<Row>,
    phones: Vec<Row>,
    schedules: Vec<Row>,
    languages: Vec<Row>,
    cost_options: Vec<Row>,
    attributes: Vec<Attribute>,
    place: Option<Place>,
}

struct Attribute {
    row: Row,
    term: Row,
    taxonomy: Row,
}

struct Place {
    service_at_location: Row,
    location: Row,
    addresses: Vec<Row>,
    accessibility: Vec<Row>,
}

impl ServiceRows {
    /// The service as HSDS 3's nested `service` object.
    fn into_json(self) -> Row {
        let list = |rows: Vec<Row>| Value::Array(rows.into_iter().map(Value::Object).collect());
        let mut s = self.service;
        if let Some(o) = self.organization {
            s.insert("organization".into(), Value::Object(o));
        }
        s.insert("phones".into(), list(self.phones));
        s.insert("schedules".into(), list(self.schedules));
        s.insert("languages".into(), list(self.languages));
        s.insert("cost_options".into(), list(self.cost_options));
        let attributes = self
            .attributes
            .into_iter()
            .map(|a| {
                let mut row = a.row;
                row.insert("taxonomy_term".into(), Value::Object(a.term));
                row
            })
            .collect();
        s.insert("attributes".into(), list(attributes));
        let places = self
            .place
            .into_iter()
            .map(|p| {
                let mut location = p.location;
                location.insert("addresses".into(), list(p.addresses));
                location.insert("accessibility".into(), list(p.accessibility));
                let mut sal = p.service_at_location;
                sal.insert("location".into(), Value::Object(location));
                sal
            })
            .collect();
        s.insert("service_at_locations".into(), list(places));
        s
    }
}

/// A row from `(column, value)` pairs, leaving out the absent ones.
fn row<const N: usize>(pairs: [(&str, Option<Value>); N]) -> Row {
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_owned(), v?)))
        .collect()
}

/// An optional field's value, absent when it is.
fn text(value: &Option<String>) -> Option<Value> {
    value.as_ref().map(|v| Value::String(v.clone()))
}

/// A present text value.
fn string(value: &str) -> Option<Value> {
    Some(Value::String(value.to_owned()))
}

fn service_rows(s: &ExportService) -> ServiceRows {
    let f = &s.fields;
    let sid = s.hsds_id.as_str();
    let child = |role: &str| stable_id(&[sid, role]);

    let organization = f.organization.as_ref().map(|name| {
        let id = s
            .organization_hsds_id
            .clone()
            .unwrap_or_else(|| stable_id(&["organization", name]));
        // HSDS requires a description; Waymark keeps none, and the name says most.
        row([
            ("id", Some(Value::String(id))),
            ("name", string(name)),
            ("description", string(name)),
        ])
    });
    let organization_id = organization.as_ref().and_then(|o| o.get("id").cloned());

    let service = row([
        ("id", string(sid)),
        ("organization_id", organization_id),
        ("name", string(&f.name)),
        ("description", text(&f.description)),
        ("url", text(&f.url)),
        ("email", text(&f.email)),
        ("status", string(s.status.as_str())),
        ("application_process", text(&f.application_process)),
        ("fees_description", text(&f.fees_description)),
        ("eligibility_description", text(&f.eligibility)),
        (
            "assured_date",
            f.last_verified
                .map(|d| Value::String(d.format("%Y-%m-%d").to_string())),
        ),
    ]);

    let phones = f
        .phone
        .iter()
        .map(|p| {
            let (number, extension) = split_phone(p);
            row([
                ("id", Some(Value::String(child("phone")))),
                ("service_id", string(sid)),
                ("number", string(number)),
                ("extension", extension.map(Value::from)),
                ("type", string("voice")),
            ])
        })
        .collect();

    let schedules = if f.days.is_empty() && f.when_text.is_none() {
        Vec::new()
    } else {
        let days = (!f.days.is_empty()).then(|| Weekday::join(&f.days));
        vec![row([
            ("id", Some(Value::String(child("schedule")))),
            ("service_id", string(sid)),
            ("freq", days.as_ref().and_then(|_| string("WEEKLY"))),
            ("byday", days.map(Value::String)),
            ("description", text(&f.when_text)),
        ])]
    };

    let languages = f
        .languages
        .iter()
        .map(|l| {
            // An ISO 639 code is two or three letters; anything else is a name.
            let is_code = (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase());
            row([
                ("id", Some(Value::String(stable_id(&[sid, "language", l])))),
                ("service_id", string(sid)),
                ("name", (!is_code).then(|| Value::String(l.clone()))),
                ("code", is_code.then(|| Value::String(l.clone()))),
            ])
        })
        .collect();

    // A free service says so with an option costing nothing. Only beside a fees text:
    // without one, a reader would write its own ("free") where the practice wrote none.
    let cost_options = if f.cost_band == CostBand::Free && f.fees_description.is_some() {
        vec![row([
            ("id", Some(Value::String(child("cost_option")))),
            ("service_id", string(sid)),
            ("amount", Some(Value::from(0))),
        ])]
    } else {
        Vec::new()
    };

    let mut attributes = Vec::new();
    if let Some(c) = &f.category {
        attributes.push(attribute(sid, WAYMARK_CATEGORIES, &slug(c), c, None));
    }
    if let Some(d) = &f.discount_description {
        attributes.push(attribute(
            sid,
            WAYMARK_FIELDS,
            "discount_description",
            "Discount",
            Some(d),
        ));
    }
    attributes.push(attribute(
        sid,
        WAYMARK_FIELDS,
        "join_method",
        "How a patient joins",
        Some(f.join_method.as_str()),
    ));
    attributes.push(attribute(
        sid,
        WAYMARK_FIELDS,
        "cost_band",
        "Cost band",
        Some(f.cost_band.as_str()),
    ));

    let place = (f.location_name.is_some() || f.address.is_some() || f.accessibility.is_some())
        .then(|| {
            let lid = child("location");
            Place {
                service_at_location: row([
                    ("id", Some(Value::String(child("service_at_location")))),
                    ("service_id", string(sid)),
                    ("location_id", string(&lid)),
                ]),
                location: row([
                    ("id", string(&lid)),
                    ("location_type", string("physical")),
                    ("name", text(&f.location_name)),
                ]),
                addresses: f
                    .address
                    .iter()
                    .map(|a| address_row(&child("address"), &lid, a))
                    .collect(),
                accessibility: f
                    .accessibility
                    .iter()
                    .map(|a| {
                        row([
                            ("id", Some(Value::String(child("accessibility")))),
                            ("location_id", string(&lid)),
                            ("description", string(a)),
                        ])
                    })
                    .collect(),
            }
        });

    ServiceRows {
        service,
        organization,
        phones,
        schedules,
        languages,
        cost_options,
        attributes,
        place,
    }
}

/// An attribute of the service `sid` with a term of one of Waymark's vocabularies.
fn attribute(
    sid: &str,
    vocabulary: &str,
    code: &str,
    name: &str,
    value: Option<&str>,
) -> Attribute {
    let taxonomy_id = stable_id(&["taxonomy", vocabulary]);
    let term_id = stable_id(&["taxonomy_term", vocabulary, code, name]);
    let fields = vocabulary == WAYMARK_FIELDS;
    let (term_description, taxonomy_description, link_type) = if fields {
        (
            match code {
                "discount_description" => "A discount the service offers, and how to claim it.",
                "join_method" => {
                    "How a patient joins: signpost (told where to go) or direct_referral \
                     (referred by the link worker)."
                }
                _ => "What the service costs, coarsely: free, low, paid or unknown.",
            },
            "Details of a service that a Waymark practice keeps and HSDS has no field for; \
             each attribute's value holds the detail.",
            "waymark_field",
        )
    } else {
        (
            "A category of the practice's community directory.",
            "The categories of a Waymark practice's community directory.",
            "service_category",
        )
    };
    Attribute {
        row: row([
            (
                "id",
                Some(Value::String(stable_id(&[
                    sid,
                    "attribute",
                    vocabulary,
                    code,
                ]))),
            ),
            ("link_id", string(sid)),
            ("taxonomy_term_id", string(&term_id)),
            ("link_type", string(link_type)),
            ("link_entity", string("service")),
            ("value", value.and_then(string)),
        ]),
        term: row([
            ("id", string(&term_id)),
            ("code", string(code)),
            ("name", string(name)),
            ("description", string(term_description)),
            ("taxonomy", string(vocabulary)),
            ("taxonomy_id", string(&taxonomy_id)),
        ]),
        taxonomy: row([
            ("id", string(&taxonomy_id)),
            ("name", string(vocabulary)),
            ("description", string(taxonomy_description)),
        ]),
    }
}

/// `Arts and creativity` → `arts-and-creativity`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// A stored phone (`0161 496 0000 ext. 12`) as HSDS's number and numeric extension.
/// An extension a number cannot hold as written (`012`) stays in the number, where a
/// reader finds it again.
fn split_phone(phone: &str) -> (&str, Option<u64>) {
    if let Some((number, ext)) = phone.rsplit_once(" ext. ") {
        if let Ok(n) = ext.parse::<u64>() {
            if n.to_string() == ext {
                return (number, Some(n));
            }
        }
    }
    (phone, None)
}

/// An address row for a one-line address. HSDS wants its parts; Waymark keeps one line.
/// A UK line ending "…, town, postcode" is split into them (and the country is then
/// GB); any other line goes whole into `address_1`, the other required parts left
/// empty. Either way a reader joining the parts with ", " gets the line back: a split
/// that would not is not made.
fn address_row(id: &str, location_id: &str, line: &str) -> Row {
    let (address_1, city, postal_code) = split_address(line);
    row([
        ("id", string(id)),
        ("location_id", string(location_id)),
        ("address_1", string(address_1)),
        ("city", string(city)),
        ("state_province", string("")),
        ("postal_code", string(postal_code)),
        (
            "country",
            string(if postal_code.is_empty() { "" } else { "GB" }),
        ),
        ("address_type", string("physical")),
    ])
}

fn split_address(line: &str) -> (&str, &str, &str) {
    let whole = (line, "", "");
    if line.contains(['\n', '\r']) {
        return whole;
    }
    let Some((rest, postcode)) = line.rsplit_once(", ") else {
        return whole;
    };
    if !is_uk_postcode(postcode) {
        return whole;
    }
    let (address_1, city) = match rest.rsplit_once(", ") {
        Some((a, c)) => (a, c),
        None => (rest, ""),
    };
    // What an importer makes of the parts: each trimmed, empty and repeated ones left out.
    let mut parts: Vec<&str> = Vec::new();
    for p in [address_1, city, postcode] {
        let p = p.trim();
        if !p.is_empty() && !parts.iter().any(|q| q.eq_ignore_ascii_case(p)) {
            parts.push(p);
        }
    }
    if parts.join(", ") == line {
        (address_1, city, postcode)
    } else {
        whole
    }
}

/// A UK postcode: `HF2 4RD`, `M1 1AE`, `SW1A 1AA`.
fn is_uk_postcode(text: &str) -> bool {
    let Some((outward, inward)) = text.split_once(' ') else {
        return false;
    };
    let o: Vec<char> = outward.chars().collect();
    let i: Vec<char> = inward.chars().collect();
    (2..=4).contains(&o.len())
        && o[0].is_ascii_alphabetic()
        && o.iter().all(char::is_ascii_alphanumeric)
        && o.iter().any(char::is_ascii_digit)
        && i.len() == 3
        && i[0].is_ascii_digit()
        && i[1..].iter().all(char::is_ascii_alphabetic)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::directory::JoinMethod;
    use crate::hsds::{read_value, Tables};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    /// A service a practice typed, with text an HTML reader would change.
    fn typed() -> ExportService {
        ExportService {
            hsds_id: stable_id(&["test", "1"]),
            organization_hsds_id: None,
            status: ServiceStatus::Inactive,
            fields: ServiceFields {
                name: "Tea  & Chat; Wednesdays".into(),
                organization: Some("Friends & Neighbours <Hollinsford>".into()),
                description: Some(
                    "Tea & biscuits; bring a friend.\nMeet at the side door <by the car park>.\n\n\
                     Literal \\n stays."
                        .into(),
                ),
                category: Some("Loneliness and isolation".into()),
                when_text: Some("Wednesdays 2pm–4pm; not in August".into()),
                days: vec![Weekday::We],
                location_name: Some("St Anne's Church Hall".into()),
                address: Some("14 Mill Lane, Hollinsford, HF2 4RD".into()),
                fees_description: Some("Free & always will be".into()),
                discount_description: Some("Carers come free &amp; welcome".into()),
                cost_band: CostBand::Free,
                eligibility: Some("Adults 18+\nCarers welcome".into()),
                phone: Some("0161 496 0000 ext. 012".into()),
                email: Some("tea@friends.example".into()),
                url: Some("https://friends.example/tea?a=1&b=2".into()),
                accessibility: Some("step-free access, hearing loop".into()),
                languages: vec!["en".into(), "british sign language".into()],
                application_process: Some("Just turn up <or call first>".into()),
                join_method: JoinMethod::DirectReferral,
                last_verified: NaiveDate::from_ymd_opt(2026, 9, 14),
            },
        }
    }

    fn assert_reads_back(read: crate::hsds::ReadFeed, want: &ExportService) {
        assert_eq!(read.services.len(), 1, "{:?}", read.skipped);
        let got = &read.services[0];
        assert_eq!(got.hsds_id, want.hsds_id);
        assert_eq!(got.status, want.status);
        assert!(got.waymark_category && got.terms.is_empty());
        assert_eq!(got.input.validate(today()).unwrap(), want.fields);
    }

    #[test]
    fn typed_text_survives_the_json_page() {
        let s = typed();
        let page = page(std::slice::from_ref(&s));
        assert_eq!(page["total_items"], 1);
        let phone = &page["contents"][0]["phones"][0];
        assert_eq!(phone["number"], "0161 496 0000 ext. 012");
        assert!(phone.get("extension").is_none());
        assert_reads_back(read_value(page, today()).unwrap(), &s);
    }

    #[test]
    fn typed_text_survives_the_tables() {
        let s = typed();
        let mut tables = Tables::new();
        for (file, text) in super::tables(std::slice::from_ref(&s)) {
            tables.add_csv(&file, &text).unwrap();
        }
        assert!(tables.ignored.is_empty(), "{:?}", tables.ignored);
        assert_reads_back(tables.read(today()).unwrap(), &s);
    }

    #[test]
    fn ids_are_stable_distinct_uuids() {
        let a = stable_id(&["x", "phone"]);
        assert_eq!(a, stable_id(&["x", "phone"]));
        assert!(is_uuid(&a), "{a}");
        assert_eq!(&a[14..15], "8");
        assert_ne!(a, stable_id(&["x", "schedule"]));
        assert_ne!(stable_id(&["ab", "c"]), stable_id(&["a", "bc"]));
        assert!(!is_uuid("136") && !is_uuid("7bafb9e1-378a-5aea-83ab-0884040c5fa"));
    }

    #[test]
    fn phones_and_addresses_split_only_where_they_read_back() {
        assert_eq!(
            split_phone("0161 496 0000 ext. 12"),
            ("0161 496 0000", Some(12))
        );
        assert_eq!(split_phone("0161 496 0000 ext. 012").1, None);
        assert_eq!(split_phone("0161 496 0000"), ("0161 496 0000", None));
        assert_eq!(
            split_address("St Anne's Church Hall, 14 Mill Lane, Hollinsford, HF2 4RD"),
            (
                "St Anne's Church Hall, 14 Mill Lane",
                "Hollinsford",
                "HF2 4RD"
            )
        );
        assert_eq!(
            split_address("Mill Lane, HF2 4RD"),
            ("Mill Lane", "", "HF2 4RD")
        );
        for whole in [
            "Hollinsford, Hollinsford, HF2 4RD",
            "14 Mill Lane\nHollinsford HF2 4RD",
            "123 Main St, Springfield, IL 62704",
            "The Old School",
        ] {
            assert_eq!(split_address(whole), (whole, "", ""), "{whole}");
        }
    }

    #[test]
    fn csv_fields_are_quoted_where_they_must_be() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\"\nthen"), "\"say \"\"hi\"\"\nthen\"");
    }
}
