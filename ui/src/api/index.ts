// The only module that talks to the Rust side. Components receive an `Api` and never
// import `invoke` themselves, so tests can hand them the in-memory twin in `mock.ts`.
import { invoke } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { AppStatus } from "./bindings/AppStatus";
import type { Patient } from "./bindings/Patient";
import type { PatientInput } from "./bindings/PatientInput";
import type { PatientPage } from "./bindings/PatientPage";
import type { PatientQuery } from "./bindings/PatientQuery";
import type { Referral } from "./bindings/Referral";
import type { ReferralInput } from "./bindings/ReferralInput";
import type { ReferralStatus } from "./bindings/ReferralStatus";

export interface Api {
  appStatus(): Promise<AppStatus>;
  patientList(query: PatientQuery): Promise<PatientPage>;
  patientGet(id: number): Promise<Patient>;
  patientCreate(input: PatientInput): Promise<Patient>;
  patientUpdate(id: number, input: PatientInput): Promise<Patient>;
  patientArchive(id: number): Promise<Patient>;
  patientRestore(id: number): Promise<Patient>;
  referralList(patientId: number): Promise<Referral[]>;
  referralCreate(patientId: number, input: ReferralInput): Promise<Referral>;
  referralUpdate(id: number, input: ReferralInput): Promise<Referral>;
  referralSetStatus(id: number, status: ReferralStatus, closureReason: string | null): Promise<Referral>;
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
  patientList: (query) => call("patient_list", { query }),
  patientGet: (id) => call("patient_get", { id }),
  patientCreate: (input) => call("patient_create", { input }),
  patientUpdate: (id, input) => call("patient_update", { id, input }),
  patientArchive: (id) => call("patient_archive", { id }),
  patientRestore: (id) => call("patient_restore", { id }),
  referralList: (patientId) => call("referral_list", { patientId }),
  referralCreate: (patientId, input) => call("referral_create", { patientId, input }),
  referralUpdate: (id, input) => call("referral_update", { id, input }),
  referralSetStatus: (id, status, closureReason) =>
    call("referral_set_status", { id, status, closureReason }),
};

export type {
  ApiError,
  AppStatus,
  Patient,
  PatientInput,
  PatientPage,
  PatientQuery,
  Referral,
  ReferralInput,
  ReferralStatus,
};
