// In-memory twin of the backend for tests: same commands, same shapes, and the same
// validation messages as `crates/domain` for the obvious cases.
import type { Api } from "./index";
import { todayIso } from "../lib/format";
import type { ApiError } from "./bindings/ApiError";
import type { AppStatus } from "./bindings/AppStatus";
import type { AuditAction } from "./bindings/AuditAction";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditPage } from "./bindings/AuditPage";
import type { AuditQuery } from "./bindings/AuditQuery";
import type { BackupOverview } from "./bindings/BackupOverview";
import type { BackupSettings } from "./bindings/BackupSettings";
import type { BackupSummary } from "./bindings/BackupSummary";
import type { ExportResult } from "./bindings/ExportResult";
import type { FieldError } from "./bindings/FieldError";
import type { Patient } from "./bindings/Patient";
import type { PatientInput } from "./bindings/PatientInput";
import type { PatientPage } from "./bindings/PatientPage";
import type { PatientQuery } from "./bindings/PatientQuery";
import type { PatientSummary } from "./bindings/PatientSummary";
import type { Referral } from "./bindings/Referral";
import type { ReferralInput } from "./bindings/ReferralInput";
import type { ReferralReason } from "./bindings/ReferralReason";
import type { ReferralStatus } from "./bindings/ReferralStatus";
import type { Session } from "./bindings/Session";
import type { SetupInput } from "./bindings/SetupInput";
import type { SetupResult } from "./bindings/SetupResult";
import type { StaffInput } from "./bindings/StaffInput";
import type { StaffMember } from "./bindings/StaffMember";
import type { DirectoryFacets } from "./bindings/DirectoryFacets";
import type { ImportReport } from "./bindings/ImportReport";
import type { Service } from "./bindings/Service";
import type { ServiceInput } from "./bindings/ServiceInput";
import type { ServicePage } from "./bindings/ServicePage";
import type { ServiceQuery } from "./bindings/ServiceQuery";
import type { ServiceStatus } from "./bindings/ServiceStatus";
import { MockDirectory } from "./mockDirectory";

export const VALIDATION_MESSAGE = "Please correct the highlighted fields.";
const MAX_PAGE = 200;

// ---------------------------------------------------------------------------------------
// NHS number (Modulus 11)

export type NhsCheck = { ok: true; digits: string } | { ok: false; message: string };

/** Checks an NHS number as the backend does: spaces allowed, 10 digits, Modulus 11. */
export function checkNhsNumber(input: string): NhsCheck {
  const compact = input.replace(/\s+/g, "");
  if (compact === "") return { ok: false, message: "Enter the NHS number." };
  if (!/^[0-9]+$/.test(compact)) {
    return { ok: false, message: "An NHS number has only digits (spaces are allowed between groups)." };
  }
  if (compact.length !== 10) {
    return { ok: false, message: `An NHS number has 10 digits; this has ${compact.length}.` };
  }
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(compact[i]) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  if (check === 10 || check !== Number(compact[9])) {
    return {
      ok: false,
      message: "This NHS number's check digit is wrong: please check it was typed correctly.",
    };
  }
  return { ok: true, digits: compact };
}

export function isValidNhsNumber(input: string): boolean {
  return checkNhsNumber(input).ok;
}

