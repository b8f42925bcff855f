//! Tauri commands, grouped by feature. Each is a thin wrapper: take the state, call one
//! store function, map the result to IPC types.

pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod casework;
pub mod directory;
pub mod message_back;
pub mod outcomes;
pub mod patients;
pub mod print;
pub mod referrals;
pub mod staff;
pub mod support;

/// Today's date on this computer, for rules such as "not in the future".
pub(crate) fn today() -> chrono::NaiveDate {
    // The UI tests' host may fix the date a scenario happens on.
    #[cfg(feature = "test-host")]
    if let Some(day) = crate::test_host::fixed_today() {
        return day;
    }
    chrono::Local::now().date_naive()
}

/// Now, for "how long ago" rules (a feed's refresh falling due); moves with the UI
/// tests' host's date as `today` does.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    #[cfg(feature = "test-host")]
    if let Some(day) = crate::test_host::fixed_today() {
        return day.and_time(now.time()).and_utc();
    }
    now
}

/// Asks where to save with the desk's save dialog; `None` when cancelled.
pub(crate) fn ask_where_to_save(
    desk: &crate::desk::DeskState,
    title: &str,
    file_name: &str,
    kind: (&str, &str),
) -> Result<Option<std::path::PathBuf>, crate::error::ApiError> {
    desk.save_file(crate::desk::SaveAsk {
        title,
        file_name,
        kind,
    })
}
