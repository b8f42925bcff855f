//! The practice row, the settings table and the first-run setup.

use rusqlite::{params, Connection, OptionalExtension};
use waymark_domain::{Country, PracticeFields, PracticeInput, Role, StaffInput};

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::recovery::RecoveryCode;
use crate::staff::Staff;

/// name, address, phone, email, country, logo
type PracticeRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<Vec<u8>>,
);

/// Idle minutes before the app locks itself, unless an admin chose otherwise.
pub const DEFAULT_IDLE_MINUTES: u32 = 5;
const IDLE_KEY: &str = "idle_minutes";
const INTEGRITY_KEY: &str = "integrity_warning";

impl Database {
    /// The practice's details, once set up.
    pub fn practice(&self) -> Result<Option<PracticeFields>> {
        read(&self.conn)
    }

    /// First-run setup, in one transaction: the practice, its first admin, and the
    /// recovery code (returned to be shown once and printed). Refused once any active
    /// admin exists, so it can never take over a caseload that is in use.
    pub fn complete_setup(
        &mut self,
        practice: &PracticeInput,
        admin: &StaffInput,
        passphrase: &str,
    ) -> Result<(Staff, RecoveryCode)> {
        // Any account at all, active or not, means setup has run: it never runs twice.
        if self.staff().any()? {
            return Err(Error::AlreadySetUp);
        }
        // Every field's problem at once, the passphrase's too: one round of corrections.
        let checked = (
            practice.validate(),
            admin.validate(),
            waymark_domain::staff::check_passphrase(passphrase),
        );
        let p = match checked {
            (Ok(p), Ok(_), Ok(())) => p,
            (p, a, pass) => {
                let mut all = p.err().unwrap_or_default();
                all.0.extend(a.err().unwrap_or_default().0);
                all.0.extend(pass.err().unwrap_or_default().0);
                return Err(all.into());
            }
        };
        // One transaction: the practice, then the admin (which marks setup as done), then
        // the recovery file, written only once both rows are in, so a failed setup
        // leaves any earlier recovery file exactly as it was. Were the commit itself to
        // fail after that, the new file wraps the same key as the old one.
        let tx = self.conn.unchecked_transaction()?;
        let ts = crate::now();
        tx.execute(
            "INSERT INTO practice (id, name, address, phone, email, country, logo_png, created_at,
                updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
             ON CONFLICT (id) DO UPDATE SET name = ?1, address = ?2, phone = ?3, email = ?4,
                country = ?5, logo_png = ?6, updated_at = ?7",
            params![
                p.name,
                p.address,
                p.phone,
                p.email,
                p.country.as_str(),
                p.logo_png,
                ts
            ],
        )?;
        audit::record(&tx, None, AuditAction::Admin, "practice", Some(1), None)?;
        let admin = StaffInput {
            role: Role::Admin,
            ..admin.clone()
        };
        let staff = crate::staff::insert(&tx, None, &admin, passphrase)?;
        let code = self.issue_recovery_code()?;
        tx.commit()?;
        self.set_actor(Some(staff.id));
        Ok((staff, code))
    }

    /// What an admin must be told about the caseload's integrity (an older copy put
    /// back), until an admin dismisses it.
    pub fn integrity_warning(&self) -> Result<Option<String>> {
        self.setting(INTEGRITY_KEY)
    }

    /// Keeps (or with `None`, clears) the integrity warning; clearing is an admin
    /// action, audited.
    pub fn set_integrity_warning(&self, warning: Option<&str>) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        put_setting(&tx, INTEGRITY_KEY, warning)?;
        if warning.is_none() {
            audit::record(
                &tx,
                self.actor,
                AuditAction::Admin,
                "integrity_warning",
                None,
                None,
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Minutes of inactivity before the app locks.
    pub fn idle_minutes(&self) -> Result<u32> {
        Ok(self
            .setting(IDLE_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_IDLE_MINUTES))
    }

    /// Sets the idle time (1 to 60 minutes); an admin action, audited.
    pub fn set_idle_minutes(&self, minutes: u32) -> Result<()> {
        if !(1..=60).contains(&minutes) {
            let mut e = waymark_domain::ValidationErrors::default();
            e.push("idleMinutes", "Choose between 1 and 60 minutes.");
            return Err(e.into());
        }
        let tx = self.conn.unchecked_transaction()?;
        put_setting(&tx, IDLE_KEY, Some(&minutes.to_string()))?;
        audit::record(&tx, self.actor, AuditAction::Admin, "settings", None, None)?;
        tx.commit()?;
        Ok(())
    }

    /// One row of the settings table.
    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>> {
        setting(&self.conn, key)
    }
}

/// One row of the settings table, on any connection (inside a transaction too).
pub(crate) fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Sets (or with `None`, removes) one row of the settings table.
pub(crate) fn put_setting(
    conn: &rusqlite::Connection,
    key: &str,
    value: Option<&str>,
) -> Result<()> {
    match value {
        Some(v) => conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, v],
        )?,
        None => conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
    };
    Ok(())
}

/// The practice's details, once set up.
pub(crate) fn read(conn: &Connection) -> Result<Option<PracticeFields>> {
    let row: Option<PracticeRow> = conn
        .query_row(
            "SELECT name, address, phone, email, country, logo_png FROM practice WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    row.map(|(name, address, phone, email, country, logo_png)| {
        Ok(PracticeFields {
            name,
            address,
            phone,
            email,
            country: country.parse::<Country>()?,
            logo_png,
        })
    })
    .transpose()
}
