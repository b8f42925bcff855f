// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = waymark_app::run() {
        eprintln!("Waymark could not start: {e}");
        std::process::exit(1);
    }
}
