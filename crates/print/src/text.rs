//! Turning a line of text into glyphs: which font each character prints in, the order
//! of mixed right-to-left and left-to-right text (UAX #9), shaping (joined Arabic
//! letters, Indic conjuncts and vowel signs) and where a line may break (UAX #14).
//!
//! Latin, Greek and Cyrillic print in the embedded DejaVu faces exactly as they always
//! have: one glyph per character at the font's own width. Every other script is shaped
//! by allsorts (the OpenType engine printpdf already links) in a font the computer
//! has (see `fallback`), found once per app run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::{DynamicFontTableProvider, FontData};
use allsorts::glyph_position::{GlyphLayout, TextDirection};
use allsorts::gsub::{FeatureMask, FeatureMaskExt};
use allsorts::gsub::{GlyphOrigin, RawGlyph, RawGlyphFlags};
use allsorts::tinyvec::TinyVec;
use unicode_bidi::{BidiInfo, Level};
use unicode_script::Script;
use unicode_script::UnicodeScript;

use crate::fallback::{self, FontSource, Installed, Writing};
use crate::Error;

// Brotli-compressed by build.rs from `fonts/`. The files in `fonts/` are DejaVu 2.37
// cut down with fontTools 4.68 (`pyftsubset`), so the app stays small now that every
// other script prints in the computer's own fonts (and so do symbols these lack):
// - Sans and Sans Bold keep Latin (with Vietnamese and IPA), Greek, Cyrillic,
//   punctuation, currency, letterlike symbols, arrows, bullets and ticks, and drop
//   their hinting and layout tables, which plain Latin, Greek and Cyrillic printing
//   does not use: `--unicodes='U+0000-036F,U+0370-03FF,U+0400-04FF,U+1E00-1EFF,
//   U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2215,U+221E,U+2264-2265,
//   U+25A0-25A1,U+25AA-25AB,U+25CB,U+25CF,U+25E6,U+2713-2714,U+2717,U+FB00-FB06,
//   U+FFFD' --layout-features='' --drop-tables+=MATH,GDEF,GPOS,GSUB --notdef-outline
//   --name-IDs='*' --name-languages='*' --no-hinting`. (Their Arabic, Hebrew and the
//   like were never shaped, so printed wrongly anyway.)
// - The mono face prints only the reference and recovery codes, so it keeps printable
//   ASCII (`--unicodes=U+0020-007E`).
pub(crate) const SANS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans.ttf.br"));
pub(crate) const SANS_BOLD: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans-Bold.ttf.br"));
pub(crate) const MONO_BOLD: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSansMono-Bold.ttf.br"));

pub(crate) fn expand(mut compressed: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    brotli_decompressor::BrotliDecompress(&mut compressed, &mut bytes).ok()?;
    Some(bytes)
}

/// The embedded faces expanded once per process: the shaper keeps borrowing them.
fn embedded(face: Face) -> Result<&'static [u8], Error> {
    static EXPANDED: [OnceLock<Option<Vec<u8>>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (i, compressed, name) = match face {
        Face::Regular => (0, SANS, "DejaVuSans"),
        Face::Bold => (1, SANS_BOLD, "DejaVuSans-Bold"),
        Face::MonoBold => (2, MONO_BOLD, "DejaVuSansMono-Bold"),
    };
    EXPANDED[i]
        .get_or_init(|| expand(compressed))
        .as_deref()
        .ok_or(Error::Font(name))
}

/// Which of the embedded faces to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
    MonoBold,
}

/// A face's file and metrics, for its font descriptor in a PDF.
#[derive(Debug, Clone)]
pub(crate) struct FaceInfo {
    pub bytes: &'static [u8],
    pub index: u32,
    /// Its PostScript name.
    pub name: String,
    pub units_per_em: u16,
    pub ascent: i16,
    pub descent: i16,
    pub cap_height: Option<i16>,
    /// x min, y min, x max, y max, in font units.
    pub bbox: [i16; 4],
    /// Degrees counter-clockwise from upright (`post`): an italic face is negative.
    pub italic_angle: f32,
    pub weight: u16,
}

/// A font a piece of text prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FontKey {
    Embedded(u8),
    /// An installed face, by its place in [`Fonts`]'s list.
    Installed(usize),
}

impl FontKey {
    fn embedded(face: Face) -> Self {
        FontKey::Embedded(match face {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::MonoBold => 2,
        })
    }
}

