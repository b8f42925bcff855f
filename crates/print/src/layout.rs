//! A small flowing layout: paragraphs wrapped to the page width with the fonts' own
//! glyph widths, new pages when the text reaches the bottom margin.

use std::collections::BTreeSet;

use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, RawImage,
    RawImageData, RawImageFormat, Rgb, TextItem, WindingOrder, XObjectTransform,
};

use crate::{Error, Rendered};

// Brotli-compressed by build.rs from `fonts/`: the TrueType files would be a tenth
// of the app's binary. The mono face prints only the reference and recovery codes, so
// `fonts/DejaVuSansMono-Bold.ttf` is cut down to printable ASCII (fontTools'
// `pyftsubset --unicodes=U+0020-007E`), a thirteenth of the full face.
const SANS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans.ttf.br"));
const SANS_BOLD: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans-Bold.ttf.br"));
const MONO_BOLD: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSansMono-Bold.ttf.br"));

fn expand(mut compressed: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    brotli_decompressor::BrotliDecompress(&mut compressed, &mut bytes).ok()?;
    Some(bytes)
}

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
        let parse = |compressed: &[u8], name: &'static str| {
            let bytes = expand(compressed).ok_or(Error::Font(name))?;
            ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()).ok_or(Error::Font(name))
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
    /// Space kept clear at the left and right of the text column, in points.
    pub indent: f32,
    pub right: f32,
    /// Lines end at the right edge of the column instead of starting at its left.
    pub align_right: bool,
}

impl Style {
    pub const fn new(face: Face, size: f32) -> Self {
        Self {
            face,
            size,
            leading: 1.35,
            space_after: 0.0,
            indent: 0.0,
            right: 0.0,
            align_right: false,
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

    pub const fn right(mut self, points: f32) -> Self {
        self.right = points;
        self
    }

    pub const fn align_right(mut self) -> Self {
        self.align_right = true;
        self
    }

    pub const fn leading(mut self, multiple: f32) -> Self {
        self.leading = multiple;
        self
    }

    /// The height of one line.
    pub fn line_height(self) -> f32 {
        self.size * self.leading
    }
}

const TEAL: Rgb = Rgb {
    r: 0.05,
    g: 0.42,
    b: 0.42,
    icc_profile: None,
};

const BLACK: Rgb = Rgb {
    r: 0.0,
    g: 0.0,
    b: 0.0,
    icc_profile: None,
};

/// A decoded picture (the practice logo) ready to place.
#[derive(Debug, Clone)]
pub struct Picture {
    image: RawImage,
}

impl Picture {
    /// Decodes PNG bytes; 16-bit and palette images are brought down to 8-bit colour.
    pub fn from_png(bytes: &[u8]) -> Result<Self, String> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
        let size = reader
            .output_buffer_size()
            .ok_or("the image is too large to decode")?;
        let mut buf = vec![0; size];
        let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
        buf.truncate(info.buffer_size());
        let data_format = match info.color_type {
            png::ColorType::Grayscale => RawImageFormat::R8,
            png::ColorType::GrayscaleAlpha => RawImageFormat::RG8,
            png::ColorType::Rgb => RawImageFormat::RGB8,
            png::ColorType::Rgba => RawImageFormat::RGBA8,
            png::ColorType::Indexed => return Err("the palette was not expanded".into()),
        };
        Ok(Self {
            image: RawImage {
                pixels: RawImageData::U8(buf),
                width: info.width as usize,
                height: info.height as usize,
                data_format,
                tag: Vec::new(),
            },
        })
    }

    /// Width over height.
    pub fn aspect(&self) -> f32 {
        self.image.width as f32 / self.image.height.max(1) as f32
    }
}

/// Builds pages top to bottom.
#[derive(Debug)]
pub struct Writer<'f> {
    fonts: &'f Fonts,
    doc: PdfDocument,
    ids: [FontId; 3],
    width: Pt,
    height: Pt,
    margin: f32,
    /// Space kept free above the bottom margin for the page footer.
    footer: f32,
    pages: Vec<Vec<Op>>,
    /// Distance from the page's bottom edge to the top of the next line, in points.
    y: f32,
    missing: BTreeSet<char>,
}

impl<'f> Writer<'f> {
    pub fn new(fonts: &'f Fonts, title: &str, paper: Paper) -> Self {
        Self::with_margin(fonts, title, paper, 20.0)
    }

    /// A writer with `margin_mm` on every side.
    pub fn with_margin(fonts: &'f Fonts, title: &str, paper: Paper, margin_mm: f32) -> Self {
        let mut doc = PdfDocument::new(title);
        let ids = [
            doc.add_font(&fonts.regular),
            doc.add_font(&fonts.bold),
            doc.add_font(&fonts.mono_bold),
        ];
        let (w, h) = paper.size();
        let (width, height) = (Pt::from(w), Pt::from(h));
        let margin = Pt::from(Mm(margin_mm)).0;
        Self {
            fonts,
            doc,
            ids,
            width,
            height,
            margin,
            footer: 0.0,
            pages: vec![Vec::new()],
            y: height.0 - margin,
            missing: BTreeSet::new(),
        }
    }

