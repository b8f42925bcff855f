//! The UI tests' host (feature `test-host`, binary `waymark-test-host`): the app's own
//! commands, registered exactly as in the app, run on Tauri's mock runtime over a fresh
//! caseload with an in-memory credential store. The vitest suite starts one host per
//! test file and routes every `invoke` of the UI to it (`ui/src/test/host.ts`), so the
//! UI is tested against the real validation, rules and store rather than a copy.
//!
//! Protocol: one JSON object per line on stdin, `{"id": n, "cmd": "...", "args": {...}}`;
//! one per line on stdout, `{"id": n, "ok": value}` or `{"id": n, "err": value}`, in the
//! order the commands finish (async commands run side by side, as in the app). Besides
//! the app's commands the host answers:
//! - `host:reset` `{today?, files?}`: a new app on a new data folder (the last one is
//!   removed), the date fixed to `today` (yyyy-mm-dd) or the real one, the folder
//!   empty or holding `files` (name: text) when the caseload opens;
//! - `host:today` `{today}`: the date moves on (or back) for the rest of the test;
//! - `host:reopen` `{copy?}`: the app closes and opens the same data folder again,
//!   after copying files into it (name: path of the file to copy), as putting back an
//!   older copy of the caseload does;
//! - `host:desk` `{saveTo?, pickFile?, pickFolder?}`: what the "person" will choose in
//!   the next dialogs of each kind (`null` cancels); kept until changed;
//! - `host:desk_log`: the dialogs asked for and the addresses and files opened;
//! - `host:data_dir`: the current data folder.
//!
//! Never part of the app: the app binary is built without this feature.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponse, InvokeResponseBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};
use waymark_store::CredentialVault;

use crate::commands;
use crate::desk::{Desk, DeskState, OpenAsk, SaveAsk};
use crate::error::ApiError;
use crate::state::AppState;

static TODAY: Mutex<Option<NaiveDate>> = Mutex::new(None);

