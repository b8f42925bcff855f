//! The database key and where it lives: the OS credential store.
//!
//! The key is 32 random bytes used as SQLCipher's raw key (no passphrase derivation).
//! It is wrapped so it cannot leak: `Debug` prints `<redacted>`, it has no `Serialize`
//! and no `Clone`, and its bytes are zeroed when it is dropped.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use keyring_core::{CredentialStore, Entry};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The service name under which every Waymark key is filed in the credential store.
pub const SERVICE: &str = "Waymark";
const KEY_LEN: usize = 32;

/// A database key. Never printed, serialised or copied.
pub struct DbKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

impl DbKey {
    /// A fresh random 256-bit key from the operating system's generator.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| Error::CredentialStore(format!("no random numbers: {e}")))?;
        Ok(Self(bytes))
    }

    /// A key from stored bytes; `None` if they are not a key.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let arr: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(Self(Zeroizing::new(arr)))
    }

    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// A fingerprint that identifies the key without revealing it: HMAC-SHA256 keyed by
    /// the key over a fixed label. Kept beside the database to tell keys apart.
    pub fn fingerprint(&self) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.expose().as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(b"waymark key-check v1");
        hex::encode(mac.finalize().into_bytes())
    }

    /// The statement that hands the key to SQLCipher; zeroed once used.
    pub(crate) fn sqlcipher_pragma(&self) -> Zeroizing<String> {
        self.sqlcipher_pragma_named("key")
    }

    /// `PRAGMA key` or `PRAGMA rekey` with this key as a raw key.
    pub(crate) fn sqlcipher_pragma_named(&self, pragma: &'static str) -> Zeroizing<String> {
        let hex = Zeroizing::new(hex::encode(self.expose()));
        Zeroizing::new(format!("PRAGMA {pragma} = \"x'{}'\";", hex.as_str()))
    }
}

/// Where database keys are kept, behind a small trait so that tests can use an
/// in-memory store and the app the operating system's.
pub trait KeyVault: Send + Sync + fmt::Debug {
    /// The key filed under `account`, `None` if there is none.
    fn load(&self, account: &str) -> Result<Option<DbKey>>;
    /// Files `key` under `account`, replacing nothing silently: callers only store a key
    /// when `load` found none.
    fn store(&self, account: &str, key: &DbKey) -> Result<()>;
    /// Removes the key filed under `account`; nothing there is not an error.
    fn delete(&self, account: &str) -> Result<()>;
    /// A small non-key value filed under `account` (the newest audit row seen), if any.
    fn load_marker(&self, account: &str) -> Result<Option<Vec<u8>>>;
    /// Files a small non-key value under `account`, replacing any.
    fn store_marker(&self, account: &str, value: &[u8]) -> Result<()>;
}

/// The credential entry name for a data folder, so each folder (a practice's real one,
/// a test's temporary one) has its own key and tests never touch a practice's.
pub fn account_for(data_dir: &Path) -> String {
    let digest = Sha256::digest(data_dir.to_string_lossy().as_bytes());
    format!("database-key:{}", &hex::encode(digest)[..16])
}

/// A [`KeyVault`] over any keyring-core credential store.
#[derive(Clone)]
pub struct CredentialVault {
    store: Arc<CredentialStore>,
}

impl fmt::Debug for CredentialVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialVault")
            .field("vendor", &self.store.vendor())
            .finish()
    }
}

impl CredentialVault {
    pub fn new(store: Arc<CredentialStore>) -> Self {
        Self { store }
    }

    /// The operating system's credential store: Secret Service on Linux, the Keychain on
    /// macOS, Credential Manager on Windows.
    pub fn platform() -> Result<Self> {
        Ok(Self::new(platform_store()?))
    }

    fn entry(&self, account: &str) -> Result<Entry> {
        self.store
            .build(SERVICE, account, None)
            .map_err(store_error)
    }
}

impl KeyVault for CredentialVault {
    fn load(&self, account: &str) -> Result<Option<DbKey>> {
        match self.entry(account)?.get_secret() {
            Ok(secret) => {
                let secret = Zeroizing::new(secret);
                DbKey::from_bytes(&secret).map(Some).ok_or_else(|| {
                    Error::CredentialStore(
                        "the stored Waymark key has the wrong length and cannot be used".into(),
                    )
                })
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    fn store(&self, account: &str, key: &DbKey) -> Result<()> {
        self.entry(account)?
            .set_secret(key.expose())
            .map_err(store_error)
    }

    fn load_marker(&self, account: &str) -> Result<Option<Vec<u8>>> {
        match self.entry(account)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    fn store_marker(&self, account: &str, value: &[u8]) -> Result<()> {
        self.entry(account)?.set_secret(value).map_err(store_error)
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }
}

fn store_error(e: keyring_core::Error) -> Error {
    Error::CredentialStore(e.to_string())
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new().map_err(store_error)?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    // The plain keychain: the "protected" one needs a signed app.
    Ok(apple_native_keyring_store::keychain::Store::new().map_err(store_error)?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new().map_err(store_error)?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<Arc<CredentialStore>> {
    Err(Error::CredentialStore(
        "this operating system has no supported credential store".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock_vault() -> CredentialVault {
        CredentialVault::new(keyring_core::mock::Store::new().unwrap())
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = DbKey::from_bytes(&[0xAB; 32]).unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "DbKey(<redacted>)");
        assert!(!shown.to_lowercase().contains("abab"));
    }

    #[test]
    fn keys_are_random_and_fingerprints_differ() {
        let a = DbKey::generate().unwrap();
        let b = DbKey::generate().unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 64);
        assert!(!a.fingerprint().contains(&hex::encode(a.expose())));
    }

    #[test]
    fn vault_round_trip_and_absence() {
        let vault = mock_vault();
        assert!(vault.load("acct").unwrap().is_none());
        let key = DbKey::generate().unwrap();
        vault.store("acct", &key).unwrap();
        let back = vault.load("acct").unwrap().unwrap();
        assert_eq!(back.expose(), key.expose());
    }

    #[test]
    fn accounts_are_per_data_folder() {
        assert_ne!(account_for(Path::new("/a")), account_for(Path::new("/b")));
        assert_eq!(account_for(Path::new("/a")), account_for(Path::new("/a")));
    }
}
