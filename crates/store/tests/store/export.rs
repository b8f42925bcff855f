use std::path::Path;
use std::time::Instant;

use serde_json::Value;
use waymark_domain::hsds::export::{self, ExportService};
use waymark_domain::{CostBand, JoinMethod, ServiceInput, ServiceStatus, Weekday};
use waymark_store::directory::Origin;
use waymark_store::directory_export::{
    write_json, write_json_replacing, write_package_zip, write_package_zip_replacing,
};
use waymark_store::{directory_file, Database};

use crate::common::*;

fn shared(path: &str) -> String {
    let full = format!("{}/../../../shared/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn shared_json(path: &str) -> Value {
    serde_json::from_str(&shared(path)).unwrap()
}

const HSDS: &str = "data/real/hsds3-examples";

/// A service a practice typed with every field set, in text an HTML reader would
/// change (ampersands, angle brackets, line breaks, a doubled space).
fn hand_made() -> ServiceInput {
    ServiceInput {
        name: "Tea  & Chat; Wednesdays".into(),
        organization: "Friends & Neighbours of Hollinsford".into(),
        description: "Tea & biscuits; bring a friend.\nMeet at the side door <by the car park>."
            .into(),
        category: "Loneliness and isolation".into(),
        when_text: "Wednesdays 2pm–4pm; not in August".into(),
        days: vec![Weekday::We, Weekday::Mo],
        location_name: "St Anne's Church Hall".into(),
        address: "St Anne's Church Hall, 14 Mill Lane, Hollinsford, HF2 4RD".into(),
        fees_description: "£2 a session, tea included".into(),
        discount_description: "Carers come free: say you are one at the door".into(),
        cost_band: Some(CostBand::Low),
        eligibility: "Adults 18+\nCarers welcome".into(),
        phone: "0161 496 0000 ext. 12".into(),
        email: "tea@friends.example".into(),
        url: "https://friends.example/tea?day=wed&time=2pm".into(),
        accessibility: "step-free access, hearing loop".into(),
        languages: "en, pl, British Sign Language".into(),
        application_process: "Just turn up <or call first>".into(),
        join_method: Some(JoinMethod::DirectReferral),
        last_verified: "2026-09-14".into(),
    }
}

/// The sample directory, the hand-made service, and one sample service retired.
fn caseload(dir: &Path) -> Database {
    let db = open(dir, &mock_vault());
    db.directory()
        .import_hsds(&shared("data/directory.hsds.json"), today())
        .unwrap();
    db.directory().create(&hand_made(), today()).unwrap();
    let first = db.directory().export(today()).unwrap();
    let retired = first
        .iter()
        .find(|s| s.fields.name.starts_with("Gentle Yoga"))
        .unwrap();
    let id = db
        .directory()
        .list(
            &waymark_store::directory::ServiceQuery {
                text: "gentle yoga".into(),
                limit: 5,
                ..Default::default()
            },
            today(),
        )
        .unwrap()
        .items
        .into_iter()
        .find(|s| s.fields.name == retired.fields.name)
        .unwrap()
        .id;
    db.directory()
        .set_status(id, ServiceStatus::Inactive, today())
        .unwrap();
    db
}

/// A compiled schema from a parsed document, with formats (uuid, email, uri) asserted.
fn compile(url: &str, doc: Value) -> (boon::Schemas, boon::SchemaIndex) {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V2020_12);
    compiler.enable_format_assertions();
    compiler.add_resource(url, doc).unwrap();
    let index = compiler
        .compile(url, &mut schemas)
        .unwrap_or_else(|e| panic!("{url}: {e:#}"));
    (schemas, index)
}

