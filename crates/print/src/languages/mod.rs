//! The languages a social prescription prints in: each a table of every fixed phrase
//! (`wording::PrescriptionWording`), with who wrote it and whether a native speaker has
//! reviewed it. English is the reference; the link worker's own words and the
//! directory's descriptions always print as typed.

use crate::wording::{PrescriptionWording, PRESCRIPTION_EN};

mod ar;
mod bn;
mod cy;
mod es;
mod fil;
mod gu;
mod lt;
mod pa;
mod pl;
mod pt;
mod ro;
mod ur;
mod vi;
mod zh;

/// The writing system a language prints in, which decides the fonts and shaping it
/// needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Arabic,
    Bengali,
    Gujarati,
    Gurmukhi,
    Han,
}

/// Who wrote a table and who has checked it.
#[derive(Debug, Clone, Copy)]
pub struct Provenance {
    pub produced_by: &'static str,
    /// A native speaker who reviewed the whole table; `None` until one has.
    pub reviewed_by: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub struct Language {
    /// The BCP 47 tag kept on the patient's record ("pl", "pa-Guru", "zh-Hans").
    pub code: &'static str,
    /// The language's name in English, for the practice's screens.
    pub english_name: &'static str,
    /// The language's name in itself, for the patient.
    pub native_name: &'static str,
    pub script: Script,
    pub right_to_left: bool,
    pub wording: &'static PrescriptionWording,
    pub provenance: Provenance,
}

/// Tables written for Waymark by its engineers with a machine's help, from the English
/// and from CLDR's names; each waits for a native speaker's review.
const DRAFTED: Provenance = Provenance {
    produced_by: "Waymark's engineers, machine-assisted draft from the English table",
    reviewed_by: None,
};

pub const ENGLISH: Language = Language {
    code: "en",
    english_name: "English",
    native_name: "English",
    script: Script::Latin,
    right_to_left: false,
    wording: &PRESCRIPTION_EN,
    provenance: Provenance {
        produced_by: "Waymark's engineers (the reference table)",
        reviewed_by: Some("Waymark's engineers (native speakers)"),
    },
};

/// Every language, English first, then by English name.
pub const LANGUAGES: [Language; 15] = [
    ENGLISH,
    ar::LANGUAGE,
    bn::LANGUAGE,
    zh::LANGUAGE,
    gu::LANGUAGE,
    lt::LANGUAGE,
    pa::LANGUAGE,
    pl::LANGUAGE,
    pt::LANGUAGE,
    ro::LANGUAGE,
    es::LANGUAGE,
    fil::LANGUAGE,
    ur::LANGUAGE,
    vi::LANGUAGE,
    cy::LANGUAGE,
];

/// The language with this code; `None` for a code Waymark has no table for.
pub fn language(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}
