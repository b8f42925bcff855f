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

#[cfg(test)]
thread_local! {
    /// How many passphrase checks this thread has made (tests count the work done).
    static CHECKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn matches(passphrase: &str, stored: &str) -> bool {
    #[cfg(test)]
    CHECKS.with(|c| c.set(c.get() + 1));
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

    /// Checks a sign-in at time `now`. After [`FREE_ATTEMPTS`] failures in a row an
    /// account is locked for 1, 2, 4 … up to [`MAX_LOCK_MINUTES`] minutes, and while it
    /// is locked no passphrase is even checked. Every attempt is audited.
    ///
    /// An unknown username and a disabled account answer exactly as a wrong passphrase
    /// does: the same work (a full hash check), the same message, and the same lock
    /// after repeated tries (kept in memory for names that are not accounts, so a name
    /// typed by mistake, perhaps a passphrase, is never stored). Failures from this
    /// keyboard are also slowed overall ([`KEYBOARD_FREE_ATTEMPTS`]), whichever accounts
    /// they name, so guessing across many accounts is slowed too, while no single
    /// person can lock every admin out: an admin can always sign in with the recovery
    /// code ([`Self::sign_in_with_recovery_code`]).
    pub fn sign_in(&self, username: &str, passphrase: &str, now: DateTime<Utc>) -> Result<Staff> {
        let passphrase = Zeroizing::new(passphrase.to_owned());
        let username = username.trim().to_lowercase();
        if let Some(seconds) = self.db.sign_in_guard().wait_needed(now) {
            audit::record(
                &self.db.conn,
                None,
                AuditAction::SignInFailed,
                ENTITY,
                None,
                None,
            )?;
            return Err(Error::SignInSlowed { seconds });
        }
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
            let outcome = self.db.sign_in_guard().fail_unknown(&username, now);
            audit::record(&tx, None, AuditAction::SignInFailed, ENTITY, None, None)?;
            tx.commit()?;
            return Err(outcome);
        };
        if let Some(until) = locked_until
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        {
            if until > now {
                // The same work as a check, so a locked account is not told apart by time.
                let _ = matches(&passphrase, dummy_hash());
                audit::record(&tx, None, AuditAction::SignInFailed, ENTITY, Some(id), None)?;
                tx.commit()?;
                self.db.sign_in_guard().failed(now);
                return Err(locked_for(until.with_timezone(&Utc), now));
            }
        }
        // Hashed whether or not the account is active: a disabled account must not
        // answer faster than a wrong passphrase.
        let right = matches(&passphrase, &stored);
        if !active || !right {
            let failures = failures + 1;
            let lock = lock_after(failures, now);
            tx.execute(
                "UPDATE staff SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1",
                params![
                    id,
                    failures,
                    lock.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                ],
            )?;
            audit::record(&tx, None, AuditAction::SignInFailed, ENTITY, Some(id), None)?;
            tx.commit()?;
            self.db.sign_in_guard().failed(now);
            return Err(Error::SignInFailed);
        }
        tx.execute(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
            [id],
        )?;
        audit::record(&tx, Some(id), AuditAction::SignIn, ENTITY, Some(id), None)?;
        let staff = read(&tx, id)?;
        tx.commit()?;
        self.db.sign_in_guard().succeeded();
        Ok(staff)
    }

    /// Signs an admin in with the practice's recovery code instead of a passphrase: the
    /// way back in when every admin account is locked or its passphrase forgotten. It
    /// clears the account's lock and the keyboard's slow-down, and is audited. Only an
    /// active admin account can be opened this way; any other name answers as a wrong
    /// passphrase does.
    pub fn sign_in_with_recovery_code(
        &self,
        username: &str,
        code: &crate::recovery::RecoveryCode,
    ) -> Result<Staff> {
        self.db.check_recovery_code(code)?;
        let username = username.trim().to_lowercase();
        let tx = self.db.conn.unchecked_transaction()?;
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM staff WHERE username = ?1 AND role = 'admin' AND active = 1",
                [&username],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else {
            audit::record(&tx, None, AuditAction::SignInFailed, ENTITY, None, None)?;
            tx.commit()?;
            return Err(Error::SignInFailed);
        };
        tx.execute(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
            [id],
        )?;
        audit::record(
            &tx,
            Some(id),
            AuditAction::Admin,
            "recovery_code_sign_in",
            Some(id),
            None,
        )?;
        audit::record(&tx, Some(id), AuditAction::SignIn, ENTITY, Some(id), None)?;
        let staff = read(&tx, id)?;
        tx.commit()?;
        self.db.sign_in_guard().succeeded();
        Ok(staff)
    }
}

