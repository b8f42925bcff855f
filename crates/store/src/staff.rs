//! Staff accounts and signing in. Passphrases are kept only as Argon2id hashes; failed
//! sign-ins are counted, slowed down and audited.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use waymark_domain::staff::check_passphrase;
use waymark_domain::{Role, StaffInput};
use zeroize::Zeroizing;

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};

const ENTITY: &str = "staff";
/// Failed sign-ins allowed before the account is locked for a while.
pub const FREE_ATTEMPTS: i64 = 5;
/// The longest a lock lasts, in minutes.
pub const MAX_LOCK_MINUTES: i64 = 60;

/// A staff account (never its passphrase hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: i64,
    pub display_name: String,
    pub username: String,
    pub role: Role,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// Argon2id at OWASP's minimum for password storage: 19 MiB, two passes, one lane.
fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(19_456, 2, 1, None).map_err(|e| Error::Corrupt(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash(passphrase: &str) -> Result<String> {
    Ok(hasher()?
        .hash_password(passphrase.as_bytes())
        .map_err(|e| Error::Corrupt(format!("hashing failed: {e}")))?
        .to_string())
}

fn matches(passphrase: &str, stored: &str) -> bool {
    PasswordHash::new(stored).ok().is_some_and(|h| {
        Argon2::default()
            .verify_password(passphrase.as_bytes(), &h)
            .is_ok()
    })
}

/// Handle for the staff table.
#[derive(Debug)]
pub struct StaffRepo<'a> {
    db: &'a Database,
}

impl Database {
    pub fn staff(&self) -> StaffRepo<'_> {
        StaffRepo { db: self }
    }
}

