// Form state helpers shared by the patient and referral forms.
import type { ApiError } from "../api/bindings/ApiError";
import type { Patient } from "../api/bindings/Patient";
import type { PatientInput } from "../api/bindings/PatientInput";
import type { Referral } from "../api/bindings/Referral";
import type { ReferralInput } from "../api/bindings/ReferralInput";
import { todayIso } from "./format";

export type FieldErrors = Record<string, string>;

/** One message per field (several messages for a field are joined). */
export function fieldErrors(e: ApiError): FieldErrors {
  const out: FieldErrors = {};
  for (const f of e.fields) out[f.field] = out[f.field] ? `${out[f.field]} ${f.message}` : f.message;
  return out;
}

/** `e` with the backend's field names replaced by this form's input ids, where a form
 * prefixes them (the backend's `username` is the staff form's `staffUsername`). */
export function withFormIds(e: ApiError, ids: Record<string, string>): ApiError {
  return { ...e, fields: e.fields.map((f) => ({ ...f, field: ids[f.field] ?? f.field })) };
}

export function emptyPatientInput(): PatientInput {
  return {
    givenName: "",
    familyName: "",
    preferredName: "",
    dateOfBirth: "",
    nhsNumber: "",
    mrn: "",
    pronouns: "",
    address: "",
    phone: "",
    email: "",
    preferredContact: null,
    language: "",
    printLanguage: "",
    needsLargePrint: false,
    needsEasyRead: false,
    needsInterpreter: false,
    registeredGp: "",
    consentStore: false,
    consentContact: false,
    consentShare: false,
    gender: null,
    ethnicity: [],
    communicationNeeds: "",
    consentHow: null,
    consentGivenBy: "",
    consentDate: "",
    consentWithdrawnDate: "",
  };
}

export function patientToInput(p: Patient): PatientInput {
  return {
    givenName: p.givenName,
    familyName: p.familyName,
    preferredName: p.preferredName ?? "",
    dateOfBirth: p.dateOfBirth,
    nhsNumber: p.nhsNumberDisplay ?? p.nhsNumber ?? "",
    mrn: p.mrn ?? "",
    pronouns: p.pronouns ?? "",
    address: p.address ?? "",
    phone: p.phone ?? "",
    email: p.email ?? "",
    preferredContact: p.preferredContact,
    language: p.language ?? "",
    printLanguage: p.printLanguage ?? "",
    needsLargePrint: p.needsLargePrint,
    needsEasyRead: p.needsEasyRead,
    needsInterpreter: p.needsInterpreter,
    registeredGp: p.registeredGp ?? "",
    consentStore: p.consentStoreDate !== null,
    consentContact: p.consentContactDate !== null,
    consentShare: p.consentShareDate !== null,
    gender: p.gender,
    ethnicity: [...p.ethnicity],
    communicationNeeds: p.communicationNeeds ?? "",
    consentHow: p.consentHow,
    consentGivenBy: p.consentGivenBy ?? "",
    consentDate: p.consentStoreDate ?? "",
    consentWithdrawnDate: p.consentWithdrawnDate ?? "",
  };
}

export function emptyReferralInput(today = todayIso()): ReferralInput {
  return {
    receivedDate: today,
    referrerName: "",
    referrerRole: "",
    referrerOrganisation: "",
    source: "gp",
    reasons: [],
    conditions: "",
    referrerPhone: "",
    referrerEmail: "",
    referrerOdsCode: "",
  };
}

export function referralToInput(r: Referral): ReferralInput {
  return {
    receivedDate: r.receivedDate,
    referrerName: r.referrerName ?? "",
    referrerRole: r.referrerRole ?? "",
    referrerOrganisation: r.referrerOrganisation ?? "",
    source: r.source,
    reasons: [...r.reasons],
    conditions: r.conditions ?? "",
    referrerPhone: r.referrerPhone ?? "",
    referrerEmail: r.referrerEmail ?? "",
    referrerOdsCode: r.referrerOdsCode ?? "",
  };
}
