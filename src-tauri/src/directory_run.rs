//! Directory imports in the app: a file or a feed is read and previewed, and the
//! read is kept (with a token) until the practice presses "Import" or "Cancel", so
//! what is written is exactly what was previewed. A feed is read outside the
//! caseload's lock, with progress and cancel, since it may take minutes.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

use waymark_domain::hsds::{self, ReadFeed, Shape};
use waymark_store::directory::Origin;

use crate::commands::today;
use crate::dto::ImportPreview;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The import being previewed, and the feed being read, if any.
#[derive(Debug, Default)]
pub struct ImportRun {
    reading: AtomicBool,
    cancel: AtomicBool,
    progress: Mutex<Option<waymark_feed::FeedProgress>>,
    pending: Mutex<Option<Pending>>,
    next_token: AtomicU32,
}

#[derive(Debug)]
struct Pending {
    token: u32,
    read: ReadFeed,
    origin: Origin,
}

impl From<waymark_feed::FeedError> for ApiError {
    fn from(e: waymark_feed::FeedError) -> Self {
        let code = match e {
            waymark_feed::FeedError::Cancelled => ErrorCode::FeedCancelled,
            waymark_feed::FeedError::BadAddress(_) => ErrorCode::Validation,
            _ => ErrorCode::FeedFailed,
        };
        ApiError::new(code, format!("{e} Nothing has been changed."))
    }
}

impl AppState {
    /// Reads a directory file (JSON, a data package's zip or folder) and previews it.
    pub fn preview_directory_file(&self, path: &Path) -> Result<ImportPreview, ApiError> {
        self.with_staff_db(|_| Ok::<_, ApiError>(()))?;
        let read = waymark_store::directory_file::read_path(path, today()).map_err(|e| {
            ApiError::new(
                ErrorCode::ImportInvalid,
                format!("{} Nothing has been changed.", e.0),
            )
        })?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.hold_preview(read, Origin::File { name })
    }

    /// Reads a feed from its base address, page by page, and previews it.
    pub fn preview_directory_feed(&self, address: &str) -> Result<ImportPreview, ApiError> {
        self.with_staff_db(|_| Ok::<_, ApiError>(()))?;
        let base = waymark_feed::normalise_base(address)?;
        let run = &self.import;
        if run.reading.swap(true, Ordering::SeqCst) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "A feed is already being read: wait for it, or cancel it.",
            ));
        }
        run.cancel.store(false, Ordering::SeqCst);
        let fetched = waymark_feed::fetch_services(
            &base,
            &waymark_feed::FeedOptions::default(),
            &mut |p| {
                *run.progress.lock().unwrap_or_else(PoisonError::into_inner) = Some(p);
            },
            &run.cancel,
        );
        *run.progress.lock().unwrap_or_else(PoisonError::into_inner) = None;
        run.reading.store(false, Ordering::SeqCst);
        let services = fetched?;
        // Every page was read: the feed's whole directory.
        let read = hsds::read_services(services, Shape::List, true, Vec::new(), today())
            .map_err(|e| ApiError::new(ErrorCode::ImportInvalid, e.0))?;
        self.hold_preview(read, Origin::Feed { address: base })
    }

    fn hold_preview(&self, read: ReadFeed, origin: Origin) -> Result<ImportPreview, ApiError> {
        let preview =
            self.with_staff_db(|db| db.directory().preview_import(&read, &origin, today()))?;
        let token = self
            .import
            .next_token
            .fetch_add(1, Ordering::SeqCst)
            .wrapping_add(1);
        *self
            .import
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Pending {
            token,
            read,
            origin,
        });
        Ok(ImportPreview::new(preview, token, false))
    }

    /// Writes the previewed read ("Import").
    pub fn confirm_directory_import(&self, token: u32) -> Result<ImportPreview, ApiError> {
        let mut pending = self
            .import
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(p) = pending.as_ref().filter(|p| p.token == token) else {
            return Err(ApiError::new(
                ErrorCode::ImportInvalid,
                "This preview is no longer current: choose the file or feed again. Nothing has \
                 been changed.",
            ));
        };
        let done = self.with_staff_db(|db| db.directory().import(&p.read, &p.origin, today()))?;
        *pending = None;
        Ok(ImportPreview::new(done, token, true))
    }

    /// Forgets the previewed read ("Cancel"); nothing was written.
    pub fn discard_directory_import(&self, token: u32) {
        let mut pending = self
            .import
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if pending.as_ref().is_some_and(|p| p.token == token) {
            *pending = None;
        }
    }

    /// How far the feed being read has got, if one is.
    pub fn feed_progress(&self) -> Option<waymark_feed::FeedProgress> {
        *self
            .import
            .progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Asks the feed being read to stop.
    pub fn cancel_feed(&self) {
        self.import.cancel.store(true, Ordering::SeqCst);
    }
}
