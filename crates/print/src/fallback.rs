//! Fonts the computer already has, for the scripts the embedded DejaVu faces do not
//! print: Arabic and Urdu, the Indic scripts, Chinese, Japanese, Korean and others.
//! Found once per app run through fontdb (the font database resvg uses), preferring the
//! families each platform ships, and embedded only when the font's licence bits
//! (OS/2 `fsType`) allow a subset in a printed document.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use unicode_script::{Script, UnicodeScript};

/// A writing system that needs a font from the computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Writing {
    Arabic,
    Hebrew,
    Devanagari,
    Bengali,
    Gurmukhi,
    Gujarati,
    Tamil,
    Thai,
    Chinese,
    Japanese,
    Korean,
    /// Any other script: the first installed font that has the character.
    Other,
}

impl Writing {
    /// The writing system of a script the embedded faces do not cover; `None` for the
    /// scripts DejaVu prints (Latin, Greek, Cyrillic) and for characters every script
    /// shares (digits, punctuation, spaces, combining marks).
    pub fn of(script: Script) -> Option<Self> {
        Some(match script {
            Script::Latin | Script::Greek | Script::Cyrillic => return None,
            Script::Common | Script::Inherited | Script::Unknown => return None,
            Script::Arabic => Writing::Arabic,
            Script::Hebrew => Writing::Hebrew,
            Script::Devanagari => Writing::Devanagari,
            Script::Bengali => Writing::Bengali,
            Script::Gurmukhi => Writing::Gurmukhi,
            Script::Gujarati => Writing::Gujarati,
            Script::Tamil => Writing::Tamil,
            Script::Thai => Writing::Thai,
            Script::Han | Script::Bopomofo => Writing::Chinese,
            Script::Hiragana | Script::Katakana => Writing::Japanese,
            Script::Hangul => Writing::Korean,
            _ => Writing::Other,
        })
    }

    /// The writing system of `c`, for a warning about a character no font has:
    /// [`Writing::Other`] for the scripts the embedded faces would print.
    pub fn of_char(c: char) -> Self {
        Self::of(c.script()).unwrap_or(Writing::Other)
    }

    /// Its name for the practice's screens.
    pub fn name(self) -> &'static str {
        match self {
            Writing::Arabic => "Arabic script (Arabic, Urdu, Persian)",
            Writing::Hebrew => "Hebrew",
            Writing::Devanagari => "Devanagari (Hindi, Marathi, Nepali)",
            Writing::Bengali => "Bengali",
            Writing::Gurmukhi => "Gurmukhi (Panjabi)",
            Writing::Gujarati => "Gujarati",
            Writing::Tamil => "Tamil",
            Writing::Thai => "Thai",
            Writing::Chinese => "Chinese characters",
            Writing::Japanese => "Japanese kana",
            Writing::Korean => "Korean Hangul",
            Writing::Other => "other scripts",
        }
    }

    /// What to install for it, on each platform.
    pub fn install_hint(self) -> &'static str {
        match self {
            Writing::Chinese | Writing::Japanese | Writing::Korean => {
                "On Windows, add the Supplemental Fonts for the language (Settings, \
                 Time & language, Language & region, Add a language). On macOS the fonts \
                 come with the system. On Linux, install Noto Sans CJK (fonts-noto-cjk)."
            }
            _ => {
                "On Windows, add the Supplemental Fonts for the language (Settings, \
                 Time & language, Language & region, Add a language). On macOS the fonts \
                 come with the system. On Linux, install the Noto fonts (fonts-noto-core)."
            }
        }
    }

    /// Characters a font must have to serve this writing system.
    fn samples(self) -> &'static [char] {
        match self {
            // Arabic letters, and Urdu's own (ٹ ڈ ڑ ں ے).
            Writing::Arabic => &['ب', 'ع', 'ٹ', 'ے'],
            Writing::Hebrew => &['א', 'ש'],
            Writing::Devanagari => &['क', 'ि'],
            Writing::Bengali => &['ক', 'ি', '্'],
            Writing::Gurmukhi => &['ਕ', 'ਿ'],
            Writing::Gujarati => &['ક', 'િ'],
            Writing::Tamil => &['க', 'ி'],
            Writing::Thai => &['ก', 'ั'],
            Writing::Chinese => &['中', '国', '药', '龙'],
            Writing::Japanese => &['あ', 'ア'],
            Writing::Korean => &['한', '글'],
            Writing::Other => &[],
        }
    }

    /// The families each platform ships for it, in order of preference: Windows first,
    /// then macOS, then Linux (Noto) and older Windows fonts.
    fn families(self) -> &'static [&'static str] {
        match self {
            // Naskh styles: Urdu prints legibly in them, and a Nastaliq face's tall
            // ascenders would need their own line spacing.
            Writing::Arabic => &[
                "Segoe UI",
                "Arial",
                "Geeza Pro",
                "Noto Naskh Arabic",
                "Noto Sans Arabic",
                "Tahoma",
            ],
            Writing::Hebrew => &["Segoe UI", "Arial", "Arial Hebrew", "Noto Sans Hebrew"],
            Writing::Devanagari => &[
                "Nirmala UI",
                "Kohinoor Devanagari",
                "Devanagari Sangam MN",
                "Noto Sans Devanagari",
                "Mangal",
            ],
            Writing::Bengali => &[
                "Nirmala UI",
                "Kohinoor Bangla",
                "Bangla Sangam MN",
                "Noto Sans Bengali",
                "Vrinda",
            ],
            Writing::Gurmukhi => &[
                "Nirmala UI",
                "Mukta Mahee",
                "Gurmukhi Sangam MN",
                "Noto Sans Gurmukhi",
                "Raavi",
            ],
            Writing::Gujarati => &[
                "Nirmala UI",
                "Kohinoor Gujarati",
                "Gujarati Sangam MN",
                "Noto Sans Gujarati",
                "Shruti",
            ],
            Writing::Tamil => &["Nirmala UI", "Tamil Sangam MN", "Noto Sans Tamil", "Latha"],
            Writing::Thai => &["Leelawadee UI", "Thonburi", "Noto Sans Thai", "Tahoma"],
            Writing::Chinese => &[
                "Microsoft YaHei",
                "PingFang SC",
                "Noto Sans CJK SC",
                "Noto Sans SC",
                "Source Han Sans SC",
                "Hiragino Sans GB",
                "SimSun",
                "Droid Sans Fallback",
                "WenQuanYi Micro Hei",
            ],
            Writing::Japanese => &[
                "Yu Gothic",
                "Meiryo",
                "Hiragino Sans",
                "Noto Sans CJK JP",
                "Noto Sans JP",
                "Droid Sans Fallback",
            ],
            Writing::Korean => &[
                "Malgun Gothic",
                "Apple SD Gothic Neo",
                "Noto Sans CJK KR",
                "Noto Sans KR",
                "Droid Sans Fallback",
            ],
            Writing::Other => &[],
        }
    }
}

