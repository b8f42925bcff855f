//! Waymark's app shell: the only crate that knows about Tauri and IPC.
//!
//! It opens the caseload at start-up, exposes thin commands over the store, and owns the
//! types that cross IPC (`dto`) and the error the UI sees (`error`). The domain and the
//! store know nothing of it.

pub mod commands;
pub mod desk;
pub mod desktop;
pub mod directory_run;
pub mod dto;
pub mod error;
pub mod state;

use tauri::Manager;
use tauri_plugin_window_state::StateFlags;

/// Every command the UI may call; `build.rs` generates a permission for each and
/// `capabilities/main.json` grants exactly these to the main window.
macro_rules! app_commands {
    ($m:ident) => {
        tauri::generate_handler![
            $m::app::app_status,
            $m::app::date_read,
            $m::patients::patient_list,
            $m::patients::patient_get,
            $m::patients::patient_create,
            $m::patients::patient_update,
            $m::patients::patient_archive,
            $m::patients::patient_restore,
            $m::referrals::referral_list,
            $m::referrals::referral_create,
            $m::referrals::referral_update,
            $m::referrals::referral_set_status,
            $m::referrals::referral_set_gp_appointments,
            $m::message_back::message_back_text,
            $m::message_back::message_back_letter,
            $m::message_back::caseload_counter,
            $m::message_back::ethnic_categories,
            $m::staff::settings_set_safe_caseload,
            $m::auth::setup_complete,
            $m::auth::sign_in,
            $m::auth::sign_in_with_recovery_code,
            $m::auth::sign_out,
            $m::auth::lock,
            $m::auth::unlock,
            $m::staff::staff_list,
            $m::staff::staff_create,
            $m::staff::staff_set_active,
            $m::staff::staff_reset_passphrase,
            $m::staff::settings_set_idle_minutes,
            $m::staff::settings_set_follow_up_weeks,
            $m::audit::audit_list,
            $m::backup::backup_overview,
            $m::backup::backup_settings_set,
            $m::backup::backup_now,
            $m::backup::backup_progress,
            $m::backup::backup_cancel,
            $m::backup::backup_make_room,
            $m::backup::backup_inspect,
            $m::backup::backup_restore,
            $m::backup::recover_with_code,
            $m::backup::recovery_code_renew,
            $m::backup::recovery_kit_save,
            $m::backup::choose_folder,
            $m::audit::audit_export,
            $m::audit::audit_check,
            $m::audit::integrity_warning_dismiss,
            $m::casework::patient_record,
            $m::casework::patient_duplicates,
            $m::casework::contact_create,
            $m::casework::contact_list,
            $m::casework::plan_set_what_matters,
            $m::casework::goal_add,
            $m::casework::goal_update,
            $m::casework::step_add,
            $m::casework::step_set_done,
            $m::casework::prescription_create,
            $m::casework::prescription_item_set_status,
            $m::print::prescription_print,
            $m::print::prescription_save_pdf,
            $m::print::print_languages,
            $m::directory::service_list,
            $m::directory::service_create,
            $m::directory::service_update,
            $m::directory::service_set_status,
            $m::directory::directory_facets,
            $m::directory::directory_choose_file,
            $m::directory::directory_preview_file,
            $m::directory::directory_preview_feed,
            $m::directory::directory_feed_progress,
            $m::directory::directory_feed_cancel,
            $m::directory::directory_import_confirm,
            $m::directory::directory_import_discard,
            $m::directory::directory_sources,
            $m::directory::directory_feed_unsubscribe,
            $m::directory::directory_terms,
            $m::directory::directory_term_set,
            $m::directory::directory_export,
            $m::directory::open_link,
            $m::directory::directory_load_example,
            $m::outcomes::outcome_record,
            $m::outcomes::report_period,
            $m::outcomes::report_export,
            $m::support::diagnostics,
        ]
    };
}

#[cfg(feature = "test-host")]
pub mod test_host;

/// The main window. Its webview is incognito, so WebKit keeps no site data, caches or
/// storage on disk where patient data could linger; WebKitGTK's WebDriver automation
/// works only in a persistent context, so the end-to-end run (which tauri-driver marks
/// with `TAURI_WEBVIEW_AUTOMATION=true`) is the one exception.
fn main_window(app: &tauri::App) -> tauri::Result<()> {
    let automated = std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true");
    tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::default())
        // The window shows Waymark and nothing else: a page from anywhere else would
        // run with the app's commands. A web link goes to the system browser instead.
        .on_navigation(|url| {
            let ours = desktop::is_app_url(url);
            if !ours {
                desktop::open_in_browser(url);
            }
            ours
        })
        .on_new_window(|url, _| {
            desktop::open_in_browser(&url);
            tauri::webview::NewWindowResponse::Deny
        })
        .title("Waymark")
        .inner_size(1200.0, 820.0)
        .min_inner_size(800.0, 560.0)
        .center()
        .incognito(!automated)
        .build()?;
    Ok(())
}

/// The daily backup runs while the app is open: checked a minute after start-up (so
/// opening the app is not slowed) and every five minutes after.
fn schedule_backups(app: tauri::AppHandle) {
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        loop {
            app.state::<state::AppState>().scheduled_backup();
            std::thread::sleep(std::time::Duration::from_secs(5 * 60));
        }
    });
}

/// Set by `cargo xtask test` (on Windows and macOS runners, and on Linux under Xvfb):
/// the app starts as usual, opens (or creates) the caseload with the real credential
/// store, shows its window, and quits once the UI in the webview has called in (its
/// first `app_status`), with status 0 only when the caseload opened and the UI loaded.
const SMOKE_ENV: &str = "WAYMARK_SMOKE";

