//! `waymark-admin`: backup, verify and restore without the window, so a practice can
//! schedule backups with cron or the Windows Task Scheduler; and the directory's
//! imports from files and feeds (a scheduled task can refresh a feed). It uses the same data
//! folder (`WAYMARK_DATA_DIR`, else the platform's) and the same credential store as
//! the app. Recovery codes are read from standard input, never from the command line,
//! so they stay out of shell history and process lists.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use waymark_store::backup::{self, BackupManifest};
use waymark_store::key::account_for;
use waymark_store::recovery::RecoveryCode;
use waymark_store::{directory, directory_export};
use waymark_store::{relocate, CredentialVault, Database, KeyVault};

#[derive(Debug, Parser)]
#[command(name = "waymark-admin", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a verified, encrypted backup of the caseload into DIR, keeping the newest N.
    Backup {
        /// The folder that holds the backups (a USB drive, a network share).
        #[arg(long = "to")]
        to: PathBuf,
        /// How many backups to keep there.
        #[arg(long, default_value_t = 14)]
        keep: usize,
    },
    /// Check a backup: it decrypts, passes the integrity check and matches its manifest.
    /// Uses this computer's key, or with --recovery-code the code read from standard input.
    Verify {
        backup: PathBuf,
        #[arg(long)]
        recovery_code: bool,
    },
    /// Restore a backup into the data folder with the recovery code (read from standard
    /// input). The current caseload, if any, is kept beside it under a new name.
    Restore { backup: PathBuf },
    /// Make a new key and recovery code for the caseload and print the code. Earlier codes
    /// no longer open the caseload; backups made before stay readable with the code they
    /// were made under.
    NewRecoveryCode,
    /// List the backups in DIR, oldest first.
    List { dir: PathBuf },
    /// The community directory: preview or import a file or feed, or export it.
    Directory {
        #[command(subcommand)]
        action: DirectoryAction,
    },
}

#[derive(Debug, Subcommand)]
enum DirectoryAction {
    /// Print, as JSON on standard output, what importing FILE_OR_URL would do (new,
    /// changed, unchanged, skipped with reasons, what was adjusted); writes nothing.
    /// FILE_OR_URL is an Open Referral JSON file, a data package (zip, folder or
    /// datapackage.json), or a feed's base address (https://…).
    Preview {
        source: String,
        /// Preview against an empty directory: needs no caseload and no key.
        #[arg(long)]
        empty: bool,
    },
    /// Import FILE_OR_URL into the caseload's directory in one transaction (audited as
    /// the command line), and print what it did as JSON.
    Import { source: String },
    /// Write the whole directory to OUT (which must not exist yet) as an HSDS 3.0 JSON
    /// page or a tabular data package (a zip of CSV tables and datapackage.json).
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Json,
    Package,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("waymark-admin: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    // Commands that use the caseload settle its folder first (see `relocate`).
    match cli.command {
        Command::Backup { to, keep } => {
            let vault = CredentialVault::platform()?;
            let data_dir = caseload_dir(&vault)?;
            let db = Database::open_existing(&data_dir, &vault)?;
            let report = db.backup_to(&to, keep)?;
            println!("Backup written and verified: {}", report.dir.display());
            print_manifest(&report.manifest);
            for old in report.removed {
                println!("Removed an older backup: {}", old.display());
            }
        }
        Command::Verify {
            backup,
            recovery_code,
        } => {
            let manifest = if recovery_code {
                backup::verify_backup(&backup, &read_code()?)?
            } else {
                let vault = CredentialVault::platform()?;
                let data_dir = caseload_dir(&vault)?;
                // Opening checks the folder holds a caseload and this computer its key.
                let db = Database::open_existing(&data_dir, &vault).context(
                    "this computer cannot open the caseload to get its key: use --recovery-code",
                )?;
                let key = vault
                    .load(&account_for(&db.paths().dir))?
                    .context("this computer has no key for the data folder: use --recovery-code")?;
                backup::verify_backup_with_key(&backup, &key)?
            };
            println!("Backup verified: {}", backup.display());
            print_manifest(&manifest);
        }
        Command::Restore { backup } => {
            let vault = CredentialVault::platform()?;
            let data_dir = caseload_dir(&vault)?;
            let report = backup::restore(&backup, &data_dir, &vault, &read_code()?)?;
            println!("Restored into {}", data_dir.display());
            print_manifest(&report.manifest);
            if let Some(previous) = report.previous {
                println!("The caseload it replaced is kept at {}", previous.display());
            }
        }
        Command::NewRecoveryCode => {
            let vault = CredentialVault::platform()?;
            let data_dir = caseload_dir(&vault)?;
            let mut db = Database::open_existing(&data_dir, &vault)?;
            let code = db.renew_recovery_code(&vault)?;
            println!(
                "New recovery code (print it and keep it safe). Earlier codes no longer open \
                 the caseload; backups made before stay readable with the code they were made \
                 under until they rotate out:"
            );
            println!("{}", code.grouped().as_str());
        }
        Command::List { dir } => {
            for b in backup::list_backups(&dir)? {
                println!("{}", b.display());
            }
        }
        Command::Directory { action } => directory(action)?,
    }
    Ok(())
}

fn directory(action: DirectoryAction) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    match action {
        DirectoryAction::Preview { source, empty } => {
            let (read, origin) = read_directory(&source, today)?;
            let preview = if empty {
                directory::preview_against_empty(&read, &origin, today)?
            } else {
                let vault = CredentialVault::platform()?;
                let db = Database::open_existing(&caseload_dir(&vault)?, &vault)?;
                db.directory().preview_import(&read, &origin, today)?
            };
            println!("{}", serde_json::to_string_pretty(&preview)?);
        }
        DirectoryAction::Import { source } => {
            let (read, origin) = read_directory(&source, today)?;
            let vault = CredentialVault::platform()?;
            let db = Database::open_existing(&caseload_dir(&vault)?, &vault)?;
            let done = db.directory().import(&read, &origin, today)?;
            println!("{}", serde_json::to_string_pretty(&done)?);
        }
        DirectoryAction::Export { format, out } => {
            let vault = CredentialVault::platform()?;
            let db = Database::open_existing(&caseload_dir(&vault)?, &vault)?;
            let format = match format {
                ExportFormat::Json => directory_export::ExportFormat::Json,
                ExportFormat::Package => directory_export::ExportFormat::Package,
            };
            let n = db.directory().export_to(&out, format, false, today)?;
            println!("{n} services written to {}", out.display());
        }
    }
    Ok(())
}

