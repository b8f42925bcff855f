//! A small flowing layout: paragraphs wrapped to the page width with the fonts' own
//! glyph widths, new pages when the text reaches the bottom margin.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use printpdf::{
    Codepoint, Color, DictItem, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, RawImage,
    RawImageData, RawImageFormat, Rgb, TextItem, TextMatrix, WindingOrder, XObjectTransform,
};

use crate::text::{breaks, Draw, FontKey, Piece};
pub use crate::text::{Face, Fonts};
use crate::Rendered;

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
    /// The document's fonts, added as text first needs each.
    ids: RefCell<HashMap<FontKey, FontId>>,
    /// A right-to-left page: everything placed from the left is placed from the right.
    rtl: bool,
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
        let doc = PdfDocument::new(title);
        let (w, h) = paper.size();
        let (width, height) = (Pt::from(w), Pt::from(h));
        let margin = Pt::from(Mm(margin_mm)).0;
        Self {
            fonts,
            doc,
            ids: RefCell::new(HashMap::new()),
            rtl: false,
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

    /// Lays the page out right to left: text starts at the right margin, indents and
    /// columns count from the right, and frames, pictures and the footer mirror.
    pub fn set_right_to_left(&mut self, rtl: bool) {
        self.rtl = rtl;
    }

    fn id(&mut self, key: FontKey) -> FontId {
        if let Some(id) = self.ids.borrow().get(&key) {
            return id.clone();
        }
        let id = self.doc.add_font(&self.fonts.parsed(key));
        self.ids.borrow_mut().insert(key, id.clone());
        id
    }

    /// Whether a paragraph reads right to left: from its first letter (UAX #9's rule),
    /// so an English description on an Arabic page still reads left to right, though
    /// it lines up on the right; the page's direction when it has no letters.
    fn direction(&self, text: &str) -> bool {
        match unicode_bidi::get_base_direction(text) {
            unicode_bidi::Direction::Ltr => false,
            unicode_bidi::Direction::Rtl => true,
            unicode_bidi::Direction::Mixed => self.rtl,
        }
    }

    /// `x` (from the left edge, for something `width` wide) on this page: mirrored on a
    /// right-to-left page.
    fn place(&self, x: f32, width: f32) -> f32 {
        if self.rtl {
            self.width.0 - x - width
        } else {
            x
        }
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

    /// `text` wrapped to the page width, as lines: each paragraph's spaces collapsed,
    /// lines broken where UAX #14 allows (after spaces, and between the characters of
    /// Chinese and Japanese), each line with its paragraph's direction and its
    /// characters' scripts as the whole paragraph gives them.
    fn wrap(&self, text: &str, style: Style) -> Vec<Wrapped> {
        let room = self.text_width() - style.indent - style.right;
        let mut out = Vec::new();
        for paragraph in text.lines() {
            let p = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            let scripts = crate::fallback::scripts(&p);
            let starts: Vec<usize> = p.char_indices().map(|(at, _)| at).collect();
            let char_at = |byte: usize| starts.partition_point(|&b| b < byte);
            let width = |a: usize, b: usize| {
                let chars = scripts.get(char_at(a)..char_at(b)).unwrap_or_default();
                self.fonts.width_in(&p[a..b], chars, style.face, style.size)
            };
            let trimmed = |a: usize, b: usize| a + p[a..b].trim_end().len();
            // Lines as byte ranges of `p`; the current one is start..end, `used` wide
            // (trailing space included). Segments' widths add up: breaks fall where
            // nothing joins or kerns across.
            let mut lines: Vec<(usize, usize)> = Vec::new();
            let (mut start, mut end, mut used) = (0, 0, 0.0);
            for (a, b) in segments(&p) {
                let body = width(a, trimmed(a, b));
                if end > start && used + body > room {
                    lines.push((start, end));
                    (start, end, used) = (a, a, 0.0);
                }
                if end == start {
                    start = a;
                }
                if end == start && body > room {
                    // A word wider than the line (a long folder path) breaks anywhere
                    // but before a combining mark.
                    for (i, c) in p[a..b].char_indices() {
                        let at = a + i;
                        if at > start
                            && !is_mark(c)
                            && width(start, trimmed(start, at + c.len_utf8())) > room
                        {
                            lines.push((start, at));
                            start = at;
                        }
                        end = at + c.len_utf8();
                    }
                    used = width(start, end);
                    continue;
                }
                end = b;
                used += width(a, b);
            }
            lines.push((start, end));
            let rtl = self.direction(&p);
            for (a, b) in lines {
                let b = trimmed(a, b);
                out.push(Wrapped {
                    text: p[a..b].to_owned(),
                    scripts: scripts
                        .get(char_at(a)..char_at(b))
                        .unwrap_or_default()
                        .to_vec(),
                    rtl,
                });
            }
        }
        out
    }

    /// The height [`Writer::paragraph`] would take for `text`, space after included.
    pub fn measure(&self, text: &str, style: Style) -> f32 {
        self.wrap(text, style).len() as f32 * style.line_height() + style.space_after
    }

    /// A wrapped paragraph; lines flow onto the next page when needed.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        self.missing.extend(self.fonts.missing(text, style.face));
        let line_height = style.line_height();
        for line in self.wrap(text, style) {
            if self.y - line_height < self.bottom() {
                self.new_page();
            }
            self.y -= line_height;
            let pieces =
                self.fonts
                    .line_in(&line.text, &line.scripts, style.face, style.size, line.rtl);
            let width: f32 = pieces.iter().map(|p| p.width).sum();
            let x = if style.align_right {
                self.margin + self.text_width() - style.right - width
            } else {
                self.margin + style.indent
            };
            let y = self.baseline(style);
            let ops = self.text_ops(self.place(x, width), y, pieces);
            self.ops().extend(ops);
        }
        self.y -= style.space_after;
    }

    /// Where the baseline of a line that ends at the cursor sits: a little above the line
    /// box's bottom.
    fn baseline(&self, style: Style) -> f32 {
        self.y + (style.line_height() - style.size) / 2.0 + style.size * 0.2
    }

    /// One line's pieces drawn left to right from (`x`, `y`), the baseline.
    fn text_ops(&mut self, mut x: f32, y: f32, pieces: Vec<Piece>) -> Vec<Op> {
        let mut ops = Vec::new();
        for piece in pieces {
            let font = PdfFontHandle::External(self.id(piece.font));
            let size = Pt(piece.size);
            let at = |x: f32, y: f32| Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(y)),
            };
            match piece.draw {
                Draw::Plain(text) => ops.extend([
                    Op::StartTextSection,
                    Op::SetFont { font, size },
                    at(x, y),
                    Op::ShowText {
                        items: vec![TextItem::Text(text)],
                    },
                    Op::EndTextSection,
                ]),
                Draw::Glyphs { glyphs, text, rtl } => {
                    // PDF readers copy and search the piece's own text in reading
                    // order, not the glyphs' order on the page (an Indic vowel sign
                    // drawn before its consonant). Right-to-left pieces go without:
                    // readers put those back in reading order from the glyphs' own
                    // text, and would reverse an ActualText as well.
                    let actual = !rtl;
                    if actual {
                        ops.push(Op::BeginMarkedContentWithProperties {
                            tag: "Span".into(),
                            properties: DictItem::Dict {
                                map: [("ActualText".to_owned(), utf16_string(&text))].into(),
                            },
                        });
                    }
                    ops.extend([Op::StartTextSection, Op::SetFont { font, size }, at(x, y)]);
                    // One TJ along the pen. A glyph the font moves (a mark over its
                    // letter) is shifted along the line by TJ's own adjustments and up
                    // or down by the text rise, so readers see it beside its letter.
                    let per_point = 1000.0 / piece.size;
                    let mut items: Vec<TextItem> = Vec::new();
                    let mut rise = 0.0;
                    for (gid, advance, dx, dy, chars) in glyphs {
                        if dy != rise {
                            if !items.is_empty() {
                                ops.push(Op::ShowText {
                                    items: std::mem::take(&mut items),
                                });
                            }
                            ops.push(Op::SetLineOffset { multiplier: dy });
                            rise = dy;
                        }
                        if dx != 0.0 {
                            items.push(TextItem::Offset(-dx * per_point));
                        }
                        // TJ moves on by the font's own width: correct it to the
                        // shaped advance (where the font kerns or joins), less the shift.
                        let natural = self.fonts.natural(piece.font, gid, piece.size);
                        items.push(TextItem::GlyphIds(vec![Codepoint {
                            gid,
                            offset: (dx + natural - advance) * per_point,
                            cid: Some(chars),
                        }]));
                    }
                    if !items.is_empty() {
                        ops.push(Op::ShowText { items });
                    }
                    if rise != 0.0 {
                        ops.push(Op::SetLineOffset { multiplier: 0.0 });
                    }
                    ops.push(Op::EndTextSection);
                    if actual {
                        ops.push(Op::EndMarkedContent);
                    }
                }
            }
            x += piece.width;
        }
        ops
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
        let x = self.place(x, width);
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
        // The code sits at the mirrored place; the code itself is never mirrored.
        let x = self.place(x, size);
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
                let mut ops = Vec::new();
                for (text, from_right) in [(left, false), (right, true)] {
                    self.missing.extend(self.fonts.missing(&text, style.face));
                    let rtl = self.direction(&text);
                    let pieces = self.fonts.line(&text, style.face, style.size, rtl);
                    let width: f32 = pieces.iter().map(|p| p.width).sum();
                    let x = if from_right {
                        self.width.0 - self.margin - width
                    } else {
                        self.margin
                    };
                    ops.extend(self.text_ops(self.place(x, width), y, pieces));
                }
                self.pages[n].extend(ops);
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

