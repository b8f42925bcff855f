//! Tauri commands, grouped by feature. Each is a thin wrapper: take the state, call one
//! store function, map the result to IPC types.

pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod casework;
pub mod directory;
pub mod outcomes;
pub mod patients;
pub mod print;
pub mod referrals;
pub mod staff;
pub mod support;

/// Today's date on this computer, for rules such as "not in the future".
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Asks where to save a file with the system's save dialog; `None` when cancelled.
pub(crate) fn ask_where_to_save(
    app: &tauri::AppHandle,
    title: &str,
    file_name: &str,
    (kind, extension): (&str, &str),
) -> Result<Option<std::path::PathBuf>, crate::error::ApiError> {
    use tauri_plugin_dialog::DialogExt;
    let Some(chosen) = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(kind, &[extension])
        .blocking_save_file()
    else {
        return Ok(None);
    };
    chosen.into_path().map(Some).map_err(|e| {
        crate::error::ApiError::new(
            crate::error::ErrorCode::Storage,
            format!("That place cannot be saved to: {e}"),
        )
    })
}