/// The date `host:reset` fixed, if any (`commands::today` asks).
pub(crate) fn fixed_today() -> Option<NaiveDate> {
    *TODAY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the scripted "person" answers, and what they were asked.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Script {
    #[serde(skip)]
    save_to: Option<PathBuf>,
    #[serde(skip)]
    pick_file: Option<PathBuf>,
    #[serde(skip)]
    pick_folder: Option<PathBuf>,
    /// Each dialog as `kind: title` (`save: Save the recovery kit`).
    asked: Vec<String>,
    opened_urls: Vec<String>,
    opened_paths: Vec<String>,
}

#[derive(Clone, Default)]
struct ScriptedDesk(Arc<Mutex<Script>>);

impl ScriptedDesk {
    fn script(&self) -> std::sync::MutexGuard<'_, Script> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Desk for ScriptedDesk {
    fn save_file(&self, ask: SaveAsk<'_>) -> Result<Option<PathBuf>, ApiError> {
        let mut s = self.script();
        s.asked
            .push(format!("save: {} ({})", ask.title, ask.file_name));
        Ok(s.save_to.clone())
    }
    fn pick_file(&self, ask: OpenAsk<'_>) -> Result<Option<PathBuf>, ApiError> {
        let mut s = self.script();
        s.asked.push(format!("open: {}", ask.title));
        Ok(s.pick_file.clone())
    }
    fn pick_folder(&self, title: &str) -> Result<Option<PathBuf>, ApiError> {
        let mut s = self.script();
        s.asked.push(format!("folder: {title}"));
        Ok(s.pick_folder.clone())
    }
    fn open_url(&self, url: &str) -> Result<(), String> {
        self.script().opened_urls.push(url.to_owned());
        Ok(())
    }
    fn open_path(&self, path: &Path) -> Result<(), String> {
        self.script().opened_paths.push(path.display().to_string());
        Ok(())
    }
}

/// One app on one caseload.
struct Run {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    desk: ScriptedDesk,
    data: tempfile::TempDir,
}

impl Run {
    /// Closes the caseload and hands back its folder. Tauri's mock app keeps its state
    /// alive after the app is dropped, so the caseload is closed explicitly.
    fn close(self) -> tempfile::TempDir {
        self.window.state::<AppState>().close();
        self.data
    }
}

#[derive(Deserialize)]
struct Request {
    id: u64,
    cmd: String,
    #[serde(default)]
    args: Value,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Reset {
    today: Option<NaiveDate>,
    /// Files put in the data folder before the caseload opens (name: text), to meet
    /// the app with what a real folder can hold, such as a damaged database.
    files: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct MoveDate {
    today: Option<NaiveDate>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Reopen {
    copy: std::collections::BTreeMap<String, PathBuf>,
}

/// A name of a file directly in the data folder.
fn plain_name(name: &str) -> Result<&str, String> {
    let plain = Path::new(name)
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if plain {
        Ok(name)
    } else {
        Err(format!("{name}: only names inside the data folder"))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeskAnswers {
    #[serde(default, with = "maybe")]
    save_to: Option<Option<PathBuf>>,
    #[serde(default, with = "maybe")]
    pick_file: Option<Option<PathBuf>>,
    #[serde(default, with = "maybe")]
    pick_folder: Option<Option<PathBuf>>,
}

/// A field that may be left out (keep the answer) or be `null` (cancel).
mod maybe {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

type Out = Arc<Mutex<std::io::Stdout>>;

fn answer(out: &Out, id: u64, result: Result<Value, Value>) {
    let line = match result {
        Ok(v) => json!({ "id": id, "ok": v }),
        Err(e) => json!({ "id": id, "err": e }),
    };
    let mut out = out.lock().unwrap_or_else(PoisonError::into_inner);
    // A closed stdout means the test runner has gone: nothing left to answer.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn body_json(body: InvokeResponseBody) -> Value {
    match body {
        InvokeResponseBody::Json(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
        InvokeResponseBody::Raw(bytes) => Value::from(bytes),
    }
}

fn start(vault: &CredentialVault, reset: &Reset) -> Result<Run, String> {
    *TODAY.lock().unwrap_or_else(PoisonError::into_inner) = reset.today;
    let data = tempfile::Builder::new()
        .prefix("waymark-ui-test-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    for (name, text) in &reset.files {
        std::fs::write(data.path().join(plain_name(name)?), text).map_err(|e| e.to_string())?;
    }
    open(vault, data)
}

/// The app on the caseload in `data`.
fn open(vault: &CredentialVault, data: tempfile::TempDir) -> Result<Run, String> {
    let desk = ScriptedDesk::default();
    let app = mock_builder()
        .manage(AppState::open_with_vault(data.path(), vault.clone()))
        .manage(DeskState(Box::new(desk.clone())))
        .invoke_handler(app_commands!(commands))
        .build(mock_context(noop_assets()))
        .map_err(|e| e.to_string())?;
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .map_err(|e| e.to_string())?;
    Ok(Run {
        _app: app,
        window,
        desk,
        data,
    })
}

/// A host command's arguments.
fn args<T: serde::de::DeserializeOwned>(req: &Request) -> Result<T, Value> {
    serde_json::from_value(req.args.clone()).map_err(|e| Value::String(e.to_string()))
}

/// The app now running, for the commands that need one.
fn current(run: &Option<Run>) -> Result<&Run, Value> {
    run.as_ref()
        .ok_or_else(|| Value::String("no app: reset first".into()))
}

fn host_command(
    run: &mut Option<Run>,
    vault: &CredentialVault,
    req: &Request,
) -> Result<Value, Value> {
    let fail = |e: String| Value::String(e);
    match req.cmd.as_str() {
        "host:reset" => {
            let reset: Reset = args(req)?;
            // The last app and its folder go first: one caseload at a time.
            if let Some(last) = run.take() {
                drop(last.close());
            }
            *run = Some(start(vault, &reset).map_err(fail)?);
            Ok(Value::Null)
        }
        "host:today" => {
            let moved: MoveDate = args(req)?;
            *TODAY.lock().unwrap_or_else(PoisonError::into_inner) = moved.today;
            Ok(Value::Null)
        }
        "host:reopen" => {
            let reopen: Reopen = args(req)?;
            let last = run
                .take()
                .ok_or_else(|| fail("no app: reset first".into()))?;
            // The caseload (and its lock) goes before the folder opens again.
            let data = last.close();
            for (name, from) in &reopen.copy {
                let to = data.path().join(plain_name(name).map_err(fail)?);
                std::fs::copy(from, to).map_err(|e| fail(e.to_string()))?;
            }
            *run = Some(open(vault, data).map_err(fail)?);
            Ok(Value::Null)
        }
        "host:desk" => {
            let answers: DeskAnswers = args(req)?;
            let r = current(run)?;
            let mut s = r.desk.script();
            if let Some(v) = answers.save_to {
                s.save_to = v;
            }
            if let Some(v) = answers.pick_file {
                s.pick_file = v;
            }
            if let Some(v) = answers.pick_folder {
                s.pick_folder = v;
            }
            Ok(Value::Null)
        }
        "host:desk_log" => {
            let r = current(run)?;
            serde_json::to_value(&*r.desk.script()).map_err(|e| fail(e.to_string()))
        }
        "host:data_dir" => {
            let r = current(run)?;
            Ok(Value::String(r.data.path().display().to_string()))
        }
        other => Err(fail(format!("the host has no command {other}"))),
    }
}

/// Answers requests until stdin closes.
pub fn serve() -> Result<(), String> {
    let store = keyring_core::mock::Store::new().map_err(|e| e.to_string())?;
    let vault = CredentialVault::new(store);
    let out: Out = Arc::new(Mutex::new(std::io::stdout()));
    let mut run: Option<Run> = None;
    // Where the app's page calls from. Tauri's mock context has no app permission
    // manifest, so the capability file is not applied here: `lib.rs`'s test checks
    // that build.rs, the handler and capabilities/main.json list the same commands.
    let url = if cfg!(windows) {
        "http://tauri.localhost"
    } else {
        "tauri://localhost"
    }
    .parse::<tauri::Url>()
    .map_err(|e| e.to_string())?;
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            continue;
        }
        let req: Request = serde_json::from_str(&line).map_err(|e| format!("{e}: {line}"))?;
        if req.cmd.starts_with("host:") {
            let result = host_command(&mut run, &vault, &req);
            answer(&out, req.id, result);
            continue;
        }
        let Some(r) = run.as_ref() else {
            answer(&out, req.id, Err(json!("no app: reset first")));
            continue;
        };
        let request = InvokeRequest {
            cmd: req.cmd.clone(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: url.clone(),
            body: InvokeBody::Json(req.args.clone()),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_owned(),
        };
        let out = out.clone();
        let id = req.id;
        let webview: &tauri::Webview<MockRuntime> = r.window.as_ref();
        webview.clone().on_message(
            request,
            Box::new(move |_window, _cmd, response, _callback, _error| {
                let result = match response {
                    InvokeResponse::Ok(body) => Ok(body_json(body)),
                    InvokeResponse::Err(e) => Err(e.0),
                };
                answer(&out, id, result);
            }),
        );
    }
    Ok(())
}
