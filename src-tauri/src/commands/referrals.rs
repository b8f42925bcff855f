use tauri::State;
use waymark_domain::StatusChange;

use crate::commands::today;
use crate::dto::{ClosureOutcome, GpAppointmentsInput, Referral, ReferralInput, ReferralStatus};
use crate::error::ApiError;
use crate::state::AppState;

#[tauri::command(async)]
pub fn referral_list(
    state: State<'_, AppState>,
    patient_id: i64,
) -> Result<Vec<Referral>, ApiError> {
    state
        .with_staff_db(|db| db.referrals().list_for_patient(patient_id))
        .map(|rs| rs.into_iter().map(Into::into).collect())
}

#[tauri::command(async)]
pub fn referral_create(
    state: State<'_, AppState>,
    patient_id: i64,
    input: ReferralInput,
) -> Result<Referral, ApiError> {
    state
        .with_staff_db(|db| db.referrals().create(patient_id, &input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn referral_update(
    state: State<'_, AppState>,
    id: i64,
    input: ReferralInput,
) -> Result<Referral, ApiError> {
    state
        .with_staff_db(|db| db.referrals().update(id, &input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn referral_set_status(
    state: State<'_, AppState>,
    id: i64,
    status: ReferralStatus,
    closure_reason: Option<String>,
    outcome: Option<ClosureOutcome>,
) -> Result<Referral, ApiError> {
    let change = StatusChange::new(status.into(), closure_reason.as_deref())?
        .with_outcome(outcome.map(Into::into));
    state
        .with_staff_db(|db| db.referrals().set_status(id, &change, today()))
        .map(Into::into)
}

/// Records the GP appointments counted in the six months before and after the
/// referral.
#[tauri::command(async)]
pub fn referral_set_gp_appointments(
    state: State<'_, AppState>,
    id: i64,
    input: GpAppointmentsInput,
) -> Result<Referral, ApiError> {
    state
        .with_staff_db(|db| {
            db.referrals()
                .set_gp_appointments(id, &input.into(), today())
        })
        .map(Into::into)
}
