//! The community directory: browse, edit, retire, and import Open Referral files.

use tauri::State;

use crate::commands::today;
use crate::dto::{
    DirectoryFacets, ImportReport, Service, ServiceInput, ServicePage, ServiceQuery, ServiceStatus,
};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The sample directory of the product brief, shipped for demonstrations and training.
const EXAMPLE_DIRECTORY: &str = include_str!("../../data/example-directory.hsds.json");

/// Largest file the import reads: far above any practice's directory.
const MAX_IMPORT_BYTES: u64 = 50 * 1024 * 1024;

#[tauri::command(async)]
pub fn service_list(
    state: State<'_, AppState>,
    query: ServiceQuery,
) -> Result<ServicePage, ApiError> {
    state
        .with_staff_db(|db| db.directory().list(&query.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn service_create(
    state: State<'_, AppState>,
    input: ServiceInput,
) -> Result<Service, ApiError> {
    state
        .with_staff_db(|db| db.directory().create(&input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn service_update(
    state: State<'_, AppState>,
    id: i64,
    input: ServiceInput,
) -> Result<Service, ApiError> {
    state
        .with_staff_db(|db| db.directory().update(id, &input.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn service_set_status(
    state: State<'_, AppState>,
    id: i64,
    status: ServiceStatus,
) -> Result<Service, ApiError> {
    state
        .with_staff_db(|db| db.directory().set_status(id, status.into(), today()))
        .map(Into::into)
}

#[tauri::command(async)]
pub fn directory_facets(state: State<'_, AppState>) -> Result<DirectoryFacets, ApiError> {
    let (categories, languages) = state.with_staff_db(|db| db.directory().facets())?;
    Ok(DirectoryFacets {
        categories,
        languages,
    })
}

/// Asks for an Open Referral JSON file and imports it; `None` when cancelled.
#[tauri::command(async)]
pub fn directory_import(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<ImportReport>, ApiError> {
    use tauri_plugin_dialog::DialogExt;
    // Refuse before the dialog when nobody is signed in.
    state.with_staff_db(|_| Ok::<_, ApiError>(()))?;
    let Some(chosen) = app
        .dialog()
        .file()
        .set_title("Import an Open Referral directory")
        .add_filter("Open Referral JSON", &["json"])
        .blocking_pick_file()
    else {
        return Ok(None);
    };
    let unreadable = |e: String| {
        ApiError::new(
            ErrorCode::ImportInvalid,
            format!("This file cannot be read: {e}. Nothing has been changed."),
        )
    };
    let path = chosen.into_path().map_err(|e| unreadable(e.to_string()))?;
    let size = std::fs::metadata(&path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if size > MAX_IMPORT_BYTES {
        return Err(unreadable(format!(
            "it is {} MB; the largest directory file accepted is 50 MB",
            size / (1024 * 1024)
        )));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| unreadable(e.to_string()))?;
    state
        .with_staff_db(|db| db.directory().import_hsds(&text, today()))
        .map(|r| Some(r.into()))
}

/// Loads the shipped example directory (safe to repeat: it matches on HSDS ids).
#[tauri::command(async)]
pub fn directory_load_example(state: State<'_, AppState>) -> Result<ImportReport, ApiError> {
    state
        .with_staff_db(|db| db.directory().import_hsds(EXAMPLE_DIRECTORY, today()))
        .map(Into::into)
}
