use std::fs;
use std::path::{Path, PathBuf};

use waymark_store::backup::{restore, verify_backup};
use waymark_store::print_folder::PrintFolder;
use waymark_store::Database;

use crate::common::*;

/// A folder under `parent` whose path has letters from outside ASCII (a profile such as
/// `C:\Users\Zoë`) and is longer than Windows' old 260-character limit.
fn long_non_ascii(parent: &Path) -> PathBuf {
    let mut dir = parent.join("Zoë Ó Briain");
    while dir.as_os_str().len() < 300 {
        dir.push("Ünïcödé-文件夹-ωμέγα-folder");
    }
    dir
}

#[test]
fn a_caseload_lives_in_a_long_non_ascii_path_and_backs_up_and_restores_there() {
    let parent = tempfile::tempdir().unwrap();
    let home = long_non_ascii(&parent.path().join("home"));
    let vault = mock_vault();
    let db = open(&home, &vault);
    db.patients().create(&zoe(), today()).unwrap();
    let code = db.issue_recovery_code().unwrap();
    let dest = long_non_ascii(&parent.path().join("backups"));
    let report = db.backup_to(&dest, 3).unwrap();
    drop(db);
    verify_backup(&report.dir, &code).unwrap();

    let elsewhere = long_non_ascii(&parent.path().join("new machine"));
    let other = mock_vault();
    restore(&report.dir, &elsewhere, &other, &code).unwrap();
    let db = open(&elsewhere, &other);
    assert_eq!(search(&db, "zoe").total, 1);
    db.integrity_check().unwrap();
}

#[test]
fn the_data_folder_is_private_to_this_user() {
    let parent = tempfile::tempdir().unwrap();
    let home = parent.path().join("data");
    let db = open(&home, &mock_vault());
    // Under Wine the rights cannot be read back (see waymark-private-fs's tests).
    if cfg!(windows) && std::env::var_os("WAYMARK_UNDER_WINE").is_some() {
        return;
    }
    assert!(waymark_private_fs::is_private(&home).unwrap());
    // On Windows the files inside take the folder's rights.
    #[cfg(windows)]
    assert!(waymark_private_fs::is_private(&db.paths().database).unwrap());
    drop(db);
}

#[test]
fn paths_shown_to_people_are_plain() {
    // `canonicalize` on Windows gives `\\?\C:\…`, which nobody types and SQLite, the
    // PDF viewer and the messages would all show or choke on.
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let shown = db.paths().dir.display().to_string();
    assert!(!shown.starts_with(r"\\?\"), "{shown}");
    let folder = PrintFolder::new(Path::new("relative-data"));
    assert!(folder.path().is_absolute(), "{}", folder.path().display());
    assert!(!folder.path().display().to_string().starts_with(r"\\?\"));
    drop(db);

    // A message naming the folder names it plainly too.
    let orphan = tempfile::tempdir().unwrap();
    fs::write(orphan.path().join("waymark.keycheck"), "x").unwrap();
    let err = Database::open(orphan.path(), &mock_vault()).unwrap_err();
    assert_eq!(err.code(), "database_missing");
    assert!(!err.to_string().contains(r"\\?\"), "{err}");
}

#[test]
fn an_os_error_is_told_once() {
    let err = waymark_store::Error::from(std::io::Error::from(std::io::ErrorKind::NotFound));
    let text = err.to_string();
    assert!(
        text.starts_with("The data folder could not be used: "),
        "{text}"
    );
    assert!(
        std::error::Error::source(&err).is_none(),
        "a report printing the chain would repeat the OS message"
    );
}

/// Files another program holds open: Windows refuses to rename or delete them, which
/// Linux allows, so these run on Windows (and under Wine, which matches it here).
#[cfg(windows)]
mod held_files {
    use std::os::windows::fs::OpenOptionsExt;
    use std::time::Duration;

    use waymark_store::backup::list_backups;

    use super::*;

    /// Opens `path` as another program would hold it: others may read, nobody may
    /// rename or delete it.
    fn hold(path: &Path) -> fs::File {
        const FILE_SHARE_READ: u32 = 1;
        fs::OpenOptions::new()
            .read(true)
            .share_mode(FILE_SHARE_READ)
            .open(path)
            .unwrap()
    }

    #[test]
    fn restore_while_waymark_has_the_caseload_open_says_close_it_first() {
        let dir = tempfile::tempdir().unwrap();
        let vault = mock_vault();
        let db = open(dir.path(), &vault);
        db.patients().create(&zoe(), today()).unwrap();
        let code = db.issue_recovery_code().unwrap();
        let dest = tempfile::tempdir().unwrap();
        let report = db.backup_to(dest.path(), 3).unwrap();
        db.patients()
            .create(&patient("After", "Backup", "1970-01-01", ""), today())
            .unwrap();
        // `db` stays open, as in the running app.
        let names = |d: &Path| {
            let mut n: Vec<String> = fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            n.sort();
            n
        };
        let before = names(dir.path());
        let err = restore(&report.dir, dir.path(), &vault, &code).unwrap_err();
        assert_eq!(err.code(), "caseload_in_use", "{err}");
        assert!(err.to_string().contains("close Waymark"), "{err}");
        assert_eq!(
            names(dir.path()),
            before,
            "nothing moved, no .restoring left"
        );
        assert_eq!(
            search(&db, "backup").total,
            1,
            "the live caseload is intact"
        );
        drop(db);
        let restored = restore(&report.dir, dir.path(), &vault, &code).unwrap();
        assert!(restored.previous.is_some());
        assert_eq!(search(&open(dir.path(), &vault), "backup").total, 0);
    }

    #[test]
    fn rotation_leaves_a_held_backup_for_later_and_lists_only_whole_ones() {
        let dir = tempfile::tempdir().unwrap();
        let vault = mock_vault();
        let db = open(dir.path(), &vault);
        let code = db.issue_recovery_code().unwrap();
        let dest = tempfile::tempdir().unwrap();
        let first = db.backup_to(dest.path(), 1).unwrap();
        let held = hold(&first.dir.join("manifest.json"));
        let second = db
            .backup_to(dest.path(), 1)
            .expect("a held old backup fails nothing");
        for b in list_backups(dest.path()).unwrap() {
            verify_backup(&b, &code).expect("every listed backup is whole");
        }
        assert!(list_backups(dest.path()).unwrap().contains(&second.dir));
        drop(held);
        let third = db.backup_to(dest.path(), 1).unwrap();
        assert_eq!(list_backups(dest.path()).unwrap(), vec![third.dir]);
        let left: Vec<_> = fs::read_dir(dest.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no leftovers of the held backup");
    }

    #[test]
    fn the_print_sweep_skips_a_printout_the_viewer_holds() {
        let data = tempfile::tempdir().unwrap();
        let folder = PrintFolder::new(data.path());
        let pdf = folder.write("WM-7K2M-9QXD", b"%PDF-1").unwrap();
        let viewer = hold(&pdf);
        assert_eq!(
            folder.sweep(Duration::ZERO).unwrap(),
            0,
            "skipped, no error"
        );
        assert!(pdf.exists());
        drop(viewer);
        assert_eq!(folder.sweep(Duration::ZERO).unwrap(), 1);
        assert!(!pdf.exists());
    }
}
