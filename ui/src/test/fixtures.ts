// Sample patients for UI tests, taken from shared/data/patients.json (fictional).
import type { TestApi } from "./host";
import type { Barrier } from "../api/bindings/Barrier";
import type { Instrument } from "../api/bindings/Instrument";
import type { ItemStatus } from "../api/bindings/ItemStatus";
import type { Patient } from "../api/bindings/Patient";
import type { PatientInput } from "../api/bindings/PatientInput";
import type { ReferralReason } from "../api/bindings/ReferralReason";
import type { ReferralSource } from "../api/bindings/ReferralSource";
import type { Timepoint } from "../api/bindings/Timepoint";
import { emptyServiceInput } from "../lib/directoryLabels";
import { emptyPatientInput } from "../lib/forms";
import { addDays, todayIso } from "../lib/format";
import type { Referral } from "../api/bindings/Referral";

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

/** A name no embedded font has letters for: the test host hides the computer's fonts. */
export const LI: PatientInput = {
  ...emptyPatientInput(),
  givenName: "李",
  familyName: "小龙",
  dateOfBirth: "1990-05-05",
};

/** The hostile record: every name must show as typed and run nothing. The backend
 * refuses its preferred name (a direction override makes one name look like another),
 * so tests that register it replace that one field. */
export const HOSTILE: PatientInput = {
  ...emptyPatientInput(),
  givenName: "<script>alert(1)</script>",
  familyName: "Robert'); DROP TABLE patients;--",
  preferredName: "\u202eevil",
  dateOfBirth: "1999-02-28",
  language: "en",
};

export async function seed(api: TestApi, ...inputs: PatientInput[]): Promise<Patient[]> {
  const out: Patient[] = [];
  for (const i of inputs) out.push(await api.patientCreate(i));
  api.calls.length = 0;
  return out;
}

/** Today in the report scenario (the mock's and, in UI tests, the clock's). */
export const REPORT_TODAY = "2026-11-24";

/** A service category that must show as typed and run nothing. */
export const HOSTILE_CATEGORY = "<img src=x onerror=alert(1)>";

/** A practice's October 2026, for the period report (REPORT_TODAY is 24 Nov 2026).
 * In October: referrals from Zoë (GP: loneliness, mental wellbeing), Siobhán (self:
 * loneliness) and José (nurse: finance, employment; his GP referral in September is
 * outside); three conversations with Zoë and Siobhán; three prescriptions with seven
 * activities (walking ×2, the shed ×2, debt advice ×2, the hostile category ×1), one
 * completed, one started, one referred, two declined for cost and one missed for
 * transport. Measures: Zoë's UCLA-3 7 → 4 and ONS4 (4, 5, 3, 7) → (7, 7, 6, 3) and
 * Siobhán's UCLA-3 6 → 7 and SWEMWBS raw 21 → 23 pair in October; José's UCLA-3
 * follow-up is in November. */
export async function octoberScenario(api: TestApi): Promise<void> {
  const [zoe, siobhan, jose] = await seed(api, ZOE, SIOBHAN, JOSE);
  const refer = (p: Patient, receivedDate: string, source: ReferralSource, reasons: ReferralReason[]) =>
    api.referralCreate(p.id, {
      receivedDate,
      referrerName: "",
      referrerRole: "",
      referrerOrganisation: "",
      source,
      reasons,
      conditions: "",
      referrerPhone: "",
      referrerEmail: "",
      referrerOdsCode: "",
    });
  await refer(jose, "2026-09-15", "gp", ["finance"]);
  await refer(zoe, "2026-10-05", "gp", ["loneliness", "mental_wellbeing"]);
  await refer(siobhan, "2026-10-20", "self", ["loneliness"]);
  await refer(jose, "2026-10-30", "nurse", ["finance", "employment"]);

  const talk = (p: Patient, contactDate: string) =>
    api.contactCreate(p.id, { referralId: null, contactDate, kind: "phone", minutes: "", notes: "" });
  await talk(zoe, "2026-10-06");
  await talk(zoe, "2026-10-20");
  await talk(siobhan, "2026-10-21");
  await talk(jose, "2026-11-02");

  const service = async (name: string, category: string) =>
    (await api.serviceCreate({ ...emptyServiceInput(), name, category })).id;
  const walk = await service("Walking group", "Physical activity");
  const shed = await service("Men's Shed", "Social");
  const debt = await service("Debt advice", "");
  const hostile = await service("Mystery club", HOSTILE_CATEGORY);
  type Item = [serviceId: number, status: ItemStatus, barrier?: Barrier];
  const prescribe = async (p: Patient, prescribedDate: string, items: Item[]) => {
    const rx = await api.prescriptionCreate(p.id, {
      referralId: null,
      prescribedDate,
      message: "",
      nextCheckinDate: "",
      items: items.map(([serviceId]) => ({ serviceId, personalNote: "" })),
    });
    for (const [i, [, status, barrier]] of items.entries()) {
      if (status !== "suggested") await api.prescriptionItemSetStatus(rx.items[i].id, status, barrier ?? null, "");
    }
  };
  await prescribe(jose, "2026-09-20", [[debt, "declined", "confidence"]]);
  await prescribe(zoe, "2026-10-06", [[walk, "completed"], [shed, "declined", "cost"]]);
  await prescribe(siobhan, "2026-10-21", [[walk, "started"], [hostile, "did_not_attend", "transport"], [debt, "referred"]]);
  await prescribe(jose, "2026-10-30", [[debt, "suggested"], [shed, "declined", "cost"]]);

  const measure = (p: Patient, instrument: Instrument, timepoint: Timepoint, recordedDate: string, answers: number[]) =>
    api.outcomeRecord(p.id, { instrument, timepoint, recordedDate, answers });
  await measure(zoe, "ucla3", "baseline", "2026-08-01", [3, 2, 2]);
  await measure(zoe, "ons4", "baseline", "2026-08-01", [4, 5, 3, 7]);
  await measure(zoe, "ucla3", "follow_up", "2026-10-25", [2, 1, 1]);
  await measure(zoe, "ons4", "follow_up", "2026-10-25", [7, 7, 6, 3]);
  await measure(siobhan, "ucla3", "baseline", "2026-07-01", [2, 2, 2]);
  await measure(siobhan, "swemwbs", "baseline", "2026-07-01", [3, 3, 3, 3, 3, 3, 3]);
  await measure(siobhan, "ucla3", "follow_up", "2026-10-10", [3, 2, 2]);
  await measure(siobhan, "swemwbs", "follow_up", "2026-10-10", [4, 4, 3, 3, 3, 3, 3]);
  await measure(jose, "ucla3", "baseline", "2026-09-01", [3, 3, 3]);
  await measure(jose, "ucla3", "follow_up", "2026-11-10", [2, 2, 2]);
  api.calls.length = 0;
}

/** A GP referral for `patientId` received two weeks ago, with `over` changed; the calls
 * made so far are forgotten, so a test sees only its own. */
export async function refer(
  api: TestApi,
  patientId: number,
  over: Partial<Parameters<TestApi["referralCreate"]>[1]> = {},
): Promise<Referral> {
  const r = await api.referralCreate(patientId, {
    receivedDate: addDays(todayIso(), -14),
    referrerName: "Dr Amara Okafor",
    referrerRole: "GP",
    referrerOrganisation: "",
    source: "gp",
    reasons: ["mental_wellbeing", "loneliness"],
    conditions: "",
    referrerPhone: "",
    referrerEmail: "",
    referrerOdsCode: "",
    ...over,
  });
  api.calls.length = 0;
  return r;
}
