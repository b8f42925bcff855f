//! Staff accounts and settings: admins only.

use tauri::State;

use crate::commands::auth::session_dto;
use crate::dto::{Session, StaffInput, StaffMember};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

#[tauri::command(async)]
pub fn staff_list(state: State<'_, AppState>) -> Result<Vec<StaffMember>, ApiError> {
    state
        .with_admin_db(|db| db.staff().list())
        .map(|v| v.into_iter().map(Into::into).collect())
}

#[tauri::command(async)]
pub fn staff_create(
    state: State<'_, AppState>,
    input: StaffInput,
) -> Result<StaffMember, ApiError> {
    let account = waymark_domain::StaffInput {
        display_name: input.display_name,
        username: input.username,
        role: input.role.into(),
    };
    state
        .with_admin_db(|db| db.staff().create(&account, &input.passphrase))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn staff_set_active(
    state: State<'_, AppState>,
    id: i64,
    active: bool,
) -> Result<StaffMember, ApiError> {
    state
        .with_admin_db(|db| db.staff().set_active(id, active))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn staff_reset_passphrase(
    state: State<'_, AppState>,
    id: i64,
    passphrase: String,
    admin_passphrase: String,
) -> Result<StaffMember, ApiError> {
    // The new passphrase's rules first, so a short one is told before any confirmation.
    waymark_domain::staff::check_passphrase(&passphrase).map_err(waymark_store::Error::from)?;
    state
        .with_confirmed_admin(&admin_passphrase, |db| {
            db.staff().reset_passphrase(id, &passphrase)
        })
        .map(Into::into)
}

#[tauri::command(async)]
pub fn settings_set_idle_minutes(
    state: State<'_, AppState>,
    minutes: u32,
) -> Result<Session, ApiError> {
    state.with_admin_db(|db| db.set_idle_minutes(minutes))?;
    current_session(&state)
}

/// Sets the weeks from a baseline outcome measure to its follow-up (1 to 52).
#[tauri::command(async)]
pub fn settings_set_follow_up_weeks(
    state: State<'_, AppState>,
    weeks: u32,
) -> Result<Session, ApiError> {
    state.with_admin_db(|db| db.set_follow_up_weeks(weeks))?;
    current_session(&state)
}

/// Sets the safe caseload: people a year (1 to 2000) the caseload counter measures
/// against.
#[tauri::command(async)]
pub fn settings_set_safe_caseload(
    state: State<'_, AppState>,
    people: u32,
) -> Result<Session, ApiError> {
    state.with_admin_db(|db| db.set_safe_caseload(people))?;
    current_session(&state)
}

/// The session after a settings change, so the UI picks up the new values.
fn current_session(state: &AppState) -> Result<Session, ApiError> {
    state.with_db(|db, session| match session {
        Some(s) => session_dto(db, s),
        None => Err(ApiError::new(
            ErrorCode::NotSignedIn,
            "Please sign in to Waymark.",
        )),
    })
}
