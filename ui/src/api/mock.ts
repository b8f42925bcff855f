// In-memory twin of the backend for tests: same commands, same shapes, and the same
// validation messages as `crates/domain` for the obvious cases.
import type { Api } from "./index";
import { addDays, addMonths, todayIso } from "../lib/format";
import type { ApiError } from "./bindings/ApiError";
import type { AppStatus } from "./bindings/AppStatus";
import type { AuditAction } from "./bindings/AuditAction";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { DateReading } from "./bindings/DateReading";
import type { DateUse } from "./bindings/DateUse";
import type { AuditPage } from "./bindings/AuditPage";
import type { AuditQuery } from "./bindings/AuditQuery";
import type { BackupOverview } from "./bindings/BackupOverview";
import type { BackupSettings } from "./bindings/BackupSettings";
import type { BackupSummary } from "./bindings/BackupSummary";
import type { BackupProgress } from "./bindings/BackupProgress";
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
import type { DirectorySource } from "./bindings/DirectorySource";
import type { FeedProgress } from "./bindings/FeedProgress";
import type { ImportPreview } from "./bindings/ImportPreview";
import type { TermMapping } from "./bindings/TermMapping";
import type { Service } from "./bindings/Service";
import type { ServiceInput } from "./bindings/ServiceInput";
import type { ServicePage } from "./bindings/ServicePage";
import type { ServiceQuery } from "./bindings/ServiceQuery";
import type { ServiceStatus } from "./bindings/ServiceStatus";
import type { Contact } from "./bindings/Contact";
import type { Goal } from "./bindings/Goal";
import type { Prescription } from "./bindings/Prescription";
import type { Barrier } from "./bindings/Barrier";
import type { ContactInput } from "./bindings/ContactInput";
import type { ContactPage } from "./bindings/ContactPage";
import type { GoalInput } from "./bindings/GoalInput";
import type { ItemStatus } from "./bindings/ItemStatus";
import type { PatientRecord } from "./bindings/PatientRecord";
import type { PrescriptionInput } from "./bindings/PrescriptionInput";
import type { PrintChoice } from "./bindings/PrintChoice";
import type { StepInput } from "./bindings/StepInput";
import type { Measure } from "./bindings/Measure";
import type { MeasureInput } from "./bindings/MeasureInput";
import type { PeriodReport } from "./bindings/PeriodReport";
import type { ReportTable } from "./bindings/ReportTable";
import { dueSoon } from "../lib/instruments";
import { exampleDirectory, MockDirectory } from "./mockDirectory";
import { exportRows, measuresDue, periodReport, scoreMeasure, sortMeasures, validateMeasure, validatePeriod } from "./mockOutcomes";

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

