// Plain words for every enum the backend sends, in the order they are offered.
import type { AuditAction } from "../api/bindings/AuditAction";
import type { Band } from "../api/bindings/Band";
import type { Barrier } from "../api/bindings/Barrier";
import type { ContactKind } from "../api/bindings/ContactKind";
import type { Country } from "../api/bindings/Country";
import type { ErrorCode } from "../api/bindings/ErrorCode";
import type { GoalStatus } from "../api/bindings/GoalStatus";
import type { ItemStatus } from "../api/bindings/ItemStatus";
import type { PatientStatus } from "../api/bindings/PatientStatus";
import type { PreferredContact } from "../api/bindings/PreferredContact";
import type { ReferralReason } from "../api/bindings/ReferralReason";
import type { ReferralSource } from "../api/bindings/ReferralSource";
import type { ReferralStatus } from "../api/bindings/ReferralStatus";
import type { StatusCause } from "../api/bindings/StatusCause";
import type { Role } from "../api/bindings/Role";
import type { Timepoint } from "../api/bindings/Timepoint";
import type { PrintLanguageInfo } from "../api/bindings/PrintLanguageInfo";
import type { ClosureOutcome } from "../api/bindings/ClosureOutcome";
import type { ConsentHow } from "../api/bindings/ConsentHow";
import type { Gender } from "../api/bindings/Gender";

/** The print-language list before the app has sent it: English alone. */
export const ENGLISH_ONLY: PrintLanguageInfo = {
  code: "en",
  englishName: "English",
  nativeName: "English",
  reviewed: true,
  ready: true,
  missingFont: null,
};

/** "polski (Polish)"; "English". */
export function printLanguageName(l: PrintLanguageInfo): string {
  return l.nativeName === l.englishName ? l.englishName : `${l.nativeName} (${l.englishName})`;
}

/** "polski (Polish): not yet checked by a native speaker". */
export function printLanguageLabel(l: PrintLanguageInfo): string {
  const name = printLanguageName(l);
  const notes = [
    l.reviewed ? null : "not yet checked by a native speaker",
    l.ready ? null : "needs a font this computer lacks",
  ];
  const said = notes.filter(Boolean).join("; ");
  return said ? `${name}: ${said}` : name;
}

export const PREFERRED_CONTACT_LABELS: Record<PreferredContact, string> = {
  phone: "Phone call",
  text: "Text message",
  email: "Email",
  letter: "Letter",
};

export const PATIENT_STATUS_LABELS: Record<PatientStatus, string> = {
  active: "Active",
  archived: "Archived",
};

export const REFERRAL_SOURCE_LABELS: Record<ReferralSource, string> = {
  gp: "GP",
  nurse: "Nurse",
  other_clinician: "Other clinician",
  self: "Self-referral",
  other: "Other",
};

export const REFERRAL_REASON_LABELS: Record<ReferralReason, string> = {
  loneliness: "Loneliness or isolation",
  mental_wellbeing: "Mental wellbeing",
  long_term_condition: "Long-term condition",
  physical_activity: "Physical activity",
  finance: "Finance or debt",
  employment: "Employment",
  housing: "Housing",
  carer_support: "Carer support",
  bereavement: "Bereavement",
  diet: "Diet",
  other: "Other",
};

export const REFERRAL_STATUS_LABELS: Record<ReferralStatus, string> = {
  new: "New",
  contacted: "Contacted",
  active: "Active",
  closed: "Closed",
};

export const GENDER_LABELS: Record<Gender, string> = {
  male: "Male",
  female: "Female",
  other: "Another gender",
  not_known: "Not known or not stated",
};

export const CONSENT_HOW_LABELS: Record<ConsentHow, string> = {
  verbal: "Verbally",
  written: "In writing",
};

/** How an episode ended, as the closing form offers it. */
export const CLOSURE_OUTCOME_LABELS: Record<ClosureOutcome, string> = {
  completed: "Support completed",
  declined: "Declined social prescribing",
  not_contactable: "Could not be contacted",
  stopped_taking_part: "Stopped taking part",
  referred_elsewhere: "Referred to another service",
  moved_away: "Moved away",
  other: "Other",
};

/** What moved a referral's status, as its timeline says it. */
export const STATUS_CAUSE_LABELS: Record<StatusCause, string> = {
  person: "changed by hand",
  conversation: "automatically, when the first conversation was logged",
  prescription: "automatically, when the first prescription was made",
};

export const CONTACT_KIND_LABELS: Record<ContactKind, string> = {
  face_to_face: "Face to face",
  phone: "Phone",
  video: "Video",
  home_visit: "Home visit",
};

export const GOAL_STATUS_LABELS: Record<GoalStatus, string> = {
  open: "Open",
  in_progress: "In progress",
  achieved: "Achieved",
  dropped: "Dropped",
};

export const ITEM_STATUS_LABELS: Record<ItemStatus, string> = {
  suggested: "Suggested",
  referred: "Referred",
  started: "Started",
  completed: "Completed",
  declined: "Declined",
  did_not_attend: "Did not attend",
};