#[test]
fn the_json_export_is_a_valid_hsds3_page_of_services() {
    let dir = tempfile::tempdir().unwrap();
    let db = caseload(dir.path());
    let services = db.directory().export(today()).unwrap();
    assert_eq!(services.len(), 30);
    let page = export::page(&services);

    // Each service against the official compiled service schema.
    let started = Instant::now();
    let (schemas, service) = compile(
        "file:///hsds3/service.json",
        shared_json(&format!("{HSDS}/schema/service.json")),
    );
    let compiled_in = started.elapsed();
    let contents = page["contents"].as_array().unwrap();
    assert_eq!(contents.len(), 30);
    for item in contents {
        if let Err(e) = schemas.validate(item, service) {
            panic!(
                "{} is not a valid HSDS 3.0 service:\n{e:#}\n{}",
                item["name"],
                serde_json::to_string_pretty(item).unwrap()
            );
        }
    }
    // The validator is not vacuous: an id that is no UUID and an unknown status fail.
    let mut bad = contents[0].clone();
    bad["id"] = "136".into();
    bad["status"] = "open".into();
    let e = schemas.validate(&bad, service).unwrap_err().to_string();
    assert!(e.contains("uuid") || e.contains("format"), "{e}");
    assert!(
        compiled_in.as_secs() < 20,
        "compiling service.json took {compiled_in:?}"
    );

    // The page wrapper against openapi.json's Page schema, every field of it present.
    let openapi = shared_json(&format!("{HSDS}/schema/openapi.json"));
    let page_schema = openapi["components"]["schemas"]["Page"].clone();
    let fields: Vec<String> = page_schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(fields.len(), 7);
    let (schemas, page_index) = compile("file:///hsds3/page.json", page_schema);
    if let Err(e) = schemas.validate(&page, page_index) {
        panic!("the page wrapper is not HSDS 3.0's Page:\n{e:#}");
    }
    for f in &fields {
        assert!(page.get(f).is_some(), "the page has no {f}");
    }
    assert_eq!(page["total_items"], 30);
    assert_eq!(page["size"], 30);
    assert_eq!(
        (page["total_pages"].clone(), page["page_number"].clone()),
        (1.into(), 1.into())
    );
    assert_eq!(page["empty"], false);

    // What the hand-made service says, where HSDS says it.
    let tea = contents
        .iter()
        .find(|s| s["name"] == "Tea  & Chat; Wednesdays")
        .unwrap();
    assert_eq!(tea["phones"][0]["number"], "0161 496 0000");
    assert_eq!(tea["phones"][0]["extension"], 12);
    assert_eq!(tea["schedules"][0]["byday"], "MO,WE");
    let address = &tea["service_at_locations"][0]["location"]["addresses"][0];
    assert_eq!(address["postal_code"], "HF2 4RD");
    assert_eq!(address["city"], "Hollinsford");
    let fields: Vec<(&str, &str)> = tea["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["taxonomy_term"]["taxonomy"] == "waymark-fields")
        .map(|a| {
            (
                a["taxonomy_term"]["code"].as_str().unwrap(),
                a["value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            (
                "discount_description",
                "Carers come free: say you are one at the door"
            ),
            ("join_method", "direct_referral"),
            ("cost_band", "low"),
        ]
    );
}

#[test]
fn the_package_is_headed_as_its_datapackage_and_hsds3_say() {
    let dir = tempfile::tempdir().unwrap();
    let db = caseload(dir.path());
    let tables = export::tables(&db.directory().export(today()).unwrap());
    let package = export::datapackage(&tables);
    let official = shared_json(&format!("{HSDS}/csv/datapackage.json"));
    let official: Vec<&Value> = official["resources"].as_array().unwrap().iter().collect();
    let resources = package["resources"].as_array().unwrap();
    assert_eq!(resources.len(), tables.len());
    for (file, text) in &tables {
        let header: Vec<String> = csv::Reader::from_reader(text.as_bytes())
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let resource = resources
            .iter()
            .find(|r| r["path"] == file.as_str())
            .unwrap_or_else(|| panic!("datapackage.json does not list {file}"));
        let names = |r: &Value| -> Vec<String> {
            r["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(header, names(resource), "{file}: header and schema.fields");
        let hsds = official
            .iter()
            .find(|r| r["name"] == resource["name"] && r["path"] == file.as_str())
            .unwrap_or_else(|| {
                panic!(
                    "{file} ({}) is not a table of HSDS 3's datapackage.json",
                    resource["name"]
                )
            });
        assert_eq!(header, names(hsds), "{file}: the HSDS 3 columns");
        let types = |r: &Value| -> Vec<(String, String)> {
            r["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (f["name"].to_string(), f["type"].to_string()))
                .collect()
        };
        assert_eq!(types(resource), types(hsds), "{file}: the HSDS 3 types");
    }
    let service_rows = tables
        .iter()
        .find(|(f, _)| f == "services.csv")
        .map(|(_, t)| csv::Reader::from_reader(t.as_bytes()).records().count())
        .unwrap();
    assert_eq!(service_rows, 30);
}

/// Every service of `a` is in `b` under its name with the same fields, status and ids.
fn assert_same_directory(a: &[ExportService], b: &[ExportService], how: &str) {
    assert_eq!(a.len(), b.len(), "{how}: how many services");
    for s in a {
        let t = b
            .iter()
            .find(|t| t.fields.name == s.fields.name)
            .unwrap_or_else(|| panic!("{how}: {:?} did not come back", s.fields.name));
        assert_eq!(t.fields, s.fields, "{how}: {:?}", s.fields.name);
        assert_eq!(t.status, s.status, "{how}: {:?} status", s.fields.name);
        assert_eq!(t.hsds_id, s.hsds_id, "{how}: {:?} id", s.fields.name);
        assert_eq!(
            t.organization_hsds_id, s.organization_hsds_id,
            "{how}: {:?} organisation id",
            s.fields.name
        );
    }
}

/// Reads an exported file as the app does and imports it into a new caseload.
fn import_fresh(path: &Path) -> Vec<ExportService> {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let read = directory_file::read_path(path, today()).unwrap();
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    let preview = db
        .directory()
        .import(
            &read,
            &Origin::File {
                name: "export".into(),
            },
            today(),
        )
        .unwrap();
    assert_eq!(preview.new, 30);
    assert!(preview.adjusted.is_empty(), "{:?}", preview.adjusted);
    db.directory().export(today()).unwrap()
}

#[test]
fn export_then_import_gives_the_same_directory_in_both_forms() {
    let dir = tempfile::tempdir().unwrap();
    let db = caseload(dir.path());
    let exported = db.directory().export(today()).unwrap();
    assert_eq!(
        exported,
        db.directory().export(today()).unwrap(),
        "a second export gives the same ids"
    );
    let tea = exported
        .iter()
        .find(|s| s.fields.name == "Tea  & Chat; Wednesdays")
        .unwrap();
    assert!(export::is_uuid(&tea.hsds_id));
    assert_eq!(tea.fields.languages, ["en", "pl", "british sign language"]);
    assert_eq!(
        exported
            .iter()
            .filter(|s| s.status == ServiceStatus::Inactive)
            .count(),
        1
    );

    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("directory.json");
    write_json(&json, &export::page(&exported)).unwrap();
    assert_same_directory(&exported, &import_fresh(&json), "JSON");

    let zip = out.path().join("directory.zip");
    let tables = export::tables(&exported);
    write_package_zip(&zip, &tables, &export::datapackage(&tables)).unwrap();
    assert_same_directory(&exported, &import_fresh(&zip), "package");
}

#[test]
fn the_writers_never_replace_a_file_unless_named_so() {
    let out = tempfile::tempdir().unwrap();
    let services = {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path(), &mock_vault());
        db.directory().create(&hand_made(), today()).unwrap();
        db.directory().export(today()).unwrap()
    };
    let page = export::page(&services);
    let tables = export::tables(&services);
    let package = export::datapackage(&tables);
    for name in ["directory.json", "directory.zip"] {
        let path = out.path().join(name);
        std::fs::write(&path, "the practice's own file").unwrap();
        let err = if name.ends_with(".json") {
            write_json(&path, &page).unwrap_err()
        } else {
            write_package_zip(&path, &tables, &package).unwrap_err()
        };
        match &err {
            waymark_store::Error::Io(e) => {
                assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists, "{err}")
            }
            other => panic!("{name}: {other}"),
        }
        assert!(err.to_string().contains(name), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "the practice's own file"
        );
    }
    let left: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");

    // The replacing writers are for a destination the practice confirmed.
    write_json_replacing(&out.path().join("directory.json"), &page).unwrap();
    write_package_zip_replacing(&out.path().join("directory.zip"), &tables, &package).unwrap();
    for name in ["directory.json", "directory.zip"] {
        let read = directory_file::read_path(&out.path().join(name), today()).unwrap();
        assert_eq!(read.services.len(), 1, "{name}");
    }
}