/// Reads a directory from a feed's address (progress on standard error) or a path.
fn read_directory(
    source: &str,
    today: chrono::NaiveDate,
) -> Result<(waymark_domain::hsds::ReadFeed, directory::Origin)> {
    let lower = source.trim().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let base = waymark_feed::normalise_base(source)?;
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let quiet = !std::io::IsTerminal::is_terminal(&std::io::stderr());
        let services = waymark_feed::fetch_services(
            &base,
            &waymark_feed::FeedOptions::default(),
            &mut |p| {
                if !quiet {
                    eprint!(
                        "\rReading {base}: page {}, {} services",
                        p.pages_read, p.services
                    );
                }
            },
            &cancel,
        )?;
        if !quiet {
            eprintln!();
        }
        let read = waymark_domain::hsds::read_services(
            services,
            waymark_domain::hsds::Shape::List,
            true,
            Vec::new(),
            today,
        )?;
        Ok((read, directory::Origin::Feed { address: base }))
    } else {
        let path = PathBuf::from(source);
        let read = waymark_store::directory_file::read_path(&path, today)?;
        let name = path
            .file_name()
            .map_or_else(|| source.to_owned(), |n| n.to_string_lossy().into_owned());
        Ok((read, directory::Origin::File { name }))
    }
}

/// The data folder, settled (see `relocate`), saying on standard error when a
/// caseload in the old roaming folder was left where it is.
fn caseload_dir(vault: &CredentialVault) -> Result<PathBuf> {
    let settled = relocate::settled_data_dir(vault)?;
    match &settled.relocation {
        relocate::Relocation::BothHaveCaseloads { old } => eprintln!(
            "waymark-admin: note: another caseload is still in {} (not moved: this folder has one of its own)",
            old.display()
        ),
        relocate::Relocation::Stayed { reason } => eprintln!(
            "waymark-admin: note: the caseload could not be moved to the local folder yet ({reason}); using it where it is"
        ),
        relocate::Relocation::Nothing | relocate::Relocation::Moved => {}
    }
    Ok(settled.dir)
}

fn read_code() -> Result<RecoveryCode> {
    let stdin = std::io::stdin();
    if std::io::IsTerminal::is_terminal(&stdin) {
        eprint!("Recovery code: ");
        std::io::stderr().flush()?;
    }
    let mut line = zeroize::Zeroizing::new(String::new());
    stdin.lock().read_line(&mut line)?;
    Ok(RecoveryCode::parse(&line)?)
}

fn print_manifest(m: &BackupManifest) {
    println!("  made {} (schema {})", m.created_at, m.schema_version);
    for (table, n) in &m.counts {
        if *n > 0 {
            println!("  {table}: {n}");
        }
    }
}