/// Where to look for fonts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FontSource {
    /// The computer's standard font folders (and the user's).
    System,
    /// Only these folders: tests use an empty one to print as a computer with no
    /// extra fonts would.
    Folders(Vec<PathBuf>),
}

/// An installed face that may be embedded.
#[derive(Debug, Clone)]
pub struct Found {
    pub family: String,
    /// The face's file, read once per app run and kept until it ends (see [`leak_once`]).
    pub bytes: &'static [u8],
    pub index: u32,
}

/// The font database, scanned once; faces are checked and read only when a script
/// first needs one.
#[derive(Debug)]
pub struct Installed {
    db: fontdb::Database,
}

/// Why an installed face cannot be used.
fn usable(face: &ttf_parser::Face<'_>, samples: &[char]) -> bool {
    // fsType: a restricted-licence face, one that forbids subsetting, or one that
    // allows bitmaps only may not go into a PDF. A face with no OS/2 table states no
    // restriction (older Apple TrueType faces).
    if face.tables().os2.is_some()
        && (matches!(
            face.permissions(),
            None | Some(ttf_parser::Permissions::Restricted)
        ) || !face.is_subsetting_allowed()
            || !face.is_outline_embedding_allowed())
    {
        return false;
    }
    // Outlines only: colour bitmap faces (emoji) print badly. The subsetter also needs
    // the `post` table, which a few old faces lack.
    let outlines = face.tables().glyf.is_some() || face.tables().cff.is_some();
    outlines
        && face.tables().post.is_some()
        && samples.iter().all(|c| face.glyph_index(*c).is_some())
}

impl Installed {
    pub fn scan(source: &FontSource) -> Self {
        let mut db = fontdb::Database::new();
        match source {
            FontSource::System => db.load_system_fonts(),
            FontSource::Folders(folders) => {
                for folder in folders {
                    db.load_fonts_dir(folder);
                }
            }
        }
        Self { db }
    }

