/// <reference types="node" />
// The UI tests' backend: the real Rust commands, run by `waymark-test-host`
// (src-tauri/src/test_host.rs) on Tauri's mock runtime over a fresh caseload with an
// in-memory credential store. One host per test file (started on first use, stopped
// after the file by `setup.ts`); every test starts its own caseload with `signedIn` or
// `freshApp`. The UI's `invoke` reaches the host through Tauri's `mockIPC`, so the
// components run exactly the calls they make in the app.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";
import { mockIPC } from "@tauri-apps/api/mocks";
import { tauriApi, type Api } from "../api";
import type { AuditEntry } from "../api/bindings/AuditEntry";
import type { AuditPage } from "../api/bindings/AuditPage";
import type { Patient } from "../api/bindings/Patient";
import type { PatientPage } from "../api/bindings/PatientPage";
import type { PatientRecord } from "../api/bindings/PatientRecord";
import type { PracticeInput } from "../api/bindings/PracticeInput";
import type { Prescription } from "../api/bindings/Prescription";
import type { Referral } from "../api/bindings/Referral";
import type { Service } from "../api/bindings/Service";
import type { ServicePage } from "../api/bindings/ServicePage";
import type { ServiceQuery } from "../api/bindings/ServiceQuery";
import { emptyServiceQuery } from "../lib/directoryLabels";
import type { StaffInput } from "../api/bindings/StaffInput";

// vitest runs in ui/; cargo builds into the workspace's target folder unless told otherwise.
const TARGET = process.env.CARGO_TARGET_DIR ?? resolve(process.cwd(), "..", "target");
export const HOST_BINARY = join(TARGET, "debug", process.platform === "win32" ? "waymark-test-host.exe" : "waymark-test-host");

export const TEST_ADMIN: StaffInput = {
  displayName: "Amara Okafor",
  username: "amara",
  role: "admin",
  passphrase: "correct horse battery",
};
export const TEST_LINK_WORKER: StaffInput = {
  displayName: "Tomás Ó Briain",
  username: "tomas",
  role: "link_worker",
  passphrase: "staple orange lantern",
};

export const TEST_PRACTICE: PracticeInput = {
  name: "Hollinsford Surgery",
  address: "1 High Street, Hollinsford HF1 1AA",
  phone: "01632 960000",
  email: "",
  country: "uk",
  logoPng: null,
};

/** What the scripted person at the computer did: dialogs asked for, links and files opened. */
export interface DeskLog {
  asked: string[];
  openedUrls: string[];
  openedPaths: string[];
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

class Host {
  private next = 1;
  private pending = new Map<number, Pending>();
  private exited: string | null = null;

  constructor(private proc: ChildProcessWithoutNullStreams) {
    const lines = createInterface({ input: proc.stdout });
    lines.on("line", (line) => {
      const msg = JSON.parse(line) as { id: number; ok?: unknown; err?: unknown };
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ("err" in msg) p.reject(msg.err);
      else p.resolve(msg.ok);
    });
    let stderr = "";
    proc.stderr.on("data", (d) => (stderr += String(d)));
    proc.on("exit", (code) => {
      this.exited = `the test host exited (${code}): ${stderr.trim()}`;
      for (const p of this.pending.values()) p.reject(new Error(this.exited));
      this.pending.clear();
    });
  }

  request(cmd: string, args: unknown = {}): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.stdin.write(JSON.stringify({ id, cmd, args: args ?? {} }) + "\n");
    });
  }

  /** Ends the host's input so it returns and removes its caseload folder; a host that
   * has not gone within a few seconds is killed. */
  async stop() {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.proc.once("exit", () => resolve()));
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill(), 5000);
    await gone;
    clearTimeout(timer);
  }
}

let host: Host | null = null;
/** Every command the UI (or a test) sent since the last `calls.length = 0`. */
let calls: { command: string; args: unknown }[] = [];

function theHost(): Host {
  if (host) return host;
  if (!existsSync(HOST_BINARY)) {
    throw new Error(`${HOST_BINARY} is missing: vitest's global setup builds it (src/test/buildHost.ts)`);
  }
  // Its own log folder: the diagnostics' recent lines are then this host's only.
  const logs = tempFolder();
  const proc = spawn(HOST_BINARY, [], {
    stdio: ["pipe", "pipe", "pipe"],
    // No fonts but the embedded ones, whatever this machine has installed: the tests
    // see what a computer without the Noto fonts shows ("needs a font", the boxes
    // warning). The real-window tests print with the computer's fonts.
    env: { ...process.env, WAYMARK_LOG_DIR: logs, WAYMARK_TEST_FONT_DIRS: "" },
  });
  host = new Host(proc);
  globalThis.waymarkStopHost = stopHost;
  mockIPC((cmd, args) => {
    // A JSON copy, as the real IPC sends: Svelte's state proxies cannot be structured-cloned.
    calls.push({ command: cmd, args: JSON.parse(JSON.stringify(args ?? {})) });
    return theHost().request(cmd, args);
  });
  return host;
}

const folders: string[] = [];

/** A new empty folder for files a test picks, saves or copies (a USB drive, the
 * desktop); removed with the host after the file. */
export function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "waymark-ui-"));
  folders.push(folder);
  return folder;
}

