//! Writes a sample recovery kit to the path given, to look at: `cargo run -p
//! waymark-print --example kit -- /tmp/kit.pdf`.
use waymark_print::wording::RECOVERY_KIT_EN;
use waymark_print::{recovery_kit_pdf, Fonts, Paper, RecoveryKit};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("give the PDF's path")?;
    let fonts = Fonts::load()?;
    let kit = RecoveryKit {
        practice_name: "Hollinsford Surgery",
        practice_address: Some("1 High Street\nHollinsford HF1 1AA"),
        code: "7K2M-9QXD-4HJR-WT8B-0N6C-P3ZF-YV5G-ES1A",
        made_on: "24 November 2026",
        data_folder: "/home/practice/.local/share/org.waymark.app",
        version: env!("CARGO_PKG_VERSION"),
        paper: Paper::A4,
        wording: &RECOVERY_KIT_EN,
    };
    std::fs::write(path, recovery_kit_pdf(&fonts, &kit)?.pdf)?;
    Ok(())
}
