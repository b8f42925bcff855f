//! These need a running Secret Service (Linux), Keychain (macOS) or Credential Manager
//! (Windows). `cargo xtask test` runs them on Linux inside a D-Bus session with an
//! unlocked gnome-keyring.

use waymark_store::key::account_for;
use waymark_store::{CredentialVault, Database, KeyVault, PatientQuery};

use crate::common::*;

#[test]
#[ignore = "needs the OS credential store: run by `cargo xtask test`"]
fn database_key_round_trips_through_the_os_credential_store() {
    let dir = tempfile::tempdir().unwrap();
    let vault = CredentialVault::platform().expect("the OS credential store is reachable");
    {
        let db = Database::open(dir.path(), &vault).expect("first open creates the database");
        db.patients().create(&zoe(), today()).unwrap();
    }
    // A second vault object reads the key back from the OS store, not from memory.
    let again = CredentialVault::platform().unwrap();
    let account = account_for(&dunce::canonicalize(dir.path()).unwrap());
    let key = again
        .load(&account)
        .unwrap()
        .expect("key stored in the OS credential store");
    assert_eq!(key.fingerprint().len(), 64);
    let db = Database::open(dir.path(), &again).expect("reopens with the stored key");
    let page = db
        .patients()
        .list(
            &PatientQuery {
                text: "zoë".into(),
                limit: 5,
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(page.total, 1);
}
