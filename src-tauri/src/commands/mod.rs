//! Tauri commands, grouped by feature. Each is a thin wrapper: take the state, call one
//! store function, map the result to IPC types.

pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod patients;
pub mod referrals;
pub mod staff;

/// Today's date on this computer, for rules such as "not in the future".
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
