#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The social prescription read back with Poppler, qpdf and zbar, as a printer, a
//! patient and a phone would see it.

mod common;
use common::{run, save};

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use waymark_domain::sheet::PrescriptionSheet;
use waymark_domain::Country;
use waymark_print::languages::{Script, ENGLISH, LANGUAGES};
use waymark_print::{prescription_pdf, FontSource, Fonts, Paper, PrintOptions, Rendered, Writing};

/// The embedded faces and this computer's fonts, found once for the whole test run
/// as the app finds them once per run. CI installs the Noto fonts (`cargo xtask setup`).
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load().unwrap())
}

/// The embedded faces only: a computer with no fonts for other scripts.
fn embedded_only() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load_from(&FontSource::Folders(Vec::new())).unwrap())
}

fn render(sheet: &PrescriptionSheet, paper: Paper, large_print: bool) -> Rendered {
    render_with(fonts(), sheet, paper, large_print)
}

fn render_with(
    fonts: &Fonts,
    sheet: &PrescriptionSheet,
    paper: Paper,
    large_print: bool,
) -> Rendered {
    prescription_pdf(
        fonts,
        sheet,
        PrintOptions {
            paper,
            large_print,
            both: false,
        },
        &ENGLISH,
    )
    .unwrap()
}

/// The text of the PDF (or of one page) line by line as laid out, with runs of white
/// space made single.
fn text(file: &Path, page: Option<usize>) -> String {
    extract(file, page, true)
}

/// The text in reading order: the header's two columns one after the other.
fn reading(file: &Path) -> String {
    extract(file, None, false)
}

fn extract(file: &Path, page: Option<usize>, layout: bool) -> String {
    let mut args = vec![];
    if layout {
        args.push("-layout");
    }
    let n = page.map(|p| p.to_string()).unwrap_or_default();
    if page.is_some() {
        args.extend(["-f", n.as_str(), "-l", n.as_str()]);
    }
    let f = file.to_str().unwrap();
    args.extend([f, "-"]);
    run("pdftotext", &args)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Page 1 of `file` drawn at `dpi` as a PNG in `dir`.
fn page_one_png(dir: &Path, file: &Path, dpi: u32) -> PathBuf {
    let prefix = dir.join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-gray",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            file.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    dir.join("page.png")
}

fn assert_embedded_subset_and_valid(file: &Path) {
    let listed = run("pdffonts", &[file.to_str().unwrap()]);
    let rows: Vec<&str> = listed.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{listed}");
    for row in rows {
        let name = row.split_whitespace().next().unwrap();
        assert!(name.contains('+'), "font not subset: {row}");
        assert!(
            row.contains(" yes yes "),
            "font not embedded and subset: {row}"
        );
    }
    run("qpdf", &["--check", file.to_str().unwrap()]);
}

#[test]
fn workflow_one_prints_both_activities_the_discount_and_the_check_in_on_one_page() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = common::workflow_one(Country::Uk);
    let rendered = render(&sheet, Paper::A4, false);
    assert!(
        rendered.missing_glyphs.is_empty(),
        "{:?}",
        rendered.missing_glyphs
    );
    assert_eq!(rendered.pages, 1);
    let file = save(dir.path(), "one.pdf", &rendered);
    let t = text(&file, None);
    for expected in [
        "Your social prescription",
        "For Zoë O'Brien",
        "Date: 24 November 2026",
        "Hollinsford Surgery",
        "Your link worker: Priya Shah",
        "call 01632 960000",
        "What matters to you",
        "Having the energy to play with my children.",
        "Gentle exercise twice a week (by 1 February 2027)",
        "1. Community Childcare Co-op",
        "2. Gentle Yoga for Strength and Balance",
        // The discount and how to claim it.
        "50% off with a doctor's or link worker's recommendation letter",
        "bring the recommendation letter to the first class",
        "Ask for Maria and mention the doctor's letter for the discount.",
        "Tuesday and Thursday, 10:30 to 11:30",
        "Unit 3, Canal Wharf, Hollinsford, HF1 2QT",
        "Your next check-in",
        "Tuesday, 8 December 2026",
        "If your plans change",
        "Reference WM-7K2M-9QXD",
        "Page 1 of 1",
    ] {
        assert!(t.contains(expected), "{expected:?} missing from:\n{t}");
    }
    assert!(
        !t.contains("Referral slip"),
        "no service here is a direct referral"
    );
    assert_embedded_subset_and_valid(&file);
    assert!(
        rendered.pdf.len() < 100_000,
        "a prescription without a logo stays under 100 KB: {} bytes",
        rendered.pdf.len()
    );
}