export function nhsDisplay(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

// ---------------------------------------------------------------------------------------
// Validation helpers mirroring crates/domain/src/validation.rs

class Errors {
  list: FieldError[] = [];
  push(field: string, message: string) {
    this.list.push({ field, message });
  }
  throwIfAny() {
    if (this.list.length > 0) {
      const err: ApiError = { code: "validation", message: VALIDATION_MESSAGE, fields: this.list };
      throw err;
    }
  }
}

// Control characters (Unicode Cc); format characters such as U+202E are allowed.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_EXCEPT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

function optionalText(
  e: Errors,
  field: string,
  label: string,
  value: string,
  max: number,
  allowNewlines = false,
): string | null {
  const t = value.trim();
  if (t === "") return null;
  const count = [...t].length;
  if (count > max) {
    e.push(field, `${label} is too long: at most ${max} characters (it has ${count}).`);
    return null;
  }
  if ((allowNewlines ? CONTROL_EXCEPT_NEWLINES : CONTROL).test(t)) {
    e.push(field, `${label} contains a control character.`);
    return null;
  }
  return t;
}

function requiredText(e: Errors, field: string, label: string, value: string, max: number): string {
  if (value.trim() === "") {
    e.push(field, `Enter the ${label.toLowerCase()}.`);
    return "";
  }
  return optionalText(e, field, label, value, max) ?? "";
}

function isRealDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

function pastDate(e: Errors, field: string, label: string, value: string, today: string): string | null {
  const v = value.trim();
  if (v === "") {
    e.push(field, `Enter the ${label.toLowerCase()}.`);
    return null;
  }
  if (!isRealDate(v)) {
    e.push(field, `${label} must be a date written as year-month-day, e.g. 1987-03-14.`);
    return null;
  }
  if (v > today) {
    e.push(field, `${label} cannot be in the future.`);
    return null;
  }
  if (v < "1900-01-01") {
    e.push(field, `${label} cannot be before 1900.`);
    return null;
  }
  return v;
}

function looksLikeEmail(s: string): boolean {
  const at = s.indexOf("@");
  if (at < 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  return (
    local !== "" && domain.includes(".") && !domain.startsWith(".") && !domain.endsWith(".") && !/\s/.test(s)
  );
}

type PatientFields = Omit<
  Patient,
  | "id"
  | "nhsNumberDisplay"
  | "consentStoreDate"
  | "consentContactDate"
  | "consentShareDate"
  | "status"
  | "createdAt"
  | "updatedAt"
> & { consentStore: boolean; consentContact: boolean; consentShare: boolean };

export function validatePatient(input: PatientInput, today: string): PatientFields {
  const e = new Errors();
  const givenName = requiredText(e, "givenName", "Given name", input.givenName, 100);
  const familyName = requiredText(e, "familyName", "Family name", input.familyName, 100);
  const preferredName = optionalText(e, "preferredName", "Preferred name", input.preferredName, 100);
  const dateOfBirth = pastDate(e, "dateOfBirth", "Date of birth", input.dateOfBirth, today);
  let nhsNumber: string | null = null;
  if (input.nhsNumber.trim() !== "") {
    const c = checkNhsNumber(input.nhsNumber);
    if (c.ok) nhsNumber = c.digits;
    else e.push("nhsNumber", c.message);
  }
  const mrn = optionalText(e, "mrn", "Medical record number", input.mrn, 30);
  if (mrn !== null && !/^[A-Za-z0-9-]+$/.test(mrn)) {
    e.push("mrn", "A medical record number has only letters, digits and hyphens.");
  }
  const pronouns = optionalText(e, "pronouns", "Pronouns", input.pronouns, 40);
  const address = optionalText(e, "address", "Address", input.address, 500, true);
  const phone = optionalText(e, "phone", "Phone", input.phone, 30);
  if (phone !== null && (!/^[0-9 +()\-.]+$/.test(phone) || phone.replace(/[^0-9]/g, "").length < 5)) {
    e.push("phone", "A phone number has digits, spaces and + ( ) - only.");
  }
  const email = optionalText(e, "email", "Email", input.email, 254);
  if (email !== null && !looksLikeEmail(email)) {
    e.push("email", "Enter an email address like name@example.org.");
  }
  const language = optionalText(e, "language", "Language", input.language, 35);
  const registeredGp = optionalText(e, "registeredGp", "Registered GP", input.registeredGp, 200);
  if (input.preferredContact === "email" && email === null) {
    e.push("email", "Add an email address, or choose another way to contact them.");
  }
  if ((input.preferredContact === "phone" || input.preferredContact === "text") && phone === null) {
    e.push("phone", "Add a phone number, or choose another way to contact them.");
  }
  e.throwIfAny();
  return {
    givenName,
    familyName,
    preferredName,
    dateOfBirth: dateOfBirth ?? today,
    nhsNumber,
    mrn,
    pronouns,
    address,
    phone,
    email,
    preferredContact: input.preferredContact,
    language,
    needsLargePrint: input.needsLargePrint,
    needsEasyRead: input.needsEasyRead,
    needsInterpreter: input.needsInterpreter,
    registeredGp,
    consentStore: input.consentStore,
    consentContact: input.consentContact,
    consentShare: input.consentShare,
  };
}

const REASON_ORDER: ReferralReason[] = [
  "loneliness",
  "mental_wellbeing",
  "long_term_condition",
  "physical_activity",
  "finance",
  "employment",
  "housing",
  "carer_support",
  "bereavement",
  "diet",
  "other",
];

type ReferralFields = Pick<
  Referral,
  "receivedDate" | "referrerName" | "referrerRole" | "referrerOrganisation" | "source" | "reasons" | "conditions"
>;

export function validateReferral(input: ReferralInput, today: string): ReferralFields {
  const e = new Errors();
  const receivedDate = pastDate(e, "receivedDate", "Received date", input.receivedDate, today);
  const referrerName = optionalText(e, "referrerName", "Referrer's name", input.referrerName, 200);
  const referrerRole = optionalText(e, "referrerRole", "Referrer's role", input.referrerRole, 100);
  const referrerOrganisation = optionalText(
    e,
    "referrerOrganisation",
    "Referrer's organisation",
    input.referrerOrganisation,
    200,
  );
  const conditions = optionalText(e, "conditions", "Conditions", input.conditions, 4000, true);
  const reasons = REASON_ORDER.filter((r) => input.reasons.includes(r));
  if (reasons.length === 0) e.push("reasons", "Choose at least one reason for the referral.");
  e.throwIfAny();
  return {
    receivedDate: receivedDate ?? today,
    referrerName,
    referrerRole,
    referrerOrganisation,
    source: input.source,
    reasons,
    conditions,
  };
}

// ---------------------------------------------------------------------------------------
// Search folding, as crates/domain/src/search.rs

export function fold(text: string): string {
  let out = "";
  for (const c of text.normalize("NFKD").replace(/\p{M}/gu, "")) {
    if (c === "'" || c === "\u2019" || c === "\u2018" || c === "`") continue;
    if (/[\p{L}\p{N}]/u.test(c)) out += c.toLowerCase();
    else if (!out.endsWith(" ")) out += " ";
  }
  return out.trim();
}

function queryDate(text: string): string | null {
  const t = text.trim();
  if (isRealDate(t)) return t;
  const m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(t);
  if (!m) return null;
  const iso = `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}`;
  return isRealDate(iso) ? iso : null;
}

function matches(p: Patient, text: string): boolean {
  const terms = fold(text).split(" ").filter((t) => t !== "");
  if (terms.length === 0) return true;
  const hay = " " + fold([p.givenName, p.familyName, p.preferredName ?? ""].join(" "));
  if (terms.every((t) => hay.includes(t))) return true;
  const compact = text.replace(/\s+/g, "");
  if (compact.length >= 3 && /^[0-9]+$/.test(compact) && p.nhsNumber?.startsWith(compact)) return true;
  const d = queryDate(text);
  return d !== null && p.dateOfBirth === d;
}

// ---------------------------------------------------------------------------------------
// The mock itself

export interface MockOptions {
  /** Whether the caseload opened (`app_status`'s first three fields); ready by default. */
  status?: Pick<AppStatus, "ready" | "dataDir" | "error">;
  /** Today's date for validation, `YYYY-MM-DD`; the real date by default. */
  today?: string;
  /** Staff accounts that already exist; with none, the app needs its first-run setup. */
  staff?: StaffInput[];
  /** Minutes of inactivity before the app locks itself (5 by default, as the backend). */
  idleMinutes?: number;
  /** The caseload's recovery code (setup makes one when not given). */
  recoveryCode?: string;
  /** Backups that exist on disk, e.g. another mock's `backups` (a "USB drive"). */
  backups?: MockBackup[];
}

/** A backup as the mock keeps it: what the screen shows, and the caseload inside. */
export interface MockBackup {
  summary: BackupSummary;
  code: string;
  snapshot: { patients: Patient[]; referrals: Referral[]; staff: StoredStaff[]; practice: SetupInput["practice"] | null };
  /** Set by a test to play a damaged copy. */
  damaged?: boolean;
}

/** The accounts `MockApi.signedIn()` creates: an admin and a link worker. */
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

export const PASSPHRASE_MIN = 12;
const PASSPHRASE_MAX = 256;
const FREE_ATTEMPTS = 5;

function checkPassphrase(e: Errors, field: string, passphrase: string) {
  const n = [...passphrase].length;
  if (n < PASSPHRASE_MIN) e.push(field, `Use at least ${PASSPHRASE_MIN} characters: three random words work well.`);
  else if (n > PASSPHRASE_MAX) e.push(field, `Use at most ${PASSPHRASE_MAX} characters.`);
}

function checkUsername(e: Errors, field: string, value: string): string {
  const username = value.trim().toLowerCase();
  const n = [...username].length;
  if (n < 3 || n > 50) e.push(field, "A username has 3 to 50 characters.");
  else if (!/^[a-z0-9._-]+$/.test(username)) {
    e.push(field, "A username has only letters, digits, dots, hyphens and underscores.");
  }
  return username;
}

function optionalPhone(e: Errors, field: string, value: string): string | null {
  const phone = optionalText(e, field, "Phone", value, 30);
  if (phone !== null && (!/^[0-9 +()\-.]+$/.test(phone) || phone.replace(/[^0-9]/g, "").length < 5)) {
    e.push(field, "A phone number has digits, spaces and + ( ) - only.");
  }
  return phone;
}

function optionalEmail(e: Errors, field: string, value: string): string | null {
  const email = optionalText(e, field, "Email", value, 254);
  if (email !== null && !looksLikeEmail(email)) e.push(field, "Enter an email address like name@example.org.");
  return email;
}

const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A recovery code as the backend shows it: 32 characters in eight groups of four. */
export function makeRecoveryCode(random: () => number = Math.random): string {
  const groups: string[] = [];
  for (let g = 0; g < 8; g++) {
    let group = "";
    for (let i = 0; i < 4; i++) group += CODE_ALPHABET[Math.floor(random() * CODE_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join("-");
}

/** A typed recovery code as the backend reads it (any case, spaces and hyphens
 * ignored, I/L read as 1 and O as 0), or `null` when it is not one. */
export function normaliseRecoveryCode(text: string): string | null {
  let out = "";
  for (const raw of text.replace(/[\s-]/g, "")) {
    let c = raw.toUpperCase();
    if (c === "I" || c === "L") c = "1";
    if (c === "O") c = "0";
    if (!CODE_ALPHABET.includes(c)) return null;
    out += c;
  }
  return out.length === 32 ? out : null;
}

const KEY_ERRORS: ApiError["code"][] = ["key_missing", "key_mismatch", "key_check_missing"];

type StoredStaff = StaffMember & { passphrase: string; failures: number };

function err(code: ApiError["code"], message: string): ApiError {
  return { code, message, fields: [] };
}


// Values cross IPC as JSON, so the mock copies them the same way (this also turns a
// Svelte state proxy into plain data, as serialisation does for the real backend).
function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function notFound(what: string, id: number): ApiError {
  return { code: "not_found", message: `That ${what} (${id}) was not found.`, fields: [] };
}

function notReady(status: Pick<AppStatus, "error">): ApiError {
  return (
    status.error ?? { code: "not_ready", message: "The caseload is not open.", fields: [] }
  );
}

export class MockApi implements Api {
  patients: Patient[] = [];
  referrals: Referral[] = [];
  staff: StoredStaff[] = [];
  /** The audit log, oldest first (`audit_list` answers newest first). */
  audit: AuditEntry[] = [];
  /** The practice details given at setup. */
  practice: SetupInput["practice"] | null = null;
  /** Every call made, command name and args, for tests to inspect. */
  calls: { command: string; args: unknown }[] = [];
  /** The signed-in staff member's id, and whether the session is locked. */
  sessionStaffId: number | null = null;
  locked = false;
  idleMinutes: number;
  recoveryCode: string | null;
  backupSettings: BackupSettings = { folder: "", keep: 14, daily: true };
  /** Every backup the mock has made or was given, oldest first, in any folder. */
  backups: MockBackup[];
  lastBackup: { okAt: string | null; failedAt: string | null; failure: string | null } = {
    okAt: null,
    failedAt: null,
    failure: null,
  };
  /** What the next folder picker or save dialog answers (`null`: cancelled). */
  nextChosenFolder: string | null = null;
  nextSavePath: string | null = "/home/practice/Documents/saved-by-waymark";
  /** Files saved through a save dialog, and what they were. */
  saved: { path: string; what: "audit_csv" | "recovery_kit"; rows?: number }[] = [];
  /** The community directory. */
  dir: MockDirectory;
  /** What the next "import a directory file" picker answers: the file's text, or `null`
   * (cancelled). */
  nextImportFile: string | null = null;
  private status: Pick<AppStatus, "ready" | "dataDir" | "error">;
  private today: string;
  private nextPatientId = 1;
  private nextReferralId = 1;
  private nextStaffId = 1;
  private nextAuditId = 1;

  constructor(options: MockOptions = {}) {
    this.status = options.status ?? { ready: true, dataDir: "/home/practice/.local/share/org.waymark.app", error: null };
    this.today = options.today ?? todayIso();
    this.idleMinutes = options.idleMinutes ?? 5;
    this.recoveryCode = options.recoveryCode ?? null;
    this.backups = options.backups ?? [];
    this.dir = new MockDirectory(this.today);
    for (const s of options.staff ?? []) this.addStaff(s);
  }

  /** A mock that is set up (with `TEST_ADMIN` and `TEST_LINK_WORKER`) and signed in as
   * `as` (the admin by default). */
  static signedIn(options: MockOptions = {}, as: StaffInput = TEST_ADMIN): MockApi {
    const api = new MockApi({ staff: [TEST_ADMIN, TEST_LINK_WORKER], ...options });
    const me = api.staff.find((s) => s.username === as.username.toLowerCase());
    if (!me) throw new Error(`no staff member ${as.username}`);
    api.sessionStaffId = me.id;
    return api;
  }

  private addStaff(input: StaffInput): StoredStaff {
    const s: StoredStaff = {
      id: this.nextStaffId++,
      displayName: input.displayName.trim(),
      username: input.username.trim().toLowerCase(),
      role: input.role,
      active: true,
      passphrase: input.passphrase,
      failures: 0,
    };
    this.staff.push(s);
    return s;
  }

  private log(command: string, args: unknown = {}) {
    this.calls.push({ command, args: clone(args) });
    // As the backend: a caseload that did not open still answers these, which are the
    // ways out of that state.
    const anyState = ["app_status", "recover_with_code", "backup_inspect", "backup_restore", "choose_folder"];
    if (!anyState.includes(command) && !this.status.ready) throw notReady(this.status);
  }

  private get setupNeeded(): boolean {
    return !this.staff.some((s) => s.role === "admin" && s.active);
  }

  private me(): StoredStaff | null {
    return this.staff.find((s) => s.id === this.sessionStaffId) ?? null;
  }

  private session(): Session | null {
    const me = this.me();
    if (!me) return null;
    return {
      staff: publicStaff(me),
      locked: this.locked,
      idleMinutes: this.idleMinutes,
      backupReminder: me.role === "admin" ? this.backupReminder() : null,
    };
  }

  /** The signed-in, unlocked staff member, or the error the backend gives. */
  private requireSession(): StoredStaff {
    const me = this.me();
    if (!me) throw err("not_signed_in", "Sign in to continue.");
    if (this.locked) throw err("locked", "Waymark is locked: enter your passphrase to continue.");
    return me;
  }

  private requireAdmin(): StoredStaff {
    const me = this.requireSession();
    if (me.role !== "admin") throw err("forbidden", "Only an administrator can do that.");
    return me;
  }

  private record(
    action: AuditAction,
    entity: string,
    recordId: number | null,
    patientId: number | null,
    staffId: number | null = this.sessionStaffId,
  ) {
    this.audit.push({
      id: this.nextAuditId++,
      at: this.now(),
      staffId,
      staffName: staffId === null ? null : (this.staff.find((s) => s.id === staffId)?.displayName ?? null),
      action,
      entity,
      recordId,
      patientId,
    });
  }

  private findStaff(id: number): StoredStaff {
    const s = this.staff.find((x) => x.id === id);
    if (!s) throw notFound("staff member", id);
    return s;
  }

  private now(): string {
    return new Date().toISOString();
  }

  private find(id: number): Patient {
    const p = this.patients.find((x) => x.id === id);
    if (!p) throw notFound("patient", id);
    return p;
  }

  private findReferral(id: number): Referral {
    const r = this.referrals.find((x) => x.id === id);
    if (!r) throw notFound("referral", id);
    return r;
  }

  async appStatus(): Promise<AppStatus> {
    this.log("app_status");
    const ready = this.status.ready;
    return clone({
      ...this.status,
      setupNeeded: ready && this.setupNeeded,
      session: ready ? this.session() : null,
    });
  }

  async setupComplete(input: SetupInput): Promise<SetupResult> {
    this.log("setup_complete", { input });
    if (!this.setupNeeded) throw err("forbidden", "Waymark is already set up.");
    const e = new Errors();
    const { practice } = input;
    const name = requiredText(e, "practiceName", "Practice name", practice.name, 200);
    const address = optionalText(e, "practiceAddress", "Address", practice.address, 500, true);
    const phone = optionalPhone(e, "practicePhone", practice.phone);
    const email = optionalEmail(e, "practiceEmail", practice.email);
    const logo = practice.logoPng;
    if (logo !== null) {
      const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
      if (logo.length > 1024 * 1024) e.push("practiceLogo", "The logo is too large: at most 1 MB.");
      else if (logo.length < 24 || png.some((b, i) => logo[i] !== b)) e.push("practiceLogo", "The logo must be a PNG image file.");
    }
    const adminName = requiredText(e, "adminName", "Name", input.adminName, 100);
    const adminUsername = checkUsername(e, "adminUsername", input.adminUsername);
    checkPassphrase(e, "passphrase", input.passphrase);
    e.throwIfAny();
    this.practice = {
      name,
      address: address ?? "",
      phone: phone ?? "",
      email: email ?? "",
      country: practice.country,
      logoPng: logo,
    };
    const admin = this.addStaff({
      displayName: adminName,
      username: adminUsername,
      role: "admin",
      passphrase: input.passphrase,
    });
    this.sessionStaffId = admin.id;
    this.locked = false;
    this.record("admin", "practice", null, null);
    this.record("sign_in", "staff", admin.id, null);
    this.recoveryCode = makeRecoveryCode();
    return clone({ session: this.session() as Session, recoveryCode: this.recoveryCode });
  }

  async signIn(username: string, passphrase: string): Promise<Session> {
    this.log("sign_in", { username, passphrase: "…" });
    const s = this.staff.find((x) => x.username === username.trim().toLowerCase());
    if (!s) {
      this.record("sign_in_failed", "staff", null, null, null);
      throw err("sign_in_failed", "That username and passphrase do not match an active account.");
    }
    if (s.failures >= FREE_ATTEMPTS) {
      this.record("sign_in_failed", "staff", s.id, null, null);
      throw err("sign_in_locked", "Too many failed sign-ins: this account is locked for 1 minute.");
    }
    if (!s.active || s.passphrase !== passphrase) {
      s.failures++;
      this.record("sign_in_failed", "staff", s.id, null, null);
      throw err("sign_in_failed", "That username and passphrase do not match an active account.");
    }
    s.failures = 0;
    this.sessionStaffId = s.id;
    this.locked = false;
    this.record("sign_in", "staff", s.id, null);
    return clone(this.session() as Session);
  }

  async signOut(): Promise<null> {
    this.log("sign_out");
    const me = this.me();
    if (me) this.record("sign_out", "staff", me.id, null);
    this.sessionStaffId = null;
    this.locked = false;
    return null;
  }

  async lock(): Promise<Session> {
    this.log("lock");
    if (!this.me()) throw err("not_signed_in", "Sign in to continue.");
    this.locked = true;
    return clone(this.session() as Session);
  }

  async unlock(passphrase: string): Promise<Session> {
    this.log("unlock", { passphrase: "…" });
    const me = this.me();
    if (!me) throw err("not_signed_in", "Sign in to continue.");
    if (me.failures >= FREE_ATTEMPTS) {
      this.record("sign_in_failed", "staff", me.id, null, null);
      throw err("sign_in_locked", "Too many failed attempts: try again in 1 minute.");
    }
    if (!me.active || me.passphrase !== passphrase) {
      me.failures++;
      this.record("sign_in_failed", "staff", me.id, null, null);
      throw err("sign_in_failed", "That passphrase is not right.");
    }
    me.failures = 0;
    this.locked = false;
    return clone(this.session() as Session);
  }

  async staffList(): Promise<StaffMember[]> {
    this.log("staff_list");
    this.requireAdmin();
    return clone(
      [...this.staff]
        .sort((a, b) =>
          a.active !== b.active
            ? Number(b.active) - Number(a.active)
            : a.displayName < b.displayName
              ? -1
              : a.displayName > b.displayName
                ? 1
                : a.id - b.id,
        )
        .map(publicStaff),
    );
  }

  async staffCreate(input: StaffInput): Promise<StaffMember> {
    this.log("staff_create", { input: { ...input, passphrase: "…" } });
    this.requireAdmin();
    const e = new Errors();
    const displayName = requiredText(e, "displayName", "Name", input.displayName, 100);
    const username = checkUsername(e, "username", input.username);
    checkPassphrase(e, "passphrase", input.passphrase);
    e.throwIfAny();
    if (this.staff.some((s) => s.username === username)) {
      e.push("username", "That username is already in use.");
      e.throwIfAny();
    }
    const s = this.addStaff({ displayName, username, role: input.role, passphrase: input.passphrase });
    this.record("admin", "staff", s.id, null);
    return clone(publicStaff(s));
  }

  async staffSetActive(id: number, active: boolean): Promise<StaffMember> {
    this.log("staff_set_active", { id, active });
    this.requireAdmin();
    const s = this.findStaff(id);
    s.active = active;
    this.record("admin", "staff", s.id, null);
    return clone(publicStaff(s));
  }

  async staffResetPassphrase(id: number, passphrase: string): Promise<StaffMember> {
    this.log("staff_reset_passphrase", { id, passphrase: "…" });
    this.requireAdmin();
    const e = new Errors();
    checkPassphrase(e, "passphrase", passphrase);
    e.throwIfAny();
    const s = this.findStaff(id);
    s.passphrase = passphrase;
    s.failures = 0;
    this.record("admin", "staff", s.id, null);
    return clone(publicStaff(s));
  }

  async settingsSetIdleMinutes(minutes: number): Promise<Session> {
    this.log("settings_set_idle_minutes", { minutes });
    this.requireAdmin();
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
      const e = new Errors();
      e.push("idleMinutes", "Choose between 1 and 60 minutes.");
      e.throwIfAny();
    }
    this.idleMinutes = minutes;
    this.record("admin", "settings", null, null);
    return clone(this.session() as Session);
  }

  /** The audit rows matching `query`'s filters (not its paging), newest first. */
  private auditMatching(query: AuditQuery): AuditEntry[] {
    const day = (at: string) => todayIso(new Date(at));
    return this.audit
      .filter((a) => query.staffId === null || a.staffId === query.staffId)
      .filter((a) => query.patientId === null || a.patientId === query.patientId)
      .filter((a) => query.from === "" || day(a.at) >= query.from)
      .filter((a) => query.to === "" || day(a.at) <= query.to)
      .reverse();
  }

  async auditList(query: AuditQuery): Promise<AuditPage> {
    this.log("audit_list", { query });
    this.requireAdmin();
    const all = this.auditMatching(query);
    const limit = Math.min(Math.max(query.limit, 1), MAX_PAGE);
    return clone({ items: all.slice(query.offset, query.offset + limit), total: all.length });
  }

  async auditExport(query: AuditQuery): Promise<ExportResult | null> {
    this.log("audit_export", { query });
    this.requireAdmin();
    const path = this.nextSavePath;
    if (path === null) return null;
    const rows = this.auditMatching(query).length;
    this.saved.push({ path, what: "audit_csv", rows });
    this.record("export", "audit_log", null, query.patientId);
    return { path, rows };
  }

  /** As `backup_reminder` in the store (the age check is left to the Rust tests). */
  private backupReminder(): string | null {
    if (this.backupSettings.folder === "") return "No backup folder is chosen, so the caseload is not being backed up.";
    if (this.lastBackup.failure !== null) return `The last backup failed: ${this.lastBackup.failure}`;
    if (this.lastBackup.okAt === null && !this.backupSettings.daily) return "No backup has been made yet.";
    return null;
  }

  private overview(): BackupOverview {
    const folder = this.backupSettings.folder;
    const inFolder = this.backups.filter((b) => folder !== "" && b.summary.dir.startsWith(folder + "/"));
    return clone({
      settings: this.backupSettings,
      dataDir: this.status.dataDir,
      lastOkAt: this.lastBackup.okAt,
      lastOkDir: this.backups.at(-1)?.summary.dir ?? null,
      lastFailureAt: this.lastBackup.failedAt,
      lastFailure: this.lastBackup.failure,
      backups: inFolder.map((b) => ({ ...b.summary, verified: false })).reverse(),
      unreadable: [],
      folderProblem: null,
    });
  }

  async backupOverview(): Promise<BackupOverview> {
    this.log("backup_overview");
    this.requireAdmin();
    return this.overview();
  }

  async backupSettingsSet(settings: BackupSettings): Promise<BackupOverview> {
    this.log("backup_settings_set", { settings });
    this.requireAdmin();
    const e = new Errors();
    const folder = settings.folder.trim();
    if (!Number.isInteger(settings.keep) || settings.keep < 1 || settings.keep > 365) {
      e.push("keep", "Keep between 1 and 365 backups.");
    }
    if (folder === "") {
      if (settings.daily) e.push("folder", "Choose a folder for the daily backups.");
    } else if (!folder.startsWith("/")) {
      e.push("folder", "Give the folder's full path, or use Choose folder.");
    } else if (folder === this.status.dataDir || folder.startsWith(this.status.dataDir + "/")) {
      e.push(
        "folder",
        "Choose a folder outside Waymark's data folder: a backup must survive losing this computer's disk. A USB drive or a network share is best.",
      );
    }
    e.throwIfAny();
    this.backupSettings = { folder, keep: settings.keep, daily: settings.daily };
    this.record("admin", "backup_settings", null, null);
    return this.overview();
  }

  async backupNow(): Promise<BackupSummary> {
    this.log("backup_now");
    this.requireAdmin();
    const folder = this.backupSettings.folder;
    if (folder === "") {
      const e = new Errors();
      e.push("folder", "Choose a folder for backups first.");
      e.throwIfAny();
    }
    const at = this.now();
    const summary: BackupSummary = {
      dir: `${folder}/waymark-backup-${at.replace(/[-:.]/g, "").slice(0, 15)}Z-${this.backups.length + 1}`,
      createdAt: at,
      counts: [
        { table: "patients", count: this.patients.length },
        { table: "referrals", count: this.referrals.length },
        { table: "staff", count: this.staff.length },
      ],
      verified: true,
    };
    this.backups.push({
      summary,
      code: this.recoveryCode ?? "",
      snapshot: clone({ patients: this.patients, referrals: this.referrals, staff: this.staff, practice: this.practice }),
    });
    this.lastBackup = { okAt: at, failedAt: null, failure: null };
    this.record("export", "backup", null, null);
    return clone(summary);
  }

  /** The backup in `dir` opened with `code`, or the backend's error. */
  private openBackup(dir: string, code: string): MockBackup {
    if (dir.trim() === "") {
      const e = new Errors();
      e.push("dir", "Choose the backup folder to restore from.");
      e.throwIfAny();
    }
    const typed = normaliseRecoveryCode(code);
    if (typed === null) throw err("recovery_code_invalid", "That is not a recovery code.");
    const b = this.backups.find((x) => x.summary.dir === dir.trim());
    if (!b) throw err("backup_invalid", "This backup is unusable: its manifest cannot be read.");
    if (normaliseRecoveryCode(b.code) !== typed) {
      throw err("recovery_code_wrong", "That recovery code does not unlock this backup.");
    }
    if (b.damaged) throw err("backup_invalid", "This backup is unusable: its copy fails the integrity check.");
    return b;
  }

  /** As `AppState::may_restore`: a caseload that did not open, one awaiting setup, or an admin. */
  private mayRestore() {
    if (!this.status.ready || this.setupNeeded) return;
    const me = this.me();
    if (!me || this.locked || me.role !== "admin") {
      throw err("forbidden", "Only an administrator can restore a backup over a caseload in use.");
    }
  }

  async backupInspect(dir: string, code: string): Promise<BackupSummary> {
    this.log("backup_inspect", { dir, code: "…" });
    this.mayRestore();
    return clone({ ...this.openBackup(dir, code).summary, verified: true });
  }

  async backupRestore(dir: string, code: string): Promise<BackupSummary> {
    this.log("backup_restore", { dir, code: "…" });
    this.mayRestore();
    const b = this.openBackup(dir, code);
    const snap = clone(b.snapshot);
    this.patients = snap.patients;
    this.referrals = snap.referrals;
    this.staff = snap.staff;
    this.practice = snap.practice;
    this.recoveryCode = b.code;
    this.status = { ...this.status, ready: true, error: null };
    this.sessionStaffId = null;
    this.locked = false;
    this.record("restore", "caseload", null, null, null);
    return clone({ ...b.summary, verified: true });
  }

  async recoverWithCode(code: string): Promise<null> {
    this.log("recover_with_code", { code: "…" });
    if (this.status.ready || !KEY_ERRORS.includes(this.status.error?.code ?? "internal")) {
      throw err("forbidden", "The recovery code is only needed when the caseload's key is missing.");
    }
    const typed = normaliseRecoveryCode(code);
    if (typed === null) throw err("recovery_code_invalid", "That is not a recovery code.");
    if (this.recoveryCode === null || normaliseRecoveryCode(this.recoveryCode) !== typed) {
      throw err("recovery_code_wrong", "That recovery code does not unlock this caseload.");
    }
    this.status = { ...this.status, ready: true, error: null };
    this.record("admin", "recovery_code_used", null, null, null);
    return null;
  }

  async recoveryCodeRenew(): Promise<string> {
    this.log("recovery_code_renew");
    this.requireAdmin();
    this.recoveryCode = makeRecoveryCode();
    this.record("admin", "recovery_code", null, null);
    return this.recoveryCode;
  }

  async recoveryKitSave(code: string): Promise<string | null> {
    this.log("recovery_kit_save", { code: "…" });
    const typed = normaliseRecoveryCode(code);
    if (typed === null) throw err("recovery_code_invalid", "That is not a recovery code.");
    if (this.recoveryCode === null || normaliseRecoveryCode(this.recoveryCode) !== typed) {
      throw err("recovery_code_wrong", "That recovery code does not unlock this caseload.");
    }
    const path = this.nextSavePath;
    if (path !== null) this.saved.push({ path, what: "recovery_kit" });
    return path;
  }

  async chooseFolder(title: string): Promise<string | null> {
    this.log("choose_folder", { title });
    return this.nextChosenFolder;
  }

  async patientList(query: PatientQuery): Promise<PatientPage> {
    this.log("patient_list", { query });
    this.requireSession();
    this.record("list", "patient", null, null);
    const all = this.patients
      .filter((p) => query.includeArchived || p.status === "active")
      .filter((p) => matches(p, query.text))
      .sort((a, b) => {
        const ka = `${fold(a.familyName)}\u0001${fold(a.givenName)}`;
        const kb = `${fold(b.familyName)}\u0001${fold(b.givenName)}`;
        return ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
      });
    const limit = Math.min(Math.max(query.limit, 1), MAX_PAGE);
    const items: PatientSummary[] = all.slice(query.offset, query.offset + limit).map((p) => ({
      id: p.id,
      givenName: p.givenName,
      familyName: p.familyName,
      preferredName: p.preferredName,
      dateOfBirth: p.dateOfBirth,
      nhsNumberDisplay: p.nhsNumberDisplay,
      status: p.status,
    }));
    return { items, total: all.length };
  }

  async patientGet(id: number): Promise<Patient> {
    this.log("patient_get", { id });
    this.requireSession();
    const p = this.find(id);
    this.record("view", "patient", id, id);
    return clone(p);
  }

  async patientCreate(input: PatientInput): Promise<Patient> {
    this.log("patient_create", { input });
    this.requireSession();
    const f = validatePatient(clone(input), this.today);
    const { consentStore, consentContact, consentShare, ...rest } = f;
    const now = this.now();
    const p: Patient = {
      id: this.nextPatientId++,
      ...rest,
      nhsNumberDisplay: f.nhsNumber ? nhsDisplay(f.nhsNumber) : null,
      consentStoreDate: consentStore ? this.today : null,
      consentContactDate: consentContact ? this.today : null,
      consentShareDate: consentShare ? this.today : null,
      status: "active",
      createdAt: now,
      updatedAt: now,
    };
    this.patients.push(p);
    this.record("create", "patient", p.id, p.id);
    return clone(p);
  }

  async patientUpdate(id: number, input: PatientInput): Promise<Patient> {
    this.log("patient_update", { id, input });
    this.requireSession();
    const before = this.find(id);
    const f = validatePatient(clone(input), this.today);
    const { consentStore, consentContact, consentShare, ...rest } = f;
    const keep = (given: boolean, was: string | null) => (given ? (was ?? this.today) : null);
    Object.assign(before, rest, {
      nhsNumberDisplay: f.nhsNumber ? nhsDisplay(f.nhsNumber) : null,
      consentStoreDate: keep(consentStore, before.consentStoreDate),
      consentContactDate: keep(consentContact, before.consentContactDate),
      consentShareDate: keep(consentShare, before.consentShareDate),
      updatedAt: this.now(),
    });
    this.record("update", "patient", id, id);
    return clone(before);
  }

  async patientArchive(id: number): Promise<Patient> {
    this.log("patient_archive", { id });
    this.requireSession();
    const p = this.find(id);
    p.status = "archived";
    p.updatedAt = this.now();
    this.record("archive", "patient", id, id);
    return clone(p);
  }

  async patientRestore(id: number): Promise<Patient> {
    this.log("patient_restore", { id });
    this.requireSession();
    const p = this.find(id);
    p.status = "active";
    p.updatedAt = this.now();
    this.record("restore", "patient", id, id);
    return clone(p);
  }

  async referralList(patientId: number): Promise<Referral[]> {
    this.log("referral_list", { patientId });
    this.requireSession();
    this.find(patientId);
    this.record("list", "referral", null, patientId);
    return clone(
      this.referrals
        .filter((r) => r.patientId === patientId)
        .sort((a, b) =>
          a.receivedDate === b.receivedDate ? b.id - a.id : a.receivedDate < b.receivedDate ? 1 : -1,
        ),
    );
  }

  async referralCreate(patientId: number, input: ReferralInput): Promise<Referral> {
    this.log("referral_create", { patientId, input });
    this.requireSession();
    this.find(patientId);
    const f = validateReferral(clone(input), this.today);
    const now = this.now();
    const r: Referral = {
      id: this.nextReferralId++,
      patientId,
      ...f,
      status: "new",
      closureReason: null,
      closedDate: null,
      createdAt: now,
      updatedAt: now,
    };
    this.referrals.push(r);
    this.record("create", "referral", r.id, patientId);
    return clone(r);
  }

  async referralUpdate(id: number, input: ReferralInput): Promise<Referral> {
    this.log("referral_update", { id, input });
    this.requireSession();
    const r = this.findReferral(id);
    const f = validateReferral(clone(input), this.today);
    Object.assign(r, f, { updatedAt: this.now() });
    this.record("update", "referral", id, r.patientId);
    return clone(r);
  }

  async referralSetStatus(id: number, status: ReferralStatus, closureReason: string | null): Promise<Referral> {
    this.log("referral_set_status", { id, status, closureReason });
    this.requireSession();
    let reason: string | null = null;
    if (status === "closed") {
      const e = new Errors();
      reason = optionalText(e, "closureReason", "Closure reason", closureReason ?? "", 500, true);
      if (reason === null && e.list.length === 0) e.push("closureReason", "Say why the referral is being closed.");
      e.throwIfAny();
    }
    const r = this.findReferral(id);
    r.status = status;
    r.closureReason = reason;
    r.closedDate = status === "closed" ? this.today : null;
    r.updatedAt = this.now();
    this.record("update", "referral", id, r.patientId);
    return clone(r);
  }

  async serviceList(query: ServiceQuery): Promise<ServicePage> {
    this.log("service_list", { query });
    this.requireSession();
    return clone(this.dir.list(query));
  }

  async serviceGet(id: number): Promise<Service> {
    this.log("service_get", { id });
    this.requireSession();
    return clone(this.dir.get(id));
  }

  async serviceCreate(input: ServiceInput): Promise<Service> {
    this.log("service_create", { input });
    this.requireSession();
    const s = this.dir.create(clone(input));
    this.record("create", "service", s.id, null);
    return clone(s);
  }

  async serviceUpdate(id: number, input: ServiceInput): Promise<Service> {
    this.log("service_update", { id, input });
    this.requireSession();
    const s = this.dir.update(id, clone(input));
    this.record("update", "service", id, null);
    return clone(s);
  }

  async serviceSetStatus(id: number, status: ServiceStatus): Promise<Service> {
    this.log("service_set_status", { id, status });
    this.requireSession();
    const s = this.dir.setStatus(id, status);
    this.record(status === "active" ? "restore" : "archive", "service", id, null);
    return clone(s);
  }

  async directoryFacets(): Promise<DirectoryFacets> {
    this.log("directory_facets");
    this.requireSession();
    return clone(this.dir.facets());
  }

  async directoryImport(): Promise<ImportReport | null> {
    this.log("directory_import");
    this.requireSession();
    if (this.nextImportFile === null) return null;
    const report = this.dir.importText(this.nextImportFile);
    this.record("create", "directory_import", null, null);
    return report;
  }

  async directoryLoadExample(): Promise<ImportReport> {
    this.log("directory_load_example");
    this.requireSession();
    const report = this.dir.loadExample();
    this.record("create", "directory_import", null, null);
    return report;
  }
}

function publicStaff(s: StoredStaff): StaffMember {
  return { id: s.id, displayName: s.displayName, username: s.username, role: s.role, active: s.active };
}