/** Why a prescribed activity did not happen (the unmet-needs report's categories). */
export const BARRIER_LABELS: Record<Barrier, string> = {
  cost: "Cost",
  transport: "Transport",
  eligibility: "Eligibility",
  waiting_list: "Waiting list",
  confidence: "Confidence",
  timing: "Timing",
  no_such_service: "No such service",
  other: "Other",
};

export const TIMEPOINT_LABELS: Record<Timepoint, string> = {
  baseline: "Baseline",
  follow_up: "Follow-up",
};

/** An ONS4 score's band (ONS's published thresholds). */
export const BAND_LABELS: Record<Band, string> = {
  very_low: "Very low",
  low: "Low",
  medium: "Medium",
  high: "High",
  very_high: "Very high",
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  link_worker: "Link worker",
};

export const COUNTRY_LABELS: Record<Country, string> = {
  uk: "UK",
  us: "US",
};

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  view: "Viewed",
  list: "Listed",
  create: "Created",
  update: "Changed",
  archive: "Archived",
  restore: "Restored",
  print: "Printed",
  export: "Exported",
  sign_in: "Signed in",
  sign_in_failed: "Failed sign-in",
  sign_out: "Signed out",
  admin: "Admin change",
};

/** Plain-words explanation of why the caseload could not be opened, by error code. */
export const OPEN_ERROR_EXPLANATIONS: Record<ErrorCode, string> = {
  validation: "Waymark could not start because of a problem with its settings.",
  not_found: "Something Waymark needs to open the caseload could not be found.",
  not_ready: "The caseload is not open yet.",
  key_missing:
    "The key that unlocks this caseload is not in this computer's credential store. The caseload itself is still there and has not been changed. Use the practice's recovery kit to restore the key, or ask your administrator for help.",
  key_mismatch:
    "The key in this computer's credential store does not unlock this caseload. The caseload has not been changed. Use the practice's recovery kit, or ask your administrator for help.",
  key_check_missing:
    "The small key-check file that sits beside the caseload is missing, so Waymark cannot be sure it has the right key. Nothing has been changed. Ask your administrator for help.",
  database_missing:
    "The caseload file is missing from the data folder, although this folder was used before. Waymark will not start a new, empty caseload in its place. Restore the file from a backup, or ask your administrator for help.",
  database_damaged:
    "The caseload file is damaged and cannot be read. Waymark has not changed or deleted it. Restore it from a backup, or ask your administrator for help.",
  database_too_new:
    "This caseload was last used by a newer version of Waymark. Install the latest version of Waymark to open it.",
  credential_store:
    "Waymark could not reach this computer's credential store (where the caseload's key is kept). Make sure you are signed in to the computer, then open Waymark again.",
  recovery_code_invalid:
    "That is not a recovery code. A recovery code has 32 letters and digits, printed on the recovery kit in eight groups of four.",
  recovery_code_wrong:
    "That recovery code does not unlock this caseload. Check it against the practice's printed recovery kit.",
  recovery_file_missing:
    "The recovery file that belongs beside the caseload (or in the backup) is missing, so the recovery code cannot be used here. Ask your administrator for help.",
  backup_invalid:
    "This backup is damaged or incomplete and cannot be used. Nothing has been changed. Try another backup, or ask your administrator for help.",
  backup_disk_full:
    "The drive that holds the backup folder is full, so no backup was made. Removing this caseload's oldest backups there would make room; nothing else in the folder is touched.",
  backup_cancelled: "The backup was cancelled. Nothing was left in the backup folder.",
  caseload_in_use:
    "Waymark (or another program) is using this caseload's files. Close it, then try again. Nothing has been changed.",
  import_invalid: "This file cannot be imported. Nothing has been changed.",
  feed_failed: "The directory feed could not be read. Nothing has been changed.",
  feed_cancelled: "Reading the directory feed was cancelled. Nothing has been changed.",
  missing_glyphs: "Some characters have no font on this computer and would print as empty boxes.",
  consent_missing: "The patient has not agreed to the practice storing their details.",
  share_consent_needed: "The patient has not agreed to share their details with providers.",
  sign_in_failed: "That username and passphrase do not match an active account.",
  sign_in_locked:
    "Too many failed sign-ins: this account is locked for a few minutes. Try again later, or ask an administrator to reset the passphrase.",
  not_signed_in: "You are not signed in. Sign in to continue.",
  locked: "Waymark is locked. Enter your passphrase to continue.",
  forbidden: "Only an administrator can do that.",
  storage:
    "Waymark could not read or write its data folder. Check the disk is connected and not full, then open Waymark again.",
  internal: "Something unexpected went wrong inside Waymark.",
};

export function labelOf<K extends string>(labels: Record<K, string>, key: K): string {
  return labels[key] ?? key;
}

/** The record kinds a backup's summary shows, in order, with their plain names; other
 * tables (settings, links between records) are counted but not shown. */
export const BACKUP_COUNT_LABELS: [table: string, label: string][] = [
  ["patients", "Patients"],
  ["referrals", "Referrals"],
  ["contacts", "Contacts"],
  ["prescriptions", "Prescriptions"],
  ["outcome_measures", "Outcome measures"],
  ["services", "Directory services"],
  ["staff", "Staff accounts"],
  ["audit_log", "Audit entries"],
];