/// PRODUCT.md's workflows, each printed in A4 and Letter, normal and large print:
/// every activity is on it, whole, and the pages stay few.
#[test]
fn every_workflow_prints_on_both_papers_in_normal_and_large_print() {
    let dir = tempfile::tempdir().unwrap();
    let workflows: [(&str, &[&str]); 5] = [
        (
            "Zoë O'Brien",
            &[
                "Community Childcare Co-op",
                "Gentle Yoga for Strength and Balance",
            ],
        ),
        (
            "Siobhán Ní Bhriain",
            &[
                "Allotment Gardening Class",
                "Saturday Group Hike",
                "Drop-in Art Class",
            ],
        ),
        ("Margaret Ødegård", &["Cooking on a Budget"]),
        (
            "Tomasz Wójcik-Łęczycki",
            &[
                "Debt Advice Service",
                "Employment Support Hub",
                "CV and Résumé Writing Class",
            ],
        ),
        ("Ελένη Παπαδοπούλου", &["Carers' Café", "Community Choir"]),
    ];
    for (patient, services) in workflows {
        let items: Vec<(&str, &str)> = services.iter().map(|s| (*s, "")).collect();
        for (paper, country) in [(Paper::A4, Country::Uk), (Paper::Letter, Country::Us)] {
            let sheet = common::sheet(patient, country, &items);
            for large_print in [false, true] {
                let rendered = render(&sheet, paper, large_print);
                let most = if large_print { 3 } else { 2 };
                assert!(
                    rendered.pages <= most,
                    "{patient}, {paper:?}, large print {large_print}: {} pages",
                    rendered.pages
                );
                assert!(rendered.missing_glyphs.is_empty(), "{patient}");
                let file = save(dir.path(), "workflow.pdf", &rendered);
                run("qpdf", &["--check", file.to_str().unwrap()]);
                assert!(
                    reading(&file).contains(&format!("For {patient}")),
                    "{patient}: {}",
                    reading(&file)
                );
                let t = text(&file, None);
                for (n, service) in services.iter().enumerate() {
                    let title = format!("{}. {service}", n + 1);
                    assert!(t.contains(&title), "{title} missing for {patient}");
                }
                assert!(t.contains("Your next check-in"));
            }
        }
    }
}

#[test]
fn the_qr_codes_scan_to_each_activity_s_web_page() {
    let dir = tempfile::tempdir().unwrap();
    let file = save(
        dir.path(),
        "one.pdf",
        &render(&common::workflow_one(Country::Uk), Paper::A4, false),
    );
    let png = page_one_png(dir.path(), &file, 150);
    let decoded = run("zbarimg", &["--quiet", "--raw", png.to_str().unwrap()]);
    let mut urls: Vec<&str> = decoded.lines().collect();
    urls.sort_unstable();
    assert_eq!(
        urls,
        [
            "https://hollinsfordparents.example/co-op",
            "https://lotustree.example/gentle"
        ]
    );
}

#[test]
fn paper_follows_the_choice_and_letter_fits_workflow_one_too() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = common::workflow_one(Country::Us);
    let rendered = render(&sheet, Paper::Letter, false);
    assert_eq!(rendered.pages, 1);
    let file = save(dir.path(), "letter.pdf", &rendered);
    assert!(run("pdfinfo", &[file.to_str().unwrap()]).contains("(letter)"));
    // US dates on a US practice's prescription.
    let t = text(&file, None);
    assert!(t.contains("Date: November 24, 2026"), "{t}");
    assert!(t.contains("Tuesday, December 8, 2026"), "{t}");

    let a4 = save(dir.path(), "a4.pdf", &render(&sheet, Paper::A4, false));
    assert!(run("pdfinfo", &[a4.to_str().unwrap()]).contains("(A4)"));
    assert_eq!(
        PrintOptions::for_sheet(&sheet),
        PrintOptions {
            paper: Paper::Letter,
            large_print: false,
            both: false,
        }
    );
}