/// A PDF text string: UTF-16BE with its byte order mark, so any script survives.
fn utf16_string(text: &str) -> DictItem {
    let mut data = vec![0xFE, 0xFF];
    data.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    DictItem::String {
        data,
        literal: false,
    }
}

/// A wrapped line, with its paragraph's direction and its characters' scripts.
#[derive(Debug)]
struct Wrapped {
    text: String,
    scripts: Vec<unicode_script::Script>,
    rtl: bool,
}

/// Whether `c` is a combining mark (an accent, an Indic or Thai vowel sign), which a
/// line never starts with.
fn is_mark(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    matches!(
        get_general_category(c),
        G::NonspacingMark | G::SpacingMark | G::EnclosingMark
    ) || c == '\u{200D}'
}

/// `paragraph` cut where a line may break, as byte ranges: each a word (or a Chinese
/// character) with the spaces after it. Tailored as UAX #14 allows: not after a hyphen,
/// so a double-barrelled name ("Wójcik-Łęczycki") moves to the next line whole.
fn segments(paragraph: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    breaks(paragraph).filter_map(move |at| {
        let after_hyphen = paragraph[..at].ends_with(['-', '\u{2010}']);
        if (after_hyphen && at < paragraph.len()) || at <= start {
            return None;
        }
        let piece = (start, at);
        start = at;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fallback::FontSource;

    fn embedded_only() -> Fonts {
        Fonts::load_from(&FontSource::Folders(Vec::new())).unwrap()
    }

    /// Each paragraph takes its own direction from its first letter.
    #[test]
    fn each_paragraph_has_its_own_direction() {
        let fonts = embedded_only();
        let doc = Writer::new(&fonts, "t", Paper::A4);
        let lines = doc.wrap("Call us.\nاتصل بنا.\n2026", Style::new(Face::Regular, 10.0));
        let directions: Vec<bool> = lines.iter().map(|l| l.rtl).collect();
        assert_eq!(
            directions,
            [false, true, false],
            "digits alone take the page's"
        );
        let mut rtl_page = Writer::new(&fonts, "t", Paper::A4);
        rtl_page.set_right_to_left(true);
        let lines = rtl_page.wrap("2026", Style::new(Face::Regular, 10.0));
        assert!(lines[0].rtl);
    }

    /// A word wider than the line breaks between letters, never before a vowel sign
    /// or accent, and loses nothing.
    #[test]
    fn a_long_word_never_starts_a_line_with_a_mark() {
        let fonts = embedded_only();
        let doc = Writer::new(&fonts, "t", Paper::A4);
        for word in ["কি".repeat(150), "e\u{301}".repeat(200), "ไม่".repeat(100)] {
            let lines = doc.wrap(&word, Style::new(Face::Regular, 12.0));
            assert!(lines.len() > 1, "{word}: wider than a line");
            for line in &lines {
                let first = line.text.chars().next().unwrap();
                assert!(!is_mark(first), "a line starts with {first:?}");
                assert_eq!(line.text.chars().count(), line.scripts.len());
            }
            let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
            assert_eq!(joined, word);
        }
    }

    /// UAX #14 breaks between Chinese characters, not after a hyphen.
    #[test]
    fn lines_break_between_chinese_characters_and_not_after_a_hyphen() {
        let breaks: Vec<(usize, usize)> = segments("请找 Priya Wójcik-Łęczycki。您的").collect();
        let pieces: Vec<&str> = breaks
            .iter()
            .map(|&(a, b)| &"请找 Priya Wójcik-Łęczycki。您的"[a..b])
            .collect();
        assert_eq!(
            pieces,
            ["请", "找 ", "Priya ", "Wójcik-Łęczycki。", "您", "的"]
        );
    }
}