/// A font ready to print: parsed for measuring and embedding, and for shaping.
struct Loaded {
    /// Metrics, advances and characters: ttf-parser reads them straight from the
    /// tables (the cmap by binary search).
    face: ttf_parser::Face<'static>,
    family: String,
    /// The file and the face's index in it, to subset for each document. Each file
    /// is read once per run, so its address also tells a face found again for
    /// another character from a new one.
    bytes: &'static [u8],
    index: u32,
    /// allsorts needs `&mut` to fill its table caches as it shapes.
    shaper: Mutex<allsorts::Font<DynamicFontTableProvider<'static>>>,
}

impl Loaded {
    /// The glyph for `c`, if the face has one.
    fn glyph(&self, c: char) -> Option<u16> {
        self.face.glyph_index(c).map(|g| g.0)
    }

    /// A glyph's advance in font units.
    fn advance(&self, gid: u16) -> u16 {
        self.face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0)
    }

    fn units_per_em(&self) -> u16 {
        self.face.units_per_em().max(1)
    }
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("family", &self.family)
            .finish()
    }
}

fn load(bytes: &'static [u8], index: u32, family: String) -> Option<Loaded> {
    let face = ttf_parser::Face::parse(bytes, index).ok()?;
    let data = ReadScope::new(bytes).read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(index as usize).ok()?;
    let shaper = allsorts::Font::new(provider).ok()?;
    Some(Loaded {
        face,
        family,
        bytes,
        index,
        shaper: Mutex::new(shaper),
    })
}

type FamilyKey = (Writing, Option<char>);
/// A character in its script and face, and the font it prints in (and whether any has it).
type Chosen = HashMap<(char, Script, Face), (FontKey, bool)>;
type ShapeKey = (FontKey, String, Script, bool);

/// How many shaped pieces [`Fonts`] keeps: a few prescriptions' worth.
const SHAPED_KEPT: usize = 20_000;

/// How many characters' font choices [`Fonts`] keeps before starting again.
const CHOSEN_KEPT: usize = 20_000;

/// An installed family for one writing system.
#[derive(Debug, Clone, Copy)]
struct Family {
    regular: usize,
    bold: Option<usize>,
}

/// The embedded faces, and the computer's fonts for other scripts. Load once per app
/// run and reuse across documents: the font lookup happens here.
#[derive(Debug)]
pub struct Fonts {
    /// Regular, bold and mono bold.
    embedded: [Arc<Loaded>; 3],
    /// Installed faces, added as scripts first need them.
    loaded: Mutex<Vec<Arc<Loaded>>>,
    installed: Installed,
    /// Per writing system (and character, for [`Writing::Other`]): its family, or
    /// none on this computer.
    families: Mutex<HashMap<FamilyKey, Option<Family>>>,
    /// Text already shaped, in font units: wrapping measures each word and the same
    /// phrases print on every prescription. Emptied when it grows large.
    shaped: Mutex<HashMap<ShapeKey, Arc<[Shaped]>>>,
    /// Each character's font, by script and face, once chosen: wrapping measures
    /// every word several times.
    chosen: Mutex<Chosen>,
}

/// One glyph after shaping, in font units.
#[derive(Debug, Clone)]
struct Shaped {
    gid: u16,
    advance: i32,
    dx: i32,
    dy: i32,
    /// The characters this glyph stands for, for copying text out of the PDF.
    text: String,
}

/// A run of text in one font and one direction, ready to draw: glyphs in the order
/// they go on the page, left to right.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub font: FontKey,
    pub size: f32,
    pub width: f32,
    pub draw: Draw,
}

#[derive(Debug, Clone)]
pub(crate) enum Draw {
    /// Characters drawn one glyph each at the font's own widths (the embedded faces'
    /// Latin, Greek and Cyrillic, as Waymark has always printed them).
    Plain(String),
    /// Shaped glyphs: (glyph, advance, x and y offset in points, text it stands for).
    Glyphs {
        glyphs: Vec<(u16, f32, f32, f32, String)>,
        /// The piece's text in reading order, for PDF readers (`ActualText`).
        text: String,
        rtl: bool,
    },
}

impl Fonts {
    /// The embedded faces and the computer's own fonts.
    pub fn load() -> Result<Self, Error> {
        Self::load_from(&FontSource::System)
    }

