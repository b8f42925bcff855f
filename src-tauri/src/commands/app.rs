use tauri::State;

use crate::commands::auth::session_dto;
use crate::dto::AppStatus;
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