impl StaffRepo<'_> {
    /// Adds a staff account with its first passphrase.
    pub fn create(&self, input: &StaffInput, passphrase: &str) -> Result<Staff> {
        let tx = self.db.conn.unchecked_transaction()?;
        let staff = insert(&tx, self.db.actor, input, passphrase)?;
        tx.commit()?;
        Ok(staff)
    }

    /// Every account, active first, then by name.
    pub fn list(&self) -> Result<Vec<Staff>> {
        let ids: Vec<i64> = self
            .db
            .conn
            .prepare("SELECT id FROM staff ORDER BY active DESC, display_name, id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| read(&self.db.conn, id)).collect()
    }

    /// Whether any active admin exists: without one, the app needs its first-run setup.
    pub fn has_active_admin(&self) -> Result<bool> {
        Ok(self.db.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM staff WHERE role = 'admin' AND active = 1)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Enables or disables an account; disabled accounts cannot sign in. The last active
    /// admin cannot be disabled: without one the app would offer its first-run setup to
    /// whoever is at the keyboard.
    pub fn set_active(&self, id: i64, active: bool) -> Result<Staff> {
        if !active && self.is_last_active_admin(id)? {
            return Err(Error::LastAdmin);
        }
        self.admin_update(
            id,
            "UPDATE staff SET active = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, active, crate::now()],
        )
    }

    /// Sets a new passphrase (an admin's reset) and clears any sign-in lock.
    pub fn reset_passphrase(&self, id: i64, passphrase: &str) -> Result<Staff> {
        check_passphrase(passphrase)?;
        let hashed = hash(passphrase)?;
        self.admin_update(
            id,
            "UPDATE staff SET passphrase_hash = ?2, failed_attempts = 0, locked_until = NULL,
                updated_at = ?3 WHERE id = ?1",
            params![id, hashed, crate::now()],
        )
    }

    fn is_last_active_admin(&self, id: i64) -> Result<bool> {
        Ok(self.db.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM staff WHERE id = ?1 AND role = 'admin' AND active = 1)
                AND NOT EXISTS (SELECT 1 FROM staff WHERE id <> ?1 AND role = 'admin' AND active = 1)",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Whether any account exists, active or not: once one does, setup has run.
    pub fn any(&self) -> Result<bool> {
        Ok(self
            .db
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM staff)", [], |r| r.get(0))?)
    }

    /// One admin change to account `id`, audited in the same transaction.
    fn admin_update(&self, id: i64, sql: &str, args: impl rusqlite::Params) -> Result<Staff> {
        let tx = self.db.conn.unchecked_transaction()?;
        if tx.execute(sql, args)? == 0 {
            return Err(Error::NotFound { entity: ENTITY, id });
        }
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Admin,
            ENTITY,
            Some(id),
            None,
        )?;
        let staff = read(&tx, id)?;
        tx.commit()?;
        Ok(staff)
    }

    /// Records that `id` signed out.
    pub fn record_sign_out(&self, id: i64) -> Result<()> {
        audit::record(
            &self.db.conn,
            Some(id),
            AuditAction::SignOut,
            ENTITY,
            Some(id),
            None,
        )
    }

    /// Checks a sign-in at time `now`. After [`FREE_ATTEMPTS`] failures in a row the
    /// account is locked for 1, 2, 4 … up to [`MAX_LOCK_MINUTES`] minutes, and while it
    /// is locked no passphrase is even checked. Every attempt is audited.
    pub fn sign_in(&self, username: &str, passphrase: &str, now: DateTime<Utc>) -> Result<Staff> {
        let passphrase = Zeroizing::new(passphrase.to_owned());
        let username = username.trim().to_lowercase();
        let tx = self.db.conn.unchecked_transaction()?;
        let row: Option<(i64, String, bool, i64, Option<String>)> = tx
            .query_row(
                "SELECT id, passphrase_hash, active, failed_attempts, locked_until
                 FROM staff WHERE username = ?1",
                [&username],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((id, stored, active, failures, locked_until)) = row else {
            // Same work as a real check, so timing does not reveal which usernames exist.
            let _ = matches(&passphrase, dummy_hash());
            audit::record(&tx, None, AuditAction::SignInFailed, ENTITY, None, None)?;
            tx.commit()?;
            return Err(Error::SignInFailed);
        };
        if let Some(until) = locked_until
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        {
            if until > now {
                audit::record(&tx, None, AuditAction::SignInFailed, ENTITY, Some(id), None)?;
                tx.commit()?;
                // Whole minutes, rounded up, so a lock never reads as 0 minutes.
                let minutes = ((until.with_timezone(&Utc) - now).num_seconds() + 59) / 60;
                return Err(Error::SignInLocked { minutes });
            }
        }
        if !active || !matches(&passphrase, &stored) {
            let failures = failures + 1;
            let lock = (failures >= FREE_ATTEMPTS).then(|| {
                let minutes = 1i64 << (failures - FREE_ATTEMPTS).min(6);
                (now + Duration::minutes(minutes.min(MAX_LOCK_MINUTES)))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            });
            tx.execute(
                "UPDATE staff SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1",
                params![id, failures, lock],
            )?;
            audit::record(&tx, None, AuditAction::SignInFailed, ENTITY, Some(id), None)?;
            tx.commit()?;
            return Err(Error::SignInFailed);
        }
        tx.execute(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
            [id],
        )?;
        audit::record(&tx, Some(id), AuditAction::SignIn, ENTITY, Some(id), None)?;
        let staff = read(&tx, id)?;
        tx.commit()?;
        Ok(staff)
    }
}

/// Adds an account inside the caller's transaction, audited by `actor`.
pub(crate) fn insert(
    tx: &Connection,
    actor: Option<i64>,
    input: &StaffInput,
    passphrase: &str,
) -> Result<Staff> {
    let f = input.validate()?;
    check_passphrase(passphrase)?;
    let hashed = hash(passphrase)?;
    let taken: Option<i64> = tx
        .query_row(
            "SELECT id FROM staff WHERE username = ?1",
            [&f.username],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        let mut e = waymark_domain::ValidationErrors::default();
        e.push("username", "That username is already in use.");
        return Err(e.into());
    }
    let ts = crate::now();
    tx.execute(
        "INSERT INTO staff (display_name, username, role, passphrase_hash, active, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
        params![f.display_name, f.username, f.role.as_str(), hashed, ts],
    )?;
    let id = tx.last_insert_rowid();
    audit::record(tx, actor, AuditAction::Admin, ENTITY, Some(id), None)?;
    read(tx, id)
}

/// A hash of a passphrase nobody knows, made once, for unknown usernames.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("no account has this passphrase").unwrap_or_default())
}

fn read(conn: &Connection, id: i64) -> Result<Staff> {
    let row = conn
        .query_row(
            "SELECT display_name, username, role, active, created_at, updated_at FROM staff WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?
        .ok_or(Error::NotFound { entity: ENTITY, id })?;
    let (display_name, username, role, active, created_at, updated_at) = row;
    Ok(Staff {
        id,
        display_name,
        username,
        role: role.parse()?,
        active,
        created_at,
        updated_at,
    })
}