    /// The embedded faces alone: what a computer without fonts for other scripts has.
    #[cfg(test)]
    #[allow(clippy::unwrap_used)] // a test helper: a panic is the report
    pub(crate) fn embedded_only() -> Self {
        Self::load_from(&FontSource::Folders(Vec::new())).unwrap()
    }

    /// The embedded faces and the fonts in `source` only.
    pub fn load_from(source: &FontSource) -> Result<Self, Error> {
        let face = |face: Face, name: &'static str| -> Result<Arc<Loaded>, Error> {
            let font = load(embedded(face)?, 0, name.to_owned()).ok_or(Error::Font(name))?;
            Ok(Arc::new(font))
        };
        Ok(Self {
            embedded: [
                face(Face::Regular, "DejaVuSans")?,
                face(Face::Bold, "DejaVuSans-Bold")?,
                face(Face::MonoBold, "DejaVuSansMono-Bold")?,
            ],
            loaded: Mutex::new(Vec::new()),
            shaped: Mutex::new(HashMap::new()),
            installed: Installed::scan(source),
            families: Mutex::new(HashMap::new()),
            chosen: Mutex::new(HashMap::new()),
        })
    }

    fn get(&self, key: FontKey) -> Arc<Loaded> {
        match key {
            FontKey::Embedded(i) => Arc::clone(&self.embedded[usize::from(i) % 3]),
            FontKey::Installed(i) => {
                let loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
                // Keys are only made from indexes into this append-only list.
                Arc::clone(&loaded[i])
            }
        }
    }

    /// What embedding `key`'s face in a document needs.
    pub(crate) fn face_info(&self, key: FontKey) -> FaceInfo {
        let loaded = self.get(key);
        let face = &loaded.face;
        let name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| loaded.family.clone());
        // PostScript names are printable ASCII without delimiters; a family name used
        // instead may not be (it also goes into the ToUnicode map's PostScript).
        let mut name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if name.is_empty() {
            name = "Font".to_owned();
        }
        let b = face.global_bounding_box();
        FaceInfo {
            bytes: loaded.bytes,
            index: loaded.index,
            name,
            units_per_em: loaded.units_per_em(),
            ascent: face.ascender(),
            descent: face.descender(),
            cap_height: face.capital_height(),
            bbox: [b.x_min, b.y_min, b.x_max, b.y_max],
            italic_angle: face.italic_angle(),
            weight: face.weight().to_number(),
        }
    }

    /// The glyph `key`'s face draws `c` with.
    pub(crate) fn glyph_in(&self, key: FontKey, c: char) -> Option<u16> {
        self.get(key).glyph(c)
    }

    /// The glyphs `key`'s face draws `text` with, one a character (0, the missing
    /// glyph, for one it lacks), skipping those that draw nothing.
    pub(crate) fn plain_glyphs(&self, key: FontKey, text: &str) -> Vec<(u16, char)> {
        let loaded = self.get(key);
        text.chars()
            .filter(|c| !ignorable(*c))
            .map(|c| (loaded.glyph(c).unwrap_or(0), c))
            .collect()
    }

    /// A glyph's advance in thousandths of an em, rounded down: its `/W` entry in the
    /// PDF, the width a viewer moves by.
    pub(crate) fn thousandths(&self, key: FontKey, gid: u16) -> u32 {
        let loaded = self.get(key);
        u32::from(loaded.advance(gid)) * 1000 / u32::from(loaded.units_per_em())
    }

    /// The installed family serving `writing` (and `c`, for scripts without a list of
    /// families), looked up once per app run.
    fn family(&self, writing: Writing, c: char) -> Option<Family> {
        let key = (writing, (writing == Writing::Other).then_some(c));
        let mut families = self.families.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = families.get(&key) {
            return *found;
        }
        let family = self.installed.find(writing, c).and_then(|(regular, bold)| {
            let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
            let mut add = |f: fallback::Found| {
                // One key per face, so runs in it join and shape together.
                let same = |l: &Arc<Loaded>| {
                    std::ptr::eq(l.bytes.as_ptr(), f.bytes.as_ptr()) && l.index == f.index
                };
                if let Some(i) = loaded.iter().position(same) {
                    return Some(i);
                }
                let font = load(f.bytes, f.index, f.family)?;
                loaded.push(Arc::new(font));
                Some(loaded.len() - 1)
            };
            let regular = add(regular)?;
            let bold = bold.and_then(&mut add);
            Some(Family { regular, bold })
        });
        families.insert(key, family);
        family
    }

    fn has(&self, key: FontKey, c: char) -> bool {
        self.glyph_in(key, c).is_some()
    }

    /// The font `c` prints in, and whether it prints (a face has it).
    fn font_for(&self, c: char, script: Script, face: Face) -> (FontKey, bool) {
        // Every embedded face has printable ASCII (`fonts/`: the mono face keeps only
        // that): no lookup for most characters.
        if c.is_ascii() && Writing::of(script).is_none() {
            return (FontKey::embedded(face), true);
        }
        let key = (c, script, face);
        if let Some(found) = self.lock_chosen().get(&key) {
            return *found;
        }
        let found = self.choose_font(c, script, face);
        let mut chosen = self.lock_chosen();
        if chosen.len() >= CHOSEN_KEPT {
            chosen.clear();
        }
        chosen.insert(key, found);
        found
    }

    fn lock_chosen(&self) -> std::sync::MutexGuard<'_, Chosen> {
        self.chosen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn choose_font(&self, c: char, script: Script, face: Face) -> (FontKey, bool) {
        let own = FontKey::embedded(face);
        if self.has(own, c) && Writing::of(script).is_none_or(|w| w == Writing::Other) {
            return (own, true);
        }
        let text_face = if face == Face::MonoBold {
            Face::Bold
        } else {
            face
        };
        let dejavu = FontKey::embedded(text_face);
        let Some(writing) = Writing::of(script) else {
            if self.has(dejavu, c) {
                return (dejavu, true);
            }
            return self.elsewhere(c, text_face, dejavu);
        };
        if writing == Writing::Other && self.has(dejavu, c) {
            return (dejavu, true);
        }
        if let Some(key) = self.in_family(writing, c, text_face) {
            return (key, true);
        }
        if self.has(dejavu, c) {
            return (dejavu, true);
        }
        // A character the script's font lacks (the Bengali font without the danda
        // Bengali shares with Devanagari).
        self.elsewhere(c, text_face, dejavu)
    }

    /// The face of `writing`'s installed family that has `c`: its bold where asked for
    /// and it has the letter, else its regular.
    fn in_family(&self, writing: Writing, c: char, text_face: Face) -> Option<FontKey> {
        let family = self.family(writing, c)?;
        let bold = family.bold.filter(|_| text_face == Face::Bold);
        bold.into_iter()
            .chain([family.regular])
            .map(FontKey::Installed)
            .find(|key| self.has(*key, c))
    }

    /// A font for `c` when neither its own script's nor the embedded faces have it:
    /// first the families of the scripts it is written with (an ideographic full stop
    /// with no Chinese near it still prints in a CJK font, not in whichever face on
    /// the computer happens to have it), then any installed face. (`fallback::scripts`
    /// already gives a shared character a script of its own from its paragraph.)
    fn elsewhere(&self, c: char, text_face: Face, dejavu: FontKey) -> (FontKey, bool) {
        let used_with = c.script_extension().iter().filter_map(Writing::of);
        for writing in used_with.filter(|w| *w != Writing::Other) {
            if let Some(key) = self.in_family(writing, c, text_face) {
                return (key, true);
            }
        }
        match self.family(Writing::Other, c) {
            Some(family) => (FontKey::Installed(family.regular), true),
            None => (dejavu, false),
        }
    }

    /// The width of `text` in points at `size`, drawn as [`Fonts::line`] would.
    pub(crate) fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        self.width_in(text, &fallback::scripts(text), face, size)
    }

    /// [`Fonts::width`] of part of a paragraph, with each character's script as the
    /// whole paragraph gives it (`scripts`, one per character).
    pub(crate) fn width_in(&self, text: &str, scripts: &[Script], face: Face, size: f32) -> f32 {
        // Every embedded face has printable ASCII: most text is only that.
        if plain_ascii(text, scripts) {
            return self.plain_width(FontKey::embedded(face), text, size);
        }
        self.items_in(text, scripts, face)
            .iter()
            .map(|(key, range, script)| {
                let piece = &text[range.clone()];
                if shaped(*script) {
                    // Shaped in its own direction, as it is drawn (cursive joins
                    // move glyphs differently each way).
                    self.shape(*key, piece, *script, right_to_left(*script))
                        .iter()
                        .map(|g| g.advance)
                        .sum::<i32>() as f32
                        * self.scale(*key, size)
                } else {
                    self.plain_width(*key, piece, size)
                }
            })
            .sum()
    }

    fn scale(&self, key: FontKey, size: f32) -> f32 {
        size / f32::from(self.get(key).units_per_em())
    }

    fn plain_width(&self, key: FontKey, text: &str, size: f32) -> f32 {
        let loaded = self.get(key);
        let units: u32 = text
            .chars()
            .filter(|c| !ignorable(*c))
            .map(|c| loaded.glyph(c).map_or(0, |g| u32::from(loaded.advance(g))))
            .sum();
        units as f32 * self.scale(key, size)
    }

    /// Characters no face has: they would print as empty boxes.
    pub(crate) fn missing(&self, text: &str, face: Face) -> Vec<char> {
        if text.is_ascii() {
            return Vec::new();
        }
        self.missing_in_context(text, face)
            .into_iter()
            .map(|(c, _)| c)
            .collect()
    }

    /// Characters no face has, each with the script around it (the Arabic comma in
    /// Arabic text is Arabic script's to print).
    fn missing_in_context(&self, text: &str, face: Face) -> Vec<(char, Script)> {
        let scripts = fallback::scripts(text);
        text.chars()
            .zip(scripts)
            .filter(|(c, _)| !c.is_whitespace() && !c.is_control() && !ignorable(*c))
            .filter(|(c, s)| !self.font_for(*c, *s, face).1)
            .collect()
    }

    /// `text` split into runs of one font and one script, in reading order; `scripts`
    /// has each character's.
    fn items_in(
        &self,
        text: &str,
        scripts: &[Script],
        face: Face,
    ) -> Vec<(FontKey, std::ops::Range<usize>, Script)> {
        let scripts = scripts.iter().copied();
        let mut items: Vec<(FontKey, std::ops::Range<usize>, Script)> = Vec::new();
        for ((at, c), script) in text.char_indices().zip(scripts) {
            let mut key = self.font_for(c, script, face).0;
            // A space or mark between two runs stays with the run before it when that
            // font has it, so shaping sees whole phrases.
            if let Some((last, range, last_script)) = items.last_mut() {
                let shared = matches!(c.script(), Script::Common | Script::Inherited);
                if shared && *last_script == script && self.has(*last, c) {
                    key = *last;
                }
                if *last == key && *last_script == script {
                    range.end = at + c.len_utf8();
                    continue;
                }
            }
            items.push((key, at..at + c.len_utf8(), script));
        }
        items
    }

    /// Shapes `text` (one font, one script) in font units, glyphs in logical order.
    fn shape(&self, key: FontKey, text: &str, script: Script, rtl: bool) -> Arc<[Shaped]> {
        let cache_key = (key, text.to_owned(), script, rtl);
        let mut shaped = self.shaped.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(glyphs) = shaped.get(&cache_key) {
            return Arc::clone(glyphs);
        }
        drop(shaped);
        let glyphs: Arc<[Shaped]> = self.shape_now(key, text, script, rtl).into();
        shaped = self.shaped.lock().unwrap_or_else(PoisonError::into_inner);
        if shaped.len() >= SHAPED_KEPT {
            shaped.clear();
        }
        shaped.insert(cache_key, Arc::clone(&glyphs));
        glyphs
    }

    fn shape_now(&self, key: FontKey, text: &str, script: Script, rtl: bool) -> Vec<Shaped> {
        let loaded = self.get(key);
        let tag = script_tag(script);
        // Characters to glyphs through ttf-parser's cmap (allsorts' own
        // `map_glyphs` reads the cmap afresh for every character), after the
        // script's own preparation (Indic split vowels, Arabic mark order).
        let mut chars: Vec<char> = text.chars().collect();
        allsorts::scripts::preprocess_text(&mut chars, tag);
        let glyphs: Vec<RawGlyph<()>> = chars
            .into_iter()
            .filter(|c| !ignorable(*c))
            .map(|c| {
                let mut unicodes = TinyVec::new();
                unicodes.push(c);
                RawGlyph {
                    unicodes,
                    glyph_index: loaded.glyph(c).unwrap_or(0),
                    liga_component_pos: 0,
                    glyph_origin: GlyphOrigin::Char(c),
                    flags: RawGlyphFlags::empty(),
                    variation: None,
                    extra_data: (),
                }
            })
            .collect();
        let mut font = loaded.shaper.lock().unwrap_or_else(PoisonError::into_inner);
        let infos = match font.shape(
            glyphs,
            tag,
            None,
            FeatureMask::default_mask(),
            &[],
            None,
            true,
        ) {
            Ok(infos) => infos,
            // allsorts applies what it can and reports the first table it could not
            // use; what it shaped is still the best rendering available.
            Err((_, infos)) => infos,
        };
        let direction = if rtl {
            TextDirection::RightToLeft
        } else {
            TextDirection::LeftToRight
        };
        let positions = GlyphLayout::new(&mut font, &infos, direction, false)
            .glyph_positions()
            .unwrap_or_default();
        infos
            .iter()
            .enumerate()
            .map(|(i, info)| {
                let p = positions.get(i).copied().unwrap_or_default();
                Shaped {
                    gid: info.glyph.glyph_index,
                    advance: p.hori_advance,
                    dx: p.x_offset,
                    dy: p.y_offset,
                    // A character the font draws as several glyphs (alef and its
                    // hamza) is copied out once, from the first.
                    text: if info.glyph.multi_subst_dup() {
                        String::new()
                    } else {
                        glyph_text(&info.glyph.unicodes, text)
                    },
                }
            })
            .collect()
    }

    /// One line, laid out left to right as it goes on the page: each piece one font and
    /// one direction. `rtl` sets the paragraph direction (a right-to-left page).
    pub(crate) fn line(&self, text: &str, face: Face, size: f32, rtl: bool) -> Vec<Piece> {
        self.line_in(text, &fallback::scripts(text), face, size, rtl)
    }

    /// [`Fonts::line`] for a line of a paragraph, each character's script as the whole
    /// paragraph gives it (`scripts`), so it is drawn as it was measured.
    pub(crate) fn line_in(
        &self,
        text: &str,
        scripts: &[Script],
        face: Face,
        size: f32,
        rtl: bool,
    ) -> Vec<Piece> {
        if plain_ascii(text, scripts) && !rtl {
            let key = FontKey::embedded(face);
            return vec![self.piece(key, text, Script::Latin, size, false)];
        }
        let needs_bidi = rtl || text.chars().any(is_rtl_char);
        let runs: Vec<(std::ops::Range<usize>, bool)> = if needs_bidi {
            let level = if rtl { Level::rtl() } else { Level::ltr() };
            let info = BidiInfo::new(text, Some(level));
            match info.paragraphs.first() {
                Some(para) => {
                    let (levels, runs) = info.visual_runs(para, para.range.clone());
                    runs.into_iter()
                        .map(|r| {
                            let rtl = levels.get(r.start).is_some_and(|l| l.is_rtl());
                            (r, rtl)
                        })
                        .collect()
                }
                None => Vec::new(),
            }
        } else {
            vec![(0..text.len(), false)]
        };
        let starts: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        let char_at = |byte: usize| starts.partition_point(|&b| b < byte);
        let mut pieces = Vec::new();
        for (range, run_rtl) in runs {
            let chars = scripts
                .get(char_at(range.start)..char_at(range.end))
                .unwrap_or_default();
            let run = &text[range];
            let mut items = self.items_in(run, chars, face);
            if run_rtl {
                items.reverse();
            }
            for (key, r, script) in items {
                let piece_text = &run[r];
                pieces.push(self.piece(key, piece_text, script, size, run_rtl));
            }
        }
        pieces
    }

    fn piece(&self, key: FontKey, text: &str, script: Script, size: f32, rtl: bool) -> Piece {
        if !shaped(script) && !rtl {
            return Piece {
                font: key,
                size,
                width: self.plain_width(key, text, size),
                draw: Draw::Plain(text.chars().filter(|c| !ignorable(*c)).collect()),
            };
        }
        // Brackets face the other way in right-to-left text.
        let source: String = if rtl {
            text.chars()
                .map(|c| unicode_bidi_mirroring::get_mirrored(c).unwrap_or(c))
                .collect()
        } else {
            text.to_owned()
        };
        let shaped = self.shape(key, &source, script, rtl);
        let scale = self.scale(key, size);
        let width = shaped.iter().map(|g| g.advance).sum::<i32>() as f32 * scale;
        let in_page_order: Box<dyn Iterator<Item = &Shaped>> = if rtl {
            Box::new(shaped.iter().rev())
        } else {
            Box::new(shaped.iter())
        };
        Piece {
            font: key,
            size,
            width,
            draw: Draw::Glyphs {
                glyphs: in_page_order
                    .map(|g| {
                        (
                            g.gid,
                            g.advance as f32 * scale,
                            g.dx as f32 * scale,
                            g.dy as f32 * scale,
                            g.text.clone(),
                        )
                    })
                    .collect(),
                text: text.to_owned(),
                rtl,
            },
        }
    }

    /// The writing systems `language`'s fixed wording needs a font for that this
    /// computer lacks; empty when the language prints.
    pub fn lacking(&self, language: &crate::languages::Language) -> Vec<Writing> {
        let w = language.wording;
        // Each phrase without its placeholders ("{phone}"), whose Latin letters would
        // make the punctuation beside them Latin's.
        let mut text = String::new();
        for (_, phrase) in w.phrases() {
            let mut rest = phrase;
            while let Some(open) = rest.find('{') {
                text.push_str(&rest[..open]);
                text.push(' ');
                rest = rest[open..]
                    .find('}')
                    .map_or("", |close| &rest[open + close + 1..]);
            }
            text.push_str(rest);
            text.push('\n');
        }
        text.extend(
            w.dates
                .months
                .iter()
                .chain(w.dates.weekdays.iter())
                .copied(),
        );
        text.extend(w.dates.digits.iter().flatten());
        let mut lacking: Vec<Writing> = self
            .missing_in_context(&text, Face::Regular)
            .into_iter()
            .map(|(c, script)| Writing::of(script).unwrap_or_else(|| Writing::of_char(c)))
            .collect();
        lacking.sort();
        lacking.dedup();
        lacking
    }

    /// The natural width of glyph `gid` in points: what a PDF viewer advances by.
    pub(crate) fn natural(&self, key: FontKey, gid: u16, size: f32) -> f32 {
        self.thousandths(key, gid) as f32 * size / 1000.0
    }
}

