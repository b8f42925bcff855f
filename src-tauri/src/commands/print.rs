//! Printing the social prescription: "Print" writes the PDF to the private print
//! folder and opens it in the system's PDF viewer (where people print from; the
//! webview's own print is unreliable on macOS); "Save as PDF" writes it where the user
//! chooses. The store audits each print that lands.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use waymark_domain::{ConsentHow, PrescriptionSheet};
use waymark_print::languages;
use waymark_print::{prescription_pdf, FontSource, Fonts, Paper, PrintOptions, Writing};
use waymark_store::prescriptions::SlipConsent;
use waymark_store::print_folder::{PrintFolder, KEEP_FOR};

use crate::commands::today;
use crate::desk::DeskState;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The paper to print on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PaperSize {
    A4,
    Letter,
}

/// How to print; `None` keeps the default (the practice's paper, the patient's
/// printed-material needs).
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrintChoice {
    pub paper: Option<PaperSize>,
    pub large_print: Option<bool>,
    /// Print even though some characters are not in the font (they show as boxes):
    /// only after the user has seen the warning.
    pub allow_missing_glyphs: bool,
    /// For a patient who has not agreed to share their details with providers: what to
    /// do about the referral slips, once the user has been asked.
    pub slips: SlipChoice,
    /// Each fixed phrase in the patient's print language with the English beneath it.
    pub both: bool,
}

/// The user's answer about referral slips for a patient who has not agreed to share
/// their details with providers; `ask` until they have been asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SlipChoice {
    Ask,
    LeaveOut,
    ConsentGivenVerbally,
    ConsentGivenInWriting,
}

impl From<SlipChoice> for SlipConsent {
    fn from(c: SlipChoice) -> Self {
        match c {
            SlipChoice::Ask => SlipConsent::Ask,
            SlipChoice::LeaveOut => SlipConsent::LeaveOut,
            SlipChoice::ConsentGivenVerbally => SlipConsent::GivenNow(ConsentHow::Verbal),
            SlipChoice::ConsentGivenInWriting => SlipConsent::GivenNow(ConsentHow::Written),
        }
    }
}

/// A language the social prescription prints in, for the "Print their prescription in" choice.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrintLanguageInfo {
    pub code: String,
    pub english_name: String,
    /// Its name in itself, for the patient to recognise.
    pub native_name: String,
    /// A native speaker has checked the whole table.
    pub reviewed: bool,
    /// It prints on this computer: every letter of its wording has a font.
    pub ready: bool,
    /// When it does not: the script without a font, and what to install.
    pub missing_font: Option<String>,
}

/// Every language a prescription can print in, English first, each saying whether
/// this computer has the fonts for it. Off the main thread: the first call loads the
/// fonts and finds the computer's own for each script.
#[tauri::command(async)]
pub fn print_languages() -> Vec<PrintLanguageInfo> {
    languages::LANGUAGES
        .iter()
        .map(|l| {
            let missing_font = match fonts() {
                Ok(fonts) => fonts.lacking(l).first().map(|w| {
                    format!(
                        "This computer has no font for {}. {}",
                        w.name(),
                        w.install_hint()
                    )
                }),
                // Nothing prints without the embedded fonts; printing says why.
                Err(e) => Some(e.message),
            };
            PrintLanguageInfo {
                code: l.code.to_owned(),
                english_name: l.english_name.to_owned(),
                native_name: l.native_name.to_owned(),
                reviewed: l.provenance.reviewed_by.is_some(),
                ready: missing_font.is_none(),
                missing_font,
            }
        })
        .collect()
}

/// The embedded fonts, expanded and parsed on the first print, and the computer's own
/// fonts found then; kept for the rest of the run (loading takes longer than
/// rendering a page).
pub(super) fn fonts() -> Result<&'static Fonts, ApiError> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| Fonts::load_from(&font_source()).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.clone()))
}

/// Where to look for fonts: the computer's own. The test host may be given folders in
/// `WAYMARK_TEST_FONT_DIRS` instead (empty: none), to print as a computer without the
/// Noto fonts would; the app never reads it.
fn font_source() -> FontSource {
    #[cfg(feature = "test-host")]
    if let Some(dirs) = std::env::var_os("WAYMARK_TEST_FONT_DIRS") {
        let dirs = std::env::split_paths(&dirs).filter(|d| !d.as_os_str().is_empty());
        return FontSource::Folders(dirs.collect());
    }
    FontSource::System
}