/// Failures from this keyboard, whatever accounts they name, before each further
/// attempt must wait (2, 4, 8 … up to [`KEYBOARD_MAX_WAIT_SECONDS`] seconds).
pub const KEYBOARD_FREE_ATTEMPTS: i64 = 10;
pub const KEYBOARD_MAX_WAIT_SECONDS: i64 = 60;

/// When a lock after `failures` failures in a row ends, if there is one.
fn lock_after(failures: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (failures >= FREE_ATTEMPTS).then(|| {
        let minutes = 1i64 << (failures - FREE_ATTEMPTS).min(6);
        now + Duration::minutes(minutes.min(MAX_LOCK_MINUTES))
    })
}

fn locked_for(until: DateTime<Utc>, now: DateTime<Utc>) -> Error {
    // Whole minutes, rounded up, so a lock never reads as 0 minutes.
    let minutes = ((until - now).num_seconds() + 59) / 60;
    Error::SignInLocked { minutes }
}

/// What the app remembers between sign-in attempts, in memory only: failures against
/// names that are not accounts, and the keyboard's run of failures.
#[derive(Debug, Default)]
pub(crate) struct SignInGuard {
    unknown: std::collections::HashMap<String, (i64, Option<DateTime<Utc>>)>,
    streak: i64,
    last_failure: Option<DateTime<Utc>>,
}

impl SignInGuard {
    /// Seconds to wait before the keyboard may try again, if any.
    fn wait_needed(&self, now: DateTime<Utc>) -> Option<i64> {
        let over = self.streak - KEYBOARD_FREE_ATTEMPTS;
        let last = self.last_failure?;
        if over < 0 {
            return None;
        }
        let wait = (2i64 << over.min(10)).min(KEYBOARD_MAX_WAIT_SECONDS);
        let left = (last + Duration::seconds(wait) - now).num_seconds();
        (left > 0).then_some(left)
    }

    fn failed(&mut self, now: DateTime<Utc>) {
        self.streak += 1;
        self.last_failure = Some(now);
    }

    fn succeeded(&mut self) {
        self.streak = 0;
        self.last_failure = None;
    }

    /// A failure against a name that is not an account: counted and locked like one.
    fn fail_unknown(&mut self, username: &str, now: DateTime<Utc>) -> Error {
        self.failed(now);
        // Bounded: a flood of made-up names cannot grow it without end.
        if self.unknown.len() >= 1000 && !self.unknown.contains_key(username) {
            self.unknown.clear();
        }
        let entry = self.unknown.entry(username.to_owned()).or_default();
        if let Some(until) = entry.1.filter(|u| *u > now) {
            return locked_for(until, now);
        }
        entry.0 += 1;
        entry.1 = lock_after(entry.0, now);
        Error::SignInFailed
    }
}