    /// The best installed face for `writing` (that also has `c`, for [`Writing::Other`]),
    /// regular and, where the family has one, bold.
    pub fn find(&self, writing: Writing, c: char) -> Option<(Found, Option<Found>)> {
        let own = [c];
        let samples = if writing == Writing::Other {
            &own[..]
        } else {
            writing.samples()
        };
        let upright = |f: &&fontdb::FaceInfo| f.style == fontdb::Style::Normal;
        let family_of = |f: &fontdb::FaceInfo| {
            f.families
                .first()
                .map(|(name, _)| name.clone())
                .unwrap_or_default()
        };
        let check = |f: &fontdb::FaceInfo| {
            self.db
                .with_face_data(f.id, |data, index| {
                    ttf_parser::Face::parse(data, index)
                        .map(|face| usable(&face, samples))
                        .unwrap_or(false)
                })
                .unwrap_or(false)
        };
        // Regular faces of the preferred families first, then any face with the
        // characters (by family name, so every run picks the same one).
        let mut candidates: Vec<&fontdb::FaceInfo> = self.db.faces().filter(upright).collect();
        candidates.sort_by_key(|f| {
            let name = family_of(f);
            let rank = writing
                .families()
                .iter()
                .position(|p| f.families.iter().any(|(n, _)| n.eq_ignore_ascii_case(p)))
                .unwrap_or(usize::MAX);
            (rank, f.weight.0.abs_diff(400), name, f.index)
        });
        let regular = candidates
            .iter()
            .filter(|f| f.weight.0 < 600)
            .find(|f| check(f))?;
        let family = family_of(regular);
        let bold = candidates
            .iter()
            .filter(|f| f.weight.0 >= 600 && family_of(f) == family)
            .min_by_key(|f| f.weight.0.abs_diff(700))
            .filter(|f| check(f))
            .and_then(|f| self.read(f));
        Some((self.read(regular)?, bold))
    }

    fn read(&self, face: &fontdb::FaceInfo) -> Option<Found> {
        let key = match &face.source {
            fontdb::Source::File(path) => Some(path.clone()),
            _ => None,
        };
        let bytes = self
            .db
            .with_face_data(face.id, |data, _| leak_once(key, face.index, data))?;
        Some(Found {
            family: face
                .families
                .first()
                .map(|(name, _)| name.clone())
                .unwrap_or_default(),
            bytes,
            index: face.index,
        })
    }
}

/// A font file's bytes for the rest of the process. Shaping keeps the parsed font,
/// which borrows its bytes, for the whole app run (the lookup is done once per run);
/// each file is read at most once, however many times fonts are loaded (tests load
/// them often), so what is kept is bounded by the faces the machine has.
fn leak_once(path: Option<PathBuf>, index: u32, data: &[u8]) -> &'static [u8] {
    type Kept = HashMap<(PathBuf, u32), &'static [u8]>;
    static KEPT: OnceLock<Mutex<Kept>> = OnceLock::new();
    let Some(path) = path else {
        return Box::leak(data.to_vec().into_boxed_slice());
    };
    let kept = KEPT.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked mid-insert; the map is
    // still a valid map.
    let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
    kept.entry((path, index))
        .or_insert_with(|| Box::leak(data.to_vec().into_boxed_slice()))
}

