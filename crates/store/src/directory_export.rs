//! The directory written out for others: every service, imported or made here, as Open
//! Referral HSDS 3.0 (the shapes are `waymark_domain::hsds::export`'s), saved as a
//! JSON page or a zipped tabular data package where the practice chose.
//!
//! HSDS 3 identifies services and organisations by UUID. One that came from a feed
//! with a UUID keeps it. One made here, or whose feed used ids such as "136", gets a
//! UUID derived from its row id and this caseload's export namespace: a random value
//! made on the first export and kept in the settings table. So the ids stay the same
//! from one export to the next (another practice re-importing an update finds its
//! services again), two caseloads never export the same id for different services, and
//! the services themselves are never rewritten to make an export.
//!
//! Files are written whole or not at all: to a temporary file beside the destination,
//! synced, then renamed into place. The plain writers never replace a file that is
//! there; the `_replacing` ones do, for a destination the practice has confirmed.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Timelike};
use rusqlite::{Connection, OptionalExtension};
use waymark_domain::hsds::export::{is_uuid, stable_id, ExportService};

use crate::audit::{self, AuditAction};
use crate::directory::{self, Directory};
use crate::error::{Error, Result};

/// The settings key of the caseload's export namespace.
const NAMESPACE_KEY: &str = "directory_export_namespace";

impl Directory<'_> {
    /// Every service in the directory, retired and no longer listed ones too, by name,
    /// ready for [`waymark_domain::hsds::export::page`] or `tables`. Audited as an
    /// export of the directory.
    pub fn export(&self, today: NaiveDate) -> Result<Vec<ExportService>> {
        let tx = self.db.conn.unchecked_transaction()?;
        let namespace = namespace(&tx)?;
        let rows: Vec<(i64, Option<i64>, Option<String>)> = {
            let mut stmt = tx.prepare(
                "SELECT s.id, s.organization_id, o.hsds_id
                 FROM services s LEFT JOIN organizations o ON o.id = s.organization_id
                 ORDER BY s.name COLLATE NOCASE, s.id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(rows.len());
        for (id, org, org_hsds_id) in rows {
            let s = directory::read(&tx, id, today)?;
            let derived = |kind: &str, row: i64| stable_id(&[&namespace, kind, &row.to_string()]);
            out.push(ExportService {
                hsds_id: s
                    .hsds_id
                    .filter(|h| is_uuid(h))
                    .unwrap_or_else(|| derived("service", id)),
                organization_hsds_id: org.map(|o| {
                    org_hsds_id
                        .clone()
                        .filter(|h| is_uuid(h))
                        .unwrap_or_else(|| derived("organization", o))
                }),
                status: s.status,
                fields: s.fields,
            });
        }
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Export,
            "directory",
            None,
            None,
        )?;
        tx.commit()?;
        Ok(out)
    }
}

/// The caseload's export namespace, made on first use.
fn namespace(conn: &Connection) -> Result<String> {
    let found: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [NAMESPACE_KEY],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(n) = found {
        return Ok(n);
    }
    let n = hex::encode(random_bytes::<16>()?);
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)",
        [NAMESPACE_KEY, n.as_str()],
    )?;
    Ok(n)
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::Io(io::Error::other(e.to_string())))?;
    Ok(bytes)
}

/// Writes `value` as JSON to `path`, a file that must not exist yet (an `AlreadyExists`
/// error otherwise, and nothing is written).
pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<()> {
    write_file(path, false, |file| json_into(file, value))
}

/// Writes `value` as JSON to `path`, replacing what is there.
pub fn write_json_replacing(path: &Path, value: &serde_json::Value) -> Result<()> {
    write_file(path, true, |file| json_into(file, value))
}

/// Writes a data package to `path` as a zip: `datapackage.json` and each table, at its
/// top level as HSDS's own examples lay them out. `path` must not exist yet (an
/// `AlreadyExists` error otherwise, and nothing is written).
pub fn write_package_zip(
    path: &Path,
    tables: &[(String, String)],
    datapackage: &serde_json::Value,
) -> Result<()> {
    write_file(path, false, |file| zip_into(file, tables, datapackage))
}

