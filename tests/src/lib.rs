//! Waymark's cross-crate and real-window end-to-end tests live in `tests/`; this crate
//! has no code of its own. The real-window tests are `#[ignore]`d in a plain
//! `cargo test` and run by `cargo xtask test`, which starts Xvfb, tauri-driver and a
//! private D-Bus session with an unlocked keyring first.
