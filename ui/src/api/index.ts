// The only module that talks to the Rust side. Components receive an `Api` and never
// import `invoke` themselves; the UI tests route `invoke` to the real commands (test/host.ts).
import { invoke } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { BackupProgress } from "./bindings/BackupProgress";
import type { Barrier } from "./bindings/Barrier";
import type { Contact } from "./bindings/Contact";
import type { DateReading } from "./bindings/DateReading";
import type { DateUse } from "./bindings/DateUse";
import type { ContactInput } from "./bindings/ContactInput";
import type { ContactPage } from "./bindings/ContactPage";
import type { DirectoryFacets } from "./bindings/DirectoryFacets";
import type { Goal } from "./bindings/Goal";
import type { GoalInput } from "./bindings/GoalInput";
import type { DirectorySource } from "./bindings/DirectorySource";
import type { FeedProgress } from "./bindings/FeedProgress";
import type { ImportPreview } from "./bindings/ImportPreview";
import type { TermMapping } from "./bindings/TermMapping";
import type { ItemStatus } from "./bindings/ItemStatus";
import type { Measure } from "./bindings/Measure";
import type { MeasureInput } from "./bindings/MeasureInput";
import type { PatientRecord } from "./bindings/PatientRecord";
import type { PatientSummary } from "./bindings/PatientSummary";
import type { PeriodReport } from "./bindings/PeriodReport";
import type { Prescription } from "./bindings/Prescription";
import type { PrescriptionInput } from "./bindings/PrescriptionInput";
import type { PrintChoice } from "./bindings/PrintChoice";
import type { PrintLanguageInfo } from "./bindings/PrintLanguageInfo";
import type { ReportTable } from "./bindings/ReportTable";
import type { Service } from "./bindings/Service";
import type { ServiceInput } from "./bindings/ServiceInput";
import type { ServicePage } from "./bindings/ServicePage";
import type { ServiceQuery } from "./bindings/ServiceQuery";
import type { ServiceStatus } from "./bindings/ServiceStatus";
import type { StepInput } from "./bindings/StepInput";
import type { AppStatus } from "./bindings/AppStatus";
import type { AuditPage } from "./bindings/AuditPage";
import type { AuditQuery } from "./bindings/AuditQuery";
import type { BackupOverview } from "./bindings/BackupOverview";
import type { BackupSettings } from "./bindings/BackupSettings";
import type { BackupSummary } from "./bindings/BackupSummary";
import type { ExportResult } from "./bindings/ExportResult";
import type { Patient } from "./bindings/Patient";
import type { PatientInput } from "./bindings/PatientInput";
import type { PatientPage } from "./bindings/PatientPage";
import type { PatientQuery } from "./bindings/PatientQuery";
import type { Referral } from "./bindings/Referral";
import type { ReferralInput } from "./bindings/ReferralInput";
import type { ReferralStatus } from "./bindings/ReferralStatus";
import type { Session } from "./bindings/Session";
import type { SetupInput } from "./bindings/SetupInput";
import type { SetupResult } from "./bindings/SetupResult";
import type { StaffInput } from "./bindings/StaffInput";
import type { StaffMember } from "./bindings/StaffMember";
import type { CaseloadCounter } from "./bindings/CaseloadCounter";
import type { ClosureOutcome } from "./bindings/ClosureOutcome";
import type { EthnicCategoryInfo } from "./bindings/EthnicCategoryInfo";
import type { GpAppointmentsInput } from "./bindings/GpAppointmentsInput";
import type { MessageBackDraft } from "./bindings/MessageBackDraft";
import type { PaperSize } from "./bindings/PaperSize";