/// Writes a data package to `path` as a zip, replacing what is there.
pub fn write_package_zip_replacing(
    path: &Path,
    tables: &[(String, String)],
    datapackage: &serde_json::Value,
) -> Result<()> {
    write_file(path, true, |file| zip_into(file, tables, datapackage))
}

fn json_into(file: File, value: &serde_json::Value) -> io::Result<File> {
    let mut w = BufWriter::new(file);
    serde_json::to_writer_pretty(&mut w, value)?;
    w.write_all(b"\n")?;
    w.into_inner().map_err(io::IntoInnerError::into_error)
}

fn zip_into(
    file: File,
    tables: &[(String, String)],
    datapackage: &serde_json::Value,
) -> io::Result<File> {
    let zip_err = |e: zip::result::ZipError| io::Error::other(e.to_string());
    let now = chrono::Local::now().naive_local();
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(now.year()).unwrap_or(1980),
        u8::try_from(now.month()).unwrap_or(1),
        u8::try_from(now.day()).unwrap_or(1),
        u8::try_from(now.hour()).unwrap_or(0),
        u8::try_from(now.minute()).unwrap_or(0),
        u8::try_from(now.second()).unwrap_or(0),
    )
    .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp);
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    zip.start_file("datapackage.json", options)
        .map_err(zip_err)?;
    serde_json::to_writer_pretty(&mut zip, datapackage)?;
    zip.write_all(b"\n")?;
    for (name, text) in tables {
        zip.start_file(name.as_str(), options).map_err(zip_err)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.finish()
        .map_err(zip_err)?
        .into_inner()
        .map_err(io::IntoInnerError::into_error)
}

/// Writes a file through a temporary one beside it, synced and then renamed into place;
/// on any failure the temporary file is removed and `path` is as it was.
fn write_file(
    path: &Path,
    replace: bool,
    fill: impl FnOnce(File) -> io::Result<File>,
) -> Result<()> {
    let exists = || {
        Error::Io(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} already exists; nothing was written. Choose another name, or replace it.",
                path.display()
            ),
        ))
    };
    if !replace && path.try_exists()? {
        return Err(exists());
    }
    let tmp = temp_beside(path)?;
    // A name of our own that nothing else uses: created new, never opened over a file.
    // The export holds no patient data, so it gets the folder's usual rights.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    let result = (|| {
        let file = fill(file)?;
        file.sync_all()?;
        drop(file);
        if replace {
            waymark_private_fs::rename_durable(&tmp, path)
        } else {
            waymark_private_fs::rename_new(&tmp, path)
        }
    })();
    match result {
        Ok(()) => Ok(()),
        Err(e) => {
            // Our own unfinished file, never the practice's.
            let _ = std::fs::remove_file(&tmp);
            if e.kind() == io::ErrorKind::AlreadyExists {
                Err(exists())
            } else {
                Err(e.into())
            }
        }
    }
}

/// A hidden temporary name in the destination's folder, so the final rename stays on
/// one file system and is atomic.
fn temp_beside(path: &Path) -> Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| {
        Error::Io(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file name", path.display()),
        ))
    })?;
    let mut tmp = std::ffi::OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".{}.partial", hex::encode(random_bytes::<6>()?)));
    Ok(path.with_file_name(tmp))
}

/// The two forms a directory is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// An HSDS 3.0 page, as JSON.
    Json,
    /// An HSDS 3.0 tabular data package: CSV tables and `datapackage.json`, zipped.
    Package,
}

impl Directory<'_> {
    /// Exports the whole directory to `path` in `format` (replacing a file there only
    /// when `replace`); returns how many services were written.
    pub fn export_to(
        &self,
        path: &Path,
        format: ExportFormat,
        replace: bool,
        today: NaiveDate,
    ) -> Result<usize> {
        use waymark_domain::hsds::export;
        let services = self.export(today)?;
        match format {
            ExportFormat::Json => {
                let page = export::page(&services);
                if replace {
                    write_json_replacing(path, &page)?;
                } else {
                    write_json(path, &page)?;
                }
            }
            ExportFormat::Package => {
                let tables = export::tables(&services);
                let descriptor = export::datapackage(&tables);
                if replace {
                    write_package_zip_replacing(path, &tables, &descriptor)?;
                } else {
                    write_package_zip(path, &tables, &descriptor)?;
                }
            }
        }
        Ok(services.len())
    }
}
