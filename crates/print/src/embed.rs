//! The document's fonts in the PDF: each face subset to the glyphs its pages draw and
//! written as a Type 0 font (two-byte Identity-H codes, a `/W` width for each, and a
//! ToUnicode map so text copies out of the PDF).
//!
//! Waymark writes these itself, and printpdf only the pages: printpdf's own font path
//! was most of a page's time. It decoded every glyph's outline to read its width
//! (re-reading a CFF font's whole table for each glyph), and the subsetter compared
//! each of a CJK font's 44,000 cmap entries with every glyph kept. Here the subsetter
//! (allsorts) sees a cmap of only the characters drawn, and widths come from `hmtx`.
//! The descriptors follow printpdf's, which readers are known to accept.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use allsorts::binary::read::ReadScope;
use allsorts::error::ParseError;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use allsorts::tables::FontTableProvider;
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

use crate::text::{FaceInfo, FontKey, Fonts};
use crate::Error;

/// The glyphs one face draws in a document: glyph → the text it stands for.
pub(crate) type Used = BTreeMap<u16, String>;

/// One face subset for one document.
#[derive(Debug)]
pub(crate) struct Subset {
    /// The face's glyph → the code the content stream draws it with.
    pub codes: HashMap<u16, u16>,
    program: Program,
    /// Each code's width in thousandths of an em, by code.
    widths: BTreeMap<u16, u32>,
    /// Each code's text, for ToUnicode.
    text: BTreeMap<u32, Vec<u32>>,
    info: FaceInfo,
    /// `ABCDEF+Name`: a subset's name carries a tag unique to its glyphs.
    name: String,
}

#[derive(Debug)]
enum Program {
    /// `glyf` outlines: a TrueType font program, codes are glyph ids.
    TrueType(Vec<u8>),
    /// A CID-keyed CFF table on its own: codes are its charset's CIDs. Every viewer
    /// resolves those the same way only for a bare table (printpdf #280).
    CidCff(Vec<u8>),
    /// Name-keyed CFF in its OpenType wrapper: codes are glyph ids.
    OpenType(Vec<u8>),
}

/// Subsets `key`'s face to the glyphs in `used` (glyph 0 is always kept).
pub(crate) fn subset_face(fonts: &Fonts, key: FontKey, used: &Used) -> Result<Subset, Error> {
    let info = fonts.face_info(key);
    let failed = |why: String| match key {
        // Waymark's own faces always subset: a failure is a broken build.
        FontKey::Embedded(_) => Error::Font("DejaVu"),
        FontKey::Installed(_) => Error::Embed(info.name.clone(), why),
    };
    let file = ReadScope::new(info.bytes)
        .read::<FontData<'_>>()
        .map_err(|e| failed(e.to_string()))?;
    let provider = file
        .table_provider(info.index as usize)
        .map_err(|e| failed(e.to_string()))?;
    // The characters drawn, for the subset's own cmap (readers use ToUnicode, but a
    // font program with a true cmap is the safer one to hand a printer).
    let mapped: BTreeMap<char, u16> = used
        .iter()
        .filter_map(|(gid, text)| {
            let mut chars = text.chars();
            let c = chars.next()?;
            (chars.next().is_none() && fonts.glyph_in(key, c) == Some(*gid)).then_some((c, *gid))
        })
        .collect();
    let provider = DrawnOnly {
        inner: provider,
        cmap: cmap_table(&mapped),
    };
    // allsorts renumbers the glyphs in the order given: new glyph = place in `ids`.
    let ids: Vec<u16> = std::iter::once(0)
        .chain(used.keys().copied().filter(|g| *g != 0))
        .collect();
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| failed(e.to_string()))?;
    let cids = printpdf::font::cff_charset_gid_to_cid_map(&bytes, 0);
    let code_of = |new: u16| {
        cids.as_ref()
            .and_then(|m| m.get(&new).copied())
            .unwrap_or(new)
    };
    let program = if let Some(cff) = printpdf::font::extract_cid_keyed_cff(&bytes, 0) {
        Program::CidCff(cff)
    } else if bytes.starts_with(b"OTTO") {
        Program::OpenType(bytes)
    } else {
        Program::TrueType(bytes)
    };
    let mut codes = HashMap::with_capacity(ids.len());
    let mut widths = BTreeMap::new();
    let mut text = BTreeMap::new();
    for (new, gid) in ids.iter().enumerate() {
        // At most 65,535 glyphs: `ids` holds distinct u16 glyph ids.
        let code = code_of(u16::try_from(new).unwrap_or(u16::MAX));
        codes.insert(*gid, code);
        widths.insert(code, fonts.thousandths(key, *gid));
        if let Some(chars) = used.get(gid) {
            text.insert(u32::from(code), chars.chars().map(u32::from).collect());
        }
    }
    let name = format!("{}+{}", tag(&info.name, &ids), info.name);
    Ok(Subset {
        codes,
        program,
        widths,
        text,
        info,
        name,
    })
}

