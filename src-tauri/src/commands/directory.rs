//! The community directory: browse, edit, retire, and import Open Referral files.

use tauri::State;
use waymark_domain::hsds::categories;

use crate::commands::today;
use crate::desk::{DeskState, OpenAsk};
use crate::dto::{
    DirectoryFacets, DirectorySource, ExportResult, FeedProgress, ImportPreview, Service,
    ServiceInput, ServicePage, ServiceQuery, ServiceStatus, TermMapping,
};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The sample directory of the product brief, shipped for demonstrations and training.
const EXAMPLE_DIRECTORY: &str = include_str!("../../data/example-directory.hsds.json");

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
        suggested_categories: categories::CATEGORIES
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
        uncategorised: categories::UNCATEGORISED.to_owned(),
    })
}

/// Asks for a directory file (Open Referral JSON, or a data package's zip or its
/// `datapackage.json`) and returns its path; `None` when cancelled. The path then goes
/// to `directory_preview_file`.
#[tauri::command(async)]
pub fn directory_choose_file(
    desk: State<'_, DeskState>,
    state: State<'_, AppState>,
) -> Result<Option<String>, ApiError> {
    // Refuse before the dialog when nobody is signed in.
    state.with_staff_db(|_| Ok::<_, ApiError>(()))?;
    let chosen = desk.pick_file(OpenAsk {
        title: "Import an Open Referral directory",
        kind: "Open Referral directory (JSON, data package zip, datapackage.json, CSV)",
        extensions: &["json", "zip", "csv"],
    })?;
    Ok(chosen.map(|p| p.display().to_string()))
}

/// Reads a directory file or data package folder and shows what importing it would
/// do; nothing is written until `directory_import_confirm`.
#[tauri::command(async)]
pub fn directory_preview_file(
    state: State<'_, AppState>,
    path: String,
) -> Result<ImportPreview, ApiError> {
    state.preview_directory_file(std::path::Path::new(path.trim()))
}

/// Reads an Open Referral feed from its base address (every page) and shows what
/// importing it would do; nothing is written until `directory_import_confirm`.
#[tauri::command(async)]
pub fn directory_preview_feed(
    state: State<'_, AppState>,
    address: String,
) -> Result<ImportPreview, ApiError> {
    state.preview_directory_feed(&address)
}

/// How far the feed being read has got (`None` when none is).
#[tauri::command(async)]
pub fn directory_feed_progress(
    state: State<'_, AppState>,
) -> Result<Option<FeedProgress>, ApiError> {
    state.with_staff_db(|_| Ok::<_, ApiError>(()))?;
    Ok(state.feed_progress().map(Into::into))
}

/// Stops reading the feed; nothing is changed.
#[tauri::command(async)]
pub fn directory_feed_cancel(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.with_staff_db(|_| Ok::<_, ApiError>(()))?;
    state.cancel_feed();
    Ok(())
}

/// Imports what was previewed, in one transaction.
#[tauri::command(async)]
pub fn directory_import_confirm(
    state: State<'_, AppState>,
    token: u32,
) -> Result<ImportPreview, ApiError> {
    state.confirm_directory_import(token)
}

/// Forgets a preview; nothing was written.
#[tauri::command(async)]
pub fn directory_import_discard(state: State<'_, AppState>, token: u32) -> Result<(), ApiError> {
    state.with_staff_db(|_| Ok::<_, ApiError>(()))?;
    state.discard_directory_import(token);
    Ok(())
}

/// The feeds the directory subscribes to and the files it was imported from.
#[tauri::command(async)]
pub fn directory_sources(state: State<'_, AppState>) -> Result<Vec<DirectorySource>, ApiError> {
    let now = super::now();
    state
        .with_staff_db(|db| db.directory().sources())
        .map(|list| {
            list.into_iter()
                .map(|s| DirectorySource::new(s, now))
                .collect()
        })
}

/// Ends a feed subscription; its services stay in the directory.
#[tauri::command(async)]
pub fn directory_feed_unsubscribe(state: State<'_, AppState>, id: i64) -> Result<(), ApiError> {
    state.with_staff_db(|db| db.directory().unsubscribe(id))
}

/// Every feed term the directory's imports met, with the category it files under.
#[tauri::command(async)]
pub fn directory_terms(state: State<'_, AppState>) -> Result<Vec<TermMapping>, ApiError> {
    state
        .with_staff_db(|db| db.directory().term_mappings())
        .map(|list| list.into_iter().map(Into::into).collect())
}

/// Files a feed term under a category (or back to Waymark's suggestion with `null`);
/// returns how many services were re-filed.
#[tauri::command(async)]
pub fn directory_term_set(
    state: State<'_, AppState>,
    key: String,
    category: Option<String>,
) -> Result<u32, ApiError> {
    state.with_staff_db(|db| db.directory().set_term_category(&key, category.as_deref()))
}

/// Opens a service's web page in the system's browser (never inside Waymark); only
/// http and https addresses are opened.
#[tauri::command(async)]
pub fn open_link(
    desk: State<'_, DeskState>,
    state: State<'_, AppState>,
    url: String,
) -> Result<(), ApiError> {
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
    desk.open_url(parsed.as_str()).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("No web browser could be opened ({e})."),
        )
    })
}

/// Saves the whole directory where the practice chooses, as an HSDS 3.0 JSON page
/// (`format` "json") or a zipped tabular data package ("package"); `None` if cancelled.
#[tauri::command(async)]
pub fn directory_export(
    desk: State<'_, DeskState>,
    state: State<'_, AppState>,
    format: String,
) -> Result<Option<ExportResult>, ApiError> {
    use waymark_store::directory_export::ExportFormat;
    let (format, kind, extension) = match format.as_str() {
        "json" => (ExportFormat::Json, "Open Referral JSON", "json"),
        "package" => (
            ExportFormat::Package,
            "Open Referral data package (zip)",
            "zip",
        ),
        other => {
            return Err(ApiError::new(
                ErrorCode::Validation,
                format!("{other:?} is not an export format: choose json or package."),
            ))
        }
    };
    state.with_staff_db(|_| Ok::<(), ApiError>(()))?;
    let name = format!(
        "waymark-directory-{}.{extension}",
        today().format("%Y-%m-%d")
    );
    let Some(path) =
        super::ask_where_to_save(&desk, "Export the directory", &name, (kind, extension))?
    else {
        return Ok(None);
    };
    // The save dialog has asked before replacing a file.
    let n = state.with_staff_db(|db| db.directory().export_to(&path, format, true, today()))?;
    Ok(Some(ExportResult {
        path: path.display().to_string(),
        rows: n as u64,
    }))
}

/// Loads the shipped example directory (safe to repeat: it matches on HSDS ids).
#[tauri::command(async)]
pub fn directory_load_example(state: State<'_, AppState>) -> Result<ImportPreview, ApiError> {
    state
        .with_staff_db(|db| db.directory().import_hsds(EXAMPLE_DIRECTORY, today()))
        .map(|p| ImportPreview::new(p, 0, true))
}
