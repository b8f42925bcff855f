//! The social prescription: what the patient takes home and keeps on the fridge. The
//! practice and the link worker at the top, "what matters to you", each activity in its
//! own frame (never split across pages) with a QR code to its web page, the next
//! check-in, and a referral slip for each service the link worker refers to directly.

use qrcode::{Color as Module, EcLevel, QrCode};
use waymark_domain::sheet::{printable, PrescriptionSheet, SheetItem};
use waymark_domain::{CostBand, Country, JoinMethod, Weekday};

use crate::languages::Language;
use crate::layout::{Face, Fonts, Picture, Style, Writer};
use crate::wording::{DateForms, PrescriptionWording, DATES_EN_GB, DATES_EN_US, PRESCRIPTION_EN};
use crate::{Error, Paper, Rendered};

/// How to print: the paper and the type size, from the practice's country and the
/// patient's needs unless the person printing chooses otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintOptions {
    pub paper: Paper,
    pub large_print: bool,
    /// Each fixed phrase in the patient's language with the English beneath it, so the
    /// link worker, the patient and a relative can all read it.
    pub both: bool,
}

impl PrintOptions {
    /// The practice's paper, and large print when the patient needs it.
    pub fn for_sheet(sheet: &PrescriptionSheet) -> Self {
        Self {
            paper: Paper::for_country(sheet.practice.country),
            large_print: sheet.needs_large_print,
            both: false,
        }
    }
}

/// Type sizes and spacing, in points unless named.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    title: f32,
    heading: f32,
    item: f32,
    body: f32,
    small: f32,
    footer: f32,
    margin_mm: f32,
    qr: f32,
    pad: f32,
    /// Body line height as a multiple of the size.
    leading: f32,
}

const NORMAL: Sizes = Sizes {
    title: 21.0,
    heading: 14.0,
    item: 12.0,
    body: 10.0,
    small: 9.0,
    footer: 9.0,
    margin_mm: 16.0,
    qr: 56.0,
    pad: 6.0,
    leading: 1.2,
};

/// Large print: body text at 16 pt, nothing a patient reads below 14 pt.
const LARGE: Sizes = Sizes {
    title: 26.0,
    heading: 19.0,
    item: 18.0,
    body: 16.0,
    small: 14.0,
    footer: 12.0,
    margin_mm: 11.0,
    qr: 72.0,
    pad: 7.0,
    leading: 1.15,
};

/// The tallest the practice logo is printed, in points (about 22 mm), and the widest.
const LOGO_HEIGHT: f32 = 62.0;
const LOGO_MAX_WIDTH: f32 = 170.0;

/// The practice's logo decoded for printing; a logo that cannot be decoded is an
/// error the user can act on, rather than a letterhead printed without it.
pub(crate) fn practice_logo(png: Option<&[u8]>) -> Result<Option<Picture>, Error> {
    png.map(|bytes| Picture::from_png(bytes).map_err(Error::Logo))
        .transpose()
}

/// Draws `logo` with its top at `top`, against the right edge of the text column, at
/// most `column` points wide; returns the height it takes.
pub(crate) fn draw_logo(doc: &mut Writer<'_>, logo: &Picture, top: f32, column: f32) -> f32 {
    let width = (LOGO_HEIGHT * logo.aspect())
        .min(LOGO_MAX_WIDTH)
        .min(column);
    doc.picture(logo, doc.left() + doc.text_width() - width, top, width);
    width / logo.aspect()
}