/// The characters a shaped glyph stands for. A letter the font splits and joins again
/// (alef and hamza back into أ) comes back listed twice; it is one letter unless the
/// text really doubles it ("ff").
fn glyph_text(unicodes: &[char], source: &str) -> String {
    let mut out = String::new();
    let mut last = None;
    for &c in unicodes {
        if last == Some(c) && !source.contains(&format!("{c}{c}")) {
            continue;
        }
        out.push(c);
        last = Some(c);
    }
    out
}

/// Whether `text` is ASCII in scripts the embedded faces print plainly.
fn plain_ascii(text: &str, scripts: &[Script]) -> bool {
    text.is_ascii() && scripts.iter().all(|s| Writing::of(*s).is_none())
}

/// Characters that draw nothing (variation selectors, joiners, the byte order mark):
/// never reported missing, never drawn as a box.
fn ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{E0100}'..='\u{E01EF}')
}

/// Whether `script` runs right to left.
fn right_to_left(script: Script) -> bool {
    matches!(
        script,
        Script::Arabic | Script::Hebrew | Script::Syriac | Script::Thaana | Script::Nko
    )
}

/// Whether text in `script` is shaped (anything but the scripts DejaVu prints plainly).
fn shaped(script: Script) -> bool {
    Writing::of(script).is_some()
}

