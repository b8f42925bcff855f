//! The key-check file: a fingerprint of the database key (never the key) kept in plain
//! text beside the database, so that opening can tell a wrong key from a damaged file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::key::DbKey;

const FORMAT: &str = "waymark-keycheck";

#[derive(Debug, Serialize, Deserialize)]
struct KeyCheckFile {
    format: String,
    version: u32,
    fingerprint: String,
}

/// What the key-check file says about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCheck {
    /// The file names this key.
    Matches,
    /// The file names another key.
    Differs,
    /// There is no file, or it cannot be read as one.
    Absent,
}

pub fn check(path: &Path, key: &DbKey) -> KeyCheck {
    let Ok(text) = waymark_private_fs::read_capped(path, 64 * 1024) else {
        return KeyCheck::Absent;
    };
    match serde_json::from_slice::<KeyCheckFile>(&text) {
        Ok(file) if file.format == FORMAT => {
            if file.fingerprint == key.fingerprint() {
                KeyCheck::Matches
            } else {
                KeyCheck::Differs
            }
        }
        _ => KeyCheck::Absent,
    }
}

/// Writes the file for `key` atomically (a temporary file renamed into place).
pub fn write(path: &Path, key: &DbKey) -> Result<()> {
    let file = KeyCheckFile {
        format: FORMAT.into(),
        version: 1,
        fingerprint: key.fingerprint(),
    };
    crate::write_json_atomically(path, &file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn tells_matching_differing_and_absent_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("waymark.keycheck");
        let key = DbKey::generate().unwrap();
        let other = DbKey::generate().unwrap();
        assert_eq!(check(&path, &key), KeyCheck::Absent);
        write(&path, &key).unwrap();
        assert_eq!(check(&path, &key), KeyCheck::Matches);
        assert_eq!(check(&path, &other), KeyCheck::Differs);
        fs::write(&path, "garbage").unwrap();
        assert_eq!(check(&path, &key), KeyCheck::Absent);
    }

    #[test]
    fn the_file_holds_no_key_material() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("waymark.keycheck");
        let key = DbKey::generate().unwrap();
        write(&path, &key).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&hex::encode(key.expose())));
    }
}