/// Adds `subsets` to `doc` under the resource names given, into the font dictionary
/// printpdf's pages share.
pub(crate) fn add_fonts(
    doc: &mut lopdf::Document,
    subsets: Vec<(String, Subset)>,
) -> Result<(), Error> {
    if subsets.is_empty() {
        return Ok(());
    }
    // An OpenType font program (name-keyed CFF) needs PDF 1.6; printpdf writes 1.3.
    if subsets
        .iter()
        .any(|(_, s)| matches!(s.program, Program::OpenType(_)))
    {
        doc.version = "1.6".to_owned();
    }
    let mut entries = Vec::with_capacity(subsets.len());
    for (resource, subset) in subsets {
        let id = add_font(doc, subset);
        entries.push((resource, Object::Reference(id)));
    }
    // printpdf gives every page the same font dictionary object.
    let mut shared: Vec<ObjectId> = doc
        .get_pages()
        .values()
        .filter_map(|page| {
            let resources = doc.get_dictionary(*page).ok()?.get(b"Resources").ok()?;
            let resources = match resources {
                Object::Reference(id) => doc.get_dictionary(*id).ok()?,
                Object::Dictionary(d) => d,
                _ => return None,
            };
            resources.get(b"Font").ok()?.as_reference().ok()
        })
        .collect();
    shared.sort_unstable();
    shared.dedup();
    let [id] = shared[..] else {
        // A printpdf that laid its pages out otherwise: fail rather than print text
        // in fonts the pages cannot find.
        return Err(Error::Assembly(
            "the pages do not share one font dictionary",
        ));
    };
    let dict = doc
        .get_dictionary_mut(id)
        .map_err(|_| Error::Assembly("the pages' font dictionary is not a dictionary"))?;
    for (resource, reference) in entries {
        dict.set(resource.into_bytes(), reference);
    }
    Ok(())
}

