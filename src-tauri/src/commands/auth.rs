//! First-run setup, signing in and out, and the lock screen.

use tauri::State;
use waymark_store::Database;

use crate::dto::{Session, SetupInput, SetupResult};
use crate::error::{ApiError, ErrorCode};
use crate::state::{self, AppState};

/// The session as the UI sees it.
pub(crate) fn session_dto(db: &Database, s: &state::Session) -> Result<Session, ApiError> {
    let backup_reminder = if s.staff.role == waymark_domain::Role::Admin {
        waymark_store::backup_settings::backup_reminder(
            &db.backup_settings()?,
            &db.backup_status()?,
            chrono::Utc::now(),
        )
    } else {
        None
    };
    let integrity_warning = if s.staff.role == waymark_domain::Role::Admin {
        db.integrity_warning()?
    } else {
        None
    };
    Ok(Session {
        integrity_warning,
        staff: s.staff.clone().into(),
        locked: s.locked,
        idle_minutes: db.idle_minutes()?,
        follow_up_weeks: db.follow_up_weeks()?,
        safe_caseload: db.safe_caseload()?,
        country: practice_country(db)?.into(),
        date_pattern: practice_country(db)?.date_pattern().to_owned(),
        backup_reminder,
    })
}

/// The practice's country, which decides how dates are typed; the UK's until the
/// practice is set up.
pub(crate) fn practice_country(db: &Database) -> Result<waymark_domain::Country, ApiError> {
    Ok(db
        .practice()?
        .map_or(waymark_domain::Country::Uk, |p| p.country))
}

#[tauri::command(async)]
pub fn setup_complete(
    state: State<'_, AppState>,
    input: SetupInput,
) -> Result<SetupResult, ApiError> {
    state.with_db(|db, session| {
        let admin = waymark_domain::StaffInput {
            display_name: input.admin_name,
            username: input.admin_username,
            role: waymark_domain::Role::Admin,
        };
        let (staff, code) = db
            .complete_setup(&input.practice.into(), &admin, &input.passphrase)
            .map_err(|e| {
                ApiError::from(e)
                    .rename_fields(&[("displayName", "adminName"), ("username", "adminUsername")])
            })?;
        let dto = start_session(&state, db, session, staff)?;
        Ok(SetupResult {
            session: dto,
            recovery_code: code.grouped().to_string(),
        })
    })
}

#[tauri::command(async)]
pub fn sign_in(
    state: State<'_, AppState>,
    username: String,
    passphrase: String,
) -> Result<Session, ApiError> {
    state.with_db(|db, session| {
        let staff = db
            .staff()
            .sign_in(&username, &passphrase, chrono::Utc::now())?;
        start_session(&state, db, session, staff)
    })
}

/// Signs `staff` in: audited as the actor from now on, activity counted from now, and
/// the newest audit row filed (for the rollback check).
fn start_session(
    state: &AppState,
    db: &mut Database,
    session: &mut Option<state::Session>,
    staff: waymark_store::staff::Staff,
) -> Result<Session, ApiError> {
    db.set_actor(Some(staff.id));
    let signed_in = state::Session {
        staff,
        locked: false,
    };
    let dto = session_dto(db, &signed_in)?;
    *session = Some(signed_in);
    state.touch();
    state.note_audit_head(db);
    Ok(dto)
}

/// Signs an admin in with the practice's recovery code instead of a passphrase: the
/// way back in when the admin accounts are locked out or a passphrase is forgotten.
#[tauri::command(async)]
pub fn sign_in_with_recovery_code(
    state: State<'_, AppState>,
    username: String,
    code: String,
) -> Result<Session, ApiError> {
    let code = waymark_store::recovery::RecoveryCode::parse(&code)?;
    state.with_db(|db, session| {
        let staff = db.staff().sign_in_with_recovery_code(&username, &code)?;
        start_session(&state, db, session, staff)
    })
}

#[tauri::command(async)]
pub fn sign_out(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.with_db(|db, session| {
        if let Some(s) = session.take() {
            db.staff().record_sign_out(s.staff.id)?;
            state.note_audit_head(db);
        }
        db.set_actor(None);
        Ok(())
    })
}

/// Locks the screen (the UI calls this after the idle time); patient commands are
/// refused until `unlock`.
#[tauri::command(async)]
pub fn lock(state: State<'_, AppState>) -> Result<Session, ApiError> {
    state.with_db(|db, session| match session {
        Some(s) => {
            s.locked = true;
            session_dto(db, s)
        }
        None => Err(ApiError::new(
            ErrorCode::NotSignedIn,
            "Please sign in to Waymark.",
        )),
    })
}

/// What the lock screen says when the passphrase is wrong.
pub(crate) const UNLOCK_FAILED: &str =
    "That passphrase is not right. Try again, or sign out and sign in again.";

/// Unlocks with the signed-in staff member's passphrase (a sign-in, rate-limited and
/// audited like any other).
#[tauri::command(async)]
pub fn unlock(state: State<'_, AppState>, passphrase: String) -> Result<Session, ApiError> {
    state.with_db(|db, session| {
        let Some(s) = session else {
            return Err(ApiError::new(
                ErrorCode::NotSignedIn,
                "Please sign in to Waymark.",
            ));
        };
        let staff = db
            .staff()
            .sign_in(&s.staff.username, &passphrase, chrono::Utc::now())
            .map_err(|e| match e {
                // The lock screen asks only for the passphrase: the sign-in message
                // about a username would point at a field it does not have.
                waymark_store::Error::SignInFailed => {
                    ApiError::new(ErrorCode::SignInFailed, UNLOCK_FAILED)
                }
                other => ApiError::from(other),
            })?;
        s.staff = staff;
        s.locked = false;
        state.touch();
        session_dto(db, s)
    })
}
