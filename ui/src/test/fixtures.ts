// Sample patients for UI tests, taken from shared/data/patients.json (fictional).
import type { MockApi } from "../api/mock";
import type { Patient } from "../api/bindings/Patient";
import type { PatientInput } from "../api/bindings/PatientInput";
import { emptyPatientInput } from "../lib/forms";

export const ZOE: PatientInput = {
  ...emptyPatientInput(),
  givenName: "Zoë",
  familyName: "O'Brien",
  preferredName: "Zo",
  dateOfBirth: "1987-03-14",
  nhsNumber: "9995260182",
  pronouns: "she/her",
  phone: "07700 900101",
  address: "12 Mill Lane, Hollinsford HF2 4RD",
};

export const SIOBHAN: PatientInput = {
  ...emptyPatientInput(),
  givenName: "Siobhán",
  familyName: "Ní Bhriain",
  dateOfBirth: "1995-11-02",
  nhsNumber: "9991590838",
};

export const JOSE: PatientInput = {
  ...emptyPatientInput(),
  givenName: "José",
  familyName: "Muñoz García",
  preferredName: "Pepe",
  dateOfBirth: "1963-09-17",
  nhsNumber: "9434765919",
  needsLargePrint: true,
};

/** A name the printing font has no letters for (the font lacks CJK). */
export const LI: PatientInput = {
  ...emptyPatientInput(),
  givenName: "李",
  familyName: "小龙",
  dateOfBirth: "1990-05-05",
};

/** The hostile record: every name must show as typed and run nothing. */
export const HOSTILE: PatientInput = {
  ...emptyPatientInput(),
  givenName: "<script>alert(1)</script>",
  familyName: "Robert'); DROP TABLE patients;--",
  preferredName: "\u202eevil",
  dateOfBirth: "1999-02-28",
  language: "en",
};

export async function seed(api: MockApi, ...inputs: PatientInput[]): Promise<Patient[]> {
  const out: Patient[] = [];
  for (const i of inputs) out.push(await api.patientCreate(i));
  api.calls.length = 0;
  return out;
}
