//! Reading a directory from disk in whatever form a practice downloaded it: a JSON
//! file (page, list, single service or tabular JSON), a data package as a `.zip`, a
//! folder of CSV tables (with or without `datapackage.json`, or its `data/` folder),
//! or one of that folder's files. Every read is capped: a file from outside is never
//! trusted to be small.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use waymark_domain::hsds::{self, ReadFeed, Tables};

/// Largest JSON file or CSV table read.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
/// Most bytes a zip may expand to in all (a zip bomb stops here).
pub const MAX_PACKAGE_BYTES: u64 = 400 * 1024 * 1024;
/// Most files a zip may hold.
const MAX_ZIP_ENTRIES: usize = 2_000;

/// Why a directory file cannot be read, as a sentence naming the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

fn err(path: &Path, why: impl std::fmt::Display) -> FileError {
    FileError(format!("{} cannot be read: {why}.", path.display()))
}

/// Reads the directory at `path`.
pub fn read_path(path: &Path, today: NaiveDate) -> Result<ReadFeed, FileError> {
    let meta = std::fs::metadata(path).map_err(|e| err(path, e))?;
    if meta.is_dir() {
        return read_folder(path, today);
    }
    let lower = path.to_string_lossy().to_ascii_lowercase();
    if lower.ends_with(".zip") {
        return read_zip(path, today);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if lower.ends_with(".csv") || name == "datapackage.json" {
        let folder = path.parent().unwrap_or(Path::new("."));
        return read_folder(folder, today);
    }
    let text = read_text(path)?;
    hsds::read_json(&text, today).map_err(|e| FileError(e.0))
}

fn read_text(path: &Path) -> Result<String, FileError> {
    let bytes = waymark_private_fs::read_capped(path, MAX_FILE_BYTES).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            err(
                path,
                "it is larger than the 100 MB accepted for one directory file",
            )
        } else {
            err(path, e)
        }
    })?;
    text_of(path, bytes)
}

/// UTF-8, or Windows-1252 (as spreadsheets save CSV) with a note-free fallback: bytes
/// that are not UTF-8 are read as Latin-1 so a stray "é" never loses a whole table.
fn text_of(path: &Path, bytes: Vec<u8>) -> Result<String, FileError> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.into_bytes();
            if bytes.contains(&0) {
                return Err(err(path, "it is not a text file"));
            }
            Ok(bytes.iter().map(|&b| char::from(b)).collect())
        }
    }
}

/// The CSV files of a package folder: its own and those in a `data/` folder below.
fn read_folder(folder: &Path, today: NaiveDate) -> Result<ReadFeed, FileError> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [folder.to_path_buf(), folder.join("data")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            let csv = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if csv && p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut tables = Tables::new();
    let mut present = Vec::new();
    for f in &files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        tables
            .add_csv(&name, &read_text(f)?)
            .map_err(|e| FileError(e.0))?;
        present.push(name);
    }
    let descriptor = folder.join("datapackage.json");
    let listed = if descriptor.is_file() {
        listed_paths(&read_text(&descriptor)?)
    } else {
        Vec::new()
    };
    finish(tables, &present, &listed, folder, today)
}

fn read_zip(path: &Path, today: NaiveDate) -> Result<ReadFeed, FileError> {
    let bytes = waymark_private_fs::read_capped(path, MAX_FILE_BYTES).map_err(|e| err(path, e))?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| err(path, format!("it is not a zip file ({e})")))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(err(
            path,
            format!("it holds more than {MAX_ZIP_ENTRIES} files"),
        ));
    }
    let mut tables = Tables::new();
    let mut present = Vec::new();
    let mut listed = Vec::new();
    let mut json_files = Vec::new();
    let mut budget = MAX_PACKAGE_BYTES;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| err(path, format!("a file in it is damaged ({e})")))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| err(path, format!("a file name in it cannot be read ({e})")))?
            .into_owned();
        let base = name.rsplit('/').next().unwrap_or(&name).to_owned();
        let lower = base.to_ascii_lowercase();
        let wanted = lower.ends_with(".csv") || lower.ends_with(".json");
        if !wanted || name.starts_with("__MACOSX/") || base.starts_with("._") {
            continue;
        }
        // Read at most what is left of the budget, plus one byte to know it ran out.
        let mut bytes = Vec::new();
        (&mut entry)
            .take(budget.min(MAX_FILE_BYTES) + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(path, format!("{name} in it is damaged ({e})")))?;
        let read = bytes.len() as u64;
        if read > budget.min(MAX_FILE_BYTES) {
            return Err(err(
                path,
                "it expands to more than Waymark reads from one package",
            ));
        }
        budget -= read;
        let text = text_of(path, bytes)?;
        if lower == "datapackage.json" {
            listed = listed_paths(&text);
        } else if lower.ends_with(".json") {
            json_files.push(text);
        } else {
            tables
                .add_csv(&base, &text)
                .map_err(|e| FileError(format!("{}: {}", path.display(), e.0)))?;
            present.push(base);
        }
    }
    if !tables.has_services() && json_files.len() == 1 {
        // A zip holding one JSON directory file.
        return hsds::read_json(&json_files[0], today).map_err(|e| FileError(e.0));
    }
    finish(tables, &present, &listed, path, today)
}

