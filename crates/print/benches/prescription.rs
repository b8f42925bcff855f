//! Printing benchmark: how long loading the embedded fonts takes (the app does it once,
//! on the first print), how long one social prescription then takes to render and how
//! large the PDF is. Run with `cargo xtask bench` (release build).
//!
//! Targets (issue 5): under 10 ms for a one-page prescription; under 100 KB without a
//! logo.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a panic is the report

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use waymark_domain::sheet::PrescriptionSheet;
use waymark_domain::Country;
use waymark_print::languages::ENGLISH;
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
        "embedded fonts expanded and parsed, {FONT_LOADS} runs (once per app run): p50 {:.1} ms, max {:.1} ms\n",
        ms(loads[FONT_LOADS / 2]),
        ms(loads[FONT_LOADS - 1])
    );
    let fonts = Fonts::load().unwrap();
    let one = common::workflow_one(Country::Uk);
    let mut with_logo = one.clone();
    with_logo.practice.logo_png = Some(common::logo_png(400, 160));
    let cases: [(&str, &PrescriptionSheet, PrintOptions); 5] = [
        ("workflow 1, A4", &one, options(Paper::A4, false)),
        ("workflow 1, Letter", &one, options(Paper::Letter, false)),
        ("workflow 1, A4 large print", &one, options(Paper::A4, true)),
        (
            "workflow 1, A4, 400x160 logo",
            &with_logo,
            options(Paper::A4, false),
        ),
        (
            "12 activities, A4",
            &common::twelve(Country::Uk),
            options(Paper::A4, false),
        ),
    ];
    println!("social prescription rendering, {RUNS} runs each (release build)");
    println!(
        "{:<30} {:>5} {:>9} {:>9} {:>10}",
        "", "pages", "p50 ms", "p95 ms", "size KB"
    );
    for (name, sheet, opts) in cases {
        let mut times = Vec::with_capacity(RUNS);
        let mut last = None;
        for _ in 0..RUNS {
            let start = Instant::now();
            let rendered = prescription_pdf(&fonts, sheet, opts, &ENGLISH).unwrap();
            times.push(start.elapsed());
            last = Some(rendered);
        }
        let rendered = last.unwrap();
        times.sort_unstable();
        println!(
            "{name:<30} {:>5} {:>9.2} {:>9.2} {:>10.1}",
            rendered.pages,
            ms(times[RUNS / 2]),
            ms(times[RUNS * 95 / 100]),
            rendered.pdf.len() as f64 / 1024.0
        );
    }
    println!("targets: a one-page prescription under 10 ms; under 100 KB without a logo");
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
