//! Schema migrations: ordered `.sql` files embedded in the binary, each applied in its
//! own transaction with its version recorded in `schema_migrations`.

use rusqlite::Connection;

use crate::error::{Error, Result};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
    /// Data work SQL cannot do (such as folding text), run in the same transaction.
    then: Option<fn(&Connection) -> Result<()>>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/0001_initial.sql"),
        then: None,
    },
    Migration {
        version: 2,
        name: "casework",
        sql: include_str!("../migrations/0002_casework.sql"),
        then: Some(fill_name_index),
    },
    Migration {
        version: 3,
        name: "outcomes",
        sql: include_str!("../migrations/0003_outcomes.sql"),
        then: None,
    },
    Migration {
        version: 4,
        name: "report counts",
        sql: include_str!("../migrations/0004_report_counts.sql"),
        then: None,
    },
    Migration {
        version: 5,
        name: "audit chain",
        sql: include_str!("../migrations/0005_audit_chain.sql"),
        then: Some(crate::audit::chain_existing_rows),
    },
    Migration {
        version: 6,
        name: "directory sources",
        sql: include_str!("../migrations/0006_directory_sources.sql"),
        then: None,
    },
    Migration {
        version: 7,
        name: "referral events",
        sql: include_str!("../migrations/0007_referral_events.sql"),
        then: None,
    },
    Migration {
        version: 8,
        name: "print language",
        sql: include_str!("../migrations/0008_print_language.sql"),
        then: None,
    },
    Migration {
        version: 9,
        name: "message back",
        sql: include_str!("../migrations/0009_message_back.sql"),
        then: None,
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

/// Schema 2: index the names of patients registered before it.
fn fill_name_index(conn: &Connection) -> Result<()> {
    let rows: Vec<(i64, String)> = {
        let mut stmt = conn.prepare("SELECT id, search_text FROM patients")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, text) in rows {
        crate::patients::write_name_index(conn, id, &text)?;
    }
    Ok(())
}

pub(crate) fn apply(conn: &mut Connection) -> Result<()> {
    apply_through(conn, latest_version())
}

/// Applies the migrations up to and including `version` (tests build older schemas).
pub(crate) fn apply_through(conn: &mut Connection, version: i64) -> Result<()> {
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
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > current && m.version <= version)
    {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql)?;
        if let Some(then) = m.then {
            then(&tx)?;
        }
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
            "category_map",
            "contacts",
            "directory_sources",
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
    fn upgrading_from_schema_one_indexes_names_and_keeps_casework() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                applied_at TEXT NOT NULL);
             INSERT INTO schema_migrations VALUES (1, 'initial', 'x');",
        )
        .unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.execute_batch(
            "INSERT INTO patients (id, given_name, family_name, date_of_birth, search_text,
                sort_key, created_at, updated_at)
             VALUES (7, 'Zoë', 'O''Brien', '1987-03-14', ' zoe obrien', 'obrien', 'x', 'x');
             INSERT INTO referrals (patient_id, received_date, source, status, created_at,
                updated_at) VALUES (7, '2026-11-02', 'gp', 'contacted', 'x', 'x');",
        )
        .unwrap();
        apply(&mut conn).unwrap();
        let found: Vec<i64> = conn
            .prepare("SELECT patient_id FROM patient_name_index WHERE term = 'brien'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(found, [7]);
        let status: String = conn
            .query_row(
                "SELECT episode_status FROM patients WHERE id = 7",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(status, "contacted");
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