fn is_rtl_char(c: char) -> bool {
    use unicode_bidi::BidiClass::{AL, R, RLE, RLI, RLO};
    matches!(unicode_bidi::bidi_class(c), R | AL | RLE | RLI | RLO)
}

/// The OpenType script tag allsorts shapes `script` with.
fn script_tag(script: Script) -> u32 {
    use allsorts::tag;
    match script {
        Script::Arabic => tag::ARAB,
        Script::Hebrew => tag::from_string("hebr").unwrap_or(tag::DFLT),
        Script::Devanagari => tag::DEVA,
        Script::Bengali => tag::BENG,
        Script::Gurmukhi => tag::GURU,
        Script::Gujarati => tag::GUJR,
        Script::Tamil => tag::TAML,
        Script::Thai => tag::from_string("thai").unwrap_or(tag::DFLT),
        Script::Han | Script::Bopomofo | Script::Hiragana | Script::Katakana => {
            tag::from_string("hani").unwrap_or(tag::DFLT)
        }
        Script::Hangul => tag::from_string("hang").unwrap_or(tag::DFLT),
        Script::Latin => tag::LATN,
        Script::Greek => tag::from_string("grek").unwrap_or(tag::DFLT),
        Script::Cyrillic => tag::CYRL,
        Script::Telugu => tag::from_string("telu").unwrap_or(tag::DFLT),
        Script::Kannada => tag::from_string("knda").unwrap_or(tag::DFLT),
        Script::Malayalam => tag::from_string("mlym").unwrap_or(tag::DFLT),
        Script::Oriya => tag::from_string("orya").unwrap_or(tag::DFLT),
        Script::Sinhala => tag::from_string("sinh").unwrap_or(tag::DFLT),
        Script::Khmer => tag::from_string("khmr").unwrap_or(tag::DFLT),
        Script::Myanmar => tag::from_string("mym2").unwrap_or(tag::DFLT),
        Script::Tibetan => tag::from_string("tibt").unwrap_or(tag::DFLT),
        Script::Lao => tag::from_string("lao ").unwrap_or(tag::DFLT),
        Script::Syriac => tag::from_string("syrc").unwrap_or(tag::DFLT),
        Script::Thaana => tag::from_string("thaa").unwrap_or(tag::DFLT),
        Script::Armenian => tag::from_string("armn").unwrap_or(tag::DFLT),
        Script::Georgian => tag::from_string("geor").unwrap_or(tag::DFLT),
        Script::Ethiopic => tag::from_string("ethi").unwrap_or(tag::DFLT),
        // Other scripts shape with the font's default rules.
        _ => tag::DFLT,
    }
}