/// The script of each character, with Common and Inherited characters (spaces,
/// digits, punctuation, combining marks) taking the script around them, as UAX #24
/// suggests for runs.
pub fn scripts(text: &str) -> Vec<Script> {
    let mut raw: Vec<Script> = text
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' => Script::Latin,
            c if c.is_ascii() => Script::Common,
            c => c.script(),
        })
        .collect();
    let shared = |s: Script| matches!(s, Script::Common | Script::Inherited | Script::Unknown);
    // A shared character written with only some scripts (the ideographic full stop,
    // the danda) takes the script before it when that is one of its own, else the
    // nearest of its own in the paragraph: "Garden。" in a Chinese sentence is Han, a
    // danda after an English name on a Hindi page Devanagari. What follows it (a
    // space) then follows it.
    let real = raw.clone();
    for (i, c) in text.chars().enumerate() {
        if !shared(real[i]) {
            continue;
        }
        let own = c.script_extension();
        if own.is_common() || own.is_inherited() {
            continue;
        }
        let before = real[..i].iter().rev().find(|s| !shared(**s));
        let nearest = || {
            (1..real.len()).find_map(|d| {
                [i.checked_sub(d), Some(i + d)]
                    .into_iter()
                    .flatten()
                    .filter_map(|j| real.get(j))
                    .find(|s| !shared(**s) && own.contains_script(**s))
            })
        };
        match before {
            Some(s) if own.contains_script(*s) => {}
            _ => {
                if let Some(script) = nearest() {
                    raw[i] = *script;
                }
            }
        }
    }
    let mut out = raw.clone();
    let mut last = None;
    for (i, s) in raw.iter().enumerate() {
        if shared(*s) {
            if let Some(l) = last {
                out[i] = l;
            }
        } else {
            last = Some(*s);
        }
    }
    // Leading shared characters take the first real script after them.
    if let Some(first) = raw.iter().position(|s| !shared(*s)) {
        for s in out.iter_mut().take(first) {
            *s = raw[first];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_characters_take_the_script_around_them() {
        let s = scripts("(مرحبا 12) Ali");
        assert_eq!(s[0], Script::Arabic, "a leading bracket");
        assert_eq!(s[7], Script::Arabic, "the digit after Arabic");
        assert_eq!(s[10], Script::Arabic, "the space before Latin");
        assert_eq!(s[11], Script::Latin);
        assert_eq!(scripts("123"), vec![Script::Common; 3]);
    }

    /// A shared character after another script takes one of its own from the
    /// paragraph, nearest first; alone, it keeps the script before it.
    #[test]
    fn shared_characters_take_one_of_their_own_scripts_from_the_paragraph() {
        let s = scripts("花园 Garden。 请找");
        assert_eq!(s[9], Script::Han, "the full stop");
        assert_eq!(s[10], Script::Han, "the space after it follows it");
        assert_eq!(s[4], Script::Latin);
        let s = scripts("नमस्ते Priya Shah। Ali");
        let danda = "नमस्ते Priya Shah".chars().count();
        assert_eq!(s[danda], Script::Devanagari);
        assert_eq!(
            scripts("Garden。")[6],
            Script::Latin,
            "no script of its own near"
        );
        assert_eq!(
            scripts("(مرحبا 12) Ali")[10],
            Script::Arabic,
            "a space is everyone's"
        );
    }

    #[test]
    fn only_scripts_dejavu_lacks_need_a_computer_font() {
        assert_eq!(Writing::of('a'.script()), None);
        assert_eq!(Writing::of('Ж'.script()), None);
        assert_eq!(Writing::of('λ'.script()), None);
        assert_eq!(Writing::of('ب'.script()), Some(Writing::Arabic));
        assert_eq!(Writing::of('ক'.script()), Some(Writing::Bengali));
        assert_eq!(Writing::of('李'.script()), Some(Writing::Chinese));
        assert_eq!(Writing::of('ኢ'.script()), Some(Writing::Other));
    }

    /// DejaVu Sans with its OS/2 `fsType` set to `bits`. Its OS/2 table is version 1,
    /// which predates the no-subsetting and bitmap-only bits, so the test copy gets a
    /// version 2 table (10 more bytes, zero) at the end of the file.
    fn with_fs_type(bits: u16) -> Vec<u8> {
        let mut font = crate::text::expand(crate::text::SANS).unwrap();
        let tables = usize::from(u16::from_be_bytes([font[4], font[5]]));
        let record = (0..tables)
            .map(|t| 12 + 16 * t)
            .find(|&record| &font[record..record + 4] == b"OS/2")
            .unwrap();
        let word =
            |at: usize| u32::from_be_bytes([font[at], font[at + 1], font[at + 2], font[at + 3]]);
        let (offset, length) = (word(record + 8) as usize, word(record + 12) as usize);
        let mut os2 = font[offset..offset + length].to_vec();
        os2.resize(96, 0);
        os2[0..2].copy_from_slice(&2u16.to_be_bytes());
        // fsType follows version, xAvgCharWidth, usWeightClass and usWidthClass.
        os2[8..10].copy_from_slice(&bits.to_be_bytes());
        let new_offset = u32::try_from(font.len()).unwrap();
        font[record + 8..record + 12].copy_from_slice(&new_offset.to_be_bytes());
        font[record + 12..record + 16].copy_from_slice(&96u32.to_be_bytes());
        font.extend_from_slice(&os2);
        font
    }

    /// A face is embedded only when its licence bits allow a subset of its outlines in
    /// a document: installable, editable, or preview and print, without "no subsetting"
    /// or "bitmaps only".
    #[test]
    fn licence_bits_decide_whether_a_face_is_embedded() {
        let samples = ['a', 'Ж'];
        for (bits, allowed) in [
            (0x0000, true),  // installable
            (0x0004, true),  // preview and print
            (0x0008, true),  // editable
            (0x0002, false), // restricted licence
            (0x0104, false), // preview and print, no subsetting
            (0x0204, false), // preview and print, bitmaps only
        ] {
            let font = with_fs_type(bits);
            let face = ttf_parser::Face::parse(&font, 0).unwrap();
            assert_eq!(usable(&face, &samples), allowed, "fsType {bits:#06x}");
        }
        let font = with_fs_type(0);
        let face = ttf_parser::Face::parse(&font, 0).unwrap();
        assert!(
            !usable(&face, &['ب']),
            "a face without the letters is not used"
        );
    }

    #[test]
    fn an_empty_folder_has_no_fonts() {
        let dir = tempfile::tempdir().unwrap();
        let installed = Installed::scan(&FontSource::Folders(vec![dir.path().to_owned()]));
        assert!(installed.find(Writing::Arabic, 'ب').is_none());
    }
}
