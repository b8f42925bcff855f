//! The recovery kit: a printed code that opens the caseload when the credential store
//! has lost its key (a new laptop, a reinstalled system).
//!
//! The database key is kept a second time beside the database, wrapped: encrypted with
//! XChaCha20-Poly1305 under a key derived from the recovery code with Argon2id. The
//! code itself is never stored; the wrapped key is useless without it.

use std::fmt;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::key::DbKey;

const FORMAT: &str = "waymark-recovery";
/// Crockford's base 32: no I, L, O or U, so the code reads aloud and types cleanly.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 32 symbols of 5 bits: 160 random bits, shown as eight groups of four.
const CODE_LEN: usize = 32;

/// Argon2id cost: 46 MiB, one pass, one lane (OWASP's first recommended setting). The
/// code already carries 160 random bits; this only slows guessing further.
const M_KIB: u32 = 47_104;
const T_COST: u32 = 1;
const P_COST: u32 = 1;

/// A recovery code. Shown once at setup and printed on the recovery kit; never stored.
pub struct RecoveryCode(Zeroizing<String>);

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

impl RecoveryCode {
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; CODE_LEN]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| Error::CredentialStore(format!("no random numbers: {e}")))?;
        // 256 is a multiple of 32, so taking the low five bits is unbiased.
        let code: String = bytes
            .iter()
            .map(|b| ALPHABET[usize::from(b & 31)] as char)
            .collect();
        Ok(Self(Zeroizing::new(code)))
    }

    /// Reads a code as people type it: any case, with or without spaces or hyphens, and
    /// with the look-alikes I, L (one) and O (zero) forgiven.
    pub fn parse(text: &str) -> Result<Self> {
        let mut code = Zeroizing::new(String::with_capacity(CODE_LEN));
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return Err(Error::RecoveryCodeInvalid);
            }
            code.push(c);
        }
        if code.len() != CODE_LEN {
            return Err(Error::RecoveryCodeInvalid);
        }
        Ok(Self(code))
    }

    /// The code in groups of four, as printed: `7K2M-…`.
    pub fn grouped(&self) -> Zeroizing<String> {
        let groups: Vec<&str> = (0..CODE_LEN / 4)
            .map(|i| &self.0[i * 4..i * 4 + 4])
            .collect();
        Zeroizing::new(groups.join("-"))
    }

    fn derive(&self, salt: &[u8], kdf: &Kdf) -> Result<Zeroizing<[u8; 32]>> {
        kdf.check_bounds()?;
        let params = Params::new(kdf.m_kib, kdf.t_cost, kdf.p_cost, Some(32))
            .map_err(|e| Error::Corrupt(format!("recovery file: {e}")))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(self.0.as_bytes(), salt, out.as_mut())
            .map_err(|e| Error::Corrupt(format!("recovery file: {e}")))?;
        Ok(out)
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Kdf {
    algorithm: String,
    m_kib: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
}

/// The most a recovery file may ask of Argon2: a file from a backup is untrusted, and
/// one asking for gigabytes or hours must be refused, not obeyed. Far above what
/// Waymark writes (46 MiB, one pass, one lane), so a later, costlier default still fits.
const MAX_M_KIB: u32 = 1024 * 1024;
const MAX_T_COST: u32 = 16;
const MAX_P_COST: u32 = 8;
/// A recovery file is a few hundred bytes.
const MAX_FILE_BYTES: u64 = 64 * 1024;

impl Kdf {
    fn check_bounds(&self) -> Result<()> {
        let ok = (8 * self.p_cost..=MAX_M_KIB).contains(&self.m_kib)
            && (1..=MAX_T_COST).contains(&self.t_cost)
            && (1..=MAX_P_COST).contains(&self.p_cost)
            && (16..=128).contains(&self.salt.len());
        if ok {
            Ok(())
        } else {
            Err(Error::Corrupt(
                "the recovery file asks for key-derivation settings out of range".into(),
            ))
        }
    }
}

/// The wrapped key as kept beside the database (`waymark.recovery`) and in backups.
#[derive(Debug, Serialize, Deserialize)]
pub struct WrappedKey {
    format: String,
    version: u32,
    kdf: Kdf,
    nonce: String,
    ciphertext: String,
    /// The key's fingerprint, as in the key-check file: says which database it opens.
    pub fingerprint: String,
}

fn aad(fingerprint: &str) -> Vec<u8> {
    format!("{FORMAT} v1 {fingerprint}").into_bytes()
}

impl WrappedKey {
    /// Wraps `key` under `code`.
    pub fn wrap(key: &DbKey, code: &RecoveryCode) -> Result<Self> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut salt)
            .and_then(|()| getrandom::fill(&mut nonce))
            .map_err(|e| Error::CredentialStore(format!("no random numbers: {e}")))?;
        let kdf = Kdf {
            algorithm: "argon2id".into(),
            m_kib: M_KIB,
            t_cost: T_COST,
            p_cost: P_COST,
            salt: hex::encode(salt),
        };
        let wrapping = code.derive(&salt, &kdf)?;
        let cipher = XChaCha20Poly1305::new_from_slice(wrapping.as_slice())
            .map_err(|e| Error::Corrupt(e.to_string()))?;
        let fingerprint = key.fingerprint();
        let ciphertext = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: key.expose().as_slice(),
                    aad: &aad(&fingerprint),
                },
            )
            .map_err(|_| Error::Corrupt("the key could not be wrapped".into()))?;
        Ok(Self {
            format: FORMAT.into(),
            version: 1,
            kdf,
            nonce: hex::encode(nonce),
            ciphertext: hex::encode(ciphertext),
            fingerprint,
        })
    }

    /// Unwraps the key; a wrong code is told apart from a damaged file.
    pub fn unwrap_key(&self, code: &RecoveryCode) -> Result<DbKey> {
        let bad = |what: &str| Error::Corrupt(format!("the recovery file's {what} is damaged"));
        if self.format != FORMAT || self.version != 1 || self.kdf.algorithm != "argon2id" {
            return Err(bad("header"));
        }
        let salt = hex::decode(&self.kdf.salt).map_err(|_| bad("salt"))?;
        let nonce: [u8; 24] = hex::decode(&self.nonce)
            .ok()
            .and_then(|n| n.try_into().ok())
            .ok_or_else(|| bad("nonce"))?;
        let ciphertext = hex::decode(&self.ciphertext).map_err(|_| bad("ciphertext"))?;
        let wrapping = code.derive(&salt, &self.kdf)?;
        let cipher = XChaCha20Poly1305::new_from_slice(wrapping.as_slice())
            .map_err(|e| Error::Corrupt(e.to_string()))?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    &XNonce::from(nonce),
                    Payload {
                        msg: &ciphertext,
                        aad: &aad(&self.fingerprint),
                    },
                )
                .map_err(|_| Error::RecoveryCodeWrong)?,
        );
        let key = DbKey::from_bytes(&plain).ok_or_else(|| bad("key"))?;
        if key.fingerprint() != self.fingerprint {
            return Err(bad("fingerprint"));
        }
        Ok(key)
    }

    pub fn read(path: &Path) -> Result<Self> {
        let bytes =
            waymark_private_fs::read_capped(path, MAX_FILE_BYTES).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::RecoveryFileMissing,
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => {
                    Error::Corrupt(format!("the recovery file cannot be read: {e}"))
                }
                _ => Error::Io(e),
            })?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Corrupt(format!("the recovery file cannot be read: {e}")))
    }

    /// Writes the file atomically (temporary file, then rename).
    pub fn write(&self, path: &Path) -> Result<()> {
        crate::write_json_atomically(path, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn codes_carry_160_bits_in_eight_groups() {
        let code = RecoveryCode::generate().unwrap();
        let shown = code.grouped();
        assert_eq!(shown.len(), 32 + 7);
        assert_eq!(shown.split('-').count(), 8);
        assert_ne!(*shown, *RecoveryCode::generate().unwrap().grouped());
        assert_eq!(format!("{code:?}"), "RecoveryCode(<redacted>)");
    }

    #[test]
    fn codes_parse_as_people_type_them() {
        let code = RecoveryCode::generate().unwrap();
        let typed = code.grouped().to_lowercase().replace('-', " ");
        assert_eq!(*RecoveryCode::parse(&typed).unwrap().0, *code.0);
        assert_eq!(
            *RecoveryCode::parse("OOOO IIII LLLL 0000 1111 2222 3333 4444")
                .unwrap()
                .0,
            "00001111111100001111222233334444"
        );
        for bad in [
            "",
            "too short",
            "UUUU-0000-0000-0000-0000-0000-0000-0000",
            "0000-0000-0000-0000-0000-0000-0000-0000-0",
        ] {
            assert!(
                matches!(RecoveryCode::parse(bad), Err(Error::RecoveryCodeInvalid)),
                "{bad}"
            );
        }
    }

    #[test]
    fn wrap_and_unwrap_round_trip_and_wrong_codes_fail() {
        let key = DbKey::generate().unwrap();
        let code = RecoveryCode::generate().unwrap();
        let wrapped = WrappedKey::wrap(&key, &code).unwrap();
        assert_eq!(wrapped.unwrap_key(&code).unwrap().expose(), key.expose());
        let other = RecoveryCode::generate().unwrap();
        assert!(matches!(
            wrapped.unwrap_key(&other),
            Err(Error::RecoveryCodeWrong)
        ));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("waymark.recovery");
        wrapped.write(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(&hex::encode(key.expose())),
            "the key is never stored in clear"
        );
        let back = WrappedKey::read(&path).unwrap();
        assert_eq!(back.unwrap_key(&code).unwrap().expose(), key.expose());

        // A crafted file asking Argon2 for 4 TiB or a million passes is refused at once.
        for (m, t, p) in [
            (u32::MAX, 1, 1),
            (M_KIB, u32::MAX, 1),
            (M_KIB, 1, 1000),
            (1, 1, 1),
        ] {
            let mut crafted = WrappedKey::read(&path).unwrap();
            (crafted.kdf.m_kib, crafted.kdf.t_cost, crafted.kdf.p_cost) = (m, t, p);
            let e = crafted.unwrap_key(&code).unwrap_err();
            assert!(e.to_string().contains("out of range"), "{e}");
        }
        // A recovery file too large to be one is refused without being read whole.
        let huge = dir.path().join("huge.recovery");
        fs::write(&huge, vec![b' '; 128 * 1024]).unwrap();
        assert_eq!(
            WrappedKey::read(&huge).unwrap_err().code(),
            "database_damaged"
        );

        // A flipped byte of ciphertext is refused, never read as a key.
        let mut tampered = WrappedKey::read(&path).unwrap();
        let mut ct = hex::decode(&tampered.ciphertext).unwrap();
        ct[0] ^= 1;
        tampered.ciphertext = hex::encode(ct);
        assert!(tampered.unwrap_key(&code).is_err());
    }
}
