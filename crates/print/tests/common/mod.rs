//! Sample prescriptions built from the shipped example directory, shared by the tests,
//! the benchmark and the example.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use waymark_domain::hsds::read_json;
use waymark_domain::sheet::{PrescriptionSheet, SheetGoal, SheetItem};
use waymark_domain::{Country, JoinMethod, PracticeFields, ServiceFields};

const DIRECTORY: &str = include_str!("../../../../src-tauri/data/example-directory.hsds.json");

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Every service in the example directory, in file order.
pub fn services() -> Vec<ServiceFields> {
    let today = date(2026, 11, 24);
    read_json(DIRECTORY, today)
        .unwrap()
        .services
        .into_iter()
        .map(|s| s.input.validate(today).unwrap())
        .collect()
}

pub fn service(name: &str) -> ServiceFields {
    services()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no example service {name:?}"))
}

pub fn practice(country: Country) -> PracticeFields {
    PracticeFields {
        name: "Hollinsford Surgery".into(),
        address: Some("1 High Street\nHollinsford HF1 1AA".into()),
        phone: Some("01632 960000".into()),
        email: Some("linkworkers@hollinsford.example".into()),
        country,
        logo_png: None,
    }
}

/// Workflow 1: the childcare co-op and the yoga studio's discount, for Zoë.
pub fn workflow_one(country: Country) -> PrescriptionSheet {
    sheet(
        "Zoë O'Brien",
        country,
        &[
            (
                "Community Childcare Co-op",
                "Tell the coordinator you are new; your first session is free of turns.",
            ),
            (
                "Gentle Yoga for Strength and Balance",
                "Ask for Maria and mention the doctor's letter for the discount.",
            ),
        ],
    )
}

/// A prescription for `patient` of the named example services with their notes.
pub fn sheet(patient: &str, country: Country, items: &[(&str, &str)]) -> PrescriptionSheet {
    PrescriptionSheet {
        practice: practice(country),
        patient_name: patient.into(),
        needs_large_print: false,
        print_language: None,
        link_worker: Some("Priya Shah".into()),
        prescribed_date: date(2026, 11, 24),
        message: Some(
            "It was good to meet you. These are the things we talked about: try one at a time."
                .into(),
        ),
        next_checkin: Some(date(2026, 12, 8)),
        reference_code: "WM-7K2M-9QXD".into(),
        what_matters: Some("Having the energy to play with my children.".into()),
        goals: vec![
            SheetGoal {
                description: "Gentle exercise twice a week".into(),
                target_date: Some(date(2027, 2, 1)),
            },
            SheetGoal {
                description: "One afternoon a week to myself".into(),
                target_date: None,
            },
        ],
        items: items
            .iter()
            .map(|(name, note)| SheetItem {
                service: service(name),
                personal_note: (!note.is_empty()).then(|| (*note).to_owned()),
            })
            .collect(),
        slips: true,
    }
}

/// Twelve activities, the most a prescription holds, one a direct referral.
pub fn twelve(country: Country) -> PrescriptionSheet {
    let mut s = sheet("Siobhán Ní Bhriain", country, &[]);
    s.items = services()
        .into_iter()
        .take(12)
        .enumerate()
        .map(|(i, mut service)| {
            if service.name == "Cooking on a Budget" {
                service.join_method = JoinMethod::DirectReferral;
            }
            SheetItem {
                service,
                // Each note its own, so a test can tell which activity a line belongs to.
                personal_note: Some(format!("Take a friend to number {}.", i + 1)),
            }
        })
        .collect();
    s
}

/// A `width`×`height` RGBA PNG like a practice logo: a teal block with some detail,
/// inside a transparent border.
pub fn logo_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let pixels: Vec<u8> = (0..width * height)
            .flat_map(|i| {
                let (x, y) = (i % width, i / width);
                let inside = x > 4 && y > 4 && x < width - 4 && y < height - 4;
                if inside {
                    [13, (x % 200) as u8, (y * 2 % 256) as u8, 255]
                } else {
                    [0, 0, 0, 0]
                }
            })
            .collect();
        writer.write_image_data(&pixels).unwrap();
    }
    out
}

/// Writes the PDF into `dir` and returns its path.
pub fn save(
    dir: &std::path::Path,
    name: &str,
    rendered: &waymark_print::Rendered,
) -> std::path::PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, &rendered.pdf).unwrap();
    file
}

/// A tool's standard output; the tool failing, or missing, fails the test.
pub fn run(name: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (cargo xtask setup installs it): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