fn add_font(doc: &mut lopdf::Document, subset: Subset) -> ObjectId {
    let info = &subset.info;
    let scale = 1000.0 / f32::from(info.units_per_em.max(1));
    let em = |v: i16| (f32::from(v) * scale).round() as i64;
    let (subtype, file_key, program) = match subset.program {
        Program::TrueType(bytes) => {
            let mut dict = Dictionary::new();
            // The decoded size, which /Length no longer says once it is deflated.
            dict.set("Length1", bytes.len() as i64);
            ("CIDFontType2", "FontFile2", Stream::new(dict, bytes))
        }
        Program::CidCff(bytes) => {
            let dict =
                Dictionary::from_iter([("Subtype", Object::Name(b"CIDFontType0C".to_vec()))]);
            ("CIDFontType0", "FontFile3", Stream::new(dict, bytes))
        }
        Program::OpenType(bytes) => {
            let dict = Dictionary::from_iter([("Subtype", Object::Name(b"OpenType".to_vec()))]);
            ("CIDFontType0", "FontFile3", Stream::new(dict, bytes))
        }
    };
    let program = doc.add_object(program);
    let italic_angle = info.italic_angle.round() as i64;
    const NONSYMBOLIC: i64 = 1 << 5;
    const ITALIC: i64 = 1 << 6;
    let flags = NONSYMBOLIC | if italic_angle == 0 { 0 } else { ITALIC };
    // No table holds the stem width: estimated from the weight class, as PDF
    // producers do (about 88 at 400, 166 at 700).
    let stem_v = if info.weight == 0 {
        80
    } else {
        50 + (f32::from(info.weight) / 65.0).powi(2).round() as i64
    };
    let ascent = em(info.ascent);
    let descriptor = Dictionary::from_iter([
        ("Type", Object::Name(b"FontDescriptor".to_vec())),
        ("FontName", Object::Name(subset.name.clone().into_bytes())),
        ("Ascent", Object::Integer(ascent)),
        ("Descent", Object::Integer(em(info.descent))),
        (
            "CapHeight",
            Object::Integer(info.cap_height.map_or(ascent, em)),
        ),
        ("ItalicAngle", Object::Integer(italic_angle)),
        ("Flags", Object::Integer(flags)),
        ("StemV", Object::Integer(stem_v)),
        (
            "FontBBox",
            Object::Array(info.bbox.iter().map(|v| Object::Integer(em(*v))).collect()),
        ),
        (file_key, Object::Reference(program)),
    ]);
    let descriptor = doc.add_object(descriptor);
    let mut cid_font = Dictionary::from_iter([
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(subtype.as_bytes().to_vec())),
        ("BaseFont", Object::Name(subset.name.clone().into_bytes())),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter([
                (
                    "Registry",
                    Object::String(b"Adobe".to_vec(), StringFormat::Literal),
                ),
                (
                    "Ordering",
                    Object::String(b"Identity".to_vec(), StringFormat::Literal),
                ),
                ("Supplement", Object::Integer(0)),
            ])),
        ),
        ("W", Object::Array(width_runs(&subset.widths))),
        ("FontDescriptor", Object::Reference(descriptor)),
    ]);
    if subtype == "CIDFontType2" {
        cid_font.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
    }
    let to_unicode = printpdf::cmap::ToUnicodeCMap {
        mappings: subset.text,
    }
    .to_cmap_string(&subset.name);
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), to_unicode.into_bytes()));
    doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"Type0".to_vec())),
        ("BaseFont", Object::Name(subset.name.into_bytes())),
        ("Encoding", Object::Name(b"Identity-H".to_vec())),
        (
            "DescendantFonts",
            Object::Array(vec![Object::Dictionary(cid_font)]),
        ),
        ("ToUnicode", Object::Reference(to_unicode)),
    ]))
}

/// `/W` as runs of consecutive codes: `c [w1 w2 …]`.
fn width_runs(widths: &BTreeMap<u16, u32>) -> Vec<Object> {
    let mut out = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut first = 0u16;
    let mut last: Option<u16> = None;
    for (code, width) in widths {
        if last.is_some_and(|l| u32::from(l) + 1 != u32::from(*code)) {
            out.push(Object::Integer(i64::from(first)));
            out.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            first = *code;
        }
        run.push(Object::Integer(i64::from(*width)));
        last = Some(*code);
    }
    if !run.is_empty() {
        out.push(Object::Integer(i64::from(first)));
        out.push(Object::Array(run));
    }
    out
}

/// Six capital letters from the face and its glyphs: the same document gets the same
/// name, two subsets of one face different ones.
fn tag(name: &str, ids: &[u16]) -> String {
    // FNV-1a: small, stable across runs and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = name.bytes().chain(ids.iter().flat_map(|g| g.to_be_bytes()));
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}

/// A face whose cmap is only the characters drawn, so subsetting does not walk the
/// whole of a large font's.
struct DrawnOnly<P> {
    inner: P,
    cmap: Vec<u8>,
}