/// Adds an account inside the caller's transaction, audited by `actor`.
pub(crate) fn insert(
    tx: &Connection,
    actor: Option<i64>,
    input: &StaffInput,
    passphrase: &str,
) -> Result<Staff> {
    // Every field's problem at once, the passphrase's too: one round of corrections.
    let f = match (input.validate(), check_passphrase(passphrase)) {
        (Ok(f), Ok(())) => f,
        (f, pass) => {
            let mut all = f.err().unwrap_or_default();
            all.0.extend(pass.err().unwrap_or_default().0);
            return Err(all.into());
        }
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn account(db: &Database, username: &str, role: Role) -> Staff {
        db.staff()
            .create(
                &StaffInput {
                    display_name: username.to_uppercase(),
                    username: username.into(),
                    role,
                },
                "kettle violet harbour",
            )
            .unwrap()
    }

    fn checks() -> usize {
        CHECKS.with(std::cell::Cell::get)
    }

    #[test]
    fn unknown_disabled_and_wrong_answer_alike_with_the_same_work() {
        let dir = tempfile::tempdir().unwrap();
        let vault = crate::key::CredentialVault::new(keyring_core::mock::Store::new().unwrap());
        let db = Database::open(dir.path(), &vault).unwrap();
        account(&db, "amara", Role::Admin);
        let ben = account(&db, "ben", Role::LinkWorker);
        db.staff().set_active(ben.id, false).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let mut answers = Vec::new();
        for (name, pass) in [
            ("amara", "wrong passphrase!"),
            ("nobody", "kettle violet harbour"),
            ("ben", "kettle violet harbour"),
        ] {
            let before = checks();
            let e = db.staff().sign_in(name, pass, now).unwrap_err();
            assert_eq!(checks() - before, 1, "{name}: one full passphrase check");
            answers.push((e.code(), e.to_string()));
        }
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    }

    #[test]
    fn an_unknown_name_is_locked_out_like_an_account() {
        let dir = tempfile::tempdir().unwrap();
        let vault = crate::key::CredentialVault::new(keyring_core::mock::Store::new().unwrap());
        let db = Database::open(dir.path(), &vault).unwrap();
        account(&db, "amara", Role::Admin);
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let mut seen = Vec::new();
        for name in ["amara", "nobody"] {
            for i in 0..=FREE_ATTEMPTS {
                let at = now + Duration::seconds(i);
                seen.push((
                    name,
                    db.staff()
                        .sign_in(name, "wrong passphrase!", at)
                        .unwrap_err()
                        .to_string(),
                ));
                db.sign_in_guard().succeeded(); // keep the keyboard slow-down out of this test
            }
        }
        let (real, made_up): (Vec<_>, Vec<_>) = seen.into_iter().partition(|(n, _)| *n == "amara");
        let texts = |v: Vec<(&str, String)>| v.into_iter().map(|(_, t)| t).collect::<Vec<_>>();
        assert_eq!(texts(real), texts(made_up));
    }

    #[test]
    fn repeated_failures_slow_the_keyboard_but_an_admin_can_use_the_recovery_code() {
        let dir = tempfile::tempdir().unwrap();
        let vault = crate::key::CredentialVault::new(keyring_core::mock::Store::new().unwrap());
        let db = Database::open(dir.path(), &vault).unwrap();
        let code = db.issue_recovery_code().unwrap();
        let names = ["amara", "ben", "chidi"];
        for n in names {
            account(&db, n, Role::Admin);
        }
        account(&db, "dana", Role::LinkWorker);
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        // Someone at reception locks an admin out …
        for _ in 0..FREE_ATTEMPTS {
            db.staff().sign_in("amara", "guess", now).unwrap_err();
        }
        assert!(matches!(
            db.staff().sign_in("amara", "kettle violet harbour", now),
            Err(Error::SignInLocked { .. })
        ));
        // … and goes on across the other accounts: the keyboard is slowed, for every
        // account, even with the right passphrase.
        for i in 0..KEYBOARD_FREE_ATTEMPTS {
            let name = names[1 + (i as usize) % 2];
            db.staff().sign_in(name, "guess", now).unwrap_err();
        }
        let e = db
            .staff()
            .sign_in("dana", "kettle violet harbour", now + Duration::seconds(1))
            .unwrap_err();
        assert!(matches!(e, Error::SignInSlowed { .. }), "{e}");
        assert!(db
            .staff()
            .sign_in(
                "dana",
                "kettle violet harbour",
                now + Duration::seconds(120)
            )
            .is_ok());
        let wrong = crate::recovery::RecoveryCode::generate().unwrap();
        assert!(db
            .staff()
            .sign_in_with_recovery_code("amara", &wrong)
            .is_err());
        assert_eq!(
            db.staff()
                .sign_in_with_recovery_code("dana", &code)
                .unwrap_err()
                .code(),
            "sign_in_failed",
            "not an admin"
        );
        let amara = db
            .staff()
            .sign_in_with_recovery_code("AMARA", &code)
            .unwrap();
        assert_eq!(amara.username, "amara");
        // Her lock is cleared: her passphrase works again, within the lock's minute.
        assert!(db
            .staff()
            .sign_in("amara", "kettle violet harbour", now + Duration::seconds(5))
            .is_ok());
    }
}