/// The height of the first word box of `word` on the page, from `pdftotext -bbox`:
/// about 1.16 times the font size for DejaVu Sans.
fn word_height(file: &Path, word: &str) -> f32 {
    let html = run("pdftotext", &["-bbox", file.to_str().unwrap(), "-"]);
    let line = html
        .lines()
        .find(|l| l.ends_with(&format!(">{word}</word>")))
        .unwrap_or_else(|| panic!("{word} not found"));
    let attr = |name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    attr("yMax") - attr("yMin")
}

#[test]
fn large_print_sets_the_body_at_sixteen_points_or_more() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheet = common::workflow_one(Country::Uk);
    sheet.needs_large_print = true;
    let options = PrintOptions::for_sheet(&sheet);
    assert!(
        options.large_print,
        "the patient's need chooses large print"
    );
    let rendered = render(&sheet, options.paper, options.large_print);
    assert_eq!(
        rendered.pages, 2,
        "one or two pages a patient can keep, in large print too"
    );
    let large = save(dir.path(), "large.pdf", &rendered);
    let normal = save(dir.path(), "normal.pdf", &render(&sheet, Paper::A4, false));
    // "Maria" is in the personal note, "conversational"-like body text elsewhere.
    for word in ["Maria", "Slow,", "Monday,"] {
        let (l, n) = (word_height(&large, word), word_height(&normal, word));
        assert!(l >= 16.0 * 1.1, "{word} is {l} high in large print");
        assert!(n < 16.0, "{word} is {n} high in normal print");
    }
    let t = text(&large, None);
    assert!(t.contains("Ask for Maria and mention the doctor's letter for the discount."));
    assert!(t.contains("Tuesday, 8 December 2026"));
    assert_embedded_subset_and_valid(&large);
}

#[test]
fn twelve_activities_take_two_or_three_pages_and_no_activity_is_split() {
    let dir = tempfile::tempdir().unwrap();
    for (paper, country) in [(Paper::A4, Country::Uk), (Paper::Letter, Country::Us)] {
        let sheet = common::twelve(country);
        let rendered = render(&sheet, paper, false);
        assert!(
            (2..=3).contains(&rendered.pages),
            "{paper:?}: {} pages",
            rendered.pages
        );
        let file = save(dir.path(), "twelve.pdf", &rendered);
        let pages: Vec<String> = (1..=rendered.pages).map(|p| text(&file, Some(p))).collect();
        for (p, t) in pages.iter().enumerate() {
            let numbered = format!("Page {} of {}", p + 1, rendered.pages);
            assert!(t.contains(&numbered), "{numbered} missing");
        }
        let titles: Vec<String> = sheet
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| format!("{}. {}", i + 1, item.service.name))
            .collect();
        for (i, item) in sheet.items.iter().enumerate() {
            let title = &titles[i];
            let on: Vec<usize> = (0..pages.len())
                .filter(|&p| pages[p].contains(title.as_str()))
                .collect();
            assert_eq!(on.len(), 1, "{title} on pages {on:?}");
            // From this title to the next one (or the page's end), the activity's own
            // last row and its phone are there: nothing of it went to another page.
            let page = &pages[on[0]];
            let from = &page[page.find(title.as_str()).unwrap()..];
            let body = titles
                .get(i + 1)
                .and_then(|next| from.find(next.as_str()))
                .map_or(from, |end| &from[..end]);
            let note = format!("Note Take a friend to number {}.", i + 1);
            assert!(
                body.contains(&note),
                "{paper:?}: {title} is split from its note: {body}"
            );
            if let Some(phone) = &item.service.phone {
                assert!(body.contains(phone.as_str()), "{title} split from {phone}");
            }
        }
        let all = pages.join(" ");
        assert!(all.contains("Referral slip: Cooking on a Budget"), "{all}");
        assert!(all.contains("This is to introduce Siobhán Ní Bhriain."));
        assert!(all.contains("Reference: WM-7K2M-9QXD"));
        assert_embedded_subset_and_valid(&file);
    }
}