/// Renders `sheet` as a PDF.
pub fn prescription_pdf(
    fonts: &Fonts,
    sheet: &PrescriptionSheet,
    options: PrintOptions,
    language: &Language,
) -> Result<Rendered, Error> {
    let wording = language.wording;
    let english_dates = match sheet.practice.country {
        Country::Uk => DATES_EN_GB,
        Country::Us => DATES_EN_US,
    };
    let english = language.code == "en";
    let logo = practice_logo(sheet.practice.logo_png.as_deref())?;
    let s = if options.large_print { LARGE } else { NORMAL };
    let title = format!("{} {}", wording.title, sheet.reference_code);
    let mut doc = Writer::with_margin(fonts, &title, options.paper, s.margin_mm);
    doc.reserve_footer(s.footer * 2.5);
    // An Arabic or Urdu prescription reads from the right: its frames, labels, logo and
    // page numbers mirror.
    doc.set_right_to_left(language.right_to_left);
    let page = Page {
        sheet,
        w: wording,
        // English dates follow the practice's country; other languages have one form.
        dates: if english {
            english_dates
        } else {
            wording.dates
        },
        english: (options.both && !english).then_some(Words {
            w: &PRESCRIPTION_EN,
            dates: english_dates,
        }),
        english_dates,
        s,
    };
    page.header(&mut doc, logo.as_ref());
    page.what_matters(&mut doc);
    page.activities(&mut doc);
    page.check_in(&mut doc);
    if page.sheet.slips {
        // The slips are in English for the provider, so they read left to right.
        doc.set_right_to_left(false);
        page.slips(&mut doc);
        doc.set_right_to_left(language.right_to_left);
    }

    let practice = printable(&sheet.practice.name);
    let footer = Style::new(Face::Regular, s.footer);
    let width = |text: &str| doc.width_of(text, footer.face, footer.size);
    let forms = |english: bool| {
        let say = |pick: fn(&PrescriptionWording) -> &'static str| match &page.english {
            Some(en) if english => format!("{} / {}", pick(page.w), pick(en.w)),
            _ => pick(page.w).to_owned(),
        };
        (
            say(|w| w.footer_reference).replace("{code}", &sheet.reference_code),
            say(|w| w.page),
        )
    };
    // In both languages when that fits beside the page number, else in the patient's.
    let (left, page_words) =
        footer_parts(&practice, forms(true), doc.text_width(), footer.size, width)
            .or_else(|| {
                footer_parts(
                    &practice,
                    forms(false),
                    doc.text_width(),
                    footer.size,
                    width,
                )
            })
            .unwrap_or_else(|| {
                let (reference, page_words) = forms(false);
                (reference, page_words)
            });
    doc.finish_with_footer(|n, total| {
        let page = page_words
            .replace("{n}", &n.to_string())
            .replace("{total}", &total.to_string());
        Some((left.clone(), page, footer))
    })
}

/// The footer's left part (practice and reference) and its page-number words, when
/// they fit side by side in `room` points: a long practice name is shortened to make
/// room, and `None` means even its first letter does not fit beside them.
pub(crate) fn footer_parts(
    practice: &str,
    (reference, page_words): (String, String),
    room: f32,
    size: f32,
    width: impl Fn(&str) -> f32,
) -> Option<(String, String)> {
    let widest_page = page_words.replace("{n}", "99").replace("{total}", "99");
    let room = room - width(&widest_page) - 2.0 * size;
    let left = format!("{practice} · {reference}");
    if width(&left) <= room {
        return Some((left, page_words));
    }
    let mut name: Vec<char> = practice.chars().collect();
    while !name.is_empty() {
        name.pop();
        let short: String = name.iter().collect();
        let left = format!("{}… · {reference}", short.trim_end());
        if width(&left) <= room {
            return Some((left, page_words));
        }
    }
    None
}

/// One document being written.
struct Page<'a> {
    sheet: &'a PrescriptionSheet,
    /// The patient's language, and how it writes dates.
    w: &'a PrescriptionWording,
    dates: DateForms,
    /// English beneath each phrase, when printing in both.
    english: Option<Words>,
    /// English dates, the practice's way (the referral slips are for the provider).
    english_dates: DateForms,
    s: Sizes,
}

/// A language's wording and date forms.
#[derive(Clone, Copy)]
struct Words {
    w: &'static PrescriptionWording,
    dates: DateForms,
}

/// A piece of an activity's frame: a paragraph, or a label with its value beside it.
enum Piece {
    Text(String, Style),
    Row(String, String),
}

/// A piece placed: a paragraph, or one line of one or two labelled rows (each with the
/// label's x offset from the frame's padding and the value's style).
enum Block {
    Text(String, Style),
    Rows(Vec<(f32, String, String, Style)>),
}

struct Planned {
    kind: Block,
    height: f32,
}