/** Stops this file's host and removes its folders (`setup.ts` calls it after the file). */
export async function stopHost() {
  const last = host;
  host = null;
  await last?.stop();
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
}

/** The app's API on the real commands, with the test's view of the host beside it. */
export interface TestApi extends Api {
  /** Every command sent since the caseload started (clear with `calls.length = 0`). */
  readonly calls: { command: string; args: unknown }[];
  /** What the person will choose in the next dialogs (`null` cancels); kept until changed. */
  desk(answers: { saveTo?: string | null; pickFile?: string | null; pickFolder?: string | null }): Promise<void>;
  deskLog(): Promise<DeskLog>;
  /** Moves the backend's date (yyyy-mm-dd; `null`: the real one) for the rest of the test. */
  moveDate(today: string | null): Promise<void>;
  /** Closes the app and opens the same data folder again, first copying files into it
   * (name: path of the file to copy), as putting back an older copy of the caseload does. */
  reopen(copy?: Record<string, string>): Promise<void>;
  /** The caseload's data folder (a fresh temporary one). */
  dataDir(): Promise<string>;
  /** Every patient, archived too, in the caseload's order. */
  allPatients(): Promise<Patient[]>;
  /** The audit log, newest first. */
  allAudit(): Promise<AuditEntry[]>;
  /** Every referral of a patient. */
  referralsOf(patientId: number): Promise<Referral[]>;
  /** Every prescription of a patient. */
  prescriptionsOf(patientId: number): Promise<Prescription[]>;
  /** Every service in the directory, withdrawn and no longer listed too. */
  allServices(): Promise<Service[]>;
}

function testApi(h: Host): TestApi {
  // A fresh object per caseload, so `vi.spyOn(api, ...)` stubs stay in their test.
  const api: TestApi = {
    ...tauriApi,
    get calls() {
      return calls;
    },
    desk: async (answers) => void (await h.request("host:desk", answers)),
    deskLog: async () => (await h.request("host:desk_log")) as DeskLog,
    moveDate: async (today) => void (await h.request("host:today", { today })),
    reopen: async (copy = {}) => void (await h.request("host:reopen", { copy })),
    dataDir: async () => (await h.request("host:data_dir")) as string,
    // The readers below go to the host directly: they are the test's look at the
    // caseload, not calls the UI made, so `calls` does not list them.
    allPatients: async () => {
      const page = (await h.request("patient_list", {
        query: {
          text: "",
          includeArchived: true,
          episode: null,
          overdue: false,
          noContactWeeks: null,
          measuresDue: false,
          limit: 200,
          offset: 0,
        },
      })) as PatientPage;
      const out: Patient[] = [];
      for (const s of page.items) out.push((await h.request("patient_get", { id: s.id })) as Patient);
      return out;
    },
    allAudit: async () =>
      (
        (await h.request("audit_list", {
          query: { staffId: null, patientId: null, from: "", to: "", limit: 1000, offset: 0 },
        })) as AuditPage
      ).items,
    referralsOf: async (patientId) => (await h.request("referral_list", { patientId })) as Referral[],
    prescriptionsOf: async (patientId) =>
      ((await h.request("patient_record", { id: patientId })) as PatientRecord).prescriptions,
    allServices: async () => {
      const query: ServiceQuery = { ...emptyServiceQuery(200), includeInactive: true };
      return ((await h.request("service_list", { query })) as ServicePage).items;
    },
  };
  return api;
}

export interface CaseloadOptions {
  /** The date the backend works on (yyyy-mm-dd); the real date by default. */
  today?: string;
  /** Files in the data folder when the caseload opens (name: text), e.g. a damaged
   * `waymark.db`, so the app meets a caseload that does not open. */
  files?: Record<string, string>;
}

/** A new, empty caseload (the first-run setup is still to do). */
export async function freshApp(options: CaseloadOptions = {}): Promise<TestApi> {
  const h = theHost();
  await h.request("host:reset", { today: options.today ?? null, files: options.files ?? {} });
  calls = [];
  return testApi(h);
}

export interface PracticeOptions extends CaseloadOptions {
  practice?: Partial<PracticeInput>;
  /** Staff besides the admin (`TEST_LINK_WORKER` by default). */
  staff?: StaffInput[];
  /** Who is signed in (the admin by default); `null` for nobody. */
  as?: StaffInput | null;
}

/** A caseload set up by `TEST_ADMIN` for `TEST_PRACTICE`, with `TEST_LINK_WORKER`,
 * signed in as `as`. Its recovery code is `api.recoveryCode`. */
export async function signedIn(options: PracticeOptions = {}): Promise<TestApi & { recoveryCode: string }> {
  const api = await freshApp(options);
  const result = await api.setupComplete({
    practice: { ...TEST_PRACTICE, ...options.practice },
    adminName: TEST_ADMIN.displayName,
    adminUsername: TEST_ADMIN.username,
    passphrase: TEST_ADMIN.passphrase,
  });
  for (const s of options.staff ?? [TEST_LINK_WORKER]) await api.staffCreate(s);
  const as = options.as === undefined ? TEST_ADMIN : options.as;
  if (as?.username !== TEST_ADMIN.username) {
    await api.signOut();
    if (as) await api.signIn(as.username, as.passphrase);
  }
  calls.length = 0;
  return Object.assign(api, { recoveryCode: result.recoveryCode });
}
