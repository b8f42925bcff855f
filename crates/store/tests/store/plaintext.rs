use crate::common::*;

/// Names from the shared sample patients, in the encodings they could leak in.
const NAMES: &[&str] = &[
    "Zoë",
    "O'Brien",
    "Siobhán",
    "Ní Bhriain",
    "Ødegård",
    "Παπαδοπούλου",
    "Multiple sclerosis",
];

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn database_wal_and_folder_hold_no_plaintext_names() {
    let dir = tempfile::tempdir().unwrap();
    let vault = mock_vault();
    let db = open(dir.path(), &vault);
    let zoe = db.patients().create(&zoe(), today()).unwrap();
    db.patients()
        .create(
            &patient("Siobhán", "Ní Bhriain", "1995-11-02", "9991590838"),
            today(),
        )
        .unwrap();
    db.patients()
        .create(
            &patient("Margaret", "Ødegård", "1948-01-09", "9991860916"),
            today(),
        )
        .unwrap();
    db.patients()
        .create(
            &patient("Ελένη", "Παπαδοπούλου", "1979-08-21", "9993909963"),
            today(),
        )
        .unwrap();
    db.referrals().create(zoe.id, &referral(), today()).unwrap();
    // While the connection is open the recent writes sit in the WAL: check it too.
    let files = snapshot(dir.path());
    assert!(
        files.iter().any(|(p, _)| p.ends_with("-wal")),
        "expected a WAL file: {:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (path, bytes) in &files {
        for name in NAMES {
            assert!(
                !contains(bytes, name.as_bytes()),
                "{name} in plain text in {path}"
            );
            let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            assert!(!contains(bytes, &utf16), "{name} (UTF-16) in {path}");
        }
        assert!(
            !contains(bytes, b"9995260182"),
            "NHS number in plain text in {path}"
        );
    }
    drop(db);
    for (path, bytes) in snapshot(dir.path()) {
        for name in NAMES {
            assert!(
                !contains(&bytes, name.as_bytes()),
                "{name} in plain text in {path} after close"
            );
        }
    }
}
