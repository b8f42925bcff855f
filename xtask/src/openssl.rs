//! Keeps every vendored OpenSSL in the build folder the trimmed one.
//!
//! `crates/store/openssl/waymark.conf` configures OpenSSL without the algorithms
//! SQLCipher never uses (see that file). Cargo cannot see that file or the variable that
//! points to it (openssl-sys tracks neither), so a build folder made before the file
//! existed would keep linking the full OpenSSL. Before building, each vendored OpenSSL
//! in the build folder is checked for `OPENSSL_NO_BULK` in its `configuration.h`, and
//! openssl-sys is rebuilt for any profile and target whose OpenSSL lacks it.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::{cargo, step};

/// The macro the trimmed configuration defines.
const TRIMMED: &str = "OPENSSL_NO_BULK";

pub(crate) fn rebuild_untrimmed(root: &Path) -> Result<()> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    for (triple, profile) in untrimmed(&target) {
        let mut clean = cargo();
        clean
            .current_dir(root)
            .args(["clean", "--package", "openssl-sys", "--profile"])
            // Cargo names the dev profile's folder "debug".
            .arg(if profile == "debug" { "dev" } else { &profile });
        if let Some(triple) = &triple {
            clean.args(["--target", triple]);
        }
        step(
            &format!(
                "Clean the {}{profile} build's OpenSSL, made before the trimming (rebuilt trimmed)",
                triple.as_deref().map_or(String::new(), |t| format!("{t} "))
            ),
            &mut clean,
        )?;
    }
    Ok(())
}

/// (target triple or None for the host, profile folder) of every vendored OpenSSL under
/// `target` whose configuration lacks the trimming.
fn untrimmed(target: &Path) -> Vec<(Option<String>, String)> {
    let mut found = Vec::new();
    // <target>/<profile>/build/... for the host, <target>/<triple>/<profile>/build/...
    // for a cross build.
    let mut profiles: Vec<(Option<String>, PathBuf)> = Vec::new();
    for entry in dirs(target) {
        if entry.join("build").is_dir() {
            profiles.push((None, entry));
        } else {
            let triple = entry
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_owned);
            for inner in dirs(&entry) {
                if inner.join("build").is_dir() {
                    profiles.push((triple.clone(), inner));
                }
            }
        }
    }
    for (triple, dir) in profiles {
        let stale = dirs(&dir.join("build")).into_iter().any(|b| {
            let is_openssl = b
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("openssl-sys-"));
            let config = b.join("out/openssl-build/install/include/openssl/configuration.h");
            is_openssl && fs::read_to_string(&config).is_ok_and(|text| !text.contains(TRIMMED))
        });
        if stale {
            if let Some(profile) = dir.file_name().and_then(|n| n.to_str()) {
                found.push((triple, profile.to_owned()));
            }
        }
    }
    found
}

fn dirs(path: &Path) -> Vec<PathBuf> {
    fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn openssl(target: &Path, at: &str, config: &str) {
        let dir = target
            .join(at)
            .join("out/openssl-build/install/include/openssl");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("configuration.h"), config).unwrap();
    }

    #[test]
    fn finds_each_profile_and_target_whose_openssl_is_not_trimmed() {
        let target = std::env::temp_dir().join(format!("xtask-openssl-{}", std::process::id()));
        let _ = fs::remove_dir_all(&target);
        openssl(
            &target,
            "debug/build/openssl-sys-1",
            "# define OPENSSL_NO_BULK\n",
        );
        openssl(
            &target,
            "release/build/openssl-sys-2",
            "# define OPENSSL_NO_DSO\n",
        );
        openssl(
            &target,
            "x86_64-pc-windows-gnu/debug/build/openssl-sys-3",
            "/* full */\n",
        );
        openssl(
            &target,
            "release/build/libsqlite3-sys-4",
            "/* not OpenSSL */\n",
        );
        let mut found = untrimmed(&target);
        found.sort();
        assert_eq!(
            found,
            vec![
                (None, "release".to_owned()),
                (Some("x86_64-pc-windows-gnu".to_owned()), "debug".to_owned()),
            ]
        );
        fs::remove_dir_all(&target).unwrap();
    }
}
