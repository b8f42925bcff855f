//! A small flowing layout: paragraphs wrapped to the page width with the fonts' own
//! glyph widths, new pages when the text reaches the bottom margin.

use std::collections::BTreeSet;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem,
};

use crate::{Error, Rendered};

const SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
const MONO_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSansMono-Bold.ttf");

/// Paper sizes: A4 for the UK, US Letter for the US.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    /// The paper a practice in `country` prints on.
    pub fn for_country(country: waymark_domain::Country) -> Self {
        match country {
            waymark_domain::Country::Uk => Paper::A4,
            waymark_domain::Country::Us => Paper::Letter,
        }
    }

    fn size(self) -> (Mm, Mm) {
        match self {
            Paper::A4 => (Mm(210.0), Mm(297.0)),
            Paper::Letter => (Mm(215.9), Mm(279.4)),
        }
    }
}

/// Which of the embedded faces to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
    MonoBold,
}

/// The parsed embedded fonts; parse once and reuse across documents.
#[derive(Debug, Clone)]
pub struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
    mono_bold: ParsedFont,
}

impl Fonts {
    pub fn load() -> Result<Self, Error> {
        let parse = |bytes: &[u8], name: &'static str| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(Error::Font(name))
        };
        Ok(Self {
            regular: parse(SANS, "DejaVuSans")?,
            bold: parse(SANS_BOLD, "DejaVuSans-Bold")?,
            mono_bold: parse(MONO_BOLD, "DejaVuSansMono-Bold")?,
        })
    }

    fn face(&self, face: Face) -> &ParsedFont {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::MonoBold => &self.mono_bold,
        }
    }

    /// The width of `text` in points at `size`.
    fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        let font = self.face(face);
        let per_em = f32::from(font.font_metrics.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                font.lookup_glyph_index(u32::from(c))
                    .map_or(0, |g| u32::from(font.get_horizontal_advance(g)))
            })
            .sum();
        units as f32 / per_em * size
    }
}

/// A run of text in one face and size, and the space left after it.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    /// Line height as a multiple of the size.
    pub leading: f32,
    pub space_after: f32,
    pub indent: f32,
}

impl Style {
    pub const fn new(face: Face, size: f32) -> Self {
        Self {
            face,
            size,
            leading: 1.35,
            space_after: 0.0,
            indent: 0.0,
        }
    }

    pub const fn after(mut self, points: f32) -> Self {
        self.space_after = points;
        self
    }

    pub const fn indent(mut self, points: f32) -> Self {
        self.indent = points;
        self
    }
}

const TEAL: Rgb = Rgb {
    r: 0.05,
    g: 0.42,
    b: 0.42,
    icc_profile: None,
};

/// Builds pages top to bottom.
#[derive(Debug)]
pub struct Writer<'f> {
    fonts: &'f Fonts,
    doc: PdfDocument,
    ids: [FontId; 3],
    width: Pt,
    height: Pt,
    margin: f32,
    pages: Vec<Vec<Op>>,
    /// Distance from the page's bottom edge to the top of the next line, in points.
    y: f32,
    missing: BTreeSet<char>,
}

impl<'f> Writer<'f> {
    pub fn new(fonts: &'f Fonts, title: &str, paper: Paper) -> Self {
        let mut doc = PdfDocument::new(title);
        let ids = [
            doc.add_font(&fonts.regular),
            doc.add_font(&fonts.bold),
            doc.add_font(&fonts.mono_bold),
        ];
        let (w, h) = paper.size();
        let (width, height) = (Pt::from(w), Pt::from(h));
        let margin = Pt::from(Mm(20.0)).0;
        Self {
            fonts,
            doc,
            ids,
            width,
            height,
            margin,
            pages: vec![Vec::new()],
            y: height.0 - margin,
            missing: BTreeSet::new(),
        }
    }

    fn id(&self, face: Face) -> FontId {
        let i = match face {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::MonoBold => 2,
        };
        self.ids[i].clone()
    }

