//! CSV files the practice takes away (the audit log now, reports later): written where
//! the user chose, audited by the caller, and safe to open in a spreadsheet.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// A cell a spreadsheet will show as text: a value starting with `=`, `+`, `-`, `@`, tab
/// or carriage return would otherwise run as a formula (CSV injection), so it gets a
/// leading apostrophe, as OWASP advises.
pub fn spreadsheet_cell(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// A CSV writer over any sink, with a UTF-8 byte-order mark so Excel reads accents.
pub fn csv_writer<W: Write>(mut sink: W) -> Result<csv::Writer<W>> {
    sink.write_all("\u{feff}".as_bytes())?;
    Ok(csv::WriterBuilder::new().from_writer(sink))
}

/// Writes the CSV that `fill` produces to `path` through a temporary file beside it,
/// renamed into place once complete, so a failure never leaves half a file.
pub fn write_csv_file(
    path: &Path,
    fill: impl FnOnce(&mut csv::Writer<std::fs::File>) -> Result<()>,
) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = std::path::PathBuf::from(tmp);
    let result = (|| {
        let mut w = csv_writer(std::fs::File::create(&tmp)?)?;
        fill(&mut w)?;
        let file = w
            .into_inner()
            .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    })();
    if result.is_err() && tmp.exists() {
        // Our own unfinished file, never the user's.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        Error::Io(std::io::Error::other(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_openers_are_neutralised_and_other_text_kept() {
        for risky in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_cell(risky), format!("'{risky}"));
        }
        for plain in ["Zoë O'Brien", "", "1-2", "a=b"] {
            assert_eq!(spreadsheet_cell(plain), plain);
        }
    }

    #[test]
    fn a_failed_fill_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let err = write_csv_file(&path, |_| Err(Error::Corrupt("stop".into())));
        assert!(err.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_csv_file(&path, |w| Ok(w.write_record(["a", "b"])?)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), "\u{feff}a,b\n".as_bytes());
    }
}
