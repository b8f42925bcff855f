//! Schema migrations: ordered `.sql` files embedded in the binary, each applied in its
//! own transaction with its version recorded in `schema_migrations`.

use rusqlite::Connection;

use crate::error::{Error, Result};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "casework",
        sql: include_str!("../migrations/0002_casework.sql"),
    },
];

/// The newest schema this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

pub(crate) fn current_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}

pub(crate) fn apply(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     INTEGER PRIMARY KEY,
             name        TEXT NOT NULL,
             applied_at  TEXT NOT NULL
         );",
    )?;
    let current = current_version(conn)?;
    if current > latest_version() {
        return Err(Error::DatabaseTooNew {
            found: current,
            supported: latest_version(),
        });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![m.version, m.name, crate::now()],
        )?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_strictly_increase_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
        }
    }

    #[test]
    fn applies_from_empty_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), latest_version());
        apply(&mut conn).unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for t in [
            "audit_log",
            "contacts",
            "goal_steps",
            "goals",
            "organizations",
            "outcome_measures",
            "patients",
            "practice",
            "prescription_items",
            "prescriptions",
            "referral_reasons",
            "referrals",
            "services",
            "settings",
            "staff",
        ] {
            assert!(tables.iter().any(|x| x == t), "missing table {t}");
        }
        // Schema 2 replaced the HSDS sub-tables with columns on services.
        for gone in [
            "cost_options",
            "locations",
            "schedules",
            "service_locations",
        ] {
            assert!(!tables.iter().any(|x| x == gone), "{gone} is still there");
        }
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?1, 'future', 'x')",
            [latest_version() + 1],
        )
        .unwrap();
        assert!(matches!(
            apply(&mut conn),
            Err(Error::DatabaseTooNew { .. })
        ));
    }
}
