//! Casework commands: the patient record, duplicates, contacts, the support plan and
//! prescriptions.

use tauri::State;
use waymark_domain::ItemStatusChange;

use crate::commands::today;
use crate::dto::{
    Barrier, Contact, ContactInput, ContactPage, Goal, GoalInput, ItemStatus, PatientInput,
    PatientRecord, PatientSummary, Prescription, PrescriptionInput, StepInput,
};
use crate::error::ApiError;
use crate::state::AppState;

/// How many contacts the patient page shows before "Show older".
const CONTACTS_SHOWN: u32 = 20;

#[tauri::command(async)]
pub fn patient_record(state: State<'_, AppState>, id: i64) -> Result<PatientRecord, ApiError> {
    state
        .with_staff_db(|db| db.patient_record(id, CONTACTS_SHOWN))
        .map(|r| PatientRecord::on(r, today()))
}

#[tauri::command(async)]
pub fn patient_duplicates(
    state: State<'_, AppState>,
    input: PatientInput,
    exclude_id: Option<i64>,
) -> Result<Vec<PatientSummary>, ApiError> {
    state
        .with_staff_db(|db| {
            db.patients()
                .possible_duplicates(&input.into(), exclude_id, today())
        })
        .map(|v| v.into_iter().map(Into::into).collect())
}

#[tauri::command(async)]
pub fn contact_create(
    state: State<'_, AppState>,
    patient_id: i64,
    input: ContactInput,
) -> Result<Contact, ApiError> {
    state
        .with_staff_db(|db| db.contacts().create(patient_id, &input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn contact_list(
    state: State<'_, AppState>,
    patient_id: i64,
    limit: u32,
    offset: u32,
) -> Result<ContactPage, ApiError> {
    state
        .with_staff_db(|db| db.contacts().list(patient_id, limit, offset))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn plan_set_what_matters(
    state: State<'_, AppState>,
    referral_id: i64,
    text: String,
) -> Result<Option<String>, ApiError> {
    state.with_staff_db(|db| db.plans().set_what_matters(referral_id, &text))
}

#[tauri::command(async)]
pub fn goal_add(
    state: State<'_, AppState>,
    referral_id: i64,
    input: GoalInput,
) -> Result<Goal, ApiError> {
    state
        .with_staff_db(|db| db.plans().add_goal(referral_id, &input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn goal_update(
    state: State<'_, AppState>,
    id: i64,
    input: GoalInput,
) -> Result<Goal, ApiError> {
    state
        .with_staff_db(|db| db.plans().update_goal(id, &input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn step_add(
    state: State<'_, AppState>,
    goal_id: i64,
    input: StepInput,
) -> Result<Goal, ApiError> {
    state
        .with_staff_db(|db| db.plans().add_step(goal_id, &input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn step_set_done(state: State<'_, AppState>, id: i64, done: bool) -> Result<Goal, ApiError> {
    state
        .with_staff_db(|db| db.plans().set_step_done(id, done))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn prescription_create(
    state: State<'_, AppState>,
    patient_id: i64,
    input: PrescriptionInput,
) -> Result<Prescription, ApiError> {
    state
        .with_staff_db(|db| {
            db.prescriptions()
                .create(patient_id, &input.into(), today())
        })
        .map(Into::into)
}

#[tauri::command(async)]
pub fn prescription_item_set_status(
    state: State<'_, AppState>,
    item_id: i64,
    status: ItemStatus,
    barrier: Option<Barrier>,
    barrier_note: String,
) -> Result<Prescription, ApiError> {
    let change = ItemStatusChange::new(status.into(), barrier.map(Into::into), &barrier_note)?;
    state
        .with_staff_db(|db| {
            db.prescriptions()
                .set_item_status(item_id, &change, today())
        })
        .map(Into::into)
}
