//! The recovery kit: the practice's recovery code on paper, with what it is for and
//! how to use it. The code is the only secret on it; the key it unlocks stays beside
//! the database and in the backups, never on the page.

use crate::layout::{Face, Fonts, Style, Writer};
use crate::wording::RecoveryKitWording;
use crate::{Error, Paper, Rendered};

/// What goes on the kit.
#[derive(Debug, Clone)]
pub struct RecoveryKit<'a> {
    pub practice_name: &'a str,
    pub practice_address: Option<&'a str>,
    /// The code as shown on screen, in groups.
    pub code: &'a str,
    /// The date, already written the practice's way.
    pub made_on: &'a str,
    pub data_folder: &'a str,
    pub version: &'a str,
    pub paper: Paper,
    pub wording: &'a RecoveryKitWording,
}

pub fn recovery_kit_pdf(fonts: &Fonts, kit: &RecoveryKit<'_>) -> Result<Rendered, Error> {
    let w = kit.wording;
    let mut doc = Writer::new(fonts, w.title, kit.paper);
    let body = Style::new(Face::Regular, 11.0).after(6.0);
    let heading = Style::new(Face::Bold, 13.0).after(4.0);

    doc.paragraph(w.title, Style::new(Face::Bold, 22.0).after(4.0));
    doc.paragraph(
        &format!("{} {}", w.for_practice, kit.practice_name),
        Style::new(Face::Bold, 14.0).after(2.0),
    );
    if let Some(address) = kit.practice_address.filter(|a| !a.trim().is_empty()) {
        doc.paragraph(address, Style::new(Face::Regular, 11.0).after(2.0));
    }
    doc.paragraph(&w.made_on.replace("{date}", kit.made_on), body);
    doc.rule(6.0);

    doc.paragraph(w.code_heading, heading);
    doc.boxed(kit.code, Style::new(Face::MonoBold, 17.0).after(12.0), 10.0);

    doc.paragraph(w.what_heading, heading);
    doc.paragraph(w.what, body);
    doc.paragraph(w.safe_heading, heading);
    for line in w.safe {
        doc.paragraph(line, body);
    }
    doc.paragraph(w.use_heading, heading);
    for (i, step) in w.steps.iter().enumerate() {
        doc.paragraph(&format!("{}. {step}", i + 1), body.indent(8.0));
    }
    doc.rule(6.0);
    let small = Style::new(Face::Regular, 9.0).after(2.0);
    doc.paragraph(&w.data_folder.replace("{folder}", kit.data_folder), small);
    doc.paragraph(&w.footer.replace("{version}", kit.version), small);
    doc.finish()
}