/// The language the sheet prints in; refused, with the reason, when Waymark cannot
/// print it yet or no longer knows its code.
fn language_of(
    fonts: &Fonts,
    sheet: &PrescriptionSheet,
) -> Result<&'static languages::Language, ApiError> {
    let Some(code) = sheet.print_language.as_deref() else {
        return Ok(&languages::ENGLISH);
    };
    let Some(language) = languages::language(code) else {
        return Err(ApiError::new(
            ErrorCode::NotReady,
            format!(
                "This patient's prescription is set to print in {code:?}, which this version \
                 of Waymark has no wording for. Choose a language under \"Print their \
                 prescription in\" on the patient's details."
            ),
        ));
    };
    let lacking = fonts.lacking(language);
    if let Some(writing) = lacking.first() {
        return Err(ApiError::new(
            ErrorCode::NotReady,
            format!(
                "This computer has no font for {} to print {} in. {} Until then, choose \
                 English (or another language) under \"Print their prescription in\" on the \
                 patient's details.",
                writing.name(),
                language.english_name,
                writing.install_hint()
            ),
        ));
    }
    Ok(language)
}

/// Renders the sheet as the user chose; refuses (before anything is written or
/// audited) when characters would print as boxes and the user has not agreed.
fn render(
    fonts: &Fonts,
    sheet: &PrescriptionSheet,
    choice: PrintChoice,
) -> Result<Vec<u8>, ApiError> {
    let defaults = PrintOptions::for_sheet(sheet);
    let options = PrintOptions {
        paper: match choice.paper {
            Some(PaperSize::A4) => Paper::A4,
            Some(PaperSize::Letter) => Paper::Letter,
            None => defaults.paper,
        },
        large_print: choice.large_print.unwrap_or(defaults.large_print),
        both: choice.both,
    };
    let language = language_of(fonts, sheet)?;
    let rendered = prescription_pdf(fonts, sheet, options, language)
        .map_err(|e| ApiError::new(ErrorCode::Storage, e.to_string()))?;
    if !rendered.missing_glyphs.is_empty() && !choice.allow_missing_glyphs {
        return Err(ApiError::new(
            ErrorCode::MissingGlyphs,
            missing_glyphs_message(&rendered.missing_glyphs),
        ));
    }
    Ok(rendered.pdf)
}

/// The warning for characters no font on this computer has: which they are, their
/// script, and what to install.
pub(super) fn missing_glyphs_message(missing: &[char]) -> String {
    let chars: Vec<String> = missing.iter().map(char::to_string).collect();
    let mut writings: Vec<Writing> = missing.iter().map(|c| Writing::of_char(*c)).collect();
    writings.sort();
    writings.dedup();
    let names: Vec<&str> = writings.iter().map(|w| w.name()).collect();
    let hint = writings
        .first()
        .map(|w| w.install_hint())
        .unwrap_or_default();
    format!(
        "No font on this computer has the letters {} ({}): they would print as empty \
         boxes. {hint} Or check the printout by hand, or write the name in letters a font \
         has.",
        chars.join(" "),
        names.join(", ")
    )
}

/// Writes prescription `id` to the print folder, opens it in the PDF viewer, and
/// returns the file's path.
#[tauri::command(async)]
pub fn prescription_print(
    desk: State<'_, DeskState>,
    state: State<'_, AppState>,
    id: i64,
    choice: PrintChoice,
) -> Result<String, ApiError> {
    let folder = PrintFolder::new(state.data_dir());
    let path = state.with_staff_db(|db| {
        // Clearing old prints must not stop this one; the hourly sweep retries.
        let _ = folder.sweep(KEEP_FOR);
        db.prescriptions()
            .print(id, today(), choice.slips.into(), |sheet| {
                let pdf = render(fonts()?, sheet, choice)?;
                folder
                    .write(&sheet.reference_code, &pdf)
                    .map_err(ApiError::from)
            })
    })?;
    desk.open_path(&path).map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!(
                "The PDF is ready in {} but no PDF viewer could be opened ({e}). Open the file \
                 from there to print it.",
                path.display()
            ),
        )
    })?;
    Ok(path.display().to_string())
}

/// Saves prescription `id` as a PDF where the user chooses; the path, or `None` if
/// they cancelled.
#[tauri::command(async)]
pub fn prescription_save_pdf(
    desk: State<'_, DeskState>,
    state: State<'_, AppState>,
    id: i64,
    choice: PrintChoice,
) -> Result<Option<String>, ApiError> {
    // Nobody signed in (or a locked screen) gets no dialog, and neither does a
    // printout consent or its language would refuse.
    let sheet = state.with_staff_db(|db| {
        db.prescriptions()
            .check_consent(id, today(), choice.slips.into())
    })?;
    language_of(fonts()?, &sheet)?;
    // Asked before the caseload is locked: the dialog must not hold the database.
    let Some(path) = super::ask_where_to_save(
        &desk,
        "Save the social prescription",
        "social-prescription.pdf",
        ("PDF document", "pdf"),
    )?
    else {
        return Ok(None);
    };
    let path: PathBuf = state.with_staff_db(|db| {
        db.prescriptions()
            .print(id, today(), choice.slips.into(), |sheet| {
                let pdf = render(fonts()?, sheet, choice)?;
                std::fs::write(&path, pdf).map_err(|e| {
                    ApiError::new(
                        ErrorCode::Storage,
                        format!("The PDF could not be saved there: {e}"),
                    )
                })?;
                Ok::<_, ApiError>(path)
            })
    })?;
    Ok(Some(path.display().to_string()))
}

