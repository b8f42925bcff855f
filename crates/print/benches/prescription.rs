//! Printing benchmark: how long loading the fonts takes (the embedded faces expanded and
//! the computer's fonts listed: the app does it once, on the first print), how long the
//! first Arabic and Chinese prescriptions take (each script's font found, read and
//! parsed: once per app run), how long one social prescription then takes to render
//! and how large the PDF is. Run with `cargo xtask bench` (release build).
//!
//! Targets (issues 5 and 20): under 10 ms for a one-page English prescription and
//! under 100 KB without a logo; in any language under 15 ms p95 and 150 KB.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a panic is the report

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use waymark_domain::sheet::PrescriptionSheet;
use waymark_domain::Country;
use waymark_print::languages::{language, Language, ENGLISH};
use waymark_print::{prescription_pdf, Fonts, Paper, PrintOptions};

const RUNS: usize = 200;

const FONT_LOADS: usize = 20;

fn main() {
    let mut loads = Vec::with_capacity(FONT_LOADS);
    for _ in 0..FONT_LOADS {
        let start = Instant::now();
        let fonts = Fonts::load().unwrap();
        loads.push(start.elapsed());
        drop(fonts);
    }
    loads.sort_unstable();
    println!(
        "fonts loaded (embedded faces expanded, the computer's fonts listed), {FONT_LOADS} runs (once per app run): p50 {:.1} ms, max {:.1} ms",
        ms(loads[FONT_LOADS / 2]),
        ms(loads[FONT_LOADS - 1])
    );
    let one = common::workflow_one(Country::Uk);
    let in_language = |code: &str| {
        let mut sheet = one.clone();
        sheet.print_language = Some(code.to_owned());
        (sheet, language(code).unwrap())
    };
    let (arabic, ar) = in_language("ar");
    let (chinese, zh) = in_language("zh-Hans");
    for (name, sheet, lang) in [("Arabic", &arabic, ar), ("Chinese", &chinese, zh)] {
        let fonts = Fonts::load().unwrap();
        let start = Instant::now();
        let rendered = prescription_pdf(&fonts, sheet, options(Paper::A4, false), lang).unwrap();
        assert!(
            rendered.missing_glyphs.is_empty(),
            "{name}: install its font"
        );
        println!(
            "first {name} prescription after loading (its font found, read and parsed: once per app run): {:.1} ms",
            ms(start.elapsed())
        );
    }
    println!();
    let fonts = Fonts::load().unwrap();
    let mut with_logo = one.clone();
    with_logo.practice.logo_png = Some(common::logo_png(400, 160));
    let cases: [(&str, &PrescriptionSheet, PrintOptions, &Language); 9] = [
        ("workflow 1, A4", &one, options(Paper::A4, false), &ENGLISH),
        (
            "workflow 1, Letter",
            &one,
            options(Paper::Letter, false),
            &ENGLISH,
        ),
        (
            "workflow 1, A4 large print",
            &one,
            options(Paper::A4, true),
            &ENGLISH,
        ),
        (
            "workflow 1, A4, 400x160 logo",
            &with_logo,
            options(Paper::A4, false),
            &ENGLISH,
        ),
        (
            "12 activities, A4",
            &common::twelve(Country::Uk),
            options(Paper::A4, false),
            &ENGLISH,
        ),
        (
            "workflow 1, A4, Arabic",
            &arabic,
            options(Paper::A4, false),
            ar,
        ),
        (
            "workflow 1, A4, Arabic+English",
            &arabic,
            PrintOptions {
                both: true,
                ..options(Paper::A4, false)
            },
            ar,
        ),
        (
            "workflow 1, A4, Chinese",
            &chinese,
            options(Paper::A4, false),
            zh,
        ),
        (
            "workflow 1, A4, Chinese+English",
            &chinese,
            PrintOptions {
                both: true,
                ..options(Paper::A4, false)
            },
            zh,
        ),
    ];
    println!("social prescription rendering, {RUNS} runs each (release build)");
    println!(
        "{:<34} {:>5} {:>9} {:>9} {:>10}",
        "", "pages", "p50 ms", "p95 ms", "size KB"
    );
    // `cargo bench -p waymark-print --bench prescription -- Chinese` runs only the
    // cases whose name holds the word (for profiling one of them).
    let only = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    for (name, sheet, opts, lang) in cases {
        if only.as_deref().is_some_and(|word| !name.contains(word)) {
            continue;
        }
        let mut times = Vec::with_capacity(RUNS);
        let mut last = None;
        for _ in 0..RUNS {
            let start = Instant::now();
            let rendered = prescription_pdf(&fonts, sheet, opts, lang).unwrap();
            times.push(start.elapsed());
            last = Some(rendered);
        }
        let rendered = last.unwrap();
        times.sort_unstable();
        println!(
            "{name:<34} {:>5} {:>9.2} {:>9.2} {:>10.1}",
            rendered.pages,
            ms(times[RUNS / 2]),
            ms(times[RUNS * 95 / 100]),
            rendered.pdf.len() as f64 / 1024.0
        );
    }
    println!(
        "targets: a one-page English prescription under 10 ms and 100 KB without a logo; \
         any language under 15 ms p95 and 150 KB"
    );
}

fn options(paper: Paper, large_print: bool) -> PrintOptions {
    PrintOptions {
        paper,
        large_print,
        both: false,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
