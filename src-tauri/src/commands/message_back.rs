//! The message back to the GP and referrer: shown as text, copied as text (for EMIS
//! Web or SystmOne), printed or saved as a letter. Producing either records the
//! episode's message as sent and audits it (store::message_back).

use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use waymark_domain::demographics::{NHS_ETHNIC_CATEGORIES, US_RACE_ETHNICITY};
use waymark_domain::{Country, MessageBack};
use waymark_print::{message_back_pdf, Paper};
use waymark_store::print_folder::{PrintFolder, KEEP_FOR};
use waymark_store::referrals::SentAs;

use crate::commands::print::{fonts, missing_glyphs_message, PaperSize};
use crate::commands::today;
use crate::desk::DeskState;
use crate::dto::iso;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The message as it stands, for the screen.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MessageBackDraft {
    pub text: String,
    /// The SNOMED CT codes it carries.
    pub codes: Vec<SnomedCode>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SnomedCode {
    pub code: String,
    pub term: String,
}

fn draft_of(m: &MessageBack) -> MessageBackDraft {
    MessageBackDraft {
        text: m.plain_text(),
        codes: m
            .codes()
            .into_iter()
            .map(|c| SnomedCode {
                code: c.id.to_owned(),
                term: c.term.to_owned(),
            })
            .collect(),
    }
}

/// The message back as text. Without `send`: as it stands, or with `next_steps` as it
/// would read with them (nothing is saved), so the text on screen is the text a copy
/// puts on the clipboard. With `send`: saves what happens next, records the message as
/// sent as text, and returns it; the UI has put the shown text on the clipboard first,
/// within the click (a webview may refuse the clipboard after an awaited call). One
/// command for both: each command's IPC glue costs the app's size budget.
#[tauri::command(async)]
pub fn message_back_text(
    state: State<'_, AppState>,
    referral_id: i64,
    next_steps: Option<String>,
    send: bool,
) -> Result<MessageBackDraft, ApiError> {
    if send {
        let steps = next_steps.unwrap_or_default();
        return state.with_staff_db(|db| {
            db.message_back()
                .send(referral_id, &steps, SentAs::Text, today(), |m| {
                    Ok::<_, ApiError>(draft_of(m))
                })
        });
    }
    let next_steps = next_steps
        .map(|n| waymark_domain::message_back::validate_next_steps(&n))
        .transpose()?;
    state
        .with_staff_db(|db| db.message_back().draft(referral_id, today()))
        .map(|mut m| {
            if let Some(n) = next_steps {
                m.next_steps = n;
            }
            draft_of(&m)
        })
}

fn render(m: &MessageBack, paper: Option<PaperSize>) -> Result<Vec<u8>, ApiError> {
    let paper = match paper {
        Some(PaperSize::A4) => Paper::A4,
        Some(PaperSize::Letter) => Paper::Letter,
        None => match m.practice.country {
            Country::Uk => Paper::A4,
            Country::Us => Paper::Letter,
        },
    };
    let rendered = message_back_pdf(fonts()?, m, paper)
        .map_err(|e| ApiError::new(ErrorCode::Storage, e.to_string()))?;
    if !rendered.missing_glyphs.is_empty() {
        // A letter to a GP is not printed with boxes for letters; the text version
        // carries every character.
        return Err(ApiError::new(
            ErrorCode::MissingGlyphs,
            format!(
                "{} The text version (Copy as text) has every letter.",
                missing_glyphs_message(&rendered.missing_glyphs)
            ),
        ));
    }
    Ok(rendered.pdf)
}

/// The message back as a letter: into the print folder and opened in the PDF viewer,
/// or, with `save_as`, where the user chooses (`None` if they cancelled). Either records
/// the message as sent and returns the file's path.
#[tauri::command(async)]
pub fn message_back_letter(
    desk: State<'_, DeskState>,
    state: State<'_, AppState>,
    referral_id: i64,
    next_steps: String,
    paper: Option<PaperSize>,
    save_as: bool,
) -> Result<Option<String>, ApiError> {
    if save_as {
        save_letter(&desk, &state, referral_id, &next_steps, paper)
    } else {
        print_letter(&desk, &state, referral_id, &next_steps, paper).map(Some)
    }
}

fn print_letter(
    desk: &DeskState,
    state: &AppState,
    referral_id: i64,
    next_steps: &str,
    paper: Option<PaperSize>,
) -> Result<String, ApiError> {
    let folder = PrintFolder::new(state.data_dir());
    let path = state.with_staff_db(|db| {
        let _ = folder.sweep(KEEP_FOR);
        db.message_back()
            .send(referral_id, next_steps, SentAs::Letter, today(), |m| {
                let pdf = render(m, paper)?;
                folder
                    .write(&format!("message-back-{referral_id}"), &pdf)
                    .map_err(ApiError::from)
            })
    })?;
    desk.open_path(&path).map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!(
                "The letter is ready in {} but no PDF viewer could be opened ({e}). Open the \
                 file from there to print it.",
                path.display()
            ),
        )
    })?;
    Ok(path.display().to_string())
}

