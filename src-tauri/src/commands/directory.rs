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
    let text = read_import(&path).map_err(unreadable)?;
    state
        .with_staff_db(|db| db.directory().import_hsds(&text, today()))
        .map(|r| Some(r.into()))
}

/// Opens a service's web page in the system's browser (never inside Waymark); only
/// http and https addresses are opened.
#[tauri::command(async)]
pub fn open_link(state: State<'_, AppState>, url: String) -> Result<(), ApiError> {
    state.with_staff_db(|_| Ok::<(), ApiError>(()))?;
    let parsed = tauri::Url::parse(url.trim())
        .ok()
        .filter(crate::desktop::web_link);
    let Some(parsed) = parsed else {
        return Err(ApiError::new(
            ErrorCode::Validation,
            "Only web addresses (http or https) can be opened.",
        ));
    };
    tauri_plugin_opener::open_url(parsed.as_str(), None::<&str>).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("No web browser could be opened ({e})."),
        )
    })
}

/// Reads a chosen directory file: at most 50 MB actually read (not what its metadata
/// says), an ordinary file only (a FIFO or device is refused without waiting on it),
/// and UTF-8.
fn read_import(path: &std::path::Path) -> Result<String, String> {
    let bytes = waymark_private_fs::read_capped(path, MAX_IMPORT_BYTES).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            "it is larger than the 50 MB accepted for a directory file".to_owned()
        } else {
            e.to_string()
        }
    })?;
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())
}

/// Loads the shipped example directory (safe to repeat: it matches on HSDS ids).
#[tauri::command(async)]
pub fn directory_load_example(state: State<'_, AppState>) -> Result<ImportReport, ApiError> {
    state
        .with_staff_db(|db| db.directory().import_hsds(EXAMPLE_DIRECTORY, today()))
        .map(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_is_capped_on_what_is_read_and_must_be_a_text_file() {
        let dir = tempfile::tempdir().unwrap();
        // A sparse file: its metadata says 60 MB, and reading stops at the cap.
        let big = dir.path().join("big.json");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(60 * 1024 * 1024)
            .unwrap();
        assert!(read_import(&big).unwrap_err().contains("larger than"));
        let binary = dir.path().join("latin1.json");
        std::fs::write(&binary, b"{\"name\": \"Caf\xe9\"}").unwrap();
        assert!(read_import(&binary).unwrap_err().contains("UTF-8"));
        let good = dir.path().join("ok.json");
        std::fs::write(&good, "{}").unwrap();
        assert_eq!(read_import(&good).unwrap(), "{}");
        assert!(read_import(dir.path()).is_err(), "a folder is refused");
    }
}