/// Quits through the app's normal exit (which clears the print folder) when the system
/// asks the process to end: SIGTERM at log-out or shutdown, SIGINT from a terminal.
/// Windows ends apps by closing their windows, which takes the same path already.
fn quit_on_terminate(app: tauri::AppHandle) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        tracing::info!("asked to quit by the system");
        app.exit(0);
    });
    #[cfg(not(unix))]
    let _ = app;
}

fn smoke_exit(app: tauri::AppHandle) {
    std::thread::spawn(move || {
        let state = app.state::<state::AppState>();
        let started = std::time::Instant::now();
        while !state.ui_seen() && started.elapsed() < std::time::Duration::from_secs(30) {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let code = match (state.ui_seen(), state.open_error()) {
            (true, None) => {
                println!("smoke: caseload open in {}", state.data_dir().display());
                0
            }
            (false, _) => {
                println!("smoke: the window's UI never called the app within 30 s");
                2
            }
            (true, Some(e)) => {
                println!(
                    "smoke: the caseload did not open: {} ({})",
                    e.message,
                    e.code.name()
                );
                1
            }
        };
        app.exit(code);
    });
}

/// Keeps the log writer alive (and flushing) for the app's lifetime.
struct LogGuard {
    _writer: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// Starts the app and runs until its window closes.
pub fn run() -> tauri::Result<()> {
    desktop::keep_panics_quiet();
    let mut builder = tauri::Builder::default();
    // One app per data folder. On the platform's folder, a second launch hands over to
    // the running app (its window comes forward) and exits before it opens anything.
    // A launch on a folder chosen with WAYMARK_DATA_DIR (a demo, a training copy) runs
    // on its own instead: handing over would put its entries into whichever caseload
    // the running app has open. Two launches on one chosen folder are kept apart by the
    // store's caseload lock: the second says which folder is in use.
    if !waymark_store::paths::data_dir_is_overridden() {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            desktop::focus_main(app);
        }));
    }
    builder
        // Restores the window's size, position and maximised state, saved as it closes.
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        )
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let log_dir = desktop::log_dir(app.handle());
            let guard = log_dir
                .as_deref()
                .and_then(|dir| desktop::start_logging(dir).ok());
            app.manage(LogGuard { _writer: guard });
            tracing::info!(
                version = desktop::VERSION,
                os = std::env::consts::OS,
                arch = std::env::consts::ARCH,
                "Waymark started"
            );
            let state = state::AppState::open();
            match state.open_error() {
                None => tracing::info!(data_dir = %state.data_dir().display(), "caseload opened"),
                Some(e) => tracing::warn!(
                    data_dir = %state.data_dir().display(),
                    code = %e.code.name(),
                    "the caseload did not open"
                ),
            }
            let installation = desktop::Installation {
                data_dir: state.data_dir().to_path_buf(),
                log_dir,
            };
            commands::print::keep_print_folder_clear(state.data_dir().to_path_buf());
            app.manage(state);
            app.manage(desk::DeskState(Box::new(desk::SystemDesk {
                app: app.handle().clone(),
            })));
            app.set_menu(desktop::menu(app.handle(), &installation)?)?;
            main_window(app)?;
            quit_on_terminate(app.handle().clone());
            if std::env::var_os(SMOKE_ENV).is_some() {
                smoke_exit(app.handle().clone());
            } else {
                schedule_backups(app.handle().clone());
            }
            Ok(())
        })
        .invoke_handler(app_commands!(commands))
        .build(tauri::generate_context!())?
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                // A printout carries patient data in the clear: none outlives the app.
                // (One a viewer on Windows still holds goes at the next start.)
                if let Some(state) = app.try_state::<state::AppState>() {
                    commands::print::clear_print_folder(state.data_dir());
                }
            }
        });
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The words between double quotes in `text`.
    fn quoted(text: &str) -> Vec<String> {
        text.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    /// Every name once, failing on a name given twice.
    fn set(what: &str, names: Vec<String>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        for n in names {
            assert!(seen.insert(n.clone()), "{what} lists {n} twice");
        }
        assert!(!seen.is_empty(), "{what} lists no commands");
        seen
    }

    /// The command list is one list: the commands `build.rs` makes permissions for, the
    /// commands `generate_handler!` registers, and the permissions the main window's
    /// capability grants are the same set. A command left out of one of them is either
    /// unreachable or reachable without a permission anyone reviewed.
    #[test]
    fn build_rs_the_handler_and_the_capability_list_the_same_commands() {
        let build = include_str!("../build.rs");
        let list = build
            .split_once("const COMMANDS: &[&str] = &[")
            .and_then(|(_, rest)| rest.split_once("];"))
            .map(|(list, _)| list)
            .unwrap_or_default();
        let built = set("build.rs", quoted(list));

        let lib = include_str!("lib.rs");
        let handler = lib
            .split_once("tauri::generate_handler![")
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(list, _)| list)
            .unwrap_or_default();
        let registered = set(
            "generate_handler!",
            handler
                .split(',')
                .filter_map(|path| path.trim().rsplit("::").next())
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .collect(),
        );

        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let granted = set(
            "capabilities/main.json",
            capability["permissions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let p = p.as_str().unwrap();
                    let name = p.strip_prefix("allow-").unwrap_or_else(|| {
                        panic!("{p}: the main window is granted only its own commands")
                    });
                    name.replace('-', "_")
                })
                .collect(),
        );

        assert_eq!(built, registered, "build.rs and generate_handler! differ");
        assert_eq!(built, granted, "build.rs and the capability file differ");
    }
}