    /// Keeps `points` free at the foot of every page for [`Writer::finish_with_footer`].
    pub fn reserve_footer(&mut self, points: f32) {
        self.footer = points;
    }

    fn id(&self, face: Face) -> FontId {
        let i = match face {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::MonoBold => 2,
        };
        self.ids[i].clone()
    }

    /// The width between the margins.
    pub fn text_width(&self) -> f32 {
        self.width.0 - 2.0 * self.margin
    }

    /// The left margin's x position.
    pub fn left(&self) -> f32 {
        self.margin
    }

    /// The height a page offers between the top margin and the footer.
    pub fn page_room(&self) -> f32 {
        self.height.0 - 2.0 * self.margin - self.footer
    }

    fn bottom(&self) -> f32 {
        self.margin + self.footer
    }

    /// Where the next line starts, from the page's bottom edge.
    pub fn y(&self) -> f32 {
        self.y
    }

    /// Moves the cursor (within the current page).
    pub fn set_y(&mut self, y: f32) {
        self.y = y;
    }

    /// Which page is being written, from 0.
    pub fn page(&self) -> usize {
        self.pages.len() - 1
    }

    /// Leaves `points` of space.
    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    /// The width of `text` in `face` at `size`, in points.
    pub fn width_of(&self, text: &str, face: Face, size: f32) -> f32 {
        self.fonts.width(face, text, size)
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
        if self.y - height < self.bottom() && self.y < self.height.0 - self.margin {
            self.new_page();
        }
    }

    /// `text` wrapped to the page width, as lines.
    fn wrap(&self, text: &str, style: Style) -> Vec<String> {
        let room = self.text_width() - style.indent - style.right;
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

    /// The height [`Writer::paragraph`] would take for `text`, space after included.
    pub fn measure(&self, text: &str, style: Style) -> f32 {
        self.wrap(text, style).len() as f32 * style.line_height() + style.space_after
    }

    /// A wrapped paragraph; lines flow onto the next page when needed.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        let font = self.fonts.face(style.face);
        self.missing
            .extend(text.chars().filter(|c| {
                !c.is_whitespace() && font.lookup_glyph_index(u32::from(*c)).is_none()
            }));
        let line_height = style.line_height();
        for line in self.wrap(text, style) {
            if self.y - line_height < self.bottom() {
                self.new_page();
            }
            self.y -= line_height;
            let x = if style.align_right {
                self.margin + self.text_width()
                    - style.right
                    - self.fonts.width(style.face, &line, style.size)
            } else {
                self.margin + style.indent
            };
            let y = self.baseline(style);
            self.text_at(x, y, line, style);
        }
        self.y -= style.space_after;
    }

    /// Where the baseline of a line that ends at the cursor sits: a little above the line
    /// box's bottom.
    fn baseline(&self, style: Style) -> f32 {
        self.y + (style.line_height() - style.size) / 2.0 + style.size * 0.2
    }

    /// One line of text with its baseline at (`x`, `y`), on the current page.
    fn text_at(&mut self, x: f32, y: f32, text: String, style: Style) {
        let ops = self.text_ops(x, y, text, style);
        self.ops().extend(ops);
    }

