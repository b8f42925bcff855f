use tauri::State;

use crate::commands::auth::{practice_country, session_dto};
use crate::commands::today;
use crate::dto::{AppStatus, DateReading, DateUse};
use crate::error::ApiError;
use crate::state::AppState;

/// Whether the caseload opened; the UI shows the explanation when it did not.
#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> AppStatus {
    state.note_ui_seen();
    let data_dir = state.data_dir().display().to_string();
    let signed = state.with_db(|db, session| {
        // Setup is offered only to a caseload with no account at all: the store keeps
        // the last active admin from being disabled, and never runs setup twice.
        let setup_needed = !db.staff().any()?;
        state.lock_if_idle(db, session)?;
        let dto = match session {
            Some(s) => Some(session_dto(db, s)?),
            None => None,
        };
        Ok((setup_needed, dto))
    });
    match signed {
        Ok((setup_needed, session)) => AppStatus {
            ready: true,
            data_dir,
            error: None,
            setup_needed,
            session,
        },
        Err(e) => AppStatus {
            ready: false,
            data_dir,
            error: Some(state.open_error().unwrap_or(e)),
            setup_needed: false,
            session: None,
        },
    }
}

/// Reads a date as typed, the practice's way (day/month/year in the UK, month/day/year
/// in the US, ISO everywhere) whatever this computer's locale: the date fields call it as
/// the user types, to show the date understood in words or why it is not one.
#[tauri::command(async)]
pub fn date_read(
    state: State<'_, AppState>,
    text: String,
    purpose: DateUse,
) -> Result<DateReading, ApiError> {
    let country = state.with_staff_db(practice_country)?;
    Ok(date_reading(&text, country, purpose.into(), today()))
}

fn date_reading(
    text: &str,
    country: waymark_domain::Country,
    purpose: waymark_domain::DateUse,
    today: chrono::NaiveDate,
) -> DateReading {
    match waymark_domain::read_date(text, country, purpose, today) {
        Ok(date) => DateReading {
            iso: Some(crate::dto::iso(date)),
            words: Some(country.long_date(date)),
            error: None,
        },
        Err(e) => DateReading {
            iso: None,
            words: None,
            error: Some(e.0),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_domain::{Country, DateUse as Use};

    #[test]
    fn a_typed_date_comes_back_as_iso_and_words_or_the_reason() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let uk = date_reading("02/06/1979", Country::Uk, Use::Birth, today);
        assert_eq!(uk.iso.as_deref(), Some("1979-06-02"));
        assert_eq!(uk.words.as_deref(), Some("2 June 1979"));
        assert_eq!(uk.error, None);
        let us = date_reading("02/06/1979", Country::Us, Use::Birth, today);
        assert_eq!(us.iso.as_deref(), Some("1979-02-06"));
        assert_eq!(us.words.as_deref(), Some("February 6, 1979"));
        let bad = date_reading("02/06/79", Country::Uk, Use::Birth, today);
        assert_eq!((bad.iso, bad.words), (None, None));
        assert!(bad.error.is_some_and(|e| e.contains("four digits")));
    }
}
