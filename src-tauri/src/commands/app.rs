use tauri::State;

use crate::dto::AppStatus;
use crate::state::AppState;

/// Whether the caseload opened; the UI shows the explanation when it did not.
#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> AppStatus {
    let error = state.open_error();
    AppStatus {
        ready: error.is_none(),
        data_dir: state.data_dir().display().to_string(),
        error,
    }
}
