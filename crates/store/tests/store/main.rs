//! Integration tests of the encrypted store, one module per concern, each against a real
//! SQLCipher database in a temporary data folder.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod common;
/// Opening: fresh, reopen, and the failures that must be told apart and change nothing.
mod open;
/// Patients: round trip, search, archive, audit.
mod patients;
/// Patient data never reaches disk in plain text.
mod plaintext;
/// The real OS credential store (run by `cargo xtask test` inside a D-Bus session).
mod real_keyring;
/// Referrals: round trip, status changes, audit.
mod referrals;