export interface Api {
  appStatus(): Promise<AppStatus>;
  /** A typed date read the practice's way, whatever the computer's locale. */
  readDate(text: string, purpose: DateUse): Promise<DateReading>;
  /** Facts about the installation and recent log lines for support; no patient data. */
  diagnostics(): Promise<string>;
  setupComplete(input: SetupInput): Promise<SetupResult>;
  signIn(username: string, passphrase: string): Promise<Session>;
  /** An admin's way in with the practice's recovery code (locked out, passphrase forgotten). */
  signInWithRecoveryCode(username: string, code: string): Promise<Session>;
  signOut(): Promise<null>;
  lock(): Promise<Session>;
  unlock(passphrase: string): Promise<Session>;
  staffList(): Promise<StaffMember[]>;
  staffCreate(input: StaffInput): Promise<StaffMember>;
  staffSetActive(id: number, active: boolean): Promise<StaffMember>;
  /** Needs the signed-in admin's own passphrase again (`adminPassphrase`). */
  staffResetPassphrase(id: number, passphrase: string, adminPassphrase: string): Promise<StaffMember>;
  settingsSetIdleMinutes(minutes: number): Promise<Session>;
  /** Weeks after a baseline that follow-up measures fall due (1–52). */
  settingsSetFollowUpWeeks(weeks: number): Promise<Session>;
  auditList(query: AuditQuery): Promise<AuditPage>;
  /** Saves the filtered log as CSV where the admin chooses; `null` if cancelled. */
  auditExport(query: AuditQuery): Promise<ExportResult | null>;
  /** Checks the audit log's chain of hashes; the verdict in words. */
  auditCheck(): Promise<string>;
  /** Opens a web address (http or https) in the system's browser, never in Waymark. */
  openLink(url: string): Promise<null>;
  /** Dismisses the warning that an older copy of the caseload was put back. */
  integrityWarningDismiss(): Promise<null>;
  backupOverview(): Promise<BackupOverview>;
  /** Moving the backups to another folder needs the admin's passphrase again. */
  backupSettingsSet(settings: BackupSettings, passphrase?: string | null): Promise<BackupOverview>;
  backupNow(): Promise<BackupSummary>;
  /** How far the running backup has got; `null` when none is running. */
  backupProgress(): Promise<BackupProgress | null>;
  /** Stops the running backup; `backupNow` then fails with `backup_cancelled`. */
  backupCancel(): Promise<null>;
  /** Removes this caseload's oldest backup in the chosen folder (a full drive); the paths removed. */
  backupMakeRoom(): Promise<string[]>;
  backupInspect(dir: string, code: string): Promise<BackupSummary>;
  /** Over a caseload in use, needs the signed-in admin's passphrase again. */
  backupRestore(dir: string, code: string, passphrase?: string | null): Promise<BackupSummary>;
  recoverWithCode(code: string): Promise<null>;
  recoveryCodeRenew(passphrase: string): Promise<string>;
  /** Saves the recovery kit PDF for `code` where the user chooses; the path, or `null`. */
  recoveryKitSave(code: string, passphrase: string): Promise<string | null>;
  /** The system's folder picker; `null` if cancelled. */
  chooseFolder(title: string): Promise<string | null>;
  patientList(query: PatientQuery): Promise<PatientPage>;
  patientGet(id: number): Promise<Patient>;
  patientCreate(input: PatientInput): Promise<Patient>;
  patientUpdate(id: number, input: PatientInput): Promise<Patient>;
  patientArchive(id: number): Promise<Patient>;
  patientRestore(id: number): Promise<Patient>;
  referralList(patientId: number): Promise<Referral[]>;
  referralCreate(patientId: number, input: ReferralInput): Promise<Referral>;
  referralUpdate(id: number, input: ReferralInput): Promise<Referral>;
  /** `outcome` says how a closed episode ended (ignored for other statuses). */
  referralSetStatus(
    id: number,
    status: ReferralStatus,
    closureReason: string | null,
    outcome?: ClosureOutcome | null,
  ): Promise<Referral>;
  /** The GP appointments counted six months before and after the referral. */
  referralSetGpAppointments(id: number, input: GpAppointmentsInput): Promise<Referral>;
  /** The message back to the GP and referrer as it stands (text and codes); with
   * `nextSteps`, as it would read with them (nothing saved). */
  messageBackDraft(referralId: number, nextSteps?: string | null): Promise<MessageBackDraft>;
  /** Saves "what happens next", marks the message sent as text, and returns the text to copy. */
  messageBackCopy(referralId: number, nextSteps: string): Promise<MessageBackDraft>;
  /** Opens the message back as a letter in the PDF viewer and marks it sent; the file's path. */
  messageBackPrint(referralId: number, nextSteps: string, paper: PaperSize | null): Promise<string>;
  /** Asks where to save the letter, saves it and marks it sent; `null` if cancelled. */
  messageBackSavePdf(referralId: number, nextSteps: string, paper: PaperSize | null): Promise<string | null>;
  /** People supported in the last twelve months against the practice's safe caseload. */
  caseloadCounter(): Promise<CaseloadCounter>;
  /** The ethnic categories of the practice's country (NHS list, or US categories). */
  ethnicCategories(): Promise<EthnicCategoryInfo[]>;
  /** People a year the practice can safely support (1–2000). */
  settingsSetSafeCaseload(people: number): Promise<Session>;
  /** Everything the patient page shows: details, referrals, goals, the newest contacts
   * and every prescription. */
  patientRecord(id: number): Promise<PatientRecord>;
  /** Records that might be the person being registered (same NHS number, or same names
   * and date of birth); `excludeId` leaves out the record being edited. */
  patientDuplicates(input: PatientInput, excludeId: number | null): Promise<PatientSummary[]>;
  contactCreate(patientId: number, input: ContactInput): Promise<Contact>;
  contactList(patientId: number, limit: number, offset: number): Promise<ContactPage>;
  planSetWhatMatters(referralId: number, text: string): Promise<string | null>;
  goalAdd(referralId: number, input: GoalInput): Promise<Goal>;
  goalUpdate(id: number, input: GoalInput): Promise<Goal>;
  stepAdd(goalId: number, input: StepInput): Promise<Goal>;
  stepSetDone(id: number, done: boolean): Promise<Goal>;
  prescriptionCreate(patientId: number, input: PrescriptionInput): Promise<Prescription>;
  prescriptionItemSetStatus(
    itemId: number,
    status: ItemStatus,
    barrier: Barrier | null,
    barrierNote: string,
  ): Promise<Prescription>;
  /** Writes the prescription's PDF to the private print folder and opens it in the
   * system's PDF viewer; the file's path. */
  prescriptionPrint(id: number, choice: PrintChoice): Promise<string>;
  /** Asks where to save the prescription's PDF and saves it; `null` if cancelled. */
  prescriptionSavePdf(id: number, choice: PrintChoice): Promise<string | null>;
  /** The languages a prescription prints in, English first. */
  printLanguages(): Promise<PrintLanguageInfo[]>;
  /** Records a wellbeing measure; the backend scores it. */
  outcomeRecord(patientId: number, input: MeasureInput): Promise<Measure>;
  /** The counts of the period `from`–`to` (ISO dates, inclusive). */
  reportPeriod(from: string, to: string): Promise<PeriodReport>;
  /** Saves one of the period's tables as CSV where the user chooses (numbers under 5
   * written as "<5"); `null` if cancelled. */
  reportExport(from: string, to: string, table: ReportTable): Promise<ExportResult | null>;
  serviceList(query: ServiceQuery): Promise<ServicePage>;
  serviceCreate(input: ServiceInput): Promise<Service>;
  serviceUpdate(id: number, input: ServiceInput): Promise<Service>;
  serviceSetStatus(id: number, status: ServiceStatus): Promise<Service>;
  directoryFacets(): Promise<DirectoryFacets>;
  /** Asks for a directory file (JSON, a data package's zip, datapackage.json or a CSV
   * table); its path, or `null` if cancelled. */
  directoryChooseFile(): Promise<string | null>;
  /** Reads a directory file or package folder and says what importing it would do;
   * nothing is written. */
  directoryPreviewFile(path: string): Promise<ImportPreview>;
  /** Reads an Open Referral feed (every page) and says what importing it would do. */
  directoryPreviewFeed(address: string): Promise<ImportPreview>;
  /** How far the feed being read has got; `null` when none is. */
  directoryFeedProgress(): Promise<FeedProgress | null>;
  /** Stops reading the feed; nothing is changed. */
  directoryFeedCancel(): Promise<void>;
  /** Imports what the preview with this token showed. */
  directoryImportConfirm(token: number): Promise<ImportPreview>;
  /** Forgets a preview; nothing was written. */
  directoryImportDiscard(token: number): Promise<void>;
  directorySources(): Promise<DirectorySource[]>;
  directoryFeedUnsubscribe(id: number): Promise<void>;
  /** Every feed term imports met, with the category it files under. */
  directoryTerms(): Promise<TermMapping[]>;
  /** Files a feed term under a category (`null`: Waymark's suggestion); how many services moved. */
  directoryTermSet(key: string, category: string | null): Promise<number>;
  /** Saves the whole directory as Open Referral JSON or a data package (zip) where the
   * user chooses; `null` if cancelled. */
  directoryExport(format: "json" | "package"): Promise<ExportResult | null>;
  /** Imports the example directory shipped with the app (safe to repeat). */
  directoryLoadExample(): Promise<ImportPreview>;
}