/// A prescription printed without its slips (the patient has not agreed to share their
/// details with providers) keeps every activity, its "direct referral" wording and the
/// reference, but no slip naming the patient for a provider.
#[test]
fn without_slips_no_page_hands_the_patients_name_to_a_provider() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheet = common::twelve(Country::Uk);
    assert!(sheet.has_slips());
    sheet.slips = false;
    let rendered = render(&sheet, Paper::A4, false);
    let file = save(dir.path(), "no-slips.pdf", &rendered);
    let all = text(&file, None);
    assert!(!all.contains("Referral slip"), "{all}");
    assert!(!all.contains("This is to introduce"), "{all}");
    assert!(all.contains("Cooking on a Budget"));
    assert!(all.contains("WM-7K2M-9QXD"));
    let with = render(&common::twelve(Country::Uk), Paper::A4, false);
    assert!(rendered.pages <= with.pages);
}

/// Every sample patient's name prints, and names in the scripts the embedded faces
/// lack: with the computer's fonts (Noto here, as Segoe UI, Nirmala UI or PingFang on
/// users' computers) every one reads back with no boxes and no warning; on a computer
/// without them (the system fonts hidden) the same names are reported, so the app
/// warns before printing.
#[test]
fn every_name_prints_with_the_computer_s_fonts_and_is_reported_without_them() {
    let data = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/patients.json"),
    )
    .expect("../shared/data beside the checkout");
    let patients: serde_json::Value = serde_json::from_str(&data).unwrap();
    let mut names: Vec<(String, Option<String>)> = patients["patients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let name = format!(
                "{} {}",
                p["given"].as_str().unwrap(),
                p["family"].as_str().unwrap()
            );
            let address = p["address"].as_str().filter(|a| !a.is_empty());
            (name, address.map(str::to_owned))
        })
        .collect();
    assert_eq!(names.len(), 10);
    // One name in each script the prescription languages use beyond the samples'.
    for name in [
        "محمد علي",
        "نعمان ڈار",
        "সুমাইয়া খাতুন",
        "ਗੁਰਪ੍ਰੀਤ ਕੌਰ",
        "જયેશ પટેલ",
        "Nguyễn Thị Hương",
    ] {
        names.push((name.to_owned(), None));
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, address) in &names {
        let mut sheet = common::workflow_one(Country::Uk);
        sheet.patient_name = name.clone();
        if let Some(address) = address {
            sheet.what_matters = Some(format!("Getting out of {address} more."));
        }
        let rendered = render_with(fonts(), &sheet, Paper::A4, false);
        assert!(
            rendered.missing_glyphs.is_empty(),
            "{name}: {:?} (install the Noto fonts: cargo xtask setup)",
            rendered.missing_glyphs
        );
        let file = save(dir.path(), "name.pdf", &rendered);
        run("qpdf", &["--check", file.to_str().unwrap()]);
        let t = reading(&file);
        let latin_only = name
            .chars()
            .all(|c| c.is_ascii() || Writing::of_char(c) == Writing::Other);
        if latin_only {
            assert!(
                t.contains(&format!("For {name}")),
                "{name} not intact in:\n{t}"
            );
        } else {
            // Right-to-left names come back with pdftotext's direction marks.
            let words_there = name.split(' ').all(|w| t.contains(w));
            assert!(words_there, "{name} not intact in:\n{t}");
        }

        // Without the computer's fonts: the letters no embedded face has are reported.
        let bare = render_with(embedded_only(), &sheet, Paper::A4, false);
        let beyond: Vec<char> = name
            .chars()
            .filter(|c| !c.is_whitespace() && Writing::of_char(*c) != Writing::Other)
            .collect();
        if beyond.is_empty() {
            assert!(
                bare.missing_glyphs.is_empty(),
                "{name}: {:?}",
                bare.missing_glyphs
            );
        } else {
            assert!(
                !bare.missing_glyphs.is_empty(),
                "{name}: no warning without the fonts"
            );
            assert!(
                bare.missing_glyphs.iter().all(|c| beyond.contains(c)),
                "{name}: {:?}",
                bare.missing_glyphs
            );
        }
    }
}

