//! The private folder where a printed PDF waits for the system's PDF viewer. A printout
//! carries patient data in the clear (that is what paper is), so the folder is the
//! user's alone, file names carry only the prescription's reference code, and what is
//! left there is removed after a day and whenever the app starts.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::error::Result;

/// How long a printed PDF is kept for the viewer before it is removed.
pub const KEEP_FOR: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Clone)]
pub struct PrintFolder {
    dir: PathBuf,
}

impl PrintFolder {
    /// The folder inside `data_dir`; created when the first PDF is written. Its path is
    /// absolute and, on Windows, without the `\\?\` prefix where the path allows: the
    /// PDF viewer is started by another program (PowerShell, else Explorer), which
    /// neither resolves our relative paths nor reads verbatim ones.
    pub fn new(data_dir: &Path) -> Self {
        let dir = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        Self {
            dir: dunce::simplified(&dir).join("prints"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `pdf` as a new file `prescription-<stem>-<time>.pdf` (the stem keeps
    /// letters, digits and hyphens; anything else becomes a hyphen) and returns its
    /// path. The folder and the file are readable by this user only.
    pub fn write(&self, stem: &str, pdf: &[u8]) -> Result<PathBuf> {
        waymark_private_fs::create_dir(&self.dir)?;
        let stem: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        let mut n = 0_u32;
        loop {
            let suffix = if n == 0 {
                String::new()
            } else {
                format!("-{n}")
            };
            let path = self.dir.join(format!("{PREFIX}{stem}-{stamp}{suffix}.pdf"));
            match waymark_private_fs::create_file(&path) {
                Ok(mut file) => {
                    use std::io::Write;
                    file.write_all(pdf)?;
                    file.sync_all()?;
                    return Ok(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Removes the printouts (`prescription-*.pdf`) last written more than `older_than`
    /// ago (every one with `Duration::ZERO`), and returns how many went. Other files are
    /// left alone; a file that cannot be removed now (a viewer on Windows may hold it
    /// open) is skipped and tried again at the next sweep.
    pub fn sweep(&self, older_than: Duration) -> Result<usize> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let ours = name.starts_with(PREFIX) && name.ends_with(".pdf");
            let Ok(meta) = entry.metadata() else { continue };
            if !ours || !meta.is_file() {
                continue;
            }
            let age = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or(Duration::ZERO);
            if age >= older_than && std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Every printout's file name starts with this.
const PREFIX: &str = "prescription-";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pdfs_are_private_named_safely_and_swept_by_age() {
        let data = tempfile::tempdir().unwrap();
        let folder = PrintFolder::new(data.path());
        assert_eq!(folder.sweep(Duration::ZERO).unwrap(), 0, "no folder yet");
        let a = folder
            .write("prescription-WM-7K2M-9QXD", b"%PDF-1")
            .unwrap();
        let b = folder.write("../../etc/passwd", b"%PDF-2").unwrap();
        assert_eq!(a.parent().unwrap(), folder.path());
        assert_eq!(
            b.parent().unwrap(),
            folder.path(),
            "no way out of the folder"
        );
        assert_ne!(a, b);
        assert_eq!(std::fs::read(&a).unwrap(), b"%PDF-1");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(folder.path()), 0o700);
            assert_eq!(mode(&a), 0o600);
        }
        std::fs::write(folder.path().join("notes.txt"), "not ours").unwrap();
        std::fs::write(folder.path().join("letter.pdf"), "not ours either").unwrap();

        assert_eq!(folder.sweep(KEEP_FOR).unwrap(), 0, "fresh prints stay");
        let day_ago = SystemTime::now() - KEEP_FOR - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&a)
            .unwrap()
            .set_modified(day_ago)
            .unwrap();
        assert_eq!(folder.sweep(KEEP_FOR).unwrap(), 1, "a day-old print goes");
        assert!(!a.exists() && b.exists());
        assert_eq!(
            folder.sweep(Duration::ZERO).unwrap(),
            1,
            "start-up clears every PDF"
        );
        assert!(!b.exists());
        assert!(folder.path().join("notes.txt").exists());
        assert!(folder.path().join("letter.pdf").exists());
    }
}