impl Page<'_> {
    fn body(&self) -> Style {
        Style::new(Face::Regular, self.s.body)
            .leading(self.s.leading)
            .after(self.s.body * 0.2)
    }

    fn heading(&self) -> Style {
        Style::new(Face::Bold, self.s.heading).after(self.s.heading * 0.3)
    }

    /// The phrase `say` makes from a wording and its dates, in the patient's language,
    /// then in English after `between` when printing in both.
    fn both(
        &self,
        say: impl Fn(&PrescriptionWording, &DateForms) -> String,
        between: &str,
    ) -> String {
        let mut out = say(self.w, &self.dates);
        if let Some(en) = &self.english {
            out.push_str(between);
            out.push_str(&say(en.w, &en.dates));
        }
        out
    }

    /// The English of a phrase printed in both: smaller, regular, straight beneath.
    fn beneath(&self, style: Style) -> Style {
        Style {
            face: Face::Regular,
            size: (style.size * 0.8).max(self.s.small),
            ..style
        }
    }

    /// A phrase in the patient's language, and the English beneath it in smaller type
    /// when printing in both.
    fn say(
        &self,
        doc: &mut Writer<'_>,
        style: Style,
        say: impl Fn(&PrescriptionWording, &DateForms) -> String,
    ) {
        match &self.english {
            None => doc.paragraph(&say(self.w, &self.dates), style),
            Some(en) => {
                doc.paragraph(&say(self.w, &self.dates), style.after(0.0));
                doc.paragraph(&say(en.w, &en.dates), self.beneath(style));
            }
        }
    }

    /// The height `say` takes.
    fn measure_say(
        &self,
        doc: &Writer<'_>,
        style: Style,
        say: impl Fn(&PrescriptionWording, &DateForms) -> String,
    ) -> f32 {
        match &self.english {
            None => doc.measure(&say(self.w, &self.dates), style),
            Some(en) => {
                doc.measure(&say(self.w, &self.dates), style.after(0.0))
                    + doc.measure(&say(en.w, &en.dates), self.beneath(style))
            }
        }
    }

    fn practice_phone(&self) -> Option<String> {
        self.sheet.practice.phone.as_deref().map(printable)
    }

    /// The title and the patient on the left, the practice's letterhead on the right.
    fn header(&self, doc: &mut Writer<'_>, logo: Option<&Picture>) {
        let p = &self.sheet.practice;
        let w = self.w;
        let top = doc.y();
        let split = doc.text_width() * if self.s.body > 12.0 { 0.5 } else { 0.6 };
        let column = doc.text_width() - split - 12.0;
        let letterhead = Style::new(Face::Regular, self.s.small)
            .indent(split + 12.0)
            .align_right();
        if let Some(logo) = logo {
            let height = draw_logo(doc, logo, top, column);
            doc.space(height + 6.0);
        }
        doc.paragraph(
            &printable(&p.name),
            Style {
                face: Face::Bold,
                size: self.s.heading,
                ..letterhead
            }
            .after(2.0),
        );
        for line in [&p.address, &p.phone, &p.email].into_iter().flatten() {
            doc.paragraph(&printable(line).replace('\n', ", "), letterhead);
        }
        let letterhead_bottom = doc.y();

        doc.set_y(top);
        let left = doc.text_width() - split;
        self.say(
            doc,
            Style::new(Face::Bold, self.s.title)
                .right(left)
                .leading(1.2)
                .after(self.s.body * 0.3),
            |w, _| w.title.to_owned(),
        );
        let patient = printable(&self.sheet.patient_name);
        self.say(
            doc,
            Style::new(Face::Bold, self.s.heading)
                .right(left)
                .after(1.0),
            |w, _| w.for_patient.replace("{name}", &patient),
        );
        let prescribed = self.sheet.prescribed_date;
        self.say(doc, self.body().right(left), |w, dates| {
            w.date.replace("{date}", &dates.long(prescribed))
        });
        doc.set_y(doc.y().min(letterhead_bottom));
        doc.rule(6.0);
        let worker = self.sheet.link_worker.as_deref().map(printable);
        if let Some(name) = &worker {
            self.say(
                doc,
                Style::new(Face::Bold, self.s.body).after(2.0),
                |w, _| w.link_worker.replace("{name}", name),
            );
        }
        let email = p.email.as_deref().map(printable);
        let phone = self.practice_phone();
        let reach = |w: &PrescriptionWording| match (&phone, &email) {
            (Some(phone), Some(email)) => Some(
                w.reach_call_and_email
                    .replace("{phone}", phone)
                    .replace("{email}", email),
            ),
            (Some(phone), None) => Some(w.reach_call.replace("{phone}", phone)),
            (None, Some(email)) => Some(w.reach_email.replace("{email}", email)),
            (None, None) => None,
        };
        if reach(w).is_some() {
            self.say(doc, self.body(), |w, _| {
                let ask = worker
                    .as_ref()
                    .map(|name| format!(" {}", w.reach_ask_for.replace("{name}", name)))
                    .unwrap_or_default();
                format!("{}{ask}", reach(w).unwrap_or_default())
            });
        }
        if let Some(message) = &self.sheet.message {
            doc.space(self.s.body * 0.4);
            doc.paragraph(&printable(message), self.body());
        }
    }

    fn what_matters(&self, doc: &mut Writer<'_>) {
        let sheet = self.sheet;
        if sheet.what_matters.is_none() && sheet.goals.is_empty() {
            return;
        }
        let heading = self.heading();
        doc.space(self.s.body * 0.6);
        // The heading stays with at least the first lines under it.
        let title = |w: &PrescriptionWording, _: &DateForms| w.what_matters_heading.to_owned();
        doc.keep_together(self.measure_say(doc, heading, title) + 3.0 * self.body().line_height());
        self.say(doc, heading, title);
        if let Some(words) = &sheet.what_matters {
            doc.paragraph(
                &self.w.quote.replace("{text}", printable(words).trim()),
                self.body(),
            );
        }
        let bullet = self.body().indent(self.s.body * 1.2);
        for goal in &sheet.goals {
            let by = goal
                .target_date
                .map(|d| {
                    format!(
                        " ({})",
                        self.both(
                            |w, dates| w.goal_by.replace("{date}", &dates.long(d)),
                            " / "
                        )
                    )
                })
                .unwrap_or_default();
            doc.paragraph(&format!("•  {}{by}", printable(&goal.description)), bullet);
        }
    }

    fn activities(&self, doc: &mut Writer<'_>) {
        doc.space(self.s.body * 0.6);
        let heading = self.heading();
        let scan = Style::new(Face::Regular, self.s.small).after(self.s.body * 0.4);
        let has_qr = self.sheet.items.iter().any(|i| i.service.url.is_some());
        // The heading goes with the first activity, not alone at the foot of a page.
        let first = self
            .sheet
            .items
            .first()
            .map_or(0.0, |item| self.layout(doc, 1, item).2);
        let scan_height = if has_qr {
            self.measure_say(doc, scan, |w, _| w.scan.to_owned())
        } else {
            0.0
        };
        let heading_height = self.measure_say(doc, heading, |w, _| w.activities_heading.to_owned());
        doc.keep_together(heading_height + scan_height + first);
        self.say(doc, heading, |w, _| w.activities_heading.to_owned());
        if has_qr {
            self.say(doc, scan, |w, _| w.scan.to_owned());
        }
        for (n, item) in self.sheet.items.iter().enumerate() {
            self.activity(doc, n + 1, item);
        }
    }

    /// The pieces of one activity's frame, in order.
    fn pieces(&self, n: usize, item: &SheetItem) -> Vec<Piece> {
        let svc = &item.service;
        let text = |t: &Option<String>| t.as_deref().map(printable).filter(|t| !t.is_empty());
        let mut out = vec![Piece::Text(
            format!("{n}. {}", printable(&svc.name)),
            Style::new(Face::Bold, self.s.item).leading(1.25),
        )];
        if let Some(description) = text(&svc.description) {
            out.push(Piece::Text(description, self.body()));
        }
        // A fixed phrase in a frame: the English on the line beneath when printing in both.
        let fixed = |say: &dyn Fn(&PrescriptionWording) -> String| self.both(|w, _| say(w), "\n");
        let when = text(&svc.when_text).or_else(|| {
            (!svc.days.is_empty()).then(|| {
                fixed(&|w| {
                    svc.days
                        .iter()
                        .map(|d| w.days[weekday_index(*d)])
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            })
        });
        let address = text(&svc.address).map(|a| a.replace('\n', ", "));
        // An imported address often starts with the place's name already.
        let name = text(&svc.location_name).filter(|n| {
            !address
                .as_deref()
                .is_some_and(|a| a.starts_with(n.as_str()))
        });
        let place: Vec<String> = [name, address].into_iter().flatten().collect();
        let cost = text(&svc.fees_description)
            .or_else(|| (svc.cost_band == CostBand::Free).then(|| fixed(&|w| w.free.to_owned())));
        let join = match (svc.join_method, text(&svc.application_process)) {
            (JoinMethod::DirectReferral, Some(process)) => {
                format!("{process} {}", fixed(&|w| w.direct_referral.to_owned()))
            }
            (JoinMethod::DirectReferral, None) => fixed(&|w| w.direct_referral.to_owned()),
            (JoinMethod::Signpost, Some(process)) => process,
            (JoinMethod::Signpost, None) => fixed(&|w| w.signpost.to_owned()),
        };
        // The web address is in the QR code; the organisation names who answers.
        let contact: Vec<String> = [text(&svc.organization), text(&svc.phone), text(&svc.email)]
            .into_iter()
            .flatten()
            .collect();
        let label = |pick: fn(&PrescriptionWording) -> &'static str| fixed(&|w| pick(w).to_owned());
        let rows = [
            (label(|w| w.when), when),
            (label(|w| w.cost), cost),
            (
                label(|w| w.where_),
                (!place.is_empty()).then(|| place.join(", ")),
            ),
            (label(|w| w.discount), text(&svc.discount_description)),
            (label(|w| w.how_to_join), Some(join)),
            (
                label(|w| w.contact),
                (!contact.is_empty()).then(|| contact.join(", ")),
            ),
            (label(|w| w.note), text(&item.personal_note)),
        ];
        out.extend(
            rows.into_iter()
                .filter_map(|(label, value)| value.map(|v| Piece::Row(label, v))),
        );
        out
    }

    /// The width of the label column: the widest label, bold, and a gap.
    fn label_width(&self, doc: &Writer<'_>) -> f32 {
        let labels: [fn(&PrescriptionWording) -> &'static str; 7] = [
            |w| w.when,
            |w| w.where_,
            |w| w.cost,
            |w| w.discount,
            |w| w.how_to_join,
            |w| w.contact,
            |w| w.note,
        ];
        labels
            .iter()
            .map(|pick| {
                widest(
                    doc,
                    &self.both(|w, _| pick(w).to_owned(), "\n"),
                    Face::Bold,
                    self.s.body,
                )
            })
            .fold(0.0, f32::max)
            + self.s.body
    }

    /// An activity's QR code, its planned blocks and its frame's height.
    fn layout(
        &self,
        doc: &Writer<'_>,
        n: usize,
        item: &SheetItem,
    ) -> (Option<QrCode>, Vec<Planned>, f32) {
        let s = self.s;
        let qr = item
            .service
            .url
            .as_deref()
            .and_then(|url| QrCode::with_error_correction_level(url, EcLevel::M).ok());
        let qr_height = if qr.is_some() { s.qr } else { 0.0 };
        let blocks = self.plan(doc, self.pieces(n, item), qr_height);
        let height = blocks.iter().map(|b| b.height).sum::<f32>().max(qr_height) + 2.0 * s.pad;
        (qr, blocks, height)
    }

    fn activity(&self, doc: &mut Writer<'_>, n: usize, item: &SheetItem) {
        let s = self.s;
        let (qr, blocks, height) = self.layout(doc, n, item);
        let qr_height = if qr.is_some() { s.qr } else { 0.0 };
        if height <= doc.page_room() {
            doc.keep_together(height);
        } else {
            // Taller than a page: it will flow, but its title stays with its QR code.
            let first = blocks.first().map_or(0.0, |b| b.height);
            doc.keep_together(first.max(qr_height) + 2.0 * s.pad);
        }
        let (top, page) = (doc.y(), doc.page());
        doc.space(s.pad);
        if let Some(code) = &qr {
            let x = doc.left() + doc.text_width() - s.pad - s.qr;
            draw_qr(doc, code, x, top - s.pad, s.qr);
        }
        let label = Style::new(Face::Bold, s.body).leading(s.leading);
        for block in blocks {
            let (y0, page0) = (doc.y(), doc.page());
            match block.kind {
                Block::Text(text, style) => doc.paragraph(&text, style),
                Block::Rows(rows) => {
                    let mut bottom = y0;
                    for (x, name, value, style) in rows {
                        doc.set_y(y0);
                        doc.paragraph(&name, label.indent(s.pad + x));
                        bottom = bottom.min(doc.y());
                        doc.set_y(y0);
                        doc.paragraph(&value, style);
                        bottom = bottom.min(doc.y());
                    }
                    if doc.page() == page0 {
                        doc.set_y(bottom);
                    }
                }
            }
        }
        if doc.page() == page {
            doc.set_y(doc.y().min(top - s.pad - qr_height));
        }
        doc.space(s.pad);
        if doc.page() == page {
            doc.frame(top, 1.0);
        }
        doc.space(s.body * 0.5);
    }

    /// Decides each piece's width and height, top to bottom: text beside the QR code is
    /// narrower, and two short rows share a line.
    fn plan(&self, doc: &Writer<'_>, pieces: Vec<Piece>, qr_height: f32) -> Vec<Planned> {
        let s = self.s;
        let label_w = self.label_width(doc);
        let label = Style::new(Face::Bold, s.body).leading(s.leading);
        let mut out = Vec::new();
        let mut offset = 0.0;
        let mut pieces = pieces.into_iter().peekable();
        while let Some(piece) = pieces.next() {
            let right = if offset < qr_height {
                s.pad * 2.0 + s.qr
            } else {
                s.pad
            };
            let (kind, height) = match piece {
                Piece::Text(text, style) => {
                    let style = style.indent(s.pad).right(right);
                    let height = doc.measure(&text, style);
                    (Block::Text(text, style), height)
                }
                Piece::Row(name, value) => {
                    let body = self.body();
                    let room = doc.text_width() - s.pad - right;
                    // A value printed in both has the English on its own line: the widest line counts.
                    let width = |v: &str, face| widest(doc, v, face, body.size);
                    // A short row shares its line with the next when both fit whole.
                    let second = label_w + width(&value, body.face) + 2.0 * s.body;
                    let pair = match pieces.peek() {
                        Some(Piece::Row(name2, next))
                            if width(&value, body.face) + label_w <= room
                                && second
                                    + widest(doc, name2, Face::Bold, body.size)
                                    + s.body * 0.6
                                    + width(next, body.face)
                                    <= room =>
                        {
                            pieces.next()
                        }
                        _ => None,
                    };
                    let first = body.indent(s.pad + label_w).right(right);
                    let mut height = doc.measure(&value, first).max(doc.measure(&name, label));
                    let mut rows = vec![(0.0, name, value, first)];
                    if let Some(Piece::Row(name2, value2)) = pair {
                        let at = second + widest(doc, &name2, Face::Bold, body.size) + s.body * 0.6;
                        let style = body.indent(s.pad + at).right(right);
                        height = height.max(doc.measure(&value2, style));
                        rows.push((second, name2, value2, style));
                    }
                    (Block::Rows(rows), height)
                }
            };
            offset += height;
            out.push(Planned { kind, height });
        }
        out
    }

    fn check_in(&self, doc: &mut Writer<'_>) {
        let s = self.s;
        let next = self.sheet.next_checkin;
        let text = |w: &PrescriptionWording, dates: &DateForms| match next {
            Some(d) => w.next_checkin.replace("{date}", &dates.full(d)),
            None => w.no_checkin.to_owned(),
        };
        let heading = Style::new(Face::Bold, s.heading)
            .indent(s.pad)
            .right(s.pad)
            .after(2.0);
        let body = Style::new(Face::Bold, s.body).indent(s.pad).right(s.pad);
        let phone = self.practice_phone();
        let plans = |w: &PrescriptionWording, _: &DateForms| match &phone {
            Some(phone) => w.plans_change.replace("{phone}", phone),
            None => w.plans_change_no_phone.to_owned(),
        };
        let title = |w: &PrescriptionWording, _: &DateForms| w.next_checkin_heading.to_owned();
        let plans_style = self.body().indent(s.pad).right(s.pad);
        let height = self.measure_say(doc, heading, title)
            + self.measure_say(doc, body, text)
            + s.body * 0.5
            + self.measure_say(doc, plans_style, plans)
            + 2.0 * s.pad;
        doc.keep_together(height);
        let (top, page) = (doc.y(), doc.page());
        doc.space(s.pad);
        self.say(doc, heading, title);
        self.say(doc, body, text);
        doc.space(s.body * 0.5);
        self.say(doc, plans_style, plans);
        doc.space(s.pad - plans_style.space_after);
        if doc.page() == page {
            doc.frame(top, 2.0);
        }
    }

    /// One slip per service the link worker refers the patient to directly, for the
    /// patient to hand over; the provider quotes the reference back to the practice.
    fn slips(&self, doc: &mut Writer<'_>) {
        let s = self.s;
        // In English whatever the patient's language: the slip is for the provider.
        let w = &PRESCRIPTION_EN;
        let sheet = self.sheet;
        let worker = sheet
            .link_worker
            .as_deref()
            .map(printable)
            .unwrap_or_default();
        let mut practice = printable(&sheet.practice.name);
        if let Some(phone) = self.practice_phone() {
            practice = format!("{practice}, {phone}");
        }
        let referred_by = if worker.is_empty() {
            practice
        } else {
            w.slip_referred_by
                .replace("{name}", &worker)
                .replace("{practice}", &practice)
        };
        let small = Style::new(Face::Regular, s.small).after(4.0);
        let heading = Style::new(Face::Bold, s.item).after(2.0);
        let body = self.body();
        let code = Style::new(Face::MonoBold, s.heading).after(4.0);
        let date = self.english_dates.long(sheet.prescribed_date);
        let patient = w
            .slip_for
            .replace("{name}", &printable(&sheet.patient_name));
        for item in sheet.slip_items() {
            let title = w
                .slip_heading
                .replace("{name}", &printable(&item.service.name));
            let reference = format!("{}: {}", w.slip_reference, sheet.reference_code);
            let height = s.body * 1.5
                + doc.measure(w.slip_cut, small)
                + doc.measure(&title, heading)
                + doc.measure(&patient, body)
                + doc.measure(&referred_by, body)
                + doc.measure(&date, body)
                + doc.measure(&reference, code)
                + doc.measure(w.slip_quote, body);
            doc.keep_together(height);
            doc.space(s.body * 1.5);
            doc.cut_line();
            doc.space(4.0);
            doc.paragraph(w.slip_cut, small);
            doc.paragraph(&title, heading);
            doc.paragraph(&patient, body);
            doc.paragraph(&referred_by, body);
            doc.paragraph(&date, body);
            doc.paragraph(&reference, code);
            doc.paragraph(w.slip_quote, body);
        }
    }
}

/// The width of the widest line of `text`.
fn widest(doc: &Writer<'_>, text: &str, face: Face, size: f32) -> f32 {
    text.lines()
        .map(|line| doc.width_of(line, face, size))
        .fold(0.0, f32::max)
}

fn weekday_index(day: Weekday) -> usize {
    Weekday::ALL.iter().position(|d| *d == day).unwrap_or(0)
}

/// Draws `code` `size` points across with its top left corner at (`x`, `top`),
/// keeping the four-module quiet zone scanners need inside that square.
fn draw_qr(doc: &mut Writer<'_>, code: &QrCode, x: f32, top: f32, size: f32) {
    const QUIET: usize = 4;
    let side = code.width();
    let cell = size / (side + 2 * QUIET) as f32;
    let dark: Vec<bool> = code
        .to_colors()
        .iter()
        .map(|m| *m == Module::Dark)
        .collect();
    let inset = QUIET as f32 * cell;
    doc.modules(&dark, side, x + inset, top - inset, side as f32 * cell);
}

#[cfg(test)]
mod tests {
    use super::footer_parts;

    /// A stand-in font: every character is 5 points wide.
    fn width(text: &str) -> f32 {
        text.chars().count() as f32 * 5.0
    }

    #[test]
    fn the_footer_shortens_the_practice_then_gives_up_rather_than_overlap() {
        let parts = |room| {
            footer_parts(
                "Hollinsford Surgery",
                ("Reference WM-1".into(), "Page {n} of {total}".into()),
                room,
                10.0,
                width,
            )
        };
        // Room for everything: as it is.
        let (left, page) = parts(400.0).unwrap();
        assert_eq!(left, "Hollinsford Surgery · Reference WM-1");
        assert_eq!(page, "Page {n} of {total}");
        // Less room: the name is cut, and what is printed fits.
        let (left, _) = parts(230.0).unwrap();
        assert!(left.starts_with("Hollinsford") && left.contains("… · Reference WM-1"));
        assert!(width(&left) + width("Page 99 of 99") + 20.0 <= 230.0);
        // Too little even for a letter of it: nothing, so the caller can print less.
        assert!(parts(120.0).is_none());
    }
}