/// A practice with no extra fonts prints every Latin-script language in the embedded
/// DejaVu faces alone, as before; the others need the computer's fonts, and say so.
#[test]
fn latin_script_languages_need_no_font_from_the_computer() {
    for language in &LANGUAGES {
        let lacking = embedded_only().lacking(language);
        if language.script == Script::Latin {
            assert_eq!(lacking, vec![], "{}", language.code);
        } else {
            assert!(!lacking.is_empty(), "{}", language.code);
        }
    }
    let arabic = waymark_print::languages::language("ar").unwrap();
    assert_eq!(embedded_only().lacking(arabic), vec![Writing::Arabic]);
}

/// Mixed directions on an Arabic page: an English service name inside an Arabic
/// sentence keeps its own order, numbers and dates read left to right, and a
/// right-to-left override in a name is still stripped before it reaches the paper.
#[test]
fn mixed_directions_on_an_arabic_page_keep_each_part_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let arabic = waymark_print::languages::language("ar").unwrap();
    let mut sheet = common::workflow_one(Country::Uk);
    sheet.patient_name = "\u{202E}محمد علي".into();
    sheet.what_matters =
        Some("أريد أن أنضم إلى Gentle Yoga يوم 24 نوفمبر 2026 الساعة 10:30".into());
    let options = PrintOptions {
        paper: Paper::A4,
        large_print: false,
        both: false,
    };
    let rendered = prescription_pdf(fonts(), &sheet, options, arabic).unwrap();
    assert!(
        rendered.missing_glyphs.is_empty(),
        "{:?}",
        rendered.missing_glyphs
    );
    let file = save(dir.path(), "mixed.pdf", &rendered);
    let t = reading(&file);
    for part in [
        "Gentle Yoga",
        "24",
        "2026",
        "10:30",
        "محمد",
        "علي",
        "نوفمبر",
        "أنضم",
    ] {
        assert!(t.contains(part), "{part:?} missing from:\n{t}");
    }
    assert!(
        !t.contains("agoY eltneG") && !t.contains("6202"),
        "reversed: {t}"
    );
    // The override is gone: its name prints as an ordinary right-to-left name (the
    // text read back has pdftotext's own embedding marks, never an override).
    assert!(!t.contains('\u{202E}'), "the override reached the paper");
    // The sentence reads right to left: its first Arabic word stands to the right of
    // the English name, its date to the left.
    let layout = extract(&file, Some(1), true);
    let line = layout
        .lines()
        .find(|l| l.contains("Gentle Yoga"))
        .unwrap_or_else(|| panic!("no line with the service in:\n{layout}"));
    let (yoga, first_word, year) = (
        line.find("Gentle Yoga").unwrap(),
        line.find("أريد").unwrap(),
        line.find("2026").unwrap(),
    );
    assert!(year < yoga && yoga < first_word, "{line}");
}

#[test]
fn a_long_practice_name_is_shortened_in_the_footer_not_run_into_the_page_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheet = common::workflow_one(Country::Uk);
    sheet.practice.name = "The Hollinsford and District Community Health Partnership ".repeat(3);
    for large_print in [false, true] {
        let file = save(
            dir.path(),
            "long.pdf",
            &render(&sheet, Paper::A4, large_print),
        );
        let t = text(&file, Some(1));
        let footer = &t[t.rfind("The Hollinsford").unwrap()..];
        assert!(
            footer.contains("… · Reference WM-7K2M-9QXD Page 1 of"),
            "{footer}"
        );
    }
}

#[test]
fn direction_overrides_and_control_characters_do_not_reach_the_paper() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheet = common::workflow_one(Country::Uk);
    sheet.patient_name = "\u{202E}evil Smith\u{0007}".into();
    let rendered = render(&sheet, Paper::A4, false);
    assert!(
        rendered.missing_glyphs.is_empty(),
        "{:?}",
        rendered.missing_glyphs
    );
    let t = reading(&save(dir.path(), "x.pdf", &rendered));
    assert!(t.contains("For evil Smith Date"), "{t}");
}