/// Where `text` may break between lines (UAX #14): byte offsets where a new line may
/// start (the end of the text among them).
pub(crate) fn breaks(text: &str) -> impl Iterator<Item = usize> + '_ {
    unicode_linebreak::linebreaks(text).map(|(at, _)| at)
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
        let fonts = Fonts::embedded_only();
        let mono = FontKey::embedded(Face::MonoBold);
        for c in ' '..='~' {
            assert!(fonts.has(mono, c), "{c:?}");
        }
    }

    #[test]
    fn damaged_font_data_is_refused() {
        assert!(expand(&SANS[..SANS.len() / 2]).is_none());
        assert!(expand(b"not brotli at all").is_none());
    }
}

#[cfg(test)]
mod font_choice {
    use super::*;

    /// Two letters of a script without its own family list that one installed face
    /// has print in the same font, so they shape as one run (on a computer without
    /// such a face both fall back to the embedded one, which is also the same).
    #[test]
    fn letters_one_face_has_share_its_key() {
        let fonts = Fonts::load().unwrap();
        let (a, _) = fonts.font_for('ኢ', Script::Ethiopic, Face::Regular);
        let (b, _) = fonts.font_for('ት', Script::Ethiopic, Face::Regular);
        assert_eq!(a, b);
    }

    /// A shared character the embedded faces lack takes the font of a script it is
    /// written with, even with none of them near and before any of their fonts is in
    /// use: an ideographic full stop after an English name prints in the Chinese font,
    /// not in whichever face on the computer happens to have it (which printed it in a
    /// 40,000-glyph fallback face). Skipped where no Chinese font is installed: CI
    /// installs Noto CJK.
    #[test]
    fn a_shared_mark_after_latin_takes_the_font_of_its_own_scripts() {
        let fonts = Fonts::load().unwrap();
        let scripts = fallback::scripts("Garden。");
        assert_eq!(scripts[6], Script::Latin, "it follows the Latin word");
        let stops: Vec<(FontKey, bool)> = [Face::Regular, Face::Bold]
            .map(|face| fonts.font_for('。', scripts[6], face))
            .to_vec();
        for (face, (stop, found)) in [Face::Regular, Face::Bold].into_iter().zip(stops) {
            let (letter, has) = fonts.font_for('花', Script::Han, face);
            if !has {
                return;
            }
            assert!(found);
            assert!(matches!(letter, FontKey::Installed(_)));
            assert_eq!(stop, letter, "{face:?}");
        }
    }

    /// Variation selectors and joiners draw nothing and are never reported missing.
    #[test]
    fn invisible_characters_are_not_missing() {
        let fonts = Fonts::embedded_only();
        assert_eq!(fonts.missing("Zoë\u{FE0F}\u{200D}", Face::Regular), vec![]);
    }
}