    fn text_ops(&self, x: f32, y: f32, text: String, style: Style) -> [Op; 5] {
        [
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(self.id(style.face)),
                size: Pt(style.size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
        ]
    }

    /// A thin teal rule across the text width, with `space` points above and below.
    pub fn rule(&mut self, space: f32) {
        self.y -= space;
        let (left, right, y) = (self.margin, self.width.0 - self.margin, self.y);
        self.stroke(&[(left, y), (right, y)], false, 1.0);
        self.y -= space;
    }

    /// A dashed black line across the page at the cursor: where to cut.
    pub fn cut_line(&mut self) {
        let (left, right, y) = (self.margin, self.width.0 - self.margin, self.y);
        self.ops().push(Op::SetLineDashPattern {
            dash: LineDashPattern::new(0.0, &[4.0, 3.0]),
        });
        self.ops().push(Op::SetOutlineColor {
            col: Color::Rgb(BLACK),
        });
        self.ops().push(Op::SetOutlineThickness { pt: Pt(0.75) });
        self.ops().push(Op::DrawLine {
            line: Line {
                points: [(left, y), (right, y)]
                    .iter()
                    .map(|&(x, y)| LinePoint {
                        p: Point { x: Pt(x), y: Pt(y) },
                        bezier: false,
                    })
                    .collect(),
                is_closed: false,
            },
        });
        self.ops().push(Op::SetLineDashPattern {
            dash: LineDashPattern::solid(),
        });
    }

    /// A line of text in a box (the recovery code), `padding` points inside it.
    pub fn boxed(&mut self, text: &str, style: Style, padding: f32) {
        let height = style.line_height() + 2.0 * padding;
        self.keep_together(height);
        let top = self.y;
        self.y -= padding;
        self.paragraph(text, style.indent(padding));
        self.y -= padding;
        self.frame(top, 2.0);
        self.y -= style.space_after;
    }

    /// A teal frame across the text width from `top` down to the cursor, on this page.
    pub fn frame(&mut self, top: f32, thickness: f32) {
        let (left, right, bottom) = (self.margin, self.width.0 - self.margin, self.y);
        let corners = [(left, top), (right, top), (right, bottom), (left, bottom)];
        self.stroke(&corners, true, thickness);
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

    /// Places `picture` with its top left corner at (`x`, `top`), `width` points wide.
    pub fn picture(&mut self, picture: &Picture, x: f32, top: f32, width: f32) {
        let scale = width / picture.image.width.max(1) as f32;
        let height = picture.image.height as f32 * scale;
        let id = self.doc.add_image(&picture.image);
        self.ops().push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(top - height)),
                scale_x: Some(scale),
                scale_y: Some(scale),
                // At 72 dpi one pixel is one point, so the scale is points per pixel.
                dpi: Some(72.0),
                ..XObjectTransform::default()
            },
        });
    }

    /// A square grid of dark modules (a QR code), `size` points across, its top left
    /// corner at (`x`, `top`), drawn as one filled black shape so it stays sharp.
    pub fn modules(&mut self, dark: &[bool], per_side: usize, x: f32, top: f32, size: f32) {
        let cell = size / per_side.max(1) as f32;
        let corner = |cx: f32, cy: f32| LinePoint {
            p: Point {
                x: Pt(cx),
                y: Pt(cy),
            },
            bezier: false,
        };
        let rings = dark
            .iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .map(|(i, _)| {
                let (col, row) = ((i % per_side) as f32, (i / per_side) as f32);
                let (x0, y0) = (x + col * cell, top - row * cell);
                PolygonRing {
                    points: vec![
                        corner(x0, y0),
                        corner(x0 + cell, y0),
                        corner(x0 + cell, y0 - cell),
                        corner(x0, y0 - cell),
                    ],
                }
            })
            .collect();
        self.ops().extend([
            Op::SetFillColor {
                col: Color::Rgb(BLACK),
            },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings,
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
        ]);
    }

    pub fn finish(self) -> Rendered {
        self.finish_with_footer(|_, _| None)
    }

    /// Finishes the document; `footer(page, pages)` gives each page's footer (left and
    /// right text, pages counted from 1) now that the page count is known.
    pub fn finish_with_footer(
        mut self,
        footer: impl Fn(usize, usize) -> Option<(String, String, Style)>,
    ) -> Rendered {
        let count = self.pages.len();
        for n in 0..count {
            if let Some((left, right, style)) = footer(n + 1, count) {
                let y = self.margin;
                let right_x =
                    self.width.0 - self.margin - self.width_of(&right, style.face, style.size);
                let ops = [
                    self.text_ops(self.margin, y, left, style),
                    self.text_ops(right_x, y, right, style),
                ];
                self.pages[n].extend(ops.into_iter().flatten());
            }
        }
        let (w, h) = (Mm::from(self.width), Mm::from(self.height));
        let pages: Vec<PdfPage> = std::mem::take(&mut self.pages)
            .into_iter()
            .map(|ops| PdfPage::new(w, h, ops))
            .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fonts_expand_to_the_files_in_fonts() {
        for (embedded, file) in [
            (SANS, &include_bytes!("../fonts/DejaVuSans.ttf")[..]),
            (
                SANS_BOLD,
                &include_bytes!("../fonts/DejaVuSans-Bold.ttf")[..],
            ),
            (
                MONO_BOLD,
                &include_bytes!("../fonts/DejaVuSansMono-Bold.ttf")[..],
            ),
        ] {
            assert!(embedded.len() < file.len() * 6 / 10, "stored compressed");
            assert!(expand(embedded).unwrap() == file, "same bytes, same face");
        }
    }

    /// The codes printed in the mono face are ASCII letters, digits and hyphens: every
    /// printable ASCII character is in the cut-down face.
    #[test]
    fn the_mono_face_has_every_printable_ascii_character() {
        let fonts = Fonts::load().unwrap();
        let mono = fonts.face(Face::MonoBold);
        for c in ' '..='~' {
            assert!(mono.lookup_glyph_index(u32::from(c)).is_some(), "{c:?}");
        }
    }

    #[test]
    fn damaged_font_data_is_refused() {
        assert!(expand(&SANS[..SANS.len() / 2]).is_none());
        assert!(expand(b"not brotli at all").is_none());
    }
}