impl<P: FontTableProvider> FontTableProvider for DrawnOnly<P> {
    fn table_data(&self, tag: u32) -> Result<Option<Cow<'_, [u8]>>, ParseError> {
        if tag == allsorts::tag::CMAP {
            return Ok(Some(Cow::Borrowed(&self.cmap)));
        }
        self.inner.table_data(tag)
    }

    fn has_table(&self, tag: u32) -> bool {
        tag == allsorts::tag::CMAP || self.inner.has_table(tag)
    }

    fn table_tags(&self) -> Option<Vec<u32>> {
        let mut tags = self.inner.table_tags()?;
        if !tags.contains(&allsorts::tag::CMAP) {
            tags.push(allsorts::tag::CMAP);
        }
        Some(tags)
    }
}

/// A cmap table with one Unicode subtable (format 12, platform 3 encoding 10) holding
/// `mapped`.
fn cmap_table(mapped: &BTreeMap<char, u16>) -> Vec<u8> {
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for (c, gid) in mapped {
        let (c, gid) = (u32::from(*c), u32::from(*gid));
        match groups.last_mut() {
            // Consecutive characters on consecutive glyphs share a group.
            Some((start, end, first)) if *end + 1 == c && *first + (c - *start) == gid => {
                *end = c;
            }
            _ => groups.push((c, c, gid)),
        }
    }
    let length = 16 + 12 * groups.len() as u32;
    let mut out = Vec::with_capacity(12 + length as usize);
    // Header: version 0, one subtable at offset 12.
    out.extend(0u16.to_be_bytes());
    out.extend(1u16.to_be_bytes());
    out.extend(3u16.to_be_bytes());
    out.extend(10u16.to_be_bytes());
    out.extend(12u32.to_be_bytes());
    out.extend(12u16.to_be_bytes());
    out.extend(0u16.to_be_bytes());
    out.extend(length.to_be_bytes());
    out.extend(0u32.to_be_bytes());
    out.extend((groups.len() as u32).to_be_bytes());
    for (start, end, gid) in groups {
        out.extend(start.to_be_bytes());
        out.extend(end.to_be_bytes());
        out.extend(gid.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Face;

    #[test]
    fn the_drawn_characters_cmap_maps_them_and_nothing_else() {
        // A run on consecutive glyphs (one group), a gap, and a run that is not.
        let mapped: BTreeMap<char, u16> = [
            ('a', 10),
            ('b', 11),
            ('c', 12),
            ('x', 40),
            ('y', 7),
            ('é', 99),
        ]
        .into();
        let bytes = cmap_table(&mapped);
        let table = ttf_parser::cmap::Table::parse(&bytes).unwrap();
        let subtable = table.subtables.get(0).unwrap();
        assert!(subtable.is_unicode());
        for (c, gid) in &mapped {
            assert_eq!(
                subtable.glyph_index(u32::from(*c)),
                Some(ttf_parser::GlyphId(*gid)),
                "{c}"
            );
        }
        for c in ['d', 'z', 'A', ' '] {
            assert_eq!(subtable.glyph_index(u32::from(c)), None, "{c}");
        }
        // a–c share a group; x, y and é stand alone.
        assert_eq!(bytes.len(), 12 + 16 + 12 * 4);
    }

    #[test]
    fn widths_run_over_consecutive_codes() {
        let widths: BTreeMap<u16, u32> = [(1, 500), (2, 600), (5, 700), (6, 0), (9, 1)].into();
        let runs = width_runs(&widths);
        let int = |v: i64| Object::Integer(v);
        assert_eq!(
            runs,
            vec![
                int(1),
                Object::Array(vec![int(500), int(600)]),
                int(5),
                Object::Array(vec![int(700), int(0)]),
                int(9),
                Object::Array(vec![int(1)]),
            ]
        );
        assert!(width_runs(&BTreeMap::new()).is_empty());
    }

    /// The subset draws each glyph at its code with the face's own width, and
    /// ToUnicode has each glyph's text.
    #[test]
    fn a_subset_keeps_each_glyph_at_its_code_with_its_width() {
        let fonts = Fonts::embedded_only();
        let key = FontKey::Embedded(0);
        let mut used = Used::new();
        for c in "Zoë walks".chars() {
            let gid = fonts.glyph_in(key, c).unwrap();
            used.insert(gid, c.to_string());
        }
        let subset = subset_face(&fonts, key, &used).unwrap();
        let Program::TrueType(program) = &subset.program else {
            panic!("DejaVu has glyf outlines");
        };
        let face = ttf_parser::Face::parse(program, 0).unwrap();
        // .notdef, the glyphs drawn, then the parts of composite ones (ë's dieresis).
        assert!(usize::from(face.number_of_glyphs()) > used.len() + 1);
        assert_eq!(subset.codes[&0], 0);
        let original = ttf_parser::Face::parse(subset.info.bytes, 0).unwrap();
        for (gid, text) in &used {
            let code = subset.codes[gid];
            assert_eq!(
                face.glyph_hor_advance(ttf_parser::GlyphId(code)),
                original.glyph_hor_advance(ttf_parser::GlyphId(*gid)),
                "{text}"
            );
            assert_eq!(subset.widths[&code], fonts.thousandths(key, *gid));
            let c = text.chars().next().unwrap();
            assert_eq!(subset.text[&u32::from(code)], vec![u32::from(c)]);
            assert_eq!(
                face.glyph_index(c),
                Some(ttf_parser::GlyphId(code)),
                "its cmap"
            );
        }
        assert!(subset.name.ends_with("+DejaVuSans"), "{}", subset.name);
    }

    #[test]
    fn a_subsets_tag_follows_its_glyphs() {
        let one = tag("DejaVuSans", &[0, 3, 4]);
        assert_eq!(one.len(), 6);
        assert!(one.chars().all(|c| c.is_ascii_uppercase()));
        assert_eq!(
            one,
            tag("DejaVuSans", &[0, 3, 4]),
            "the same document, the same name"
        );
        assert_ne!(one, tag("DejaVuSans", &[0, 3, 5]));
        assert_ne!(one, tag("DejaVuSans-Bold", &[0, 3, 4]));
    }

    /// Both faces a page uses are in the font dictionary its resources name.
    #[test]
    fn the_fonts_join_the_pages_font_dictionary() {
        let fonts = Fonts::embedded_only();
        let mut doc = crate::layout::Writer::new(&fonts, "t", crate::Paper::A4);
        doc.paragraph("Plain and", crate::layout::Style::new(Face::Regular, 10.0));
        doc.paragraph("bold", crate::layout::Style::new(Face::Bold, 10.0));
        let pdf = doc.finish().unwrap().pdf;
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let page = *doc.get_pages().values().next().unwrap();
        let resources = doc.get_page_resources(page).unwrap();
        let resources = match resources {
            (Some(dict), _) => dict.clone(),
            (None, ids) => doc.get_dictionary(ids[0]).unwrap().clone(),
        };
        let font_dict = resources.get(b"Font").unwrap().as_reference().unwrap();
        let font_dict = doc.get_dictionary(font_dict).unwrap();
        let mut names: Vec<String> = font_dict
            .iter()
            .map(|(name, font)| {
                let font = doc.get_dictionary(font.as_reference().unwrap()).unwrap();
                let base = font.get(b"BaseFont").unwrap().as_name().unwrap();
                format!(
                    "{}={}",
                    String::from_utf8_lossy(name),
                    String::from_utf8_lossy(base)
                )
            })
            .collect();
        names.sort();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(
            names[0].starts_with("F0=") && names[0].ends_with("+DejaVuSans"),
            "{names:?}"
        );
        assert!(
            names[1].starts_with("F1=") && names[1].ends_with("+DejaVuSans-Bold"),
            "{names:?}"
        );
    }
}
