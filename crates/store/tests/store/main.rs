//! Integration tests of the encrypted store, one module per concern, each against a real
//! SQLCipher database in a temporary data folder.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

/// Backups: verified, encrypted, rotated; restore on a new machine; damaged ones refused.
mod backup;
/// Casework: contacts, support plans, prescriptions and follow-up, the caseload's filters,
/// duplicate checks.
mod casework;
mod common;
/// The community directory: HSDS import, filters, create, edit, retire.
mod directory;
/// The directory exported as HSDS 3.0: valid against the official schemas, and read
/// back into a new caseload unchanged.
mod export;
mod feeds;
/// England's social prescribing standard: demographics, consent, the message back to
/// the GP, GP-appointment evidence, the referrer report and the caseload counter.
mod message_back;
/// Opening: fresh, reopen, and the failures that must be told apart and change nothing.
mod open;
/// Outcome measures, their due dates on the caseload, and the period report.
mod outcomes;
/// Patients: round trip, search, archive, audit.
mod patients;
/// Patient data never reaches disk in plain text.
mod plaintext;
/// What the platforms practices use need of files: long and non-ASCII paths, private
/// folders, plain paths in messages, and (on Windows) files another program holds.
mod platform;
/// The real OS credential store (run by `cargo xtask test` inside a D-Bus session).
mod real_keyring;
/// The recovery code: opening on a machine whose credential store lost the key.
mod recovery;
/// Referrals: round trip, status changes, audit.
mod referrals;
/// First-run setup, settings and the audit log's filters.
mod setup;
/// Staff accounts: Argon2id passphrases, rate-limited and audited sign-in.
mod staff;