    fn text_width(&self) -> f32 {
        self.width.0 - 2.0 * self.margin
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        // `pages` starts with one page and only grows.
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.height.0 - self.margin;
    }

    /// Starts a new page unless `height` points still fit on this one.
    pub fn keep_together(&mut self, height: f32) {
        if self.y - height < self.margin && self.y < self.height.0 - self.margin {
            self.new_page();
        }
    }

    /// `text` wrapped to the page width, as lines.
    fn wrap(&self, text: &str, style: Style) -> Vec<String> {
        let room = self.text_width() - style.indent;
        let fits = |s: &str| self.fonts.width(style.face, s, style.size) <= room;
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if fits(&candidate) {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word wider than the line (a long folder path) breaks anywhere.
                for c in word.chars() {
                    line.push(c);
                    if !fits(&line) {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// A wrapped paragraph; lines flow onto the next page when needed.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        let font = self.fonts.face(style.face);
        self.missing
            .extend(text.chars().filter(|c| {
                !c.is_whitespace() && font.lookup_glyph_index(u32::from(*c)).is_none()
            }));
        let line_height = style.size * style.leading;
        for line in self.wrap(text, style) {
            if self.y - line_height < self.margin {
                self.new_page();
            }
            self.y -= line_height;
            let pos = Point {
                x: Pt(self.margin + style.indent),
                // The baseline sits a little above the line box's bottom.
                y: Pt(self.y + (line_height - style.size) / 2.0 + style.size * 0.2),
            };
            let font = self.id(style.face);
            self.ops().extend([
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::External(font),
                    size: Pt(style.size),
                },
                Op::SetTextCursor { pos },
                Op::ShowText {
                    items: vec![TextItem::Text(line)],
                },
                Op::EndTextSection,
            ]);
        }
        self.y -= style.space_after;
    }

    /// A thin teal rule across the text width, with `space` points above and below.
    pub fn rule(&mut self, space: f32) {
        self.y -= space;
        let (left, right, y) = (self.margin, self.width.0 - self.margin, self.y);
        self.stroke(&[(left, y), (right, y)], false, 1.0);
        self.y -= space;
    }

    /// A line of text in a box (the recovery code), `padding` points inside it.
    pub fn boxed(&mut self, text: &str, style: Style, padding: f32) {
        let height = style.size * style.leading + 2.0 * padding;
        self.keep_together(height);
        let top = self.y;
        self.y -= padding;
        self.paragraph(text, style.indent(padding));
        self.y -= padding;
        let (left, right, bottom) = (self.margin, self.width.0 - self.margin, self.y);
        let corners = [(left, top), (right, top), (right, bottom), (left, bottom)];
        self.stroke(&corners, true, 2.0);
        self.y -= style.space_after;
    }

    /// A teal line through `points` (x, y in points from the bottom left), closed into a
    /// shape when `closed`.
    fn stroke(&mut self, points: &[(f32, f32)], closed: bool, thickness: f32) {
        let points = points
            .iter()
            .map(|&(x, y)| LinePoint {
                p: Point { x: Pt(x), y: Pt(y) },
                bezier: false,
            })
            .collect();
        self.ops().extend([
            Op::SetOutlineColor {
                col: Color::Rgb(TEAL),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points,
                    is_closed: closed,
                },
            },
        ]);
    }

    pub fn finish(mut self) -> Rendered {
        let (w, h) = (Mm::from(self.width), Mm::from(self.height));
        let pages: Vec<PdfPage> = std::mem::take(&mut self.pages)
            .into_iter()
            .map(|ops| PdfPage::new(w, h, ops))
            .collect();
        let count = pages.len();
        let options = PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        };
        let pdf = self.doc.with_pages(pages).save(&options, &mut Vec::new());
        Rendered {
            pdf,
            pages: count,
            missing_glyphs: self.missing.into_iter().collect(),
        }
    }
}