fn save_letter(
    desk: &DeskState,
    state: &AppState,
    referral_id: i64,
    next_steps: &str,
    paper: Option<PaperSize>,
) -> Result<Option<String>, ApiError> {
    // Checked before the dialog, so a bad "what happens next" or a missing episode is
    // said at once; the dialog must not hold the database.
    state.with_staff_db(|db| {
        waymark_domain::message_back::validate_next_steps(next_steps)?;
        db.referrals().get(referral_id).map(|_| ())
    })?;
    let Some(path) = super::ask_where_to_save(
        desk,
        "Save the message back to the GP",
        "message-back-to-gp.pdf",
        ("PDF document", "pdf"),
    )?
    else {
        return Ok(None);
    };
    let mut written = false;
    let sent = state.with_staff_db(|db| {
        db.message_back()
            .send(referral_id, next_steps, SentAs::Letter, today(), |m| {
                let pdf = render(m, paper)?;
                std::fs::write(&path, pdf).map_err(|e| {
                    ApiError::new(
                        ErrorCode::Storage,
                        format!("The PDF could not be saved there: {e}"),
                    )
                })?;
                written = true;
                Ok::<_, ApiError>(())
            })
    });
    if let Err(e) = sent {
        // Not recorded as sent, so no letter should be left behind as if it had been.
        if written {
            let _ = std::fs::remove_file(&path);
        }
        return Err(e);
    }
    Ok(Some(path.display().to_string()))
}

/// People supported in the last twelve months against the safe caseload.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CaseloadCounter {
    pub supported: u64,
    pub safe: u32,
    pub since: String,
}

#[tauri::command(async)]
pub fn caseload_counter(state: State<'_, AppState>) -> Result<CaseloadCounter, ApiError> {
    state
        .with_staff_db(|db| db.caseload_counter(today()))
        .map(|c| CaseloadCounter {
            supported: c.supported,
            safe: c.safe,
            since: iso(c.since),
        })
}

/// One ethnic category the patient form offers.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EthnicCategoryInfo {
    pub code: String,
    pub group: String,
    pub label: String,
}

/// The categories for the practice's country: the NHS list (choose one) in the UK,
/// the US federal categories (choose all that apply) in the US.
#[tauri::command(async)]
pub fn ethnic_categories(state: State<'_, AppState>) -> Result<Vec<EthnicCategoryInfo>, ApiError> {
    let country = state.with_staff_db(crate::commands::auth::practice_country)?;
    let list = match country {
        Country::Uk => NHS_ETHNIC_CATEGORIES,
        Country::Us => US_RACE_ETHNICITY,
    };
    Ok(list
        .iter()
        .map(|c| EthnicCategoryInfo {
            code: c.code.to_owned(),
            group: c.group.to_owned(),
            label: c.label.to_owned(),
        })
        .collect())
}
