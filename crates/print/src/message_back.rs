//! The message back to the GP and referrer, printed as a letter: the practice's
//! letterhead, the title and date, then each section of the domain's `MessageBack` in
//! the same words as its plain text, with the SNOMED CT codes in a box where whoever
//! files the letter in the GP record finds them at a glance.

use waymark_domain::message_back::{Code, MessageBack};
use waymark_domain::sheet::printable;

use crate::layout::{Face, Fonts, Style, Writer};
use crate::prescription::{draw_logo, footer_parts, practice_logo};
use crate::wording::PRESCRIPTION_EN;
use crate::{Error, Paper, Rendered};

/// Type sizes and spacing, in points unless named.
const MARGIN_MM: f32 = 18.0;
const TITLE: f32 = 16.0;
const PRACTICE: f32 = 14.0;
const HEADING: f32 = 12.0;
const BODY: f32 = 10.5;
const SMALL: f32 = 9.5;
const FOOTER: f32 = 9.0;
const CODE: f32 = 13.0;
/// Space above each section.
const SECTION_GAP: f32 = 7.0;
/// Inside the codes' box.
const PAD: f32 = 8.0;

/// Renders `message` as a letter on `paper`.
pub fn message_back_pdf(
    fonts: &Fonts,
    message: &MessageBack,
    paper: Paper,
) -> Result<Rendered, Error> {
    let practice = &message.practice;
    let logo = practice_logo(practice.logo_png.as_deref())?;
    let mut doc = Writer::with_margin(fonts, message.title(), paper, MARGIN_MM);
    doc.reserve_footer(FOOTER * 2.5);

    // Letterhead: the practice on the left, its logo (if any) on the right.
    let top = doc.y();
    let (mut beside, mut logo_bottom) = (0.0, top);
    if let Some(logo) = &logo {
        let column = doc.text_width() * 0.35;
        let height = draw_logo(&mut doc, logo, top, column);
        beside = height * logo.aspect() + 12.0;
        logo_bottom = top - height;
    }
    doc.paragraph(
        &printable(&practice.name),
        Style::new(Face::Bold, PRACTICE).right(beside).after(2.0),
    );
    let letterhead = Style::new(Face::Regular, SMALL).right(beside);
    for line in message.letterhead() {
        doc.paragraph(&line, letterhead);
    }
    doc.set_y(doc.y().min(logo_bottom));
    doc.rule(6.0);

    doc.paragraph(
        message.title(),
        Style::new(Face::Bold, TITLE).leading(1.2).after(3.0),
    );
    // The letter is in English, whose fixed "Date:" phrase the prescription's table holds.
    let date = practice.country.long_date(message.date);
    doc.paragraph(
        &PRESCRIPTION_EN.date.replace("{date}", &date),
        Style::new(Face::Regular, 11.0).after(2.0),
    );

    let codes = message.codes();
    for (heading, lines) in message.sections() {
        if is_codes(&lines, &codes) {
            codes_box(&mut doc, heading, &codes);
        } else {
            section(&mut doc, heading, &lines);
        }
    }

    // Every page names the person, so a page that comes loose is filed with the rest.
    let mut person = printable(&message.person.name);
    if let Some(id) = &message.person.identifier {
        person = format!("{person}, {}", printable(id));
    }
    let practice_name = printable(&practice.name);
    let footer = Style::new(Face::Regular, FOOTER);
    let (left, page_words) = footer_parts(
        &practice_name,
        (person.clone(), PRESCRIPTION_EN.page.to_owned()),
        doc.text_width(),
        FOOTER,
        |text| doc.width_of(text, footer.face, footer.size),
    )
    .unwrap_or((person, PRESCRIPTION_EN.page.to_owned()));
    doc.finish_with_footer(|n, total| {
        let page = page_words
            .replace("{n}", &n.to_string())
            .replace("{total}", &total.to_string());
        Some((left.clone(), page, footer))
    })
}

fn body() -> Style {
    Style::new(Face::Regular, BODY).leading(1.3).after(2.0)
}

fn heading_style() -> Style {
    Style::new(Face::Bold, HEADING).after(3.0)
}

/// A section: its heading in bold, kept with its first lines, then each line a
/// paragraph; the plain text's "- " items become indented bullets.
fn section(doc: &mut Writer<'_>, heading: &str, lines: &[String]) {
    let bullet = body().indent(BODY * 1.4);
    // User text was made printable by the domain; again here, so nothing that reaches
    // the page depends on that.
    let styled: Vec<(String, Style)> = lines
        .iter()
        .map(|line| match line.strip_prefix("- ") {
            Some(item) => (format!("•  {}", printable(item)), bullet),
            None => (printable(line), body()),
        })
        .collect();
    doc.space(SECTION_GAP);
    let first = styled
        .first()
        .map_or(0.0, |(text, style)| doc.measure(text, *style))
        .min(3.0 * body().line_height());
    doc.keep_together(doc.measure(heading, heading_style()) + first);
    doc.paragraph(heading, heading_style());
    for (text, style) in &styled {
        doc.paragraph(text, *style);
    }
}

/// Whether a section's lines are the codes (the section that gets the box): matched on
/// the codes themselves rather than the heading's wording, and printed as an ordinary
/// section should the two ever differ.
fn is_codes(lines: &[String], codes: &[Code]) -> bool {
    !codes.is_empty()
        && lines.len() == codes.len()
        && lines.iter().zip(codes).all(|(line, code)| {
            line.strip_prefix(code.id)
                .is_some_and(|rest| rest.trim() == code.term)
        })
}

/// The codes in a frame: each concept id in bold monospace (easy to read and type
/// digit by digit) with its term beneath (beside it, a reader's copy of the text
/// groups the ids apart from their terms), all kept on one page.
fn codes_box(doc: &mut Writer<'_>, heading: &str, codes: &[Code]) {
    let title = heading_style().indent(PAD).right(PAD);
    let id = Style::new(Face::MonoBold, CODE).indent(PAD).right(PAD);
    let term = body().indent(PAD).right(PAD).after(4.0);
    let height = 2.0 * PAD
        + doc.measure(heading, title)
        + codes
            .iter()
            .map(|c| doc.measure(c.id, id) + doc.measure(c.term, term))
            .sum::<f32>();
    doc.space(SECTION_GAP + 2.0);
    doc.keep_together(height);
    let (top, page) = (doc.y(), doc.page());
    doc.space(PAD);
    doc.paragraph(heading, title);
    for c in codes {
        doc.paragraph(c.id, id);
        doc.paragraph(c.term, term);
    }
    doc.space(PAD - term.space_after);
    // Kept together above, so the frame closes on the page it opened on.
    if doc.page() == page {
        doc.frame(top, 1.5);
    }
}