/// The file names a `datapackage.json` lists as its resources.
fn listed_paths(descriptor: &str) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(descriptor) else {
        return Vec::new();
    };
    v.get("resources")
        .and_then(serde_json::Value::as_array)
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r.get("path").and_then(serde_json::Value::as_str))
                .map(|p| p.rsplit('/').next().unwrap_or(p).to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn finish(
    mut tables: Tables,
    present: &[String],
    listed: &[String],
    place: &Path,
    today: NaiveDate,
) -> Result<ReadFeed, FileError> {
    if !tables.has_services() {
        return Err(err(
            place,
            "it holds no services table (services.csv) and is not an Open Referral JSON file",
        ));
    }
    let missing: Vec<&str> = listed
        .iter()
        .filter(|l| !present.iter().any(|p| p.eq_ignore_ascii_case(l)))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        tables.notes.push(format!(
            "datapackage.json lists {} tables that are not in the package ({}); they are read \
             as empty.",
            missing.len(),
            missing.join(", ")
        ));
    }
    tables.read(today).map_err(|e| FileError(e.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    #[test]
    fn a_file_is_capped_on_what_is_read_and_must_be_text() {
        let dir = tempfile::tempdir().unwrap();
        // A sparse file: its metadata says 120 MB, and reading stops at the cap.
        let big = dir.path().join("big.json");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_FILE_BYTES + 20 * 1024 * 1024)
            .unwrap();
        assert!(read_path(&big, today())
            .unwrap_err()
            .0
            .contains("larger than"));
        let latin1 = dir.path().join("latin1.json");
        std::fs::write(&latin1, b"[{\"id\": 1, \"name\": \"Caf\xe9 Chat\"}]").unwrap();
        let read = read_path(&latin1, today()).unwrap();
        assert_eq!(read.services[0].input.name, "Caf\u{e9} Chat");
        let binary = dir.path().join("binary.json");
        std::fs::write(&binary, b"\x00\x01\xff").unwrap();
        assert!(read_path(&binary, today())
            .unwrap_err()
            .0
            .contains("not a text file"));
    }

    #[test]
    fn a_package_reads_from_a_zip_or_a_folder_whatever_its_descriptor_says() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let services = "id,name,url\n1,Art Club,art.example\n2,,\n";
        let phones = "id,service_id,number\n9,1,\"\"\"01632 960000\"\"\"\n";
        let descriptor = r#"{"resources": [{"path": "data/services.csv"}, {"path": "data/holiday_schedules.csv"}]}"#;
        let zip_path = dir.path().join("package.zip");
        {
            let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
            let opts = zip::write::SimpleFileOptions::default();
            for (name, text) in [
                ("datapackage.json", descriptor),
                ("data/services.csv", services),
                ("data/phones.csv", phones),
                ("__MACOSX/data/._services.csv", "junk"),
            ] {
                zip.start_file(name, opts).unwrap();
                zip.write_all(text.as_bytes()).unwrap();
            }
            zip.finish().unwrap();
        }
        let folder = dir.path().join("unzipped");
        std::fs::create_dir_all(folder.join("data")).unwrap();
        std::fs::write(folder.join("datapackage.json"), descriptor).unwrap();
        std::fs::write(folder.join("data/services.csv"), services).unwrap();
        std::fs::write(folder.join("data/phones.csv"), phones).unwrap();
        for read in [
            read_path(&zip_path, today()).unwrap(),
            read_path(&folder, today()).unwrap(),
            read_path(&folder.join("datapackage.json"), today()).unwrap(),
        ] {
            assert_eq!(read.services.len(), 1);
            assert_eq!(read.skipped.len(), 1);
            let art = &read.services[0];
            assert_eq!(art.input.url, "https://art.example");
            assert_eq!(art.input.phone, "01632 960000");
            assert!(read
                .notes
                .iter()
                .any(|n| n.contains("holiday_schedules.csv")));
        }
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(read_path(&empty, today())
            .unwrap_err()
            .0
            .contains("no services table"));
    }
}