/** True when `e` has the `{ code, message, fields }` shape the backend sends (a code
 * added later on the Rust side still counts, so its message is not lost). */
export function isApiError(e: unknown): e is ApiError {
  if (typeof e !== "object" || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    typeof o.code === "string" &&
    typeof o.message === "string" &&
    Array.isArray(o.fields) &&
    o.fields.every(
      (f: unknown) =>
        typeof f === "object" &&
        f !== null &&
        typeof (f as Record<string, unknown>).field === "string" &&
        typeof (f as Record<string, unknown>).message === "string",
    )
  );
}

/** True for the errors that mean the session has ended or been locked behind the UI's
 * back: the app should ask `app_status` again and show the sign-in or lock screen. */
export function isSessionError(e: unknown): boolean {
  return isApiError(e) && (e.code === "locked" || e.code === "not_signed_in");
}

/** `api` with every call watched: a session error also calls `onSessionError` (the
 * caller still receives the rejection as before). */
export function watchSession(api: Api, onSessionError: () => void): Api {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise) {
          result.catch((e: unknown) => {
            if (isSessionError(e)) onSessionError();
          });
        }
        return result;
      };
    },
  });
}

/** Any thrown value as an `ApiError`; unknown shapes become `internal`. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  return { code: "internal", message: String(e), fields: [] };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const tauriApi: Api = {
  appStatus: () => call("app_status"),
  readDate: (text, purpose) => call("date_read", { text, purpose }),
  diagnostics: () => call("diagnostics"),
  setupComplete: (input) => call("setup_complete", { input }),
  signIn: (username, passphrase) => call("sign_in", { username, passphrase }),
  signInWithRecoveryCode: (username, code) => call("sign_in_with_recovery_code", { username, code }),
  signOut: () => call("sign_out", {}),
  lock: () => call("lock", {}),
  unlock: (passphrase) => call("unlock", { passphrase }),
  staffList: () => call("staff_list", {}),
  staffCreate: (input) => call("staff_create", { input }),
  staffSetActive: (id, active) => call("staff_set_active", { id, active }),
  staffResetPassphrase: (id, passphrase, adminPassphrase) =>
    call("staff_reset_passphrase", { id, passphrase, adminPassphrase }),
  settingsSetIdleMinutes: (minutes) => call("settings_set_idle_minutes", { minutes }),
  settingsSetFollowUpWeeks: (weeks) => call("settings_set_follow_up_weeks", { weeks }),
  auditList: (query) => call("audit_list", { query }),
  auditExport: (query) => call("audit_export", { query }),
  auditCheck: () => call("audit_check", {}),
  openLink: (url) => call("open_link", { url }),
  integrityWarningDismiss: () => call("integrity_warning_dismiss", {}),
  backupOverview: () => call("backup_overview", {}),
  backupSettingsSet: (settings, passphrase = null) => call("backup_settings_set", { settings, passphrase }),
  backupNow: () => call("backup_now", {}),
  backupProgress: () => call("backup_progress", {}),
  backupCancel: () => call("backup_cancel", {}),
  backupMakeRoom: () => call("backup_make_room", {}),
  backupInspect: (dir, code) => call("backup_inspect", { dir, code }),
  backupRestore: (dir, code, passphrase = null) => call("backup_restore", { dir, code, passphrase }),
  recoverWithCode: (code) => call("recover_with_code", { code }),
  recoveryCodeRenew: (passphrase) => call("recovery_code_renew", { passphrase }),
  recoveryKitSave: (code, passphrase) => call("recovery_kit_save", { code, passphrase }),
  chooseFolder: (title) => call("choose_folder", { title }),
  patientList: (query) => call("patient_list", { query }),
  patientGet: (id) => call("patient_get", { id }),
  patientCreate: (input) => call("patient_create", { input }),
  patientUpdate: (id, input) => call("patient_update", { id, input }),
  patientArchive: (id) => call("patient_archive", { id }),
  patientRestore: (id) => call("patient_restore", { id }),
  referralList: (patientId) => call("referral_list", { patientId }),
  referralCreate: (patientId, input) => call("referral_create", { patientId, input }),
  referralUpdate: (id, input) => call("referral_update", { id, input }),
  referralSetStatus: (id, status, closureReason, outcome = null) =>
    call("referral_set_status", { id, status, closureReason, outcome }),
  referralSetGpAppointments: (id, input) => call("referral_set_gp_appointments", { id, input }),
  messageBackDraft: (referralId, nextSteps = null) =>
    call("message_back_text", { referralId, nextSteps, send: false }),
  messageBackCopy: (referralId, nextSteps) => call("message_back_text", { referralId, nextSteps, send: true }),
  messageBackPrint: async (referralId, nextSteps, paper) =>
    (await call<string | null>("message_back_letter", { referralId, nextSteps, paper, saveAs: false })) ?? "",
  messageBackSavePdf: (referralId, nextSteps, paper) =>
    call("message_back_letter", { referralId, nextSteps, paper, saveAs: true }),
  caseloadCounter: () => call("caseload_counter", {}),
  ethnicCategories: () => call("ethnic_categories", {}),
  settingsSetSafeCaseload: (people) => call("settings_set_safe_caseload", { people }),
  patientRecord: (id) => call("patient_record", { id }),
  patientDuplicates: (input, excludeId) => call("patient_duplicates", { input, excludeId }),
  contactCreate: (patientId, input) => call("contact_create", { patientId, input }),
  contactList: (patientId, limit, offset) => call("contact_list", { patientId, limit, offset }),
  planSetWhatMatters: (referralId, text) => call("plan_set_what_matters", { referralId, text }),
  goalAdd: (referralId, input) => call("goal_add", { referralId, input }),
  goalUpdate: (id, input) => call("goal_update", { id, input }),
  stepAdd: (goalId, input) => call("step_add", { goalId, input }),
  stepSetDone: (id, done) => call("step_set_done", { id, done }),
  prescriptionCreate: (patientId, input) => call("prescription_create", { patientId, input }),
  prescriptionItemSetStatus: (itemId, status, barrier, barrierNote) =>
    call("prescription_item_set_status", { itemId, status, barrier, barrierNote }),
  prescriptionPrint: (id, choice) => call("prescription_print", { id, choice }),
  prescriptionSavePdf: (id, choice) => call("prescription_save_pdf", { id, choice }),
  printLanguages: () => call("print_languages", {}),
  outcomeRecord: (patientId, input) => call("outcome_record", { patientId, input }),
  reportPeriod: (from, to) => call("report_period", { from, to }),
  reportExport: (from, to, table) => call("report_export", { from, to, table }),
  serviceList: (query) => call("service_list", { query }),
  serviceCreate: (input) => call("service_create", { input }),
  serviceUpdate: (id, input) => call("service_update", { id, input }),
  serviceSetStatus: (id, status) => call("service_set_status", { id, status }),
  directoryFacets: () => call("directory_facets", {}),
  directoryChooseFile: () => call("directory_choose_file", {}),
  directoryPreviewFile: (path) => call("directory_preview_file", { path }),
  directoryPreviewFeed: (address) => call("directory_preview_feed", { address }),
  directoryFeedProgress: () => call("directory_feed_progress", {}),
  directoryFeedCancel: () => call("directory_feed_cancel", {}),
  directoryImportConfirm: (token) => call("directory_import_confirm", { token }),
  directoryImportDiscard: (token) => call("directory_import_discard", { token }),
  directorySources: () => call("directory_sources", {}),
  directoryFeedUnsubscribe: (id) => call("directory_feed_unsubscribe", { id }),
  directoryTerms: () => call("directory_terms", {}),
  directoryTermSet: (key, category) => call("directory_term_set", { key, category }),
  directoryExport: (format) => call("directory_export", { format }),
  directoryLoadExample: () => call("directory_load_example", {}),
};

export type {
  ApiError,
  Barrier,
  Contact,
  ContactInput,
  ContactPage,
  DirectoryFacets,
  Goal,
  GoalInput,
  DirectorySource,
  FeedProgress,
  ImportPreview,
  TermMapping,
  ItemStatus,
  Measure,
  MeasureInput,
  PatientRecord,
  PatientSummary,
  PeriodReport,
  Prescription,
  PrescriptionInput,
  Service,
  ServiceInput,
  ServicePage,
  ServiceQuery,
  ServiceStatus,
  StepInput,
  AppStatus,
  AuditPage,
  AuditQuery,
  BackupOverview,
  BackupSettings,
  BackupSummary,
  ExportResult,
  Patient,
  PatientInput,
  PatientPage,
  PatientQuery,
  Referral,
  ReferralInput,
  ReferralStatus,
  ReportTable,
  Session,
  SetupInput,
  SetupResult,
  StaffInput,
  StaffMember,
};