#[test]
fn the_practice_logo_is_printed_and_a_broken_one_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheet = common::workflow_one(Country::Uk);
    sheet.practice.logo_png = Some(common::logo_png(240, 96));
    let rendered = render(&sheet, Paper::A4, false);
    let file = save(dir.path(), "logo.pdf", &rendered);
    let images = run("pdfimages", &["-list", file.to_str().unwrap()]);
    // One picture, with its transparency as a soft mask.
    assert!(
        images
            .lines()
            .any(|l| l.contains(" image ") && l.contains("240    96")),
        "{images}"
    );
    assert!(images.lines().any(|l| l.contains(" smask ")), "{images}");
    run("qpdf", &["--check", file.to_str().unwrap()]);

    let mut broken = common::logo_png(240, 96);
    let end = broken.len() - 20;
    broken[40..end].fill(0x55);
    sheet.practice.logo_png = Some(broken);
    let fonts = Fonts::load().unwrap();
    let err =
        prescription_pdf(&fonts, &sheet, PrintOptions::for_sheet(&sheet), &ENGLISH).unwrap_err();
    assert!(
        err.to_string()
            .contains("Choose the logo again in Settings"),
        "{err}"
    );
}

/// Page 1 of workflow 1 drawn at 40 dpi and compared with the committed picture, so a
/// layout change shows up. `WAYMARK_UPDATE_REFERENCE=1` writes a new reference after a
/// deliberate change (look at it before committing).
#[test]
fn page_one_looks_like_the_reference_image() {
    let dir = tempfile::tempdir().unwrap();
    let file = save(
        dir.path(),
        "one.pdf",
        &render(&common::workflow_one(Country::Uk), Paper::A4, false),
    );
    let rendered = page_one_png(dir.path(), &file, 40);
    let reference =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/prescription-a4-page1.png");
    if std::env::var_os("WAYMARK_UPDATE_REFERENCE").is_some() {
        std::fs::create_dir_all(reference.parent().unwrap()).unwrap();
        std::fs::copy(&rendered, &reference).unwrap();
    }
    // Anti-aliasing differs a little between Poppler versions; a moved line or box
    // changes far more than this.
    assert_like_reference(&rendered, &reference, 0.005);
}

/// Asserts that at most `share` of the pixels of the PNG `rendered` differ clearly
/// from the PNG `reference`.
fn assert_like_reference(rendered: &Path, reference: &Path, share: f64) {
    let (w, h, got) = gray(rendered);
    let (rw, rh, want) = gray(reference);
    assert_eq!(
        (w, h),
        (rw, rh),
        "page size changed: {}",
        reference.display()
    );
    let differing = got
        .iter()
        .zip(&want)
        .filter(|(a, b)| a.abs_diff(**b) > 64)
        .count();
    let differ = differing as f64 / got.len() as f64;
    assert!(
        differ < share,
        "{:.2}% of pixels differ from {} ({differing} of {}; look at {})",
        differ * 100.0,
        reference.display(),
        got.len(),
        rendered.display()
    );
}

/// Width, height and 8-bit grey pixels of a PNG (colour is averaged to grey).
fn gray(file: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(file).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected {other:?} in {file:?}"),
    };
    let pixels = buf
        .chunks(channels)
        .map(|p| (p.iter().map(|&c| u32::from(c)).sum::<u32>() / channels as u32) as u8)
        .collect();
    (info.width, info.height, pixels)
}

/// Text with every run of white space (line ends too) made one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `pdftotext`'s `text` holds `phrase`. Latin text must read back exactly. For
/// shaped scripts pdftotext splits some marks from their letters and puts direction
/// marks around right-to-left words, so both sides drop spaces, direction marks and
/// combining marks (where marks sit is checked by eye, on the reference pictures);
/// a phrase mixing scripts (an Arabic label before an English name) reads back in
/// the page's order, so each of its words must be there instead.
fn holds(text: &str, phrase: &str, latin: bool) -> bool {
    use unicode_script::UnicodeScript;
    type Script = unicode_script::Script;
    if latin {
        return flat(text).contains(&flat(phrase));
    }
    let strip = |s: &str| -> String {
        s.chars()
            .filter(|c| {
                !c.is_whitespace()
                    && !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
                    && c.script() != Script::Inherited
            })
            .collect()
    };
    let text = strip(text);
    if !phrase
        .chars()
        .any(|c| c.script() == Script::Latin || c.is_ascii_digit())
    {
        return text.contains(&strip(phrase));
    }
    phrase
        .split(|c: char| !(c.is_alphanumeric() || c.script() == Script::Inherited || c == '\''))
        .map(strip)
        .filter(|w| !w.is_empty())
        .all(|w| text.contains(&w))
}

