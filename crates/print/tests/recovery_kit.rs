#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The recovery kit read back with Poppler and qpdf, as a printer would see it.

use std::path::Path;
use std::process::Command;

use waymark_print::wording::RECOVERY_KIT_EN;
use waymark_print::{recovery_kit_pdf, FontSource, Fonts, Paper, RecoveryKit};

const CODE: &str = "7K2M-9QXD-4HJR-WT8B-0N6C-P3ZF-YV5G-ES1A";

fn kit<'a>(name: &'a str, folder: &'a str, paper: Paper) -> RecoveryKit<'a> {
    RecoveryKit {
        practice_name: name,
        practice_address: Some("1 High Street\nHollinsford HF1 1AA"),
        code: CODE,
        made_on: "24 November 2026",
        data_folder: folder,
        version: "0.1.0",
        paper,
        wording: &RECOVERY_KIT_EN,
    }
}

fn tool(name: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (cargo xtask setup installs it): {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn text_of(file: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_kit_carries_the_code_and_the_practice_in_embedded_subset_fonts() {
    let fonts = Fonts::load().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kit.pdf");
    let rendered = recovery_kit_pdf(
        &fonts,
        &kit(
            "Ysgol Feddygol Llanfair — Siobhán Ní Bhriain & Zoë O'Brien",
            "/home/practice/.local/share/org.waymark.app",
            Paper::A4,
        ),
    )
    .unwrap();
    assert!(
        rendered.missing_glyphs.is_empty(),
        "{:?}",
        rendered.missing_glyphs
    );
    assert_eq!(rendered.pages, 1);
    std::fs::write(&file, &rendered.pdf).unwrap();

    let text = text_of(&file);
    assert!(
        text.contains(CODE),
        "the code, grouped, as on screen:\n{text}"
    );
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Ysgol Feddygol Llanfair — Siobhán Ní Bhriain & Zoë O'Brien"),
        "{text}"
    );
    assert!(text.contains("Made on 24 November 2026"));
    assert!(text.contains("Restore from a backup"));
    assert!(text.contains("/home/practice/.local/share/org.waymark.app"));

    let fonts_listed = tool("pdffonts", &[], &file);
    let rows: Vec<&str> = fonts_listed.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts_listed}");
    for row in rows {
        // pdffonts columns: name type encoding emb sub uni ...; a subset name has a
        // six-letter tag and a plus sign.
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(cols[0].contains('+'), "font not subset: {row}");
        assert!(
            row.contains(" yes yes "),
            "font not embedded and subset: {row}"
        );
    }
    tool("qpdf", &["--check"], &file);
    assert!(
        rendered.pdf.len() < 150_000,
        "a one-page kit with subset fonts stays small: {} bytes",
        rendered.pdf.len()
    );
}

#[test]
fn letter_paper_and_a_long_folder_path_wrap_inside_the_page() {
    let fonts = Fonts::load().unwrap();
    let long = format!(
        "/Volumes/{}/Waymark",
        "Practice Shared Drive ".repeat(8).replace(' ', "_")
    );
    let rendered =
        recovery_kit_pdf(&fonts, &kit("Hollinsford Surgery", &long, Paper::Letter)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kit.pdf");
    std::fs::write(&file, &rendered.pdf).unwrap();

    let info = tool("pdfinfo", &[], &file);
    assert!(info.contains("(letter)"), "{info}");
    // pdftotext -layout keeps lines; the path must come back whole once joined.
    let text = text_of(&file);
    let joined: String = text.split_whitespace().collect();
    assert!(joined.contains(&long.replace(' ', "")), "{text}");
    assert!(
        text.lines().all(|l| l.chars().count() < 140),
        "a line ran off the page:\n{text}"
    );
}

/// A practice name in Japanese: on a computer without a Japanese font its letters are
/// reported (so the app can warn), and with one (the Noto fonts CI installs) they print.
#[test]
fn characters_no_font_has_are_reported_not_hidden() {
    let practice = kit("山田診療所", "/data", Paper::A4);
    let bare = Fonts::load_from(&FontSource::Folders(Vec::new())).unwrap();
    let rendered = recovery_kit_pdf(&bare, &practice).unwrap();
    assert_eq!(rendered.missing_glyphs, vec!['山', '所', '田', '療', '診']);
    let fonts = Fonts::load().unwrap();
    let rendered = recovery_kit_pdf(&fonts, &practice).unwrap();
    assert_eq!(
        rendered.missing_glyphs,
        vec![],
        "install the Noto fonts: cargo xtask setup"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kit.pdf");
    std::fs::write(&file, &rendered.pdf).unwrap();
    assert!(text_of(&file).contains("山田診療所"), "{}", text_of(&file));
}

#[test]
fn the_practice_country_picks_the_paper() {
    use waymark_domain::Country;
    assert_eq!(Paper::for_country(Country::Uk), Paper::A4);
    assert_eq!(Paper::for_country(Country::Us), Paper::Letter);
}
