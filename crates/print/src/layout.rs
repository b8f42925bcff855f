//! A small flowing layout: paragraphs wrapped to the page width with the fonts' own
//! glyph widths, new pages when the text reaches the bottom margin.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use printpdf::{
    Color, DictItem, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfPage,
    PdfSaveOptions, Point, Polygon, PolygonRing, Pt, RawImage, RawImageData, RawImageFormat, Rgb,
    TextMatrix, WindingOrder, XObjectTransform,
};

use crate::embed::{self, Used};
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
    /// The document's fonts by resource name (`F0`, `F1`…), named as text first
    /// needs each, and the glyphs drawn in each: embedded when the document is done.
    names: BTreeMap<FontKey, String>,
    used: BTreeMap<FontKey, Used>,
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
            names: BTreeMap::new(),
            used: BTreeMap::new(),
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

    /// The resource name the content stream calls `key`'s face by.
    fn font_name(&mut self, key: FontKey) -> String {
        let count = self.names.len();
        self.names
            .entry(key)
            .or_insert_with(|| format!("F{count}"))
            .clone()
    }

    /// Notes that `gid` of `key`'s face is drawn for `text`.
    fn draws(&mut self, key: FontKey, gid: u16, text: &str) {
        let glyphs = self.used.entry(key).or_default();
        let known = glyphs.entry(gid).or_default();
        // The missing glyph stands for no one character: it copies out as nothing.
        if gid == 0 {
            return;
        }
        // A glyph drawn for some text and, elsewhere, as part of a cluster (no text of
        // its own) copies out as the text.
        if known.is_empty() {
            text.clone_into(known);
        }
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
            let plain = match &piece.draw {
                Draw::Plain(text) => self.fonts.plain_glyphs(piece.font, text),
                Draw::Glyphs { .. } => Vec::new(),
            };
            // A piece of only characters that draw nothing (a lone variation
            // selector) names no font: its font would have no glyphs to embed.
            let empty = match &piece.draw {
                Draw::Plain(_) => plain.is_empty(),
                Draw::Glyphs { glyphs, .. } => glyphs.is_empty(),
            };
            if empty {
                x += piece.width;
                continue;
            }
            let font = self.font_name(piece.font);
            let at = |x: f32, y: f32| Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(y)),
            };
            // The glyphs are drawn by the face's own glyph ids here; `finish` turns
            // them into the embedded subset's codes once every page is laid out.
            let start = [
                Op::StartTextSection,
                raw(
                    "Tf",
                    vec![
                        DictItem::Name(font.into_bytes()),
                        DictItem::Real(piece.size),
                    ],
                ),
                at(x, y),
            ];
            match piece.draw {
                Draw::Plain(_) => {
                    let mut data = Vec::with_capacity(plain.len() * 2);
                    for (gid, c) in plain {
                        self.draws(piece.font, gid, c.encode_utf8(&mut [0; 4]));
                        data.extend(gid.to_be_bytes());
                    }
                    ops.extend(start);
                    ops.push(show(vec![glyph_string(data)]));
                    ops.push(Op::EndTextSection);
                }
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
                    ops.extend(start);
                    // One TJ along the pen. A glyph the font moves (a mark over its
                    // letter) is shifted along the line by TJ's own adjustments and up
                    // or down by the text rise, so readers see it beside its letter.
                    let per_point = 1000.0 / piece.size;
                    let mut items: Vec<DictItem> = Vec::new();
                    let mut rise = 0.0;
                    for (gid, advance, dx, dy, chars) in glyphs {
                        if dy != rise {
                            if !items.is_empty() {
                                ops.push(show(std::mem::take(&mut items)));
                            }
                            ops.push(Op::SetLineOffset { multiplier: dy });
                            rise = dy;
                        }
                        // TJ numbers move the pen back by thousandths of the size.
                        if dx != 0.0 {
                            items.push(DictItem::Real(-dx * per_point));
                        }
                        self.draws(piece.font, gid, &chars);
                        items.push(glyph_string(gid.to_be_bytes().to_vec()));
                        // TJ moves on by the font's own width: correct it to the
                        // shaped advance (where the font kerns or joins), less the shift.
                        let natural = self.fonts.natural(piece.font, gid, piece.size);
                        let correction = (dx + natural - advance) * per_point;
                        if correction != 0.0 {
                            items.push(DictItem::Real(correction));
                        }
                    }
                    if !items.is_empty() {
                        ops.push(show(items));
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
        let rings = module_blocks(dark, per_side)
            .into_iter()
            .map(|(col, row, cols, rows)| {
                let (x0, y0) = (x + col as f32 * cell, top - row as f32 * cell);
                let (x1, y1) = (x0 + cols as f32 * cell, y0 - rows as f32 * cell);
                PolygonRing {
                    points: vec![
                        corner(x0, y0),
                        corner(x1, y0),
                        corner(x1, y1),
                        corner(x0, y1),
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

    pub fn finish(self) -> Result<Rendered, crate::Error> {
        self.finish_with_footer(|_, _| None)
    }

    /// Finishes the document; `footer(page, pages)` gives each page's footer (left and
    /// right text, pages counted from 1) now that the page count is known.
    pub fn finish_with_footer(
        self,
        footer: impl Fn(usize, usize) -> Option<(String, String, Style)>,
    ) -> Result<Rendered, crate::Error> {
        self.finish_pages(&footer)
    }

    // One copy of the document's assembly for every kind of footer, not one per closure
    // (the app's size budget).
    #[inline(never)]
    fn finish_pages(
        mut self,
        footer: &dyn Fn(usize, usize) -> Option<(String, String, Style)>,
    ) -> Result<Rendered, crate::Error> {
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
        // Each face subset to the glyphs drawn, and the pages' glyph ids turned into
        // the subsets' codes.
        let mut subsets = Vec::with_capacity(self.names.len());
        let mut codes = HashMap::with_capacity(self.names.len());
        for (key, name) in &self.names {
            let Some(used) = self.used.get(key) else {
                continue;
            };
            let mut subset = embed::subset_face(self.fonts, *key, used)?;
            codes.insert(name.clone().into_bytes(), std::mem::take(&mut subset.codes));
            subsets.push((name.clone(), subset));
        }
        for ops in &mut self.pages {
            to_codes(ops, &codes);
        }
        let (w, h) = (Mm::from(self.width), Mm::from(self.height));
        let pages: Vec<PdfPage> = std::mem::take(&mut self.pages)
            .into_iter()
            .map(|ops| PdfPage::new(w, h, ops))
            .collect();
        let options = PdfSaveOptions {
            // Compressed below instead.
            optimize: false,
            // The text operators are Waymark's own (`raw`): printpdf drops operators
            // it does not write itself unless told not to.
            secure: false,
            ..PdfSaveOptions::default()
        };
        let mut doc = self
            .doc
            .with_pages(pages)
            .to_lopdf_document(&options, &mut Vec::new());
        embed::add_fonts(&mut doc, subsets)?;
        compress(&mut doc);
        let mut pdf = Vec::new();
        // Writing into memory cannot fail.
        let _ = doc.save_to(&mut pdf);
        Ok(Rendered {
            pdf,
            pages: count,
            missing_glyphs: self.missing.into_iter().collect(),
        })
    }
}

/// A content-stream operator printpdf has no op for, written as given.
fn raw(operator: &str, operands: Vec<DictItem>) -> Op {
    Op::Unknown {
        key: operator.to_owned(),
        value: operands,
    }
}

/// `TJ`: glyphs (two-byte strings) and pen adjustments (numbers).
fn show(items: Vec<DictItem>) -> Op {
    raw("TJ", vec![DictItem::Array(items)])
}

fn glyph_string(data: Vec<u8>) -> DictItem {
    DictItem::String {
        data,
        literal: false,
    }
}

/// Turns the face glyph ids in `ops`' text into each subset's codes (`codes`, by the
/// resource name the `Tf` before them sets).
fn to_codes(ops: &mut [Op], codes: &HashMap<Vec<u8>, HashMap<u16, u16>>) {
    let mut current = None;
    for op in ops {
        let Op::Unknown { key, value } = op else {
            continue;
        };
        match (key.as_str(), value.as_mut_slice()) {
            ("Tf", [DictItem::Name(name), ..]) => current = codes.get(name),
            ("TJ", [DictItem::Array(items)]) => {
                let Some(map) = current else { continue };
                for item in items {
                    if let DictItem::String { data, .. } = item {
                        for pair in data.chunks_exact_mut(2) {
                            let gid = u16::from_be_bytes([pair[0], pair[1]]);
                            // Every drawn glyph was noted, so it has a code; the
                            // missing glyph keeps 0 either way.
                            let code = map.get(&gid).copied().unwrap_or(0);
                            pair.copy_from_slice(&code.to_be_bytes());
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The dark modules of a `per_side` square grid as rectangles (column, row, columns,
/// rows): each row's runs of dark modules, a run joined with the same run in the rows
/// below. A QR code so takes a third of the drawing it would take square by square.
fn module_blocks(dark: &[bool], per_side: usize) -> Vec<(usize, usize, usize, usize)> {
    let mut done: Vec<(usize, usize, usize, usize)> = Vec::new();
    // Rectangles still growing downwards, by the columns of their run.
    let mut open: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (row, cells) in dark.chunks(per_side.max(1)).enumerate() {
        let mut runs = Vec::new();
        let mut col = 0;
        while col < cells.len() {
            if cells[col] {
                let start = col;
                while col < cells.len() && cells[col] {
                    col += 1;
                }
                runs.push((start, col - start));
            } else {
                col += 1;
            }
        }
        let mut still = Vec::with_capacity(runs.len());
        for (start, len) in runs {
            match open.iter().position(|&(c, _, w, _)| c == start && w == len) {
                Some(i) => {
                    let mut block = open.swap_remove(i);
                    block.3 += 1;
                    still.push(block);
                }
                None => still.push((start, row, len, 1)),
            }
        }
        done.append(&mut open);
        open = still;
    }
    done.append(&mut open);
    done
}

/// Deflates every stream that allows it, at level 3: printpdf's own (the slowest
/// level) took about 3 ms more a page for a file 4% smaller, and the fastest makes
/// the font programs 40% larger.
fn compress(doc: &mut lopdf::Document) {
    use std::io::Write;
    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(3));
        // Into memory: cannot fail.
        if encoder.write_all(&stream.content).is_err() {
            continue;
        }
        let Ok(deflated) = encoder.finish() else {
            continue;
        };
        // As lopdf does: only when it saves more than the filter's own entry costs.
        if deflated.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(deflated);
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

    /// A piece that draws nothing (a lone variation selector) names no font, so no
    /// page refers to a font without glyphs to embed.
    #[test]
    fn a_piece_that_draws_nothing_names_no_font() {
        let fonts = Fonts::embedded_only();
        let mut doc = Writer::new(&fonts, "t", Paper::A4);
        let piece = |draw| Piece {
            font: FontKey::Embedded(0),
            size: 10.0,
            width: 0.0,
            draw,
        };
        let ops = doc.text_ops(
            0.0,
            0.0,
            vec![
                piece(Draw::Plain("\u{FE0F}".into())),
                piece(Draw::Glyphs {
                    glyphs: Vec::new(),
                    text: String::new(),
                    rtl: false,
                }),
            ],
        );
        assert!(ops.is_empty());
        assert!(doc.names.is_empty() && doc.used.is_empty());
        let ops = doc.text_ops(0.0, 0.0, vec![piece(Draw::Plain("a".into()))]);
        assert!(!ops.is_empty());
        assert_eq!(doc.names.len(), 1);
    }

    /// Glyph ids become each font's own codes, by the font the `Tf` before them sets.
    #[test]
    fn glyphs_take_the_codes_of_the_font_set_before_them() {
        let tf = |name: &str| raw("Tf", vec![DictItem::Name(name.into()), DictItem::Real(9.0)]);
        let glyphs = |gids: &[u16]| {
            show(vec![
                glyph_string(gids.iter().flat_map(|g| g.to_be_bytes()).collect()),
                DictItem::Real(-12.0),
                glyph_string(gids[0].to_be_bytes().to_vec()),
            ])
        };
        let mut ops = vec![tf("F0"), glyphs(&[7, 9]), tf("F1"), glyphs(&[7])];
        let codes: HashMap<Vec<u8>, HashMap<u16, u16>> = [
            (b"F0".to_vec(), [(7, 1), (9, 2)].into()),
            (b"F1".to_vec(), [(7, 5)].into()),
        ]
        .into();
        to_codes(&mut ops, &codes);
        let strings = |op: &Op| match op {
            Op::Unknown { value, .. } => match &value[..] {
                [DictItem::Array(items)] => items
                    .iter()
                    .filter_map(|i| match i {
                        DictItem::String { data, .. } => Some(data.clone()),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
                _ => panic!("TJ takes one array"),
            },
            _ => panic!("not TJ"),
        };
        assert_eq!(strings(&ops[1]), vec![vec![0, 1, 0, 2], vec![0, 1]]);
        assert_eq!(strings(&ops[3]), vec![vec![0, 5], vec![0, 5]]);
    }

    /// The QR code's rectangles cover every dark module once and no light one.
    #[test]
    fn module_blocks_cover_the_dark_modules_exactly() {
        let code = qrcode::QrCode::new("https://example.org/services/42?from=waymark").unwrap();
        let side = code.width();
        let real: Vec<bool> = code
            .to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .collect();
        // Runs that line up, a run that narrows, one row, empty and full grids.
        let cases: Vec<(Vec<bool>, usize)> = vec![
            (real, side),
            (
                [1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 0]
                    .map(|b| b == 1)
                    .to_vec(),
                4,
            ),
            (vec![true, false, true], 3),
            (vec![false; 9], 3),
            (vec![true; 25], 5),
        ];
        for (dark, side) in cases {
            let blocks = module_blocks(&dark, side);
            let mut covered = vec![0u8; dark.len()];
            for (col, row, cols, rows) in &blocks {
                for r in *row..row + rows {
                    for c in *col..col + cols {
                        covered[r * side + c] += 1;
                    }
                }
            }
            let want: Vec<u8> = dark.iter().map(|d| u8::from(*d)).collect();
            assert_eq!(covered, want, "{side}-module grid");
            if dark.iter().all(|d| *d) {
                assert_eq!(blocks.len(), 1, "a full grid is one rectangle");
            }
        }
    }

    /// Each paragraph takes its own direction from its first letter.
    #[test]
    fn each_paragraph_has_its_own_direction() {
        let fonts = Fonts::embedded_only();
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
        let fonts = Fonts::embedded_only();
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
