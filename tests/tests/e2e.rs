//! Real-window end-to-end tests: the debug app in Xvfb (and, for workflow 1, the
//! release binary installed from the deb), driven through tauri-driver and
//! WebKitWebDriver. `cargo xtask test` starts those and sets:
//! - `WAYMARK_E2E_APP`: the app binary,
//! - `WAYMARK_E2E_WEBDRIVER`: tauri-driver's URL,
//! - `WAYMARK_E2E_DATA_DIR`: the app's data folder (given to the app as WAYMARK_DATA_DIR),
//! - `WAYMARK_E2E_SCREENSHOTS`: where screenshots of each step go,
//! - `WAYMARK_E2E_LOG_DIR`: the app's log folder (given to the app as WAYMARK_LOG_DIR).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

fn env(name: &str) -> Result<String> {
    std::env::var(name)
        .with_context(|| format!("{name} is not set: run these through `cargo xtask test`"))
}

/// Starts the app in a new WebDriver session (a new app process).
async fn launch() -> Result<Client> {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({ "application": env("WAYMARK_E2E_APP")? }),
    );
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&env("WAYMARK_E2E_WEBDRIVER")?)
        .await
        .context("starting a WebDriver session with the app")?;
    Ok(client)
}

async fn wait_css(c: &Client, css: &str) -> Result<Element> {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))
}