/// Removes every printout now (at quit).
pub fn clear_print_folder(data_dir: &std::path::Path) {
    if data_dir.is_absolute() {
        let _ = PrintFolder::new(data_dir).sweep(std::time::Duration::ZERO);
    }
}

/// Clears the print folder at start-up and then hourly, so no printout outlives a day.
pub fn keep_print_folder_clear(data_dir: PathBuf) {
    // No data folder (it could not be found): nothing of ours to clear.
    if !data_dir.is_absolute() {
        return;
    }
    std::thread::spawn(move || {
        let folder = PrintFolder::new(&data_dir);
        let _ = folder.sweep(std::time::Duration::ZERO);
        loop {
            std::thread::sleep(std::time::Duration::from_secs(60 * 60));
            let _ = folder.sweep(KEEP_FOR);
        }
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use waymark_domain::{Country, PracticeFields, ServiceInput, SheetItem};

    fn sheet(patient: &str, country: Country, needs_large_print: bool) -> PrescriptionSheet {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let service = ServiceInput {
            name: "Community Choir".into(),
            ..ServiceInput::default()
        }
        .validate(today)
        .unwrap();
        PrescriptionSheet {
            practice: PracticeFields {
                name: "Hollinsford Surgery".into(),
                address: None,
                phone: Some("01632 960000".into()),
                email: None,
                country,
                logo_png: None,
            },
            patient_name: patient.into(),
            needs_large_print,
            print_language: None,
            link_worker: Some("Amara Okafor".into()),
            prescribed_date: today,
            message: None,
            next_checkin: None,
            reference_code: "WM-7K2M-9QXD".into(),
            what_matters: None,
            goals: Vec::new(),
            items: vec![SheetItem {
                service,
                personal_note: None,
            }],
            slips: true,
        }
    }

    fn choice(paper: Option<PaperSize>, allow_missing_glyphs: bool) -> PrintChoice {
        PrintChoice {
            paper,
            large_print: None,
            allow_missing_glyphs,
            slips: SlipChoice::Ask,
            both: false,
        }
    }

    /// The page width in points from the PDF's MediaBox: 595 for A4, 612 for Letter.
    fn page_width(pdf: &[u8]) -> u32 {
        let text = String::from_utf8_lossy(pdf);
        let at = text.find("/MediaBox").unwrap();
        let numbers: Vec<f32> = text[at..]
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|s| !s.is_empty())
            .take(4)
            .map(|s| s.parse().unwrap())
            .collect();
        (numbers[2] - numbers[0]).round() as u32
    }

    /// The embedded faces only: a computer with no fonts for other scripts.
    fn embedded_only() -> Fonts {
        Fonts::load_from(&FontSource::Folders(Vec::new())).unwrap()
    }

    #[test]
    fn the_practice_s_paper_unless_chosen_otherwise() {
        let fonts = embedded_only();
        let render = |sheet: &PrescriptionSheet, choice: PrintChoice| render(&fonts, sheet, choice);
        let uk = sheet("Zoë O'Brien", Country::Uk, false);
        assert_eq!(page_width(&render(&uk, choice(None, false)).unwrap()), 595);
        let letter = render(&uk, choice(Some(PaperSize::Letter), false)).unwrap();
        assert_eq!(page_width(&letter), 612);
        let us = sheet("Zoë O'Brien", Country::Us, false);
        assert_eq!(page_width(&render(&us, choice(None, false)).unwrap()), 612);
    }

    #[test]
    fn characters_no_font_has_are_refused_until_the_user_agrees() {
        let fonts = embedded_only();
        let render = |sheet: &PrescriptionSheet, choice: PrintChoice| render(&fonts, sheet, choice);
        let li = sheet("李 小龙", Country::Uk, false);
        let refused = render(&li, choice(None, false)).unwrap_err();
        assert_eq!(refused.code, ErrorCode::MissingGlyphs);
        // The characters, their script, and what to install.
        for part in [
            "小 李 龙",
            "Chinese characters",
            "fonts-noto-cjk",
            "Supplemental Fonts",
        ] {
            assert!(
                refused.message.contains(part),
                "{part}: {}",
                refused.message
            );
        }
        assert!(render(&li, choice(None, true))
            .unwrap()
            .starts_with(b"%PDF"));
    }
}
