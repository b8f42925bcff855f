//! What the commands ask of the computer around the app: the system's file and folder
//! choosers, its browser and its PDF viewer. Behind one trait so the commands stay the
//! same whoever answers: the desktop's dialogs in the app, a script in the UI tests'
//! host (`test_host`), where no person is there to choose.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Runtime};

use crate::error::{ApiError, ErrorCode};

/// A file to save: the dialog's title, the suggested name and one kind of file.
#[derive(Debug, Clone, Copy)]
pub struct SaveAsk<'a> {
    pub title: &'a str,
    pub file_name: &'a str,
    /// The kind's name ("PDF document") and its extension ("pdf").
    pub kind: (&'a str, &'a str),
}

/// A file to open: the dialog's title and the kinds offered.
#[derive(Debug, Clone, Copy)]
pub struct OpenAsk<'a> {
    pub title: &'a str,
    pub kind: &'a str,
    pub extensions: &'a [&'a str],
}

pub trait Desk: Send + Sync + 'static {
    /// Where to save; `None` when the person cancels.
    fn save_file(&self, ask: SaveAsk<'_>) -> Result<Option<PathBuf>, ApiError>;
    /// Which file to open; `None` when cancelled.
    fn pick_file(&self, ask: OpenAsk<'_>) -> Result<Option<PathBuf>, ApiError>;
    /// Which folder; `None` when cancelled.
    fn pick_folder(&self, title: &str) -> Result<Option<PathBuf>, ApiError>;
    /// Hands an http(s) address to the system's browser.
    fn open_url(&self, url: &str) -> Result<(), String>;
    /// Opens a file in the system's viewer for it.
    fn open_path(&self, path: &Path) -> Result<(), String>;
}

/// The desk the commands reach through `State<'_, DeskState>`.
pub struct DeskState(pub Box<dyn Desk>);

impl std::fmt::Debug for DeskState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeskState")
    }
}

impl std::ops::Deref for DeskState {
    type Target = dyn Desk;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref()
    }
}

/// The computer's own dialogs (tauri-plugin-dialog) and opener.
#[derive(Debug)]
pub struct SystemDesk<R: Runtime> {
    pub app: AppHandle<R>,
}

/// The chosen path; an address that is not a local path (a URI on mobile) is refused.
fn chosen(
    file: tauri_plugin_dialog::FilePath,
    code: ErrorCode,
    what: &str,
) -> Result<PathBuf, ApiError> {
    file.into_path()
        .map_err(|e| ApiError::new(code, what.replace("{e}", &e.to_string())))
}

impl<R: Runtime> Desk for SystemDesk<R> {
    fn save_file(&self, ask: SaveAsk<'_>) -> Result<Option<PathBuf>, ApiError> {
        use tauri_plugin_dialog::DialogExt;
        let (kind, extension) = ask.kind;
        self.app
            .dialog()
            .file()
            .set_title(ask.title)
            .set_file_name(ask.file_name)
            .add_filter(kind, &[extension])
            .blocking_save_file()
            .map(|f| chosen(f, ErrorCode::Storage, "That place cannot be saved to: {e}"))
            .transpose()
    }

    fn pick_file(&self, ask: OpenAsk<'_>) -> Result<Option<PathBuf>, ApiError> {
        use tauri_plugin_dialog::DialogExt;
        self.app
            .dialog()
            .file()
            .set_title(ask.title)
            .add_filter(ask.kind, ask.extensions)
            .blocking_pick_file()
            .map(|f| {
                chosen(
                    f,
                    ErrorCode::ImportInvalid,
                    "This file cannot be read: {e}. Nothing has been changed.",
                )
            })
            .transpose()
    }

    fn pick_folder(&self, title: &str) -> Result<Option<PathBuf>, ApiError> {
        use tauri_plugin_dialog::DialogExt;
        self.app
            .dialog()
            .file()
            .set_title(title)
            .blocking_pick_folder()
            .map(|f| chosen(f, ErrorCode::Storage, "That folder cannot be used: {e}"))
            .transpose()
    }

    fn open_url(&self, url: &str) -> Result<(), String> {
        tauri_plugin_opener::open_url(url, None::<&str>).map_err(|e| e.to_string())
    }

    fn open_path(&self, path: &Path) -> Result<(), String> {
        tauri_plugin_opener::open_path(path, None::<&str>).map_err(|e| e.to_string())
    }
}