/// Waits until `css` matches an element whose text contains `text`.
async fn wait_text(c: &Client, css: &str, text: &str) -> Result<Element> {
    let start = Instant::now();
    loop {
        for el in c.find_all(Locator::Css(css)).await? {
            if el.text().await.unwrap_or_default().contains(text) {
                return Ok(el);
            }
        }
        if start.elapsed() > Duration::from_secs(20) {
            bail!("no {css} containing {text:?} appeared");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn count(c: &Client, css: &str) -> Result<usize> {
    Ok(c.find_all(Locator::Css(css)).await?.len())
}

async fn type_into(c: &Client, css: &str, text: &str) -> Result<()> {
    let el = wait_css(c, css).await?;
    el.clear()
        .await
        .with_context(|| format!("clearing {css}"))?;
    el.send_keys(text)
        .await
        .with_context(|| format!("typing into {css}"))?;
    Ok(())
}

/// Sets a field's value the way a picker would (date inputs, selects) and tells the UI.
async fn set_value(c: &Client, css: &str, value: &str) -> Result<()> {
    wait_css(c, css).await?;
    c.execute(
        "const el = document.querySelector(arguments[0]);
         el.value = arguments[1];
         el.dispatchEvent(new Event('input', { bubbles: true }));
         el.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(css), json!(value)],
    )
    .await?;
    Ok(())
}

async fn click(c: &Client, css: &str) -> Result<()> {
    wait_css(c, css)
        .await?
        .click()
        .await
        .with_context(|| format!("clicking {css}"))?;
    Ok(())
}

const ADMIN: &str = "amara";
const PASSPHRASE: &str = "kettle violet harbour";

/// Gets past the door: the first-run setup on a new caseload (keeping the recovery
/// code step honest), else signing in. Ends on the caseload.
async fn enter(c: &Client) -> Result<()> {
    let start = Instant::now();
    loop {
        if count(c, "[data-testid=setup]").await? > 0 {
            type_into(c, "#practiceName", "Hollinsford Surgery").await?;
            type_into(c, "#adminName", "Amara Okafor").await?;
            type_into(c, "#adminUsername", ADMIN).await?;
            type_into(c, "#passphrase", PASSPHRASE).await?;
            type_into(c, "#passphraseConfirm", PASSPHRASE).await?;
            click(c, "#complete-setup").await?;
            let code = wait_css(c, "[data-testid=recovery-code]")
                .await?
                .text()
                .await?;
            assert_eq!(
                code.trim().split('-').count(),
                8,
                "recovery code shown in groups: {code}"
            );
            shot(c, "00-recovery-code").await?;
            click(c, "#recovery-saved").await?;
            click(c, "#finish-setup").await?;
            break;
        }
        if count(c, "[data-testid=sign-in]").await? > 0 {
            type_into(c, "#username", ADMIN).await?;
            type_into(c, "#password", PASSPHRASE).await?;
            click(c, "#sign-in").await?;
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            bail!("neither the setup nor the sign-in screen appeared");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_css(c, "#register-patient").await?;
    Ok(())
}

/// Opens the caseload row that shows `text`. The list re-renders as search results
/// arrive, so an element found a moment ago may be gone, or replaced just as the click
/// lands: retry until the patient page is showing.
async fn open_row(c: &Client, text: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        let attempt = async {
            let row = wait_text(c, "[data-testid=patient-row]", text).await?;
            let button = row
                .find(Locator::Css("button"))
                .await
                .context("finding the row's button")?;
            button.click().await.context("clicking the row's button")?;
            c.wait()
                .at_most(Duration::from_secs(3))
                .for_element(Locator::Css("[data-testid=patient-name]"))
                .await
                .context("the patient page did not open")?;
            Ok::<(), anyhow::Error>(())
        };
        match attempt.await {
            Ok(()) => return Ok(()),
            Err(e) if start.elapsed() > Duration::from_secs(20) => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Clicks the button labelled `label`, as a person would find it.
async fn click_button(c: &Client, label: &str) -> Result<()> {
    wait_text(c, "button", label)
        .await?
        .click()
        .await
        .with_context(|| format!("clicking {label:?}"))?;
    Ok(())
}

async fn shot(c: &Client, name: &str) -> Result<()> {
    if let Ok(dir) = std::env::var("WAYMARK_E2E_SCREENSHOTS") {
        let png = c.screenshot().await?;
        std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png)?;
    }
    Ok(())
}

async fn search(c: &Client, text: &str) -> Result<()> {
    type_into(c, "#patient-search", text).await
}

async fn register(
    c: &Client,
    given: &str,
    family: &str,
    preferred: &str,
    dob: &str,
    nhs: &str,
) -> Result<()> {
    click(c, "#register-patient").await?;
    type_into(c, "#givenName", given).await?;
    type_into(c, "#familyName", family).await?;
    if !preferred.is_empty() {
        type_into(c, "#preferredName", preferred).await?;
    }
    set_value(c, "#dateOfBirth", dob).await?;
    if !nhs.is_empty() {
        type_into(c, "#nhsNumber", nhs).await?;
    }
    // They agree to the practice storing their details (without it nothing of theirs
    // can be printed or saved).
    click(c, "#consentStore").await?;
    click(c, "#save-patient").await?;
    Ok(())
}

/// Presses "Print" on the prescription `rx` and returns the PDF the system's viewer was
/// handed (the stand-in viewer of `xtask/src/real.rs` lists each file it is given), and
/// its text.
async fn print(c: &Client, rx: &Element) -> Result<(PathBuf, String)> {
    let before = opened_files()?.len();
    click_in(rx, "[data-testid=print]").await?;
    wait_text(c, "[data-testid=print-status]", "Opened in your PDF viewer").await?;
    let pdf = opened_after(before).await?;
    let text = pdf_text(&pdf)?;
    Ok((pdf, text))
}

/// The files the stand-in PDF viewer has been handed, in order.
fn opened_files() -> Result<Vec<String>> {
    let list = PathBuf::from(env("WAYMARK_E2E_OPENED")?);
    Ok(std::fs::read_to_string(list)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect())
}

/// The file the viewer was handed after the first `before`.
async fn opened_after(before: usize) -> Result<PathBuf> {
    let start = Instant::now();
    loop {
        // The viewer is started detached: its line may come a moment after the status.
        if let Some(new) = opened_files()?.get(before) {
            return Ok(PathBuf::from(new));
        }
        if start.elapsed() > Duration::from_secs(20) {
            bail!("nothing was opened in the PDF viewer");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// On the open patient's page: sets "Print their prescription in" to `code` (shown as
/// `shown`), prints the workflow 1 prescription (with the English beneath when `both`)
/// and returns the printed text.
async fn print_in_language(c: &Client, code: &str, shown: &str, both: bool) -> Result<String> {
    click(c, "#edit-patient").await?;
    wait_css(c, &format!("#printLanguage option[value={code}]")).await?;
    set_value(c, "#printLanguage", code).await?;
    click(c, "#save-patient").await?;
    wait_text(c, "[data-testid=print-language]", shown).await?;
    let rx = wait_text(c, "[data-testid=prescription]", "Community Childcare Co-op").await?;
    if both {
        click_in(&rx, "[data-testid=print-both]").await?;
    }
    Ok(print(c, &rx).await?.1)
}

/// How many PDFs are in `dir`.
fn pdfs_in(dir: &std::path::Path) -> Result<usize> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .count())
}

/// A PDF's text as laid out, with runs of white space made single.
fn pdf_text(pdf: &std::path::Path) -> Result<String> {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .context("pdftotext (poppler-utils) is needed")?;
    if !out.status.success() {
        bail!("pdftotext failed on {}", pdf.display());
    }
    Ok(String::from_utf8(out.stdout)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" "))
}

/// Runs `body` against a fresh app process and always ends the session (quitting the
/// app), so the next launch is a real restart.
async fn with_app<T, F, Fut>(name: &str, body: F) -> Result<T>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let c = launch().await?;
    let result = body(c.clone()).await;
    if result.is_err() {
        let _ = shot(&c, &format!("{name}-failure")).await;
    }
    c.close().await?;
    wait_until_quit().await?;
    result
}

/// Whether no process holds the caseload's lock. A process leaves the process list a
/// moment before the system releases its files, and a launch in that moment would be
/// told the caseload is in use.
fn caseload_free() -> Result<bool> {
    let lock = PathBuf::from(env("WAYMARK_E2E_DATA_DIR")?).join(waymark_store::lock::LOCK_FILE);
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&lock)
    else {
        return Ok(true);
    };
    Ok(file.try_lock().is_ok())
}

/// Waits until the app process has gone and let go of the caseload: a launch before
/// that would find the caseload in use.
async fn wait_until_quit() -> Result<()> {
    let app = env("WAYMARK_E2E_APP")?;
    let start = Instant::now();
    loop {
        let running = std::process::Command::new("pgrep")
            .args(["-f", &app])
            .output()
            .context("running pgrep")?
            .status
            .success();
        if !running && caseload_free()? {
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(20) {
            bail!("the app did not quit (and let go of the caseload) within 20 seconds of its session ending");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn register_find_refer_and_find_again_after_restart() -> Result<()> {
    with_app("journey", |c| async move {
        enter(&c).await?;
        shot(&c, "01-caseload-empty").await?;

        // A validation error changes nothing and says what is wrong, per field.
        register(
            &c,
            "Siobhán",
            "Ní Bhriain",
            "",
            "1995-11-02",
            "999 159 0839",
        )
        .await?;
        wait_css(&c, "#nhsNumber-error").await?;
        shot(&c, "02-validation").await?;
        type_into(&c, "#nhsNumber", "999 159 0838").await?;
        click(&c, "#save-patient").await?;

        let name = wait_text(&c, "[data-testid=patient-name]", "Siobhán Ní Bhriain").await?;
        assert!(name.text().await?.contains("Siobhán Ní Bhriain"));
        wait_text(&c, "main", "999 159 0838").await?;
        shot(&c, "03-patient-page").await?;

        // Add a referral.
        click(&c, "#add-referral").await?;
        set_value(&c, "#receivedDate", "2026-11-02").await?;
        set_value(&c, "#source", "gp").await?;
        type_into(&c, "#referrerName", "Dr Amara Okafor").await?;
        wait_text(&c, "label", "Loneliness").await?.click().await?;
        wait_text(&c, "label", "Mental wellbeing")
            .await?
            .click()
            .await?;
        type_into(&c, "#conditions", "Social anxiety; therapy has helped").await?;
        click(&c, "#save-referral").await?;
        let referral = wait_text(&c, "[data-testid=referral]", "Dr Amara Okafor").await?;
        let text = referral.text().await?;
        assert!(
            text.contains("Loneliness"),
            "reasons shown in words: {text}"
        );
        shot(&c, "04-referral").await?;
        Ok(())
    })
    .await?;

    // Restart the app: the patient and the referral are still there.
    with_app("restart", |c| async move {
        enter(&c).await?;
        search(&c, "bhriain").await?;
        open_row(&c, "Siobhán").await?;
        wait_text(&c, "[data-testid=patient-name]", "Siobhán Ní Bhriain").await?;
        wait_text(&c, "[data-testid=referral]", "Dr Amara Okafor").await?;

        // Found by NHS number with spaces, and without.
        click_button(&c, "Back to caseload").await?;
        wait_css(&c, "#patient-search").await?;
        for q in ["999 159 0838", "9991590838"] {
            search(&c, q).await?;
            wait_text(&c, "[data-testid=patient-row]", "Siobhán").await?;
        }
        search(&c, "nobody-by-this-name").await?;
        let start = Instant::now();
        while count(&c, "[data-testid=patient-row]").await? > 0 {
            if start.elapsed() > Duration::from_secs(10) {
                bail!("search for an unknown name still lists patients");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        shot(&c, "05-after-restart").await?;
        Ok(())
    })
    .await?;

    // The app has closed: nothing in its data folder holds the name in plain text.
    // Every file below it, the webview's own folders included.
    let mut pending = vec![PathBuf::from(env("WAYMARK_E2E_DATA_DIR")?)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let bytes = std::fs::read(&path)?;
            for needle in ["Siobhán", "Bhriain", "Okafor", "9991590838"] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{needle} in plain text in {}",
                    path.display()
                );
            }
        }
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn a_uk_date_typed_on_a_us_english_computer_is_read_day_first() -> Result<()> {
    // The whole real-window run has the system locale at US English (xtask sets it,
    // with the locale compiled in), while the practice set up here is in the UK.
    assert_eq!(env("WAYMARK_E2E_LOCALE")?, "en_US.UTF-8");
    with_app("dates", |c| async move {
        enter(&c).await?;
        click(&c, "#register-patient").await?;
        type_into(&c, "#givenName", "Ada").await?;
        type_into(&c, "#familyName", "Okafor").await?;
        let label = wait_css(&c, "label[for=dateOfBirth]").await?.text().await?;
        assert!(label.contains("(dd/mm/yyyy)"), "{label}");

        // Not a date the UK way: said so, and nothing is saved.
        type_into(&c, "#dateOfBirth", "06/13/1979").await?;
        wait_text(&c, "#dateOfBirth-echo", "other way round").await?;
        click(&c, "#save-patient").await?;
        wait_css(&c, "#dateOfBirth-error").await?;
        shot(&c, "dates-01-refused").await?;

        // 2 June, typed day first, whatever the computer's locale.
        let field = wait_css(&c, "#dateOfBirth").await?;
        field.clear().await?;
        type_into(&c, "#dateOfBirth", "02/06/1979").await?;
        wait_text(&c, "#dateOfBirth-echo", "2 June 1979").await?;
        shot(&c, "dates-02-understood").await?;
        click(&c, "#save-patient").await?;
        wait_text(&c, "[data-testid=patient-name]", "Ada Okafor").await?;
        wait_text(&c, "main", "2 Jun 1979").await?;

        // Edited, the field shows it back the practice's way.
        click(&c, "#edit-patient").await?;
        let shown = wait_css(&c, "#dateOfBirth").await?.prop("value").await?;
        assert_eq!(shown.as_deref(), Some("02/06/1979"));
        Ok(())
    })
    .await
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn hostile_patient_is_shown_literally_and_runs_nothing() -> Result<()> {
    with_app("hostile", |c| async move {
        enter(&c).await?;
        let scripts_before: i64 = c
            .execute(
                "return document.getElementsByTagName('script').length;",
                vec![],
            )
            .await?
            .as_i64()
            .unwrap_or(-1);
        register(
            &c,
            "<script>alert(1)</script>",
            "Robert'); DROP TABLE patients;--",
            "<img src=x onerror=\"window.__pwned=1\">",
            "1999-02-28",
            "",
        )
        .await?;
        let name = wait_text(
            &c,
            "[data-testid=patient-name]",
            "<script>alert(1)</script>",
        )
        .await?;
        let text = name.text().await?;
        assert!(
            text.contains("Robert'); DROP TABLE patients;--"),
            "shown literally: {text}"
        );
        shot(&c, "06-hostile").await?;

        // Nothing ran: no dialog opened, no element or script was injected.
        assert!(c.get_alert_text().await.is_err(), "an alert opened");
        let state = c
            .execute(
                "return { pwned: window.__pwned === 1,
                          scripts: document.getElementsByTagName('script').length,
                          imgs: document.querySelectorAll('main img[src=x]').length };",
                vec![],
            )
            .await?;
        assert_eq!(state["pwned"], json!(false), "an injected handler ran");
        assert_eq!(
            state["scripts"],
            json!(scripts_before),
            "a script element was added"
        );
        assert_eq!(
            state["imgs"],
            json!(0),
            "markup from a name became an element"
        );

        // The table is still there: the caseload lists the patient.
        click_button(&c, "Back to caseload").await?;
        search(&c, "DROP TABLE").await?;
        wait_text(
            &c,
            "[data-testid=patient-row]",
            "Robert'); DROP TABLE patients;--",
        )
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn damaged_database_is_explained_and_left_untouched() -> Result<()> {
    // Make sure the caseload exists, then damage its first page (after the salt).
    with_app("before-damage", |c| async move {
        enter(&c).await?;
        Ok(())
    })
    .await?;
    let db = PathBuf::from(env("WAYMARK_E2E_DATA_DIR")?).join("waymark.db");
    let original = std::fs::read(&db)?;
    let mut damaged = original.clone();
    for b in &mut damaged[100..140] {
        *b ^= 0xFF;
    }
    std::fs::write(&db, &damaged)?;

    let seen = with_app("damaged", |c| async move {
        let screen = wait_css(&c, "[data-testid=open-error]").await?;
        assert_eq!(
            screen.attr("data-code").await?.as_deref(),
            Some("database_damaged")
        );
        let text = screen.text().await?;
        assert!(text.contains("damaged"), "explained in plain words: {text}");
        assert_eq!(
            count(&c, "#register-patient").await?,
            0,
            "no way to start over"
        );
        shot(&c, "07-damaged").await?;
        Ok(())
    })
    .await;
    let after = std::fs::read(&db)?;
    // Put the caseload back before judging, so a failure leaves the other tests' data.
    std::fs::write(&db, &original)?;
    seen?;
    assert!(after == damaged, "the damaged file was changed or replaced");
    Ok(())
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn a_caseload_another_process_holds_is_refused_naming_its_folder() -> Result<()> {
    with_app("before-held", |c| async move {
        enter(&c).await?;
        Ok(())
    })
    .await?;
    // What `waymark-admin backup` (or a second Waymark on this folder) holds while it
    // works: the OS lock on the caseload's lock file.
    let data = PathBuf::from(env("WAYMARK_E2E_DATA_DIR")?);
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(data.join(waymark_store::lock::LOCK_FILE))?;
    held.try_lock()?;
    let before = std::fs::read(data.join("waymark.db"))?;
    let c = launch().await?;
    let seen = async {
        let screen = wait_css(&c, "[data-testid=open-error]").await?;
        assert_eq!(
            screen.attr("data-code").await?.as_deref(),
            Some("caseload_in_use")
        );
        let text = screen.text().await?;
        let folder = dunce::canonicalize(&data)?;
        assert!(
            text.contains(&*folder.to_string_lossy()),
            "names the folder in use: {text}"
        );
        assert_eq!(count(&c, "#register-patient").await?, 0);
        shot(&c, "07b-held").await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    c.close().await?;
    let after = std::fs::read(PathBuf::from(env("WAYMARK_E2E_DATA_DIR")?).join("waymark.db"))?;
    drop(held);
    wait_until_quit().await?;
    seen?;
    assert!(
        after == before,
        "nothing was written while another process held it"
    );
    // Released, the caseload opens again.
    with_app("after-held", |c| async move {
        enter(&c).await?;
        Ok(())
    })
    .await
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn a_printout_left_when_the_app_quits_is_removed() -> Result<()> {
    let c = launch().await?;
    enter(&c).await?;
    // A printout the viewer has had (the start-up sweep has run: it cleared the folder
    // before the window appeared, and the hourly one spares anything under a day old).
    let prints = PathBuf::from(env("WAYMARK_E2E_DATA_DIR")?).join("prints");
    std::fs::create_dir_all(&prints)?;
    let left = prints.join("prescription-WM-TEST-1.pdf");
    std::fs::write(&left, b"%PDF-1.7 a printout")?;
    // The system asks the app to end, as at log-out or shutdown (ending the WebDriver
    // session instead kills the process outright, which no program can act on).
    let app = env("WAYMARK_E2E_APP")?;
    let asked = std::process::Command::new("pkill")
        .args(["-TERM", "-f", &app])
        .status()?;
    assert!(asked.success(), "no app process to ask");
    let quit = wait_until_quit().await;
    let _ = c.close().await;
    quit?;
    assert!(!left.exists(), "the printout outlived the app");
    Ok(())
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn the_window_stays_the_apps_and_web_links_go_to_the_browser() -> Result<()> {
    with_app("navigation", |c| async move {
        enter(&c).await?;
        let list = PathBuf::from(env("WAYMARK_E2E_OPENED")?);
        let opened = || std::fs::read_to_string(&list).unwrap_or_default();
        // A script (one that slipped in through a bug, say) tries to take the window
        // elsewhere, to open a new one, and to reach a local file.
        for script in [
            "window.location.href = 'https://example.org/phish';",
            "window.open('https://example.org/popup');",
            "window.location.href = 'file:///etc/passwd';",
        ] {
            c.execute(&format!("{script} return 1;"), vec![]).await?;
            tokio::time::sleep(Duration::from_millis(700)).await;
            let href = c.execute("return window.location.href;", vec![]).await?;
            let href = href.as_str().unwrap_or_default().to_owned();
            assert!(
                href.starts_with("tauri://localhost") || href.contains("tauri.localhost"),
                "{script}: the window left the app for {href}"
            );
            wait_css(&c, "#nav-caseload").await?;
            assert_eq!(c.windows().await?.len(), 1, "{script}: a new window opened");
        }
        // The web address went to the system's browser; the file never did. (The
        // scripted window.open is refused before it reaches the app, by WebKit's own
        // pop-up rule; a clicked link asking for a new window goes to the browser too.)
        let start = Instant::now();
        while !opened().contains("https://example.org/phish")
            && start.elapsed() < Duration::from_secs(10)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let handed = opened();
        assert!(handed.contains("https://example.org/phish"), "{handed}");
        assert!(!handed.contains("/etc/passwd"), "{handed}");
        Ok(())
    })
    .await
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn sign_in_lock_after_idle_and_audit() -> Result<()> {
    with_app("trust", |c| async move {
        enter(&c).await?;
        register(
            &c,
            "Margaret",
            "Ødegård",
            "Peggy",
            "1948-01-09",
            "999 186 0916",
        )
        .await?;
        wait_text(&c, "[data-testid=patient-name]", "Margaret Ødegård").await?;

        // Locking leaves nothing of the patient on screen; only the passphrase opens it.
        click(&c, "#lock-now").await?;
        wait_css(&c, "[data-testid=lock-screen]").await?;
        let body: String = c
            .execute("return document.body.textContent;", vec![])
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            !body.contains("Ødegård"),
            "the locked screen shows patient data"
        );
        shot(&c, "08-locked").await?;
        type_into(&c, "#unlock-password", "not my passphrase").await?;
        click(&c, "#unlock").await?;
        // The lock screen asks only for the passphrase, and its message says so.
        let refused = wait_css(&c, "[data-testid=unlock-error]")
            .await?
            .text()
            .await?;
        assert!(
            refused.contains("passphrase is not right") && !refused.contains("username"),
            "{refused}"
        );
        type_into(&c, "#unlock-password", PASSPHRASE).await?;
        click(&c, "#unlock").await?;
        wait_text(&c, "[data-testid=patient-name]", "Margaret Ødegård").await?;

        // Lock after idle: an admin sets one minute, then nobody touches anything.
        click(&c, "#nav-staff").await?;
        set_value(&c, "#idleMinutes", "1").await?;
        click(&c, "#save-idle").await?;
        click(&c, "#nav-caseload").await?;
        wait_css(&c, "#patient-search").await?;
        c.wait()
            .at_most(Duration::from_secs(90))
            .for_element(Locator::Css("[data-testid=lock-screen]"))
            .await
            .context("the app did not lock itself after the idle time")?;
        shot(&c, "09-idle-locked").await?;
        type_into(&c, "#unlock-password", PASSPHRASE).await?;
        click(&c, "#unlock").await?;
        click(&c, "#nav-staff").await?;
        set_value(&c, "#idleMinutes", "5").await?;
        click(&c, "#save-idle").await?;

        // The audit log shows the sign-ins, the failed unlock and the patient views.
        click(&c, "#nav-audit").await?;
        wait_text(&c, "[data-testid=audit-row]", "Signed in").await?;
        wait_text(&c, "[data-testid=audit-row]", "Failed sign-in").await?;
        wait_text(&c, "[data-testid=audit-row]", "Viewed").await?;
        shot(&c, "10-audit").await?;

        // Signing out returns to the sign-in screen, which refuses a wrong passphrase.
        click(&c, "#sign-out").await?;
        wait_css(&c, "[data-testid=sign-in]").await?;
        type_into(&c, "#username", ADMIN).await?;
        type_into(&c, "#password", "wrong wrong wrong").await?;
        click(&c, "#sign-in").await?;
        wait_css(&c, "[data-testid=sign-in-error]").await?;
        assert_eq!(count(&c, "#register-patient").await?, 0);
        Ok(())
    })
    .await
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn back_up_from_the_ui_and_restore_over_a_damaged_caseload() -> Result<()> {
    let backups = tempfile::tempdir()?;
    let folder = backups.path().display().to_string();
    // An admin renews the recovery code (so this test knows it), chooses the backup
    // folder by typing it, and backs up now.
    let (code, backup_dir) = with_app("backup", |c| async move {
        enter(&c).await?;
        register(&c, "Ngozi", "Adébáyọ̀", "", "1979-06-30", "").await?;
        wait_text(&c, "[data-testid=patient-name]", "Ngozi Adébáyọ̀").await?;
        click(&c, "#nav-backups").await?;
        // A new code asks for the admin's passphrase again.
        click(&c, "#recovery-renew").await?;
        wait_text(&c, "#recovery-renew-error", "not your passphrase").await?;
        type_into(&c, "#renewPassphrase", PASSPHRASE).await?;
        click(&c, "#recovery-renew").await?;
        let code = wait_css(&c, "[data-testid=recovery-code]")
            .await?
            .text()
            .await?;
        click(&c, "#recovery-saved").await?;
        click(&c, "#recovery-renew-done").await?;
        type_into(&c, "#backupFolder", &folder).await?;
        type_into(&c, "#backupPassphrase", PASSPHRASE).await?;
        click(&c, "#backup-save").await?;
        wait_text(&c, "[role=status]", "Backup settings saved.").await?;
        click(&c, "#backup-now").await?;
        let made = wait_css(&c, "[data-testid=backup-made]")
            .await?
            .text()
            .await?;
        wait_css(&c, "[data-testid=backup-item]").await?;
        shot(&c, "11-backup-made").await?;
        let dir = made
            .split_once(": ")
            .map(|(_, d)| d.trim().to_owned())
            .context("the backup's folder is shown")?;
        Ok((code.trim().to_owned(), dir))
    })
    .await?;
    assert!(
        backup_dir.starts_with(backups.path().to_str().unwrap_or_default()),
        "{backup_dir}"
    );

    let data = PathBuf::from(env("WAYMARK_E2E_DATA_DIR")?);
    let db = data.join("waymark.db");
    let mut damaged = std::fs::read(&db)?;
    for b in &mut damaged[100..140] {
        *b ^= 0xFF;
    }
    std::fs::write(&db, &damaged)?;

    with_app("restore", |c| async move {
        let screen = wait_css(&c, "[data-testid=open-error]").await?;
        assert_eq!(
            screen.attr("data-code").await?.as_deref(),
            Some("database_damaged")
        );
        type_into(&c, "#restoreDir", &backup_dir).await?;
        type_into(
            &c,
            "#restoreCode",
            "0000-0000-0000-0000-0000-0000-0000-0000",
        )
        .await?;
        click(&c, "#restore-check").await?;
        wait_text(&c, "#restoreCode-error", "does not unlock").await?;
        type_into(&c, "#restoreCode", &code.to_lowercase().replace('-', " ")).await?;
        click(&c, "#restore-check").await?;
        wait_css(&c, "[data-testid=restore-checked]").await?;
        shot(&c, "12-restore-checked").await?;
        click(&c, "#restore-confirm").await?;
        wait_css(&c, "[data-testid=sign-in]").await?;
        enter(&c).await?;
        search(&c, "Adebayo").await?;
        wait_text(&c, "[data-testid=patient-row]", "Adébáyọ̀").await?;
        Ok(())
    })
    .await?;
    // The damaged file was set aside, byte for byte, not deleted.
    // Set aside in a folder of its own, with its WAL and shared-memory files.
    let kept: Vec<_> = std::fs::read_dir(&data)?
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(waymark_store::backup::SET_ASIDE_PREFIX)
        })
        .collect();
    assert_eq!(kept.len(), 1, "one set-aside caseload");
    assert!(std::fs::read(kept[0].path().join("waymark.db"))? == damaged);
    Ok(())
}

/// Loads the shipped example directory from the Directory page (safe to repeat), then
/// goes back to the caseload.
async fn load_example_directory(c: &Client) -> Result<()> {
    click(c, "#nav-directory").await?;
    click(c, "#directory-view-import").await?;
    click(c, "#load-example-directory").await?;
    let result = wait_css(c, "[data-testid=import-result]").await?;
    let start = Instant::now();
    while !result.text().await?.contains("29") {
        if start.elapsed() > Duration::from_secs(20) {
            bail!(
                "the example directory did not load: {}",
                result.text().await?
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(c, "#nav-caseload").await?;
    wait_css(c, "#register-patient").await?;
    Ok(())
}

/// Waits (up to `secs`) until the element matching `css` holds `text`.
async fn wait_for_text(c: &Client, css: &str, text: &str, secs: u64) -> Result<Element> {
    let start = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if e.text().await.unwrap_or_default().contains(text) {
                return Ok(e);
            }
        }
        if start.elapsed() > Duration::from_secs(secs) {
            bail!("{css} never showed {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// axe-core's violations on the page as it is now, as "rule (impact): where" lines.
/// axe comes from the UI's npm packages, injected into the page for the check.
async fn axe_violations(c: &Client) -> Result<Vec<String>> {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ui/node_modules/axe-core/axe.min.js"),
    )
    .context("axe-core is installed with the UI's npm packages (cargo xtask setup)")?;
    c.execute(&format!("{source}\nreturn typeof axe;"), vec![])
        .await
        .context("loading axe-core into the page")?;
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' +
                   v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await?;
    let Some(list) = found.as_array() else {
        bail!("axe-core did not report: {found}");
    };
    list.iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .with_context(|| format!("axe-core reported {v}"))
        })
        .collect()
}

/// Every screen a link worker or an admin reaches, checked with axe-core after the
/// workflows have filled the caseload: no violation of any impact.
#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn x_every_screen_is_axe_clean() -> Result<()> {
    with_app("axe", |c| async move {
        let mut all: Vec<String> = Vec::new();
        let mut check = |screen: &str, found: Vec<String>| {
            all.extend(found.into_iter().map(|v| format!("{screen}: {v}")));
        };
        if count(&c, "[data-testid=sign-in]").await? > 0
            || count(&c, "[data-testid=setup]").await? > 0
        {
            tokio::time::sleep(Duration::from_millis(300)).await;
            check("door", axe_violations(&c).await?);
        }
        enter(&c).await?;
        // The check itself finds a fault when there is one: an image with no text.
        c.execute(
            "const i = document.createElement('img'); i.id = 'axe-probe'; \
             i.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; document.body.append(i);",
            vec![],
        )
        .await?;
        let probe = axe_violations(&c).await?;
        assert!(
            probe
                .iter()
                .any(|v| v.starts_with("image-alt") && v.contains("#axe-probe")),
            "axe-core missed a planted fault: {probe:?}"
        );
        c.execute("document.getElementById('axe-probe').remove();", vec![])
            .await?;
        check("caseload", axe_violations(&c).await?);
        click(&c, "#register-patient").await?;
        wait_css(&c, "#givenName").await?;
        check("register", axe_violations(&c).await?);
        click(&c, "#nav-caseload").await?;
        let first = wait_css(&c, "[data-testid=patient-row] button").await?;
        first.click().await?;
        wait_css(&c, "[data-testid=record-summary]").await?;
        check("patient page", axe_violations(&c).await?);
        for (nav, ready) in [
            ("#nav-directory", "#directory-heading"),
            ("#directory-view-import", "#import-path"),
            ("#directory-view-categories", "main"),
            ("#nav-reports", "#report-run"),
            ("#nav-staff", "main"),
            ("#nav-audit", "#audit-apply"),
            ("#nav-backups", "main"),
            ("#nav-support", "main"),
        ] {
            click(&c, nav).await?;
            wait_css(&c, ready).await?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            check(nav, axe_violations(&c).await?);
        }
        click(&c, "#lock-now").await?;
        wait_css(&c, "[data-testid=lock-screen]").await?;
        check("lock screen", axe_violations(&c).await?);
        assert!(all.is_empty(), "axe found:\n{}", all.join("\n"));
        Ok(())
    })
    .await
}

// Named to run after the workflows (tests run in name order on one caseload): the 211's
// 4,000 services would crowd their short searches in the prescription picker.
#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn y_a_211_data_package_imports_through_the_preview_and_is_prescribable() -> Result<()> {
    // Read from ../shared, where the published data lives; never copied into the project.
    let zip = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/real/miami-211-hsds1/datapackage-1566177582.zip");
    let zip = std::fs::canonicalize(&zip)?;
    with_app("directory-211", |c| async move {
        enter(&c).await?;
        click(&c, "#nav-directory").await?;
        click(&c, "#directory-view-import").await?;
        // The path goes to the command the file dialog feeds (a dialog cannot be driven
        // through WebDriver).
        type_into(&c, "#import-path", &zip.display().to_string()).await?;
        click(&c, "#preview-path").await?;
        let counts = wait_for_text(&c, "[data-testid=preview-counts]", "new", 120).await?;
        let text = counts.text().await?;
        let new: u32 = text
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no count in {text:?}"))?;
        assert!(new > 4000, "{text}");
        wait_text(
            &c,
            "[data-testid=preview-source]",
            "datapackage-1566177582.zip",
        )
        .await?;
        shot(&c, "d1-211-preview").await?;
        // Nothing is written before Import.
        click(&c, "#directory-view-services").await?;
        type_into(&c, "#directory-search", "girl scouts tropical").await?;
        wait_css(&c, "[data-testid=directory-empty]").await?;
        click(&c, "#directory-view-import").await?;
        type_into(&c, "#import-path", &zip.display().to_string()).await?;
        click(&c, "#preview-path").await?;
        wait_for_text(&c, "[data-testid=preview-counts]", "new", 120).await?;
        click(&c, "#confirm-import").await?;
        wait_for_text(&c, "[data-testid=import-result]", "Imported", 120).await?;
        wait_text(
            &c,
            "[data-testid=directory-source]",
            "datapackage-1566177582.zip",
        )
        .await?;
        shot(&c, "d2-211-imported").await?;

        // The search typed before the import still stands, and now finds the service.
        click(&c, "#directory-view-services").await?;
        wait_for_text(
            &c,
            "[data-testid=service-name]",
            "GIRL SCOUTS COUNCIL OF TROPICAL FLORIDA",
            30,
        )
        .await?;

        // The 211's service can be prescribed.
        click(&c, "#nav-caseload").await?;
        register(&c, "Ana", "Lima", "", "1990-05-01", "").await?;
        wait_text(&c, "[data-testid=patient-name]", "Ana Lima").await?;
        refer(
            &c,
            &["Loneliness or isolation"],
            "Moved to the area last year.",
        )
        .await?;
        click(&c, "#new-prescription").await?;
        pick_service(
            &c,
            "girl scouts",
            "GIRL SCOUTS COUNCIL OF TROPICAL FLORIDA, INC.",
        )
        .await?;
        shot(&c, "d3-211-picked").await?;
        Ok(())
    })
    .await
}

/// Adds a referral from the patient page, ticking the reasons by their labels.
async fn refer(c: &Client, reasons: &[&str], conditions: &str) -> Result<()> {
    click(c, "#add-referral").await?;
    set_value(c, "#receivedDate", "2026-11-02").await?;
    set_value(c, "#source", "gp").await?;
    type_into(c, "#referrerName", "Dr Amara Okafor").await?;
    for reason in reasons {
        wait_text(c, "label", reason).await?.click().await?;
    }
    type_into(c, "#conditions", conditions).await?;
    click(c, "#save-referral").await?;
    wait_text(c, "[data-testid=referral]", "Dr Amara Okafor").await?;
    Ok(())
}

/// Picks a service in the open prescription composer by searching for it.
async fn pick_service(c: &Client, search_text: &str, name: &str) -> Result<()> {
    type_into(c, "#service-picker-search", search_text).await?;
    let start = Instant::now();
    loop {
        let attempt = async {
            let result = wait_text(c, "[data-testid=picker-result]", name).await?;
            result
                .find(Locator::Css("[data-testid=pick-service]"))
                .await?
                .click()
                .await?;
            c.wait()
                .at_most(Duration::from_secs(3))
                .for_element(Locator::XPath(&format!(
                    "//*[@data-testid='chosen-item'][contains(., \"{name}\")]"
                )))
                .await?;
            Ok::<(), anyhow::Error>(())
        };
        match attempt.await {
            Ok(()) => return Ok(()),
            Err(e) if start.elapsed() > Duration::from_secs(20) => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Chooses `value` in the select matching `css` inside `within`, as a person would.
async fn choose_in(c: &Client, within: &Element, css: &str, value: &str) -> Result<()> {
    let select = within.find(Locator::Css(css)).await?;
    c.execute(
        "arguments[0].value = arguments[1];
         arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
        vec![serde_json::to_value(&select)?, json!(value)],
    )
    .await?;
    Ok(())
}

async fn click_in(within: &Element, css: &str) -> Result<()> {
    within
        .find(Locator::Css(css))
        .await?
        .click()
        .await
        .with_context(|| format!("clicking {css}"))?;
    Ok(())
}

/// Fills in the follow-up of the prescribed `service` (not yet saved) and returns its
/// line: the status, and the barrier when one is given.
async fn follow_up(
    c: &Client,
    service: &str,
    status: &str,
    barrier: Option<&str>,
) -> Result<Element> {
    let item = wait_text(c, "[data-testid=prescription-item]", service).await?;
    choose_in(c, &item, "[data-testid=item-status]", status).await?;
    if let Some(barrier) = barrier {
        choose_in(c, &item, "[data-testid=item-barrier]", barrier).await?;
    }
    Ok(item)
}

/// Waits until the follow-up line of the prescribed `service` says `status`.
async fn wait_item_status(c: &Client, service: &str, status: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        let mut last = String::new();
        for item in c
            .find_all(Locator::Css("[data-testid=prescription-item]"))
            .await?
        {
            let Ok(name) = item.find(Locator::Css("[data-testid=item-service]")).await else {
                continue;
            };
            if !name.text().await.unwrap_or_default().contains(service) {
                continue;
            }
            if let Ok(shown) = item
                .find(Locator::Css("[data-testid=item-status-text]"))
                .await
            {
                last = shown.text().await.unwrap_or_default();
                if last.contains(status) {
                    return Ok(());
                }
            }
        }
        if start.elapsed() > Duration::from_secs(20) {
            bail!("{service} never showed {status:?} (last: {last:?})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Records a UCLA-3 loneliness measure on the open patient page.
async fn record_ucla3(c: &Client, date: &str, timepoint: &str, answers: &[u8]) -> Result<()> {
    let before = count(c, "[data-testid=measure-row]").await?;
    click(c, "[data-testid=measure-record-ucla3]").await?;
    set_value(c, "[data-testid=measure-date]", date).await?;
    click(c, &format!("[data-testid=measure-timepoint-{timepoint}]")).await?;
    for (n, a) in answers.iter().enumerate() {
        click(c, &format!("[data-testid=measure-q{}-{a}]", n + 1)).await?;
    }
    click(c, "[data-testid=measure-save]").await?;
    let start = Instant::now();
    while count(c, "[data-testid=measure-row]").await? <= before {
        if start.elapsed() > Duration::from_secs(20) {
            bail!("the {timepoint} measure never appeared");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// The element matching `css` whose text contains `text`, found inside `within`.
async fn child_with_text(within: &Element, css: &str, text: &str) -> Result<Element> {
    for el in within.find_all(Locator::Css(css)).await? {
        if el.text().await?.contains(text) {
            return Ok(el);
        }
    }
    bail!("no {css} containing {text:?}")
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn workflow_one_referral_to_prescription_with_the_discount_note() -> Result<()> {
    with_app("workflow-1", |c| async move {
        enter(&c).await?;
        load_example_directory(&c).await?;

        register(&c, "Zoë", "O'Brien", "Zo", "1987-03-14", "999 526 0182").await?;
        wait_text(&c, "[data-testid=patient-name]", "Zoë O'Brien").await?;
        refer(
            &c,
            &["Long-term condition", "Physical activity"],
            "Multiple sclerosis: muscle weakness and coordination. Advice: gentle exercise.",
        )
        .await?;
        // The code for the GP record is shown with the referral.
        wait_text(&c, "[data-testid=snomed-codes]", "871731000000106").await?;

        // The conversation: no time to exercise because of childcare.
        click(&c, "#add-contact").await?;
        set_value(&c, "#contactKind", "phone").await?;
        type_into(&c, "#minutes", "25").await?;
        type_into(
            &c,
            "#contactNotes",
            "Two children under five; no time to exercise because of childcare.",
        )
        .await?;
        click(&c, "#save-contact").await?;
        wait_text(&c, "[data-testid=contact-item]", "because of childcare").await?;

        // What matters, and a goal.
        type_into(
            &c,
            "#whatMatters",
            "Being strong enough to play with my children",
        )
        .await?;
        click(&c, "#save-what-matters").await?;
        // Saving reloads the page; a click before the reload ends can land on the old
        // page and be lost.
        wait_text(&c, "[data-testid=what-matters]", "Being strong enough").await?;
        click(&c, "#add-goal").await?;
        type_into(&c, "#goalDescription", "Gentle exercise twice a week").await?;
        click(&c, "#save-goal").await?;
        wait_text(&c, "[data-testid=goal]", "Gentle exercise twice a week").await?;
        shot(&c, "w1-01-plan").await?;

        // The prescription: the childcare co-op and the yoga studio's discount.
        click(&c, "#new-prescription").await?;
        pick_service(&c, "childcare", "Community Childcare Co-op").await?;
        pick_service(&c, "gentle yoga", "Gentle Yoga for Strength and Balance").await?;
        let yoga = wait_text(
            &c,
            "[data-testid=chosen-item]",
            "Gentle Yoga for Strength and Balance",
        )
        .await?;
        assert!(
            yoga.text().await?.contains("50% off"),
            "the discount is in view while writing the note"
        );
        yoga.find(Locator::Css("[data-testid=item-note]"))
            .await?
            .send_keys("Ask for Maria and mention the doctor's letter for the discount")
            .await?;
        type_into(
            &c,
            "#prescription-message",
            "Two small things just for you: time to yourself, and gentle yoga.",
        )
        .await?;
        set_value(&c, "#prescription-checkin", "2026-12-15").await?;
        shot(&c, "w1-02-composer").await?;
        click(&c, "#save-prescription").await?;
        let rx = wait_text(
            &c,
            "[data-testid=prescription]",
            "Community Childcare Co-op",
        )
        .await?;
        let text = rx.text().await?;
        assert!(
            text.contains("Gentle Yoga for Strength and Balance"),
            "{text}"
        );
        assert!(text.contains("mention the doctor's letter"), "{text}");
        let code = rx
            .find(Locator::Css("[data-testid=reference-code]"))
            .await?
            .text()
            .await?;
        assert!(code.contains("WM-"), "reference code shown: {code}");
        shot(&c, "w1-03-prescription").await?;

        // It ends by printing: the PDF handed to the system's viewer holds both
        // activities, the discount and how to claim it, and the next check-in.
        let (pdf, printed) = print(&c, &rx).await?;
        let data_dir = PathBuf::from(env("WAYMARK_E2E_DATA_DIR")?);
        assert!(
            pdf.starts_with(data_dir.join("prints")),
            "printed into the private print folder: {}",
            pdf.display()
        );
        for expected in [
            "For Zoë O'Brien",
            "Community Childcare Co-op",
            "Gentle Yoga for Strength and Balance",
            "50% off with a doctor's or link worker's recommendation letter",
            "Ask for Maria and mention the doctor's letter for the discount",
            "Tuesday, 15 December 2026",
            code.trim(),
        ] {
            assert!(
                printed.contains(expected),
                "{expected:?} not in:\n{printed}"
            );
        }
        shot(&c, "w1-04-printed").await?;

        // Zoë reads Polish best: her prescription in Polish, with the English beneath
        // each phrase for the link worker and her family. Her dates are Polish too.
        let polish = print_in_language(&c, "pl", "polski (Polish)", true).await?;
        for expected in [
            "Recepta społeczna",
            "Your social prescription",
            "Dla: Zoë O'Brien",
            "Zalecane zajęcia",
            "Następny kontakt",
            "wtorek, 15 grudnia 2026",
            "Community Childcare Co-op",
            "Ask for Maria and mention the doctor's letter for the discount",
        ] {
            assert!(polish.contains(expected), "{expected:?} not in:\n{polish}");
        }
        shot(&c, "w1-04b-printed-in-polish").await?;

        // Her neighbour's family reads Arabic: the same prescription in Arabic, in the
        // computer's own Arabic font (Noto here; Segoe UI on Windows, Geeza Pro on
        // macOS), its letters joined and read right to left.
        let arabic = print_in_language(&c, "ar", "(Arabic)", false).await?;
        for expected in [
            "وصفتك",
            "الاجتماعية",
            "أنشطتك",
            "المتابعة",
            "ديسمبر",
            "2026",
            "Zoë O'Brien",
            "Community Childcare Co-op",
            "Ask for Maria and mention the doctor's letter for the discount",
        ] {
            assert!(arabic.contains(expected), "{expected:?} not in:\n{arabic}");
        }
        shot(&c, "w1-04c-printed-in-arabic").await?;

        // Registering the same person again warns and links to the record.
        click_button(&c, "Back to caseload").await?;
        click(&c, "#register-patient").await?;
        type_into(&c, "#givenName", "Zoe").await?;
        type_into(&c, "#familyName", "OBrien").await?;
        set_value(&c, "#dateOfBirth", "1987-03-14").await?;
        click(&c, "#save-patient").await?;
        wait_css(&c, "[data-testid=duplicate-warning]").await?;
        shot(&c, "w1-05-duplicate").await?;
        click(&c, "[data-testid=duplicate-link]").await?;
        wait_text(&c, "[data-testid=patient-name]", "Zoë O'Brien").await?;
        wait_text(&c, "[data-testid=prescription]", "Gentle Yoga").await?;
        Ok(())
    })
    .await
}

/// The names shown on the caseload's rows.
async fn caseload_rows(c: &Client) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for row in c
        .find_all(Locator::Css("[data-testid=patient-row]"))
        .await?
    {
        out.push(row.text().await?);
    }
    Ok(out)
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn workflow_four_closes_and_sends_the_message_back_to_the_gp() -> Result<()> {
    with_app("workflow-4-message-back", |c| async move {
        enter(&c).await?;
        register(
            &c,
            "Tomás",
            "Ó Súilleabháin",
            "",
            "1968-02-11",
            "943 476 5919",
        )
        .await?;
        wait_text(&c, "[data-testid=patient-name]", "Tomás Ó Súilleabháin").await?;
        refer(
            &c,
            &["Finance or debt", "Employment"],
            "Job loss and money worries affecting appetite and digestion.",
        )
        .await?;

        // The GP appointments in the six months before, read from the GP record.
        click(&c, ".record-gp").await?;
        type_into(&c, "input[id^=gp-before-]:not([id*=counted])", "9").await?;
        click(&c, "[id^=save-gp-]").await?;
        wait_text(&c, "[data-testid=gp-before]", "9 (counted").await?;

        // Closed as completed: the message back is owed, and the caseload says so.
        // Closing through the status list as a person does. (This step found the
        // status list putting "New" back in the app's webview: see ReferralItem.svelte.)
        set_value(&c, "[data-testid=referral] select[id^=status-]", "closed").await?;
        set_value(&c, "#closureOutcome", "completed").await?;
        type_into(&c, "#closureReason", "Back in work part time").await?;
        click(&c, ".update-status").await?;
        wait_text(&c, "[data-testid=message-sent]", "Not sent yet").await?;
        let draft = wait_text(&c, "[data-testid=message-text]", "WHY THEY WERE REFERRED").await?;
        let text = draft.text().await?;
        for expected in [
            "Name: Tomás Ó Súilleabháin",
            "NHS number 943 476 5919",
            "Reasons: Finance or debt, Employment",
            "GP appointments in the 6 months before the referral: 9",
            "support completed",
            "871731000000106 Referral to social prescribing service",
        ] {
            assert!(text.contains(expected), "{expected:?} not in:\n{text}");
        }
        click_button(&c, "Back to caseload").await?;
        set_value(&c, "#caseload-episode", "closed_unsent").await?;
        wait_text(&c, "[data-testid=patient-row]", "Tomás Ó Súilleabháin").await?;
        open_row(&c, "Tomás Ó Súilleabháin").await?;

        // What happens next, then copied for the GP system. WebKitGTK under Xvfb may
        // refuse the clipboard; the app then leaves the text selected to copy by hand.
        // Either way the message has left Waymark and the episode says so.
        type_into(
            &c,
            "textarea[id^=next-steps-]",
            "No further support needed; he knows how to refer himself again.",
        )
        .await?;
        click(&c, "[data-testid=message-copy]").await?;
        let status = wait_css(&c, "[data-testid=message-status]").await?;
        let start = Instant::now();
        let said = loop {
            let said = status.text().await?;
            if said.contains("Copied") || said.contains("copy it with your keyboard") {
                break said;
            }
            if start.elapsed() > Duration::from_secs(20) {
                bail!("the copy said nothing: {said:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        eprintln!("message back copy: {said}");
        wait_text(&c, "[data-testid=message-sent]", "copied as text").await?;
        shot(&c, "w4-01-message-back-sent").await?;

        // The letter: the same facts, printed through the PDF viewer.
        let before = opened_files()?.len();
        click(&c, "[data-testid=message-print]").await?;
        wait_text(
            &c,
            "[data-testid=message-status]",
            "Opened in your PDF viewer",
        )
        .await?;
        let pdf = opened_after(before).await?;
        let letter = pdf_text(&pdf)?;
        for expected in [
            "Tomás Ó Súilleabháin",
            "Why they were referred",
            "No further support needed",
            "871731000000106",
        ] {
            assert!(letter.contains(expected), "{expected:?} not in:\n{letter}");
        }
        wait_text(&c, "[data-testid=message-sent]", "as a letter").await?;

        // No closed episode owes a message now.
        click_button(&c, "Back to caseload").await?;
        set_value(&c, "#caseload-episode", "closed_unsent").await?;
        let start = Instant::now();
        while !caseload_rows(&c).await?.is_empty() {
            if start.elapsed() > Duration::from_secs(10) {
                bail!("still listed: {:?}", caseload_rows(&c).await?);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    })
    .await
}

#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn workflow_two_and_five_prescribe_then_follow_up_with_barriers() -> Result<()> {
    with_app("workflow-2", |c| async move {
        enter(&c).await?;
        load_example_directory(&c).await?;
        register(
            &c,
            "Aoife",
            "MacGiolla Phádraig-Smythe",
            "",
            "2001-04-01",
            "999 628 1949",
        )
        .await?;
        wait_text(&c, "[data-testid=patient-name]", "Aoife").await?;
        refer(
            &c,
            &["Mental wellbeing", "Loneliness"],
            "Social anxiety; therapy has helped but has not met new people.",
        )
        .await?;
        click(&c, "#add-goal").await?;
        type_into(
            &c,
            "#goalDescription",
            "Activities with only a little direct socialising",
        )
        .await?;
        click(&c, "#save-goal").await?;
        wait_text(&c, "[data-testid=goal]", "a little direct socialising").await?;

        click(&c, "#new-prescription").await?;
        pick_service(&c, "gardening", "Allotment Gardening Class").await?;
        pick_service(&c, "hike", "Saturday Group Hike").await?;
        pick_service(&c, "art class", "Drop-in Art Class").await?;
        set_value(&c, "#prescription-checkin", "2026-12-20").await?;
        click(&c, "#save-prescription").await?;
        let rx = wait_text(
            &c,
            "[data-testid=prescription]",
            "Allotment Gardening Class",
        )
        .await?;
        let text = rx.text().await?;
        assert!(
            text.contains("Saturday Group Hike") && text.contains("Drop-in Art Class"),
            "{text}"
        );
        shot(&c, "w2-01-prescription").await?;

        // Printed on US Letter in large print, chosen for this print only.
        choose_in(&c, &rx, "[data-testid=print-paper]", "letter").await?;
        click_in(&rx, "[data-testid=print-large]").await?;
        let (pdf, printed) = print(&c, &rx).await?;
        for expected in [
            "1. Allotment Gardening Class",
            "2. Saturday Group Hike",
            "3. Drop-in Art Class",
            "Activities with only a little direct socialising",
        ] {
            assert!(
                printed.contains(expected),
                "{expected:?} not in:\n{printed}"
            );
        }
        let info = std::process::Command::new("pdfinfo").arg(&pdf).output()?;
        let info = String::from_utf8(info.stdout)?;
        assert!(info.contains("(letter)"), "{info}");
        assert!(
            !info.contains("Pages:           1\n"),
            "three activities in large print take more than a page: {info}"
        );
        Ok(())
    })
    .await?;
    // Workflow 5, weeks later (a new app process): what was started, declined, missed.
    with_app("workflow-5", |c| async move {
        enter(&c).await?;
        // The printout of the first run is gone (the WebDriver session ends the app
        // with a kill, so this is the start-up sweep; removal at quit has its own test).
        let prints = PathBuf::from(env("WAYMARK_E2E_DATA_DIR")?).join("prints");
        let start = Instant::now();
        while pdfs_in(&prints)? > 0 {
            if start.elapsed() > Duration::from_secs(20) {
                bail!("printouts outlived a restart in {}", prints.display());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        search(&c, "phadraig").await?;
        open_row(&c, "Aoife").await?;
        wait_text(
            &c,
            "[data-testid=prescription]",
            "Allotment Gardening Class",
        )
        .await?;

        let item = follow_up(&c, "Allotment Gardening Class", "started", None).await?;
        click_in(&item, "[data-testid=save-item-status]").await?;
        wait_item_status(&c, "Allotment Gardening Class", "Started").await?;

        // Declined without a barrier is refused, with a message, and changes nothing.
        let item = follow_up(&c, "Saturday Group Hike", "declined", None).await?;
        click_in(&item, "[data-testid=save-item-status]").await?;
        wait_text(
            &c,
            "[data-testid=prescription-item]",
            "Choose what got in the way",
        )
        .await?;
        wait_item_status(&c, "Saturday Group Hike", "Suggested").await?;
        let item = follow_up(&c, "Saturday Group Hike", "declined", Some("confidence")).await?;
        click_in(&item, "[data-testid=save-item-status]").await?;
        wait_item_status(&c, "Saturday Group Hike", "Confidence").await?;

        let item = follow_up(&c, "Drop-in Art Class", "did_not_attend", Some("transport")).await?;
        item.find(Locator::Css("[data-testid=item-barrier-note]"))
            .await?
            .send_keys("No bus on Wednesday afternoons")
            .await?;
        click_in(&item, "[data-testid=save-item-status]").await?;
        wait_item_status(&c, "Drop-in Art Class", "Transport").await?;
        shot(&c, "w5-01-follow-up").await?;

        // Wellbeing at baseline (UCLA-3 loneliness 9 of 9, three months ago) and now
        // (4): the reminder was overdue, and the page and the report show the change.
        let today = chrono::Local::now().date_naive();
        let baseline = today - chrono::Duration::days(90);
        record_ucla3(
            &c,
            &baseline.format("%Y-%m-%d").to_string(),
            "baseline",
            &[3, 3, 3],
        )
        .await?;
        wait_text(&c, "[data-testid=measures-due]", "overdue").await?;
        // An unanswered question is refused and records nothing.
        click(&c, "[data-testid=measure-record-ucla3]").await?;
        click(&c, "[data-testid=measure-q1-2]").await?;
        click(&c, "[data-testid=measure-save]").await?;
        wait_text(&c, "[data-testid=measure-form]", "Answer question 2").await?;
        click_button(&c, "Cancel").await?;
        record_ucla3(
            &c,
            &today.format("%Y-%m-%d").to_string(),
            "follow_up",
            &[2, 1, 1],
        )
        .await?;
        let change = wait_text(&c, "[data-testid=measure-change-ucla3]", "better").await?;
        let change = change.text().await?;
        assert_eq!(
            change,
            "Change since baseline: \u{2212}5 (9 \u{2192} 4), better"
        );
        assert_eq!(
            count(&c, "[data-testid=measures-due]").await?,
            0,
            "follow-up recorded"
        );
        wait_css(&c, "[data-testid=measure-chart-ucla3] svg").await?;
        shot(&c, "w5-02-wellbeing").await?;

        click(&c, "#nav-reports").await?;
        let outcome = wait_text(&c, "[data-testid=report-outcome-ucla3]", "5.0").await?;
        let outcome = outcome.text().await?;
        assert!(outcome.contains("100%"), "one pair, improved: {outcome}");
        let barriers = wait_text(&c, "[data-testid=report-table-barriers]", "Confidence").await?;
        assert!(barriers.text().await?.contains("Transport"));
        shot(&c, "w5-03-report").await?;
        Ok(())
    })
    .await?;

    // After another restart every follow-up is still recorded, and the caseload shows
    // the episode and its next check-in.
    with_app("workflow-5-restart", |c| async move {
        enter(&c).await?;
        search(&c, "aoife").await?;
        let row = wait_text(&c, "[data-testid=patient-row]", "Aoife").await?;
        let row_text = row.text().await?;
        assert!(
            row_text.contains("20 Dec 2026"),
            "next check-in: {row_text}"
        );
        open_row(&c, "Aoife").await?;
        let rx = wait_text(
            &c,
            "[data-testid=prescription]",
            "Allotment Gardening Class",
        )
        .await?;
        for (service, status) in [
            ("Allotment Gardening Class", "Started"),
            ("Saturday Group Hike", "Confidence"),
            ("Drop-in Art Class", "Transport"),
        ] {
            let item = child_with_text(&rx, "[data-testid=prescription-item]", service).await?;
            let shown = item
                .find(Locator::Css("[data-testid=item-status-text]"))
                .await?
                .text()
                .await?;
            assert!(shown.contains(status), "{service}: {shown}");
        }
        Ok(())
    })
    .await
}

/// Launch to an interactive first screen, and on to the caseload after signing in,
/// timed over a few launches; the figures are printed for the README (target: under
/// 1.5 s to the caseload screen on the CI machine).
#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn start_up_time_is_measured() -> Result<()> {
    // The caseload must exist already: the first run's setup is not start-up.
    with_app("start-up-first", |c| async move { enter(&c).await }).await?;
    let mut to_screen = Vec::new();
    let mut to_caseload = Vec::new();
    for i in 0..3 {
        let start = Instant::now();
        let c = launch().await?;
        let result = async {
            wait_css(&c, "[data-testid=sign-in] #username").await?;
            to_screen.push(start.elapsed());
            enter(&c).await?;
            to_caseload.push(start.elapsed());
            Ok::<_, anyhow::Error>(())
        }
        .await;
        if result.is_err() {
            let _ = shot(&c, &format!("start-up-{i}-failure")).await;
        }
        c.close().await?;
        wait_until_quit().await?;
        result?;
    }
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let worst = |v: &[Duration]| v.iter().map(ms).fold(0.0, f64::max);
    println!(
        "start-up: launch to the sign-in screen {:?} ms (worst {:.0} ms); \
         to the caseload after signing in {:?} ms (worst {:.0} ms); \
         target < 1500 ms to the caseload: {}",
        to_screen.iter().map(|d| ms(d).round()).collect::<Vec<_>>(),
        worst(&to_screen),
        to_caseload
            .iter()
            .map(|d| ms(d).round())
            .collect::<Vec<_>>(),
        worst(&to_caseload),
        if worst(&to_caseload) < 1500.0 {
            "met"
        } else {
            "MISSED"
        }
    );
    Ok(())
}

/// Every patient detail the other real-window tests typed in.
const PATIENT_DATA: &[&str] = &[
    "Siobhán",
    "Ní Bhriain",
    "999 159 0839",
    "9991590839",
    "<script>alert(1)</script>",
    "DROP TABLE",
    "Margaret",
    "Ødegård",
    "Ngozi",
    "Adébáyọ̀",
    "Zoë",
    "O'Brien",
    "999 526 0182",
    "9995260182",
    "Aoife",
    "MacGiolla",
    "999 628 1949",
];

/// Runs after the others (libtest runs tests in name order with one thread): the
/// diagnostics for support and the app's log files name none of the patients the other
/// tests registered, while they do hold what support needs.
#[tokio::test]
#[ignore = "needs the real app window: run by `cargo xtask test`"]
async fn zz_after_the_others_logs_and_diagnostics_hold_no_patient_data() -> Result<()> {
    let diagnostics = with_app("diagnostics", |c| async move {
        enter(&c).await?;
        click(&c, "#nav-support").await?;
        click(&c, "#copy-diagnostics").await?;
        let text = wait_css(&c, "[data-testid=diagnostics-text]")
            .await?
            .text()
            .await?;
        shot(&c, "support-diagnostics").await?;
        Ok(text)
    })
    .await?;
    for needed in [
        "Version: ",
        "Data folder: ",
        "Caseload: open, schema",
        "Recent log lines:",
        "caseload opened",
    ] {
        assert!(
            diagnostics.contains(needed),
            "diagnostics lack {needed:?}:\n{diagnostics}"
        );
    }
    let log_dir = PathBuf::from(env("WAYMARK_E2E_LOG_DIR")?);
    let mut logs = String::new();
    for entry in std::fs::read_dir(&log_dir)? {
        logs.push_str(&std::fs::read_to_string(entry?.path())?);
    }
    assert!(
        logs.contains("Waymark started") && logs.contains("caseload opened"),
        "the app keeps logs in {}:\n{logs}",
        log_dir.display()
    );
    for data in PATIENT_DATA {
        assert!(!logs.contains(data), "the logs hold {data:?}");
        assert!(!diagnostics.contains(data), "the diagnostics hold {data:?}");
    }
    Ok(())
}
