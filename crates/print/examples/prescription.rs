//! Writes the sample prescriptions to a folder, to look at: `cargo run -p waymark-print
//! --example prescription -- /tmp/rx` (workflow 1 in A4 and Letter, normal and large
//! print, and twelve activities).
#[path = "../tests/common/mod.rs"]
mod common;

use waymark_domain::Country;
use waymark_print::languages::ENGLISH;
use waymark_print::{prescription_pdf, Fonts, Paper, PrintOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).ok_or("give a folder")?);
    std::fs::create_dir_all(&dir)?;
    let fonts = Fonts::load()?;
    let one = common::workflow_one(Country::Uk);
    for (name, sheet, paper, large_print) in [
        ("one-a4", &one, Paper::A4, false),
        ("one-letter", &one, Paper::Letter, false),
        ("one-a4-large", &one, Paper::A4, true),
        ("twelve-a4", &common::twelve(Country::Uk), Paper::A4, false),
        (
            "twelve-a4-large",
            &common::twelve(Country::Uk),
            Paper::A4,
            true,
        ),
    ] {
        let rendered = prescription_pdf(
            &fonts,
            sheet,
            PrintOptions {
                paper,
                large_print,
                both: false,
            },
            &ENGLISH,
        )?;
        println!(
            "{name}: {} pages, {} bytes",
            rendered.pages,
            rendered.pdf.len()
        );
        std::fs::write(dir.join(format!("{name}.pdf")), rendered.pdf)?;
    }
    Ok(())
}
