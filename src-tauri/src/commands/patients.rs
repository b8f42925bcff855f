use tauri::State;

use crate::commands::today;
use crate::dto::{Patient, PatientInput, PatientPage, PatientQuery};
use crate::error::ApiError;
use crate::state::AppState;

#[tauri::command(async)]
pub fn patient_list(
    state: State<'_, AppState>,
    query: PatientQuery,
) -> Result<PatientPage, ApiError> {
    state
        .with_staff_db(|db| db.patients().list(&query.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn patient_get(state: State<'_, AppState>, id: i64) -> Result<Patient, ApiError> {
    state
        .with_staff_db(|db| db.patients().get(id))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn patient_create(
    state: State<'_, AppState>,
    input: PatientInput,
) -> Result<Patient, ApiError> {
    state
        .with_staff_db(|db| db.patients().create(&input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn patient_update(
    state: State<'_, AppState>,
    id: i64,
    input: PatientInput,
) -> Result<Patient, ApiError> {
    state
        .with_staff_db(|db| db.patients().update(id, &input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn patient_archive(state: State<'_, AppState>, id: i64) -> Result<Patient, ApiError> {
    state
        .with_staff_db(|db| db.patients().archive(id))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn patient_restore(state: State<'_, AppState>, id: i64) -> Result<Patient, ApiError> {
    state
        .with_staff_db(|db| db.patients().restore(id))
        .map(Into::into)
}
