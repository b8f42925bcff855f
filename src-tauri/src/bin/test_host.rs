//! The UI tests' host: see `waymark_app::test_host`.

fn main() -> std::process::ExitCode {
    match waymark_app::test_host::serve() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("waymark-test-host: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