/// Workflow 1 in every language that prints now, on A4 and Letter, in normal and large
/// print, alone and with the English beneath: each activity's frame whole, the pages
/// few, and the language's own phrases and date read back from the paper.
#[test]
fn workflow_one_prints_in_each_language_alone_and_with_the_english() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = Fonts::load().unwrap();
    for language in &LANGUAGES {
        assert_eq!(
            fonts.lacking(language),
            vec![],
            "{}: install the Noto fonts (cargo xtask setup)",
            language.code
        );
        for (paper, country) in [(Paper::A4, Country::Uk), (Paper::Letter, Country::Us)] {
            let mut sheet = common::workflow_one(country);
            sheet.print_language = Some(language.code.to_owned());
            for large_print in [false, true] {
                for both in [false, true] {
                    let options = PrintOptions {
                        paper,
                        large_print,
                        both,
                    };
                    let what = format!(
                        "{} {paper:?} large {large_print} both {both}",
                        language.code
                    );
                    let rendered = prescription_pdf(&fonts, &sheet, options, language).unwrap();
                    assert!(
                        rendered.missing_glyphs.is_empty(),
                        "{what}: {:?}",
                        rendered.missing_glyphs
                    );
                    let most = if large_print { 3 } else { 2 };
                    assert!(rendered.pages <= most, "{what}: {} pages", rendered.pages);
                    let file = save(dir.path(), "language.pdf", &rendered);
                    run("qpdf", &["--check", file.to_str().unwrap()]);
                    let t = flat(&reading(&file));
                    let w = language.wording;
                    let date = if language.code == "en" {
                        match country {
                            Country::Uk => "24 November 2026".to_owned(),
                            Country::Us => "November 24, 2026".to_owned(),
                        }
                    } else {
                        w.dates.long(sheet.prescribed_date)
                    };
                    for phrase in [
                        w.title.to_owned(),
                        w.for_patient.replace("{name}", "Zoë O'Brien"),
                        w.date.replace("{date}", &date),
                        w.what_matters_heading.to_owned(),
                        w.activities_heading.to_owned(),
                        w.next_checkin_heading.to_owned(),
                        "1. Community Childcare Co-op".to_owned(),
                        "2. Gentle Yoga for Strength and Balance".to_owned(),
                        // The link worker's words print as typed.
                        "Having the energy to play with my children.".to_owned(),
                    ] {
                        assert!(
                            holds(&t, &phrase, language.script == Script::Latin),
                            "{what}: {phrase:?} missing from:\n{t}"
                        );
                    }
                    let english = t.contains("Your social prescription");
                    assert_eq!(
                        english,
                        language.code == "en" || both,
                        "{what}: the English is there only when asked for"
                    );
                }
            }
        }
    }
}

/// Page 1 of workflow 1 in Arabic, Bengali and Chinese, rendered by pdftoppm, matches
/// the reference picture an engineer has looked at (`tests/reference/`): joined
/// Arabic letters running right to left on a mirrored page, Bengali conjuncts and
/// vowel signs in place, Chinese characters in the computer's font. A picture is
/// compared at 50 dpi in greyscale, allowing for small anti-aliasing differences.
/// `WAYMARK_UPDATE_REFERENCE=1` writes new references, to be looked at before
/// committing.
#[test]
fn shaped_scripts_match_their_reference_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = Fonts::load().unwrap();
    let reference_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference");
    let update = std::env::var_os("WAYMARK_UPDATE_REFERENCE").is_some();
    for code in ["ar", "bn", "zh-Hans"] {
        let language = waymark_print::languages::language(code).unwrap();
        let mut sheet = common::workflow_one(Country::Uk);
        sheet.print_language = Some(code.to_owned());
        let options = PrintOptions {
            paper: Paper::A4,
            large_print: false,
            both: false,
        };
        let rendered = prescription_pdf(&fonts, &sheet, options, language).unwrap();
        let file = save(dir.path(), &format!("{code}.pdf"), &rendered);
        let picture = page_one_png(dir.path(), &file, 50);
        let reference = reference_dir.join(format!("{code}.png"));
        if update {
            std::fs::create_dir_all(&reference_dir).unwrap();
            std::fs::copy(&picture, &reference).unwrap();
        }
        assert_like_reference(&picture, &reference, 0.002);
    }
}