export class Errors {
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

export function optionalText(
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

export function requiredText(e: Errors, field: string, label: string, value: string, max: number): string {
  if (value.trim() === "") {
    e.push(field, `Enter the ${label.toLowerCase()}.`);
    return "";
  }
  return optionalText(e, field, label, value, max) ?? "";
}

export function isRealDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

export function pastDate(e: Errors, field: string, label: string, value: string, today: string): string | null {
  const v = value.trim();
  if (v === "") {
    e.push(field, `Enter the ${label.toLowerCase()}.`);
    return null;
  }
  if (!isRealDate(v)) {
    e.push(field, `${label} is not a date Waymark can read. Type it as the field's label shows (day, month and year in the order given there).`);
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
  const phone = optionalPhone(e, "phone", input.phone);
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

export const REASON_ORDER: ReferralReason[] = [
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
  // As the backend's name index: a term of three or more characters matches inside a
  // word; a shorter one only at a word's start.
  const hay = " " + fold([p.givenName, p.familyName, p.preferredName ?? ""].join(" "));
  if (terms.every((t) => hay.includes([...t].length < 3 ? " " + t : t))) return true;
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
  /** Weeks after a baseline that follow-up measures fall due (12 by default). */
  followUpWeeks?: number;
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

export function optionalPhone(e: Errors, field: string, value: string): string | null {
  const phone = optionalText(e, field, "Phone", value, 40);
  // As the domain: an extension is written after the number, " ext. 12".
  const number = phone?.replace(/ ext\. [0-9]+$/, "") ?? null;
  if (number !== null && (!/^[0-9 +()\-.]+$/.test(number) || number.replace(/[^0-9]/g, "").length < 5)) {
    e.push(field, "A phone number has digits, spaces and + ( ) - only.");
  }
  return phone;
}

export function optionalEmail(e: Errors, field: string, value: string): string | null {
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

/** A setting's whole number within `min`–`max`, or the validation error on `field`. */
function wholeNumber(field: string, value: number, min: number, max: number, message: string) {
  if (!Number.isInteger(value) || value < min || value > max) {
    const e = new Errors();
    e.push(field, message);
    e.throwIfAny();
  }
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
  /** Casework, as the backend's tables hold it. */
  contacts: Contact[] = [];
  goals: Goal[] = [];
  prescriptions: Prescription[] = [];
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
  saved: { path: string; what: "audit_csv" | "recovery_kit" | "prescription"; rows?: number }[] = [];
  /** Prescriptions sent to the PDF viewer, with how they were printed. */
  printed: { id: number; choice: PrintChoice; path: string }[] = [];
  /** Outcome measures, as recorded. */
  measures: Measure[] = [];
  followUpWeeks: number;
  /** Report tables saved as CSV through the save dialog (`nextSavePath` null cancels). */
  exported: { from: string; to: string; table: ReportTable; path: string; rows: number }[] = [];
  /** The community directory. */
  dir: MockDirectory;
  /** What the next "import a directory file" picker answers: the file's text, or `null`
   * (cancelled). The picker gives the path `MOCK_IMPORT_PATH`. */
  nextImportFile: string | null = null;
  /** Feeds the mock can read, by address: each a JSON page's text. */
  feeds: Record<string, string> = {};
  /** Feed terms imports met (the mock reads no taxonomies; tests put them here). */
  terms: TermMapping[] = [];
  /** While set, reading a feed waits for `releaseFeed()` (to show progress and cancel). */
  holdFeeds = false;
  private feedRelease: (() => void) | null = null;
  private feedCancelled = false;
  private feedProgress: FeedProgress | null = null;
  private pendingImport: { token: number; text: string; source: DirectorySource } | null = null;
  private nextToken = 1;
  sources: DirectorySource[] = [];
  private status: Pick<AppStatus, "ready" | "dataDir" | "error">;
  private today: string;
  private nextPatientId = 1;
  private nextReferralId = 1;
  private nextStaffId = 1;
  private nextAuditId = 1;
  private nextContactId = 1;
  private nextGoalId = 1;
  private nextStepId = 1;
  private nextPrescriptionId = 1;
  private nextItemId = 1;
  private nextMeasureId = 1;

  constructor(options: MockOptions = {}) {
    this.status = options.status ?? { ready: true, dataDir: "/home/practice/.local/share/org.waymark.app", error: null };
    this.today = options.today ?? todayIso();
    this.idleMinutes = options.idleMinutes ?? 5;
    this.followUpWeeks = options.followUpWeeks ?? 12;
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
    const anyState = [
      "app_status",
      "recover_with_code",
      "backup_inspect",
      "backup_restore",
      "choose_folder",
      "diagnostics",
    ];
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
      followUpWeeks: this.followUpWeeks,
      datePattern: this.practice?.country === "us" ? "mm/dd/yyyy" : "dd/mm/yyyy",
      backupReminder: me.role === "admin" ? this.backupReminder() : null,
      integrityWarning: me.role === "admin" ? this.integrityWarning : null,
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

  /** As the backend's confirm_admin: the signed-in admin's passphrase again. */
  private confirmAdmin(passphrase: string | null | undefined): StoredStaff {
    const me = this.requireAdmin();
    if (me.passphrase !== passphrase) {
      this.record("sign_in_failed", "staff", me.id, null, null);
      throw err("sign_in_failed", "That is not your passphrase. Nothing has been changed.");
    }
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

  /** As the backend: one NHS number names one person. */
  private refuseTakenNhsNumber(nhs: string | null, exclude: number | null) {
    if (nhs !== null && this.patients.some((p) => p.nhsNumber === nhs && p.id !== exclude)) {
      const e = new Errors();
      e.push("nhsNumber", "Another patient already has this NHS number. Open their record instead.");
      e.throwIfAny();
    }
  }

  private findReferral(id: number): Referral {
    const r = this.referrals.find((x) => x.id === id);
    if (!r) throw notFound("referral", id);
    return r;
  }

  async diagnostics(): Promise<string> {
    this.log("diagnostics");
    return [
      "Waymark diagnostics (no patient data)",
      "Version: 0.1.0",
      `Data folder: ${this.status.dataDir}`,
      `Caseload: ${this.status.ready ? "open" : "not open"}`,
      "",
      "Recent log lines:",
    ].join("\n");
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

  /** A stand-in for the domain's date reader (crates/domain/src/dates.rs, which has the
   * rules and their tests): ISO, or numbers in the practice's order with a four-digit
   * year, checked for range. Enough for the screens' tests. */
  async readDate(text: string, purpose: DateUse): Promise<DateReading> {
    this.log("date_read", { text, purpose });
    this.requireSession();
    const us = this.practice?.country === "us";
    const fail = (error: string): DateReading => ({ iso: null, words: null, error });
    const t = text.trim();
    if (!t) return fail("Enter a date.");
    let y: number, m: number, d: number;
    const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
    const typed = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d+)$/.exec(t);
    if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    else if (typed) {
      if (typed[3].length !== 4) return fail("Write the year in full, with four digits.");
      [y, m, d] = us
        ? [Number(typed[3]), Number(typed[1]), Number(typed[2])]
        : [Number(typed[3]), Number(typed[2]), Number(typed[1])];
    } else return fail(`Write the date as ${us ? "mm/dd/yyyy" : "dd/mm/yyyy"} (or yyyy-mm-dd).`);
    const date = new Date(Date.UTC(y, m - 1, d));
    if (m < 1 || m > 12 || date.getUTCDate() !== d) return fail("That date does not exist.");
    const out = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    if (out < "1900-01-01") return fail("That is before 1900: check the year.");
    if (purpose !== "any" && out > todayIso()) return fail("That date is in the future.");
    const month = date.toLocaleString("en-GB", { month: "long", timeZone: "UTC" });
    return { iso: out, words: us ? `${month} ${d}, ${y}` : `${d} ${month} ${y}`, error: null };
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

  async signInWithRecoveryCode(username: string, code: string): Promise<Session> {
    this.log("sign_in_with_recovery_code", { username, code: "…" });
    const typed = normaliseRecoveryCode(code);
    if (typed === null) throw err("recovery_code_invalid", "That is not a recovery code.");
    if (this.recoveryCode === null || normaliseRecoveryCode(this.recoveryCode) !== typed) {
      throw err("recovery_code_wrong", "That recovery code does not unlock this caseload.");
    }
    const s = this.staff.find((x) => x.username === username.trim().toLowerCase());
    if (!s || !s.active || s.role !== "admin") {
      this.record("sign_in_failed", "staff", null, null, null);
      throw err("sign_in_failed", "That username and passphrase do not match an active account.");
    }
    s.failures = 0;
    this.sessionStaffId = s.id;
    this.locked = false;
    this.record("admin", "recovery_code_sign_in", s.id, null);
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
      throw err("sign_in_failed", "That passphrase is not right. Try again, or sign out and sign in again.");
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

  async staffResetPassphrase(id: number, passphrase: string, adminPassphrase: string): Promise<StaffMember> {
    this.log("staff_reset_passphrase", { id, passphrase: "…", adminPassphrase: "…" });
    this.requireAdmin();
    const e = new Errors();
    checkPassphrase(e, "passphrase", passphrase);
    e.throwIfAny();
    this.confirmAdmin(adminPassphrase);
    const s = this.findStaff(id);
    s.passphrase = passphrase;
    s.failures = 0;
    this.record("admin", "staff", s.id, null);
    return clone(publicStaff(s));
  }

  async settingsSetIdleMinutes(minutes: number): Promise<Session> {
    this.log("settings_set_idle_minutes", { minutes });
    this.requireAdmin();
    wholeNumber("idleMinutes", minutes, 1, 60, "Choose between 1 and 60 minutes.");
    this.idleMinutes = minutes;
    this.record("admin", "settings", null, null);
    return clone(this.session() as Session);
  }

  async settingsSetFollowUpWeeks(weeks: number): Promise<Session> {
    this.log("settings_set_follow_up_weeks", { weeks });
    this.requireAdmin();
    wholeNumber("followUpWeeks", weeks, 1, 52, "Choose between 1 and 52 weeks.");
    this.followUpWeeks = weeks;
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

  /** As the store's rollback check would leave it; tests set it. */
  integrityWarning: string | null = null;

  /** The web addresses handed to the system browser, in order. */
  openedLinks: string[] = [];

  async openLink(url: string): Promise<null> {
    this.log("open_link", { url });
    this.requireSession();
    if (!/^https?:\/\/[^/\s]+/i.test(url.trim())) {
      throw err("validation", "Only web addresses (http or https) can be opened.");
    }
    this.openedLinks.push(url.trim());
    return null;
  }

  async auditCheck(): Promise<string> {
    this.log("audit_check");
    this.requireAdmin();
    return `All ${this.audit.length} entries check out: none has been changed or removed.`;
  }

  async integrityWarningDismiss(): Promise<null> {
    this.log("integrity_warning_dismiss");
    this.requireAdmin();
    this.integrityWarning = null;
    this.record("admin", "integrity_warning", null, null);
    return null;
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

  async backupSettingsSet(settings: BackupSettings, passphrase: string | null = null): Promise<BackupOverview> {
    this.log("backup_settings_set", { settings, passphrase: passphrase === null ? null : "…" });
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
    // As the backend: checked first, then moving the backups asks for the passphrase.
    if (folder !== this.backupSettings.folder) this.confirmAdmin(passphrase);
    this.backupSettings = { folder, keep: settings.keep, daily: settings.daily };
    this.record("admin", "backup_settings", null, null);
    return this.overview();
  }

  private backupSerial = 0;

  /** Set by a test to hold the next backup half-way until `releaseBackup` or a cancel. */
  holdBackups = false;
  private held: { progress: BackupProgress; release: () => void; cancel: () => void } | null = null;

  /** Lets a held backup finish. */
  releaseBackup() {
    this.held?.release();
  }

  async backupProgress(): Promise<BackupProgress | null> {
    this.log("backup_progress");
    this.requireAdmin();
    return this.held ? clone(this.held.progress) : null;
  }

  async backupMakeRoom(): Promise<string[]> {
    this.log("backup_make_room");
    this.requireAdmin();
    if (this.backups.length <= 1) return [];
    const [oldest] = this.backups.splice(0, 1);
    return [oldest.summary.dir];
  }

  async backupCancel(): Promise<null> {
    this.log("backup_cancel");
    this.requireAdmin();
    this.held?.cancel();
    return null;
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
    if (this.holdBackups) {
      await new Promise<void>((resolve, reject) => {
        this.held = {
          progress: { stage: "copying", fraction: 0.4 },
          release: resolve,
          cancel: () => reject(err("backup_cancelled", "The backup was cancelled. Nothing was left in the backup folder.")),
        };
      }).finally(() => {
        this.held = null;
      });
    }
    const at = this.now();
    const summary: BackupSummary = {
      // Numbered by a counter that never goes back, as the backend never reuses a name
      // (a backup removed to make room frees no number).
      dir: `${folder}/waymark-backup-${at.replace(/[-:.]/g, "").slice(0, 15)}Z-${++this.backupSerial}`,
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

  async backupRestore(dir: string, code: string, passphrase: string | null = null): Promise<BackupSummary> {
    this.log("backup_restore", { dir, code: "…" });
    this.mayRestore();
    if (this.status.ready && !this.setupNeeded) this.confirmAdmin(passphrase);
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

  async recoveryCodeRenew(passphrase: string): Promise<string> {
    this.log("recovery_code_renew");
    this.confirmAdmin(passphrase);
    this.recoveryCode = makeRecoveryCode();
    this.record("admin", "recovery_code", null, null);
    return this.recoveryCode;
  }

  async recoveryKitSave(code: string, passphrase: string): Promise<string | null> {
    this.log("recovery_kit_save", { code: "…" });
    this.confirmAdmin(passphrase);
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
    const byName = (a: PatientSummary, b: PatientSummary) => {
      const ka = `${fold(a.familyName)}\u0001${fold(a.givenName)}`;
      const kb = `${fold(b.familyName)}\u0001${fold(b.givenName)}`;
      return ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
    };
    const cutoff =
      query.noContactWeeks === null ? null : addDays(this.today, -7 * query.noContactWeeks);
    const all = this.patients
      .filter((p) => query.includeArchived || p.status === "active")
      .filter((p) => matches(p, query.text) || this.quotes(p.id, query.text))
      .map((p) => this.summary(p))
      .filter((p) => {
        if (query.episode === "none") return p.episodeStatus === null;
        return query.episode === null || p.episodeStatus === query.episode;
      })
      .filter((p) => !query.overdue || p.checkinOverdue)
      .filter((p) => cutoff === null || p.lastContact === null || p.lastContact <= cutoff)
      .filter((p) => !query.measuresDue || dueSoon(p.measuresDue, this.today))
      .sort((a, b) => {
        // The due filters list the soonest first; otherwise by name.
        const key = query.overdue ? "nextCheckin" : query.measuresDue ? "measuresDue" : null;
        const [ka, kb] = key === null ? ["", ""] : [a[key] ?? "", b[key] ?? ""];
        return ka !== kb ? (ka < kb ? -1 : 1) : byName(a, b);
      });
    const limit = Math.min(Math.max(query.limit, 1), MAX_PAGE);
    return { items: all.slice(query.offset, query.offset + limit), total: all.length };
  }

  /** Whether `text` is the reference code of one of the patient's prescriptions, typed
   * any way a provider might read it out. */
  private quotes(patientId: number, text: string): boolean {
    const compact = text.replace(/[\s\-\u2010-\u2015\u2212]/g, "").toUpperCase();
    const m = /^WM([0-9A-Z]{4})([0-9A-Z]{4})$/.exec(compact.slice(0, 2) + compact.slice(2).replace(/O/g, "0").replace(/[IL]/g, "1"));
    if (!m) return false;
    const code = `WM-${m[1]}-${m[2]}`;
    return this.prescriptions.some((x) => x.patientId === patientId && x.referenceCode === code);
  }

  /** A caseload line, with the summary the backend keeps on `patients`. */
  private summary(p: Patient): PatientSummary {
    const latest = (xs: { date: string; id: number }[]) =>
      xs.sort((a, b) => (a.date === b.date ? b.id - a.id : a.date < b.date ? 1 : -1))[0] ?? null;
    const referral = latest(
      this.referrals.filter((r) => r.patientId === p.id).map((r) => ({ date: r.receivedDate, id: r.id })),
    );
    const episodeStatus = referral ? this.findReferral(referral.id).status : null;
    const rx = latest(
      this.prescriptions.filter((x) => x.patientId === p.id).map((x) => ({ date: x.prescribedDate, id: x.id })),
    );
    const due =
      episodeStatus === "closed" || rx === null
        ? null
        : (this.prescriptions.find((x) => x.id === rx.id)?.nextCheckinDate ?? null);
    const contactDates = this.contacts.filter((c) => c.patientId === p.id).map((c) => c.contactDate);
    const lastContact = contactDates.length > 0 ? contactDates.sort().reverse()[0] : null;
    // As the backend: a conversation on or after the check-in date was the check-in.
    const nextCheckin = due !== null && lastContact !== null && lastContact >= due ? null : due;
    const measuresDue = this.measuresDueOf(p.id);
    return {
      id: p.id,
      givenName: p.givenName,
      familyName: p.familyName,
      preferredName: p.preferredName,
      dateOfBirth: p.dateOfBirth,
      nhsNumberDisplay: p.nhsNumberDisplay,
      status: p.status,
      episodeStatus,
      nextCheckin,
      lastContact,
      checkinOverdue: nextCheckin !== null && nextCheckin < this.today,
      measuresDue,
      measuresOverdue: measuresDue !== null && measuresDue < this.today,
    };
  }

  /** As the backend: none while the latest episode is closed. */
  private measuresDueOf(patientId: number): string | null {
    if (this.referralsOf(patientId)[0]?.status === "closed") return null;
    return measuresDue(this.measures.filter((m) => m.patientId === patientId), this.followUpWeeks);
  }

  async patientDuplicates(input: PatientInput, excludeId: number | null): Promise<PatientSummary[]> {
    this.log("patient_duplicates", { input, excludeId });
    this.requireSession();
    let f: PatientFields;
    try {
      f = validatePatient(clone(input), this.today);
    } catch {
      return [];
    }
    const key = (given: string, family: string) => `${fold(family)}\u0001${fold(given)}`;
    const found = this.patients
      .filter((p) => p.id !== excludeId)
      .filter(
        (p) =>
          (f.nhsNumber !== null && p.nhsNumber === f.nhsNumber) ||
          (p.dateOfBirth === f.dateOfBirth && key(p.givenName, p.familyName) === key(f.givenName, f.familyName)),
      )
      .map((p) => this.summary(p));
    if (found.length > 0) this.record("list", "patient", null, null);
    return found;
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
    this.refuseTakenNhsNumber(f.nhsNumber, null);
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
    this.refuseTakenNhsNumber(f.nhsNumber, id);
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
    return clone(this.referralsOf(patientId));
  }

  /** A patient's referrals, newest first. */
  private referralsOf(patientId: number): Referral[] {
    return this.referrals
      .filter((r) => r.patientId === patientId)
      .sort((a, b) => (a.receivedDate === b.receivedDate ? b.id - a.id : a.receivedDate < b.receivedDate ? 1 : -1));
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
      whatMatters: null,
      history: [],
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
    if (r.status !== status) {
      r.history.push({ date: this.today, from: r.status, to: status, cause: "person", staffName: this.me()?.displayName ?? null });
    }
    r.status = status;
    r.closureReason = reason;
    r.closedDate = status === "closed" ? this.today : null;
    r.updatedAt = this.now();
    this.record("update", "referral", id, r.patientId);
    return clone(r);
  }

  // -------------------------------------------------------------------------------------
  // Casework, as crates/store/src/{caseload,contacts,plan,prescriptions}.rs

  async patientRecord(id: number): Promise<PatientRecord> {
    this.log("patient_record", { id });
    this.requireSession();
    const patient = this.find(id);
    const referrals = this.referralsOf(id);
    const referralIds = new Set(referrals.map((r) => r.id));
    const record: PatientRecord = {
      patient,
      referrals,
      goals: this.goals
        .filter((g) => referralIds.has(g.referralId))
        .sort((a, b) => a.referralId - b.referralId || a.id - b.id),
      contacts: this.contactPage(id, CONTACTS_SHOWN, 0),
      prescriptions: this.prescriptions
        .filter((p) => p.patientId === id)
        .sort((a, b) =>
          a.prescribedDate === b.prescribedDate ? b.id - a.id : a.prescribedDate < b.prescribedDate ? 1 : -1,
        )
        .map((p) => this.readPrescription(p)),
      measures: sortMeasures(this.measures.filter((m) => m.patientId === id)),
      measuresDue: this.measuresDueOf(id),
      ...(({ nextCheckin, checkinOverdue, lastContact }) => ({ nextCheckin, checkinOverdue, lastContact }))(
        this.summary(patient),
      ),
    };
    this.record("view", "patient", id, id);
    return clone(record);
  }

  // -------------------------------------------------------------------------------------
  // Outcomes and reports, as crates/store/src/{outcomes,reports}.rs

  async outcomeRecord(patientId: number, input: MeasureInput): Promise<Measure> {
    this.log("outcome_record", { patientId, input });
    const me = this.requireSession();
    const f = validateMeasure(clone(input), this.today);
    this.find(patientId);
    const m: Measure = {
      id: this.nextMeasureId++,
      patientId,
      referralId: this.referralsOf(patientId)[0]?.id ?? null,
      ...f,
      ...scoreMeasure(f.instrument, f.answers),
      staffName: me.displayName,
    };
    this.measures.push(m);
    this.record("create", "outcome_measure", m.id, patientId);
    return clone(m);
  }

  // As the commands: the period is checked first, then the session (then the dialog).
  async reportPeriod(from: string, to: string): Promise<PeriodReport> {
    this.log("report_period", { from, to });
    const report = this.report(from, to);
    this.record("view", "report", null, null);
    return clone(report);
  }

  async reportExport(from: string, to: string, table: ReportTable): Promise<ExportResult | null> {
    this.log("report_export", { from, to, table });
    const report = this.report(from, to);
    if (this.nextSavePath === null) return null;
    const path = `${this.nextSavePath}/waymark-${table.replace(/_/g, "-")}-${report.from}-to-${report.to}.csv`;
    const rows = exportRows(report, table);
    this.exported.push({ from: report.from, to: report.to, table, path, rows });
    this.record("export", `report_${table}`, null, null);
    return { path, rows };
  }

  private report(from: string, to: string): PeriodReport {
    const period = validatePeriod(from, to);
    this.requireSession();
    const { referrals, contacts, prescriptions, measures } = this;
    return periodReport({ referrals, contacts, prescriptions, measures, services: this.dir.services }, period.from, period.to);
  }

  /** As `referrals::advance`: the first conversation makes a new episode "contacted", the
   * first prescription a new or contacted one "active"; a closed one is never moved. */
  private advance(patientId: number, referralId: number | null, cause: "conversation" | "prescription", date: string) {
    const r = referralId !== null ? this.findReferral(referralId) : this.referralsOf(patientId)[0];
    if (!r) return;
    const to: ReferralStatus | null =
      cause === "conversation" ? (r.status === "new" ? "contacted" : null) : r.status === "new" || r.status === "contacted" ? "active" : null;
    if (!to) return;
    r.history.push({ date, from: r.status, to, cause, staffName: this.me()?.displayName ?? null });
    r.status = to;
    r.updatedAt = this.now();
    this.record("update", "referral_auto_status", r.id, patientId);
  }

  async contactCreate(patientId: number, input: ContactInput): Promise<Contact> {
    this.log("contact_create", { patientId, input });
    const me = this.requireSession();
    const f = validateContact(clone(input), this.today);
    this.find(patientId);
    if (f.referralId !== null) this.referralOf(f.referralId, patientId);
    const c: Contact = { id: this.nextContactId++, patientId, ...f, staffName: me.displayName };
    this.contacts.push(c);
    this.advance(patientId, f.referralId, "conversation", f.contactDate);
    this.record("create", "contact", c.id, patientId);
    return clone(c);
  }

  async contactList(patientId: number, limit: number, offset: number): Promise<ContactPage> {
    this.log("contact_list", { patientId, limit, offset });
    this.requireSession();
    this.find(patientId);
    const page = this.contactPage(patientId, limit, offset);
    this.record("list", "contact", null, patientId);
    return clone(page);
  }

  /** A page of a patient's timeline, newest first. */
  private contactPage(patientId: number, limit: number, offset: number): ContactPage {
    const all = this.contacts
      .filter((c) => c.patientId === patientId)
      .sort((a, b) => (a.contactDate === b.contactDate ? b.id - a.id : a.contactDate < b.contactDate ? 1 : -1));
    const n = Math.min(Math.max(limit, 1), MAX_PAGE);
    return { items: all.slice(offset, offset + n), total: all.length };
  }

  /** As `check_referral_of`: a referral named on a contact or prescription is the same
   * patient's, or it is not found. */
  private referralOf(referralId: number, patientId: number): Referral {
    const r = this.referrals.find((x) => x.id === referralId && x.patientId === patientId);
    if (!r) throw notFound("referral", referralId);
    return r;
  }

  async planSetWhatMatters(referralId: number, text: string): Promise<string | null> {
    this.log("plan_set_what_matters", { referralId, text });
    this.requireSession();
    const e = new Errors();
    const value = optionalText(e, "whatMatters", "What matters", text, 4000, true);
    e.throwIfAny();
    const r = this.findReferral(referralId);
    r.whatMatters = value;
    r.updatedAt = this.now();
    this.record("update", "referral", referralId, r.patientId);
    return value;
  }

  async goalAdd(referralId: number, input: GoalInput): Promise<Goal> {
    this.log("goal_add", { referralId, input });
    this.requireSession();
    const f = validateGoal(clone(input), this.today);
    const r = this.findReferral(referralId);
    const g: Goal = { id: this.nextGoalId++, referralId, ...f, steps: [] };
    this.goals.push(g);
    this.record("create", "goal", g.id, r.patientId);
    return clone(g);
  }

  async goalUpdate(id: number, input: GoalInput): Promise<Goal> {
    this.log("goal_update", { id, input });
    this.requireSession();
    const f = validateGoal(clone(input), this.today);
    const g = this.findGoal(id);
    Object.assign(g, f);
    this.record("update", "goal", id, this.findReferral(g.referralId).patientId);
    return clone(g);
  }

  async stepAdd(goalId: number, input: StepInput): Promise<Goal> {
    this.log("step_add", { goalId, input });
    this.requireSession();
    const e = new Errors();
    const description = requiredText(e, "description", "Step", input.description, 500);
    const targetDate = optionalDate(e, "targetDate", "Target date", input.targetDate, this.today);
    e.throwIfAny();
    const g = this.findGoal(goalId);
    const step = { id: this.nextStepId++, description, targetDate, done: false };
    g.steps.push(step);
    this.record("create", "goal_step", step.id, this.findReferral(g.referralId).patientId);
    return clone(g);
  }

  async stepSetDone(id: number, done: boolean): Promise<Goal> {
    this.log("step_set_done", { id, done });
    this.requireSession();
    const g = this.goals.find((x) => x.steps.some((s) => s.id === id));
    const step = g?.steps.find((s) => s.id === id);
    if (!g || !step) throw notFound("goal step", id);
    step.done = done;
    this.record("update", "goal_step", id, this.findReferral(g.referralId).patientId);
    return clone(g);
  }

  private findGoal(id: number): Goal {
    const g = this.goals.find((x) => x.id === id);
    if (!g) throw notFound("goal", id);
    return g;
  }

  async prescriptionCreate(patientId: number, input: PrescriptionInput): Promise<Prescription> {
    this.log("prescription_create", { patientId, input });
    const me = this.requireSession();
    const f = validatePrescription(clone(input), this.today);
    this.find(patientId);
    if (f.referralId !== null) this.referralOf(f.referralId, patientId);
    const services = f.items.map((item) => {
      const s = this.dir.services.find((x) => x.id === item.serviceId);
      if (!s) throw notFound("service", item.serviceId);
      if (s.status !== "active") {
        const e = new Errors();
        e.push("items", "A retired service cannot be prescribed.");
        e.throwIfAny();
      }
      return s;
    });
    const p: Prescription = {
      id: this.nextPrescriptionId++,
      patientId,
      referralId: f.referralId,
      prescribedDate: f.prescribedDate,
      staffName: me.displayName,
      message: f.message,
      nextCheckinDate: f.nextCheckinDate,
      referenceCode: this.uniqueReference(),
      items: f.items.map((item, i) => ({
        id: this.nextItemId++,
        serviceId: item.serviceId,
        serviceName: services[i].name,
        organization: services[i].organization,
        personalNote: item.personalNote,
        status: "suggested",
        barrier: null,
        barrierNote: null,
        statusDate: f.prescribedDate,
      })),
    };
    this.prescriptions.push(p);
    this.advance(patientId, f.referralId, "prescription", f.prescribedDate);
    this.record("create", "prescription", p.id, patientId);
    return clone(this.readPrescription(p));
  }

  async prescriptionItemSetStatus(
    itemId: number,
    status: ItemStatus,
    barrier: Barrier | null,
    barrierNote: string,
  ): Promise<Prescription> {
    this.log("prescription_item_set_status", { itemId, status, barrier, barrierNote });
    // As the command: the change is checked before the caseload is touched.
    const change = validateItemStatus(status, barrier, barrierNote);
    this.requireSession();
    const p = this.prescriptions.find((x) => x.items.some((i) => i.id === itemId));
    const item = p?.items.find((i) => i.id === itemId);
    if (!p || !item) throw notFound("prescription item", itemId);
    Object.assign(item, change, { statusDate: this.today });
    this.record("update", "prescription_item", itemId, p.patientId);
    return clone(this.readPrescription(p));
  }

  async prescriptionPrint(id: number, choice: PrintChoice): Promise<string> {
    this.log("prescription_print", { id, choice });
    const p = this.printable(id, choice);
    const leftOut = this.consent(p, choice);
    const path = `${this.status.dataDir}/prints/prescription-${p.referenceCode}-${this.printed.length + 1}.pdf`;
    this.printed.push({ id, choice: clone(choice), path });
    this.record("print", leftOut ? "prescription_without_slips" : "prescription", id, p.patientId);
    return path;
  }

  async prescriptionSavePdf(id: number, choice: PrintChoice): Promise<string | null> {
    this.log("prescription_save_pdf", { id, choice });
    // As the command: consent is checked, then the save dialog comes.
    const p = this.printable(id, choice);
    const leftOut = this.consent(p, choice);
    if (this.nextSavePath === null) return null;
    const path = `${this.nextSavePath}/social-prescription.pdf`;
    this.saved.push({ path, what: "prescription" });
    this.record("print", leftOut ? "prescription_without_slips" : "prescription", id, p.patientId);
    return path;
  }

  /** As the store's `consent`: nothing for a patient who has not agreed to their details
   * being stored; slips only with consent to share, or left out by choice (recording
   * consent given now). Returns whether the slips are left out. */
  private consent(p: Prescription, choice: PrintChoice): boolean {
    const patient = this.find(p.patientId);
    if (!patient.consentStoreDate) {
      throw err("consent_missing", "This patient has not agreed to the practice storing their details, so their prescription cannot be printed or saved. Record their consent on their details first (Edit), if they give it.");
    }
    const slips = p.items.some((i) => this.dir.services.find((s) => s.id === i.serviceId)?.joinMethod === "direct_referral");
    if (!slips || patient.consentShareDate) return false;
    switch (choice.slips) {
      case "ask":
        throw err("share_consent_needed", "This prescription's referral slips give the patient's name to the provider, and the patient has not agreed to share their details with providers. Print without the slips, or record their consent now if they give it.");
      case "leave_out":
        return true;
      default:
        patient.consentShareDate = this.today;
        this.record("update", "patient_share_consent", patient.id, patient.id);
        return false;
    }
  }

  /** The prescription to print, refused (as the real font would) when the patient's name
   * has CJK characters and the user has not accepted empty boxes. */
  private printable(id: number, choice: PrintChoice): Prescription {
    this.requireSession();
    const p = this.prescriptions.find((x) => x.id === id);
    if (!p) throw notFound("prescription", id);
    const patient = this.patients.find((x) => x.id === p.patientId);
    const missing = [...new Set(`${patient?.givenName ?? ""}${patient?.familyName ?? ""}`.match(/[\u3040-\u9fff]/gu) ?? [])];
    if (missing.length > 0 && !choice.allowMissingGlyphs) {
      throw err(
        "missing_glyphs",
        `Waymark's printing font has no letters for ${missing.sort().join(" ")}: they would print as empty boxes. Check the printout by hand, or write the name in letters the font has.`,
      );
    }
    return p;
  }

  /** A prescription as read back: each item named as the directory names its service now. */
  private readPrescription(p: Prescription): Prescription {
    return {
      ...clone(p),
      items: p.items.map((i) => {
        const s = this.dir.services.find((x) => x.id === i.serviceId);
        return s ? { ...clone(i), serviceName: s.name, organization: s.organization } : clone(i);
      }),
    };
  }

  /** "WM-XXXX-XXXX" from the recovery code's alphabet (no I, L, O, U), unused so far. */
  private uniqueReference(): string {
    for (;;) {
      let chars = "";
      for (let i = 0; i < 8; i++) chars += CODE_ALPHABET[Math.floor(Math.random() * CODE_ALPHABET.length)];
      const code = `WM-${chars.slice(0, 4)}-${chars.slice(4)}`;
      if (!this.prescriptions.some((x) => x.referenceCode === code)) return code;
    }
  }

  async serviceList(query: ServiceQuery): Promise<ServicePage> {
    this.log("service_list", { query });
    this.requireSession();
    return clone(this.dir.list(query));
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

  async directoryChooseFile(): Promise<string | null> {
    this.log("directory_choose_file");
    this.requireSession();
    return this.nextImportFile === null ? null : MOCK_IMPORT_PATH;
  }

  private previewOf(text: string, source: DirectorySource, apply: boolean): ImportPreview {
    const counts = this.dir.importText(text, apply, source.label);
    const token = apply ? (this.pendingImport?.token ?? 0) : this.nextToken++;
    return {
      token,
      imported: apply,
      sourceLabel: source.label,
      sourceIsNew: !this.sources.some((s) => s.id === source.id),
      shape: "page",
      complete: true,
      new: counts.new,
      changed: counts.changed,
      unchanged: counts.unchanged,
      delisted: 0,
      skipped: [],
      adjusted: [],
      adjustedTotal: 0,
      adjustmentCounts: [],
      uncategorised: 0,
      notes: [],
      newNames: counts.newNames.slice(0, 50),
      changedNames: counts.changedNames.slice(0, 50),
      delistedNames: [],
    };
  }

  private sourceFor(kind: "file" | "feed", label: string): DirectorySource {
    return (
      this.sources.find((s) => s.label === label) ?? {
        id: this.sources.length + 1,
        kind,
        label,
        address: kind === "feed" ? label : null,
        lastImportedAt: null,
        lastSummary: null,
        services: 0,
        refreshDue: kind === "feed",
      }
    );
  }

  async directoryPreviewFile(path: string): Promise<ImportPreview> {
    this.log("directory_preview_file");
    this.requireSession();
    if (path !== MOCK_IMPORT_PATH || this.nextImportFile === null) {
      throw err("import_invalid", `${path} cannot be read: no such file. Nothing has been changed.`);
    }
    const source = this.sourceFor("file", "directory.json");
    const preview = this.previewOf(this.nextImportFile, source, false);
    this.pendingImport = { token: preview.token, text: this.nextImportFile, source };
    return preview;
  }

  async directoryPreviewFeed(address: string): Promise<ImportPreview> {
    this.log("directory_preview_feed");
    this.requireSession();
    const base = address.trim().replace(/\/+$/, "");
    this.feedCancelled = false;
    this.feedProgress = { pagesRead: 0, pagesTotal: 1, services: 0, detailsFetched: 0 };
    if (this.holdFeeds) await new Promise<void>((resolve) => (this.feedRelease = resolve));
    this.feedProgress = null;
    if (this.feedCancelled) {
      throw err("feed_cancelled", "Reading the feed was cancelled. Nothing has been changed.");
    }
    const text = this.feeds[base];
    if (text === undefined) {
      throw err(
        "feed_failed",
        `The feed at ${base}/services?page=1 could not be reached. Nothing has been changed.`,
      );
    }
    const source = this.sourceFor("feed", base);
    const preview = this.previewOf(text, source, false);
    this.pendingImport = { token: preview.token, text, source };
    return preview;
  }

  /** Lets a held feed read finish. */
  releaseFeed() {
    this.feedRelease?.();
    this.feedRelease = null;
  }

  async directoryFeedProgress(): Promise<FeedProgress | null> {
    this.log("directory_feed_progress");
    this.requireSession();
    return clone(this.feedProgress);
  }

  async directoryFeedCancel(): Promise<void> {
    this.log("directory_feed_cancel");
    this.requireSession();
    this.feedCancelled = true;
    this.releaseFeed();
  }

  async directoryImportConfirm(token: number): Promise<ImportPreview> {
    this.log("directory_import_confirm");
    this.requireSession();
    const pending = this.pendingImport;
    if (pending === null || pending.token !== token) {
      throw err(
        "import_invalid",
        "This preview is no longer current: choose the file or feed again. Nothing has been changed.",
      );
    }
    const done = this.previewOf(pending.text, pending.source, true);
    this.pendingImport = null;
    this.imported(done, pending.source);
    return done;
  }

  /** Files an import under its source, as the app's `directory_sources` lists it. */
  private imported(done: ImportPreview, from: DirectorySource) {
    const summary = `${done.new} new, ${done.changed} changed, ${done.unchanged} unchanged, 0 skipped, 0 no longer listed`;
    const source = { ...from, lastImportedAt: `${this.today}T10:00:00Z`, lastSummary: summary, refreshDue: false };
    source.services = this.dir.services.filter((s) => s.source === source.label).length;
    this.sources = [...this.sources.filter((s) => s.id !== source.id), source];
    this.record("create", "directory_import", null, null);
  }

  async directoryImportDiscard(token: number): Promise<void> {
    this.log("directory_import_discard");
    this.requireSession();
    if (this.pendingImport?.token === token) this.pendingImport = null;
  }

  async directorySources(): Promise<DirectorySource[]> {
    this.log("directory_sources");
    this.requireSession();
    return clone(this.sources);
  }

  async directoryFeedUnsubscribe(id: number): Promise<void> {
    this.log("directory_feed_unsubscribe");
    this.requireSession();
    const s = this.sources.find((x) => x.id === id && x.kind === "feed");
    if (s === undefined) throw err("not_found", "There is no such feed.");
    s.kind = "file";
    s.address = null;
    s.refreshDue = false;
  }

  async directoryTerms(): Promise<TermMapping[]> {
    this.log("directory_terms");
    this.requireSession();
    return clone(this.terms);
  }

  async directoryTermSet(key: string, category: string | null): Promise<number> {
    this.log("directory_term_set");
    this.requireSession();
    const t = this.terms.find((x) => x.key === key);
    if (t === undefined) throw err("not_found", "There is no such term.");
    t.chosen = category;
    const filed = category ?? t.suggested ?? "Uncategorised";
    let moved = 0;
    for (const s of this.dir.services) {
      if (s.feedTerms.includes(t.label) && s.category !== filed) {
        s.category = filed;
        moved++;
      }
    }
    return moved;
  }

  /** Directories saved through the export's save dialog (`nextSavePath` null cancels). */
  directoryExports: { format: "json" | "package"; path: string; services: number }[] = [];

  async directoryExport(format: "json" | "package"): Promise<ExportResult | null> {
    this.log("directory_export");
    this.requireSession();
    if (this.nextSavePath === null) return null;
    const services = this.dir.services.length;
    this.directoryExports.push({ format, path: this.nextSavePath, services });
    this.record("export", "directory", null, null);
    return { path: this.nextSavePath, rows: services };
  }

  async directoryLoadExample(): Promise<ImportPreview> {
    this.log("directory_load_example");
    this.requireSession();
    const source = this.sourceFor("file", "Directory file");
    const done = this.previewOf(exampleDirectory(), source, true);
    this.imported(done, source);
    return done;
  }
}

/** The path the mock's file picker answers with. */
export const MOCK_IMPORT_PATH = "/mock/directory.json";

function publicStaff(s: StoredStaff): StaffMember {
  return { id: s.id, displayName: s.displayName, username: s.username, role: s.role, active: s.active };
}


// ---------------------------------------------------------------------------------------
// Casework rules, as crates/domain/src/{contact,plan,prescription}.rs

/** How many contacts the patient record carries before "Show older". */
const CONTACTS_SHOWN = 20;
/** Longest conversation that can be logged: a whole day. */
const MAX_MINUTES = 1440;
/** Most activities one prescription may carry: it must fit on two printed pages. */
const MAX_ITEMS = 12;

/** As `optional_date`: empty is none; otherwise a date from 1900 to ten years ahead. */
function optionalDate(e: Errors, field: string, label: string, value: string, today: string): string | null {
  const v = value.trim();
  if (v === "") return null;
  if (!isRealDate(v)) {
    e.push(field, `${label} is not a date Waymark can read. Type it as the field's label shows (day, month and year in the order given there).`);
    return null;
  }
  if (v < "1900-01-01" || v > addMonths(today, 120)) {
    e.push(field, `${label} must be between 1900 and ten years from today.`);
    return null;
  }
  return v;
}

function validateContact(input: ContactInput, today: string): Omit<Contact, "id" | "patientId" | "staffName"> {
  const e = new Errors();
  const contactDate = pastDate(e, "contactDate", "Date", input.contactDate, today);
  let minutes: number | null = null;
  const m = input.minutes.trim();
  if (m !== "") {
    if (/^\+?[0-9]+$/.test(m) && Number(m) <= MAX_MINUTES) minutes = Number(m);
    else e.push("minutes", `Minutes must be a whole number from 0 to ${MAX_MINUTES}.`);
  }
  const notes = optionalText(e, "notes", "Notes", input.notes, 10_000, true);
  e.throwIfAny();
  return { referralId: input.referralId, contactDate: contactDate ?? today, kind: input.kind, minutes, notes };
}

function validateGoal(input: GoalInput, today: string): Omit<Goal, "id" | "referralId" | "steps"> {
  const e = new Errors();
  const description = requiredText(e, "description", "Goal", input.description, 500);
  const targetDate = optionalDate(e, "targetDate", "Target date", input.targetDate, today);
  e.throwIfAny();
  return { description, targetDate, status: input.status };
}

type PrescriptionFields = {
  referralId: number | null;
  prescribedDate: string;
  message: string | null;
  nextCheckinDate: string | null;
  items: { serviceId: number; personalNote: string | null }[];
};

function validatePrescription(input: PrescriptionInput, today: string): PrescriptionFields {
  const e = new Errors();
  const prescribedDate = pastDate(e, "prescribedDate", "Date", input.prescribedDate, today);
  const message = optionalText(e, "message", "Message to the patient", input.message, 2000, true);
  const nextCheckinDate = optionalDate(e, "nextCheckinDate", "Next check-in", input.nextCheckinDate, today);
  if (prescribedDate !== null && nextCheckinDate !== null && nextCheckinDate < prescribedDate) {
    e.push("nextCheckinDate", "The next check-in cannot be before the prescription's date.");
  }
  if (input.items.length === 0) e.push("items", "Choose at least one service to prescribe.");
  else if (input.items.length > MAX_ITEMS) e.push("items", `A prescription can hold at most ${MAX_ITEMS} services.`);
  const seen = new Set<number>();
  const items = input.items.map((item) => {
    if (seen.has(item.serviceId)) e.push("items", "Each service can appear only once on a prescription.");
    seen.add(item.serviceId);
    const personalNote = optionalText(e, "items", "A personal note", item.personalNote, 1000, true);
    return { serviceId: item.serviceId, personalNote };
  });
  e.throwIfAny();
  return {
    referralId: input.referralId,
    prescribedDate: prescribedDate ?? today,
    message,
    nextCheckinDate,
    items,
  };
}

/** As `ItemStatusChange::new`: declined and did-not-attend need a barrier ("other" also
 * a note); the other statuses carry none. */
function validateItemStatus(
  status: ItemStatus,
  barrier: Barrier | null,
  barrierNote: string,
): { status: ItemStatus; barrier: Barrier | null; barrierNote: string | null } {
  const e = new Errors();
  const note = optionalText(e, "barrierNote", "Barrier note", barrierNote, 1000, true);
  if (status !== "declined" && status !== "did_not_attend") {
    e.throwIfAny();
    return { status, barrier: null, barrierNote: null };
  }
  if (barrier === null) e.push("barrier", "Choose what got in the way.");
  else if (barrier === "other" && note === null && e.list.length === 0) e.push("barrierNote", "Say what got in the way.");
  e.throwIfAny();
  return { status, barrier, barrierNote: note };
}
