// The mock's outcome measures and period reports: the instruments' scoring, when
// follow-up measures fall due, and the report's counts for a hand-built month.
import { describe, expect, it } from "vitest";
import { emptyPatientInput } from "../lib/forms";
import { HOSTILE_CATEGORY, octoberScenario, REPORT_TODAY } from "../test/fixtures";
import type { PatientQuery } from "./bindings/PatientQuery";
import { MockApi } from "./mock";

const TODAY = "2026-11-24";

async function withPatient(options = {}) {
  const api = MockApi.signedIn({ today: TODAY, ...options });
  const p = await api.patientCreate({ ...emptyPatientInput(), givenName: "A", familyName: "B", dateOfBirth: "1990-01-01" });
  return { api, id: p.id };
}

describe("outcome measures", () => {
  it("names each unanswered or out-of-range question, and a future date", async () => {
    const { api, id } = await withPatient();
    await expect(
      api.outcomeRecord(id, { instrument: "swemwbs", timepoint: "baseline", recordedDate: "2026-12-01", answers: [3, null, 6, 3, 3, 3, null] }),
    ).rejects.toEqual({
      code: "validation",
      message: "Please correct the highlighted fields.",
      fields: [
        { field: "recordedDate", message: "Date cannot be in the future." },
        { field: "answer2", message: "Answer question 2." },
        { field: "answer3", message: "The answer to question 3 must be from 1 to 5." },
        { field: "answer7", message: "Answer question 7." },
      ],
    });
    await expect(
      api.outcomeRecord(id, { instrument: "ucla3", timepoint: "baseline", recordedDate: TODAY, answers: [1, 1, 1, 1] }),
    ).rejects.toMatchObject({ fields: [{ field: "answers", message: "This form has 3 questions, not 4." }] });
    expect(api.measures).toHaveLength(0);
  });

  it("scores ONS4 item by item with bands, SWEMWBS through the table and UCLA-3 as a total", async () => {
    const { api, id } = await withPatient();
    const ons4 = await api.outcomeRecord(id, { instrument: "ons4", timepoint: "baseline", recordedDate: TODAY, answers: [4, 9, 6, 1] });
    expect(ons4.rawScore).toBeNull();
    expect(ons4.scores).toEqual([
      { scale: "life_satisfaction", value: 4, band: "low" },
      { scale: "worthwhile", value: 9, band: "very_high" },
      { scale: "happiness", value: 6, band: "medium" },
      { scale: "anxiety", value: 1, band: "very_low" },
    ]);
    const swemwbs = await api.outcomeRecord(id, { instrument: "swemwbs", timepoint: "baseline", recordedDate: TODAY, answers: [1, 1, 1, 1, 1, 1, 2] });
    expect(swemwbs).toMatchObject({ rawScore: 8, scores: [{ scale: "swemwbs", value: 9.51, band: null }] });
    const top = await api.outcomeRecord(id, { instrument: "swemwbs", timepoint: "follow_up", recordedDate: TODAY, answers: [5, 5, 5, 5, 5, 5, 5] });
    expect(top.scores[0].value).toBe(35);
    const ucla = await api.outcomeRecord(id, { instrument: "ucla3", timepoint: "baseline", recordedDate: TODAY, answers: [3, 2, 3] });
    expect(ucla).toMatchObject({ rawScore: null, scores: [{ scale: "ucla3", value: 8, band: null }] });
    expect(ucla.staffName).toBe("Amara Okafor");
  });

  it("makes follow-up measures due after the latest baseline until a follow-up is recorded", async () => {
    const { api, id } = await withPatient({ followUpWeeks: 6 });
    const record = (timepoint: "baseline" | "follow_up", recordedDate: string) =>
      api.outcomeRecord(id, { instrument: "ucla3", timepoint, recordedDate, answers: [2, 2, 2] });
    expect((await api.patientRecord(id)).measuresDue).toBeNull();
    await record("baseline", "2026-09-01");
    expect((await api.patientRecord(id)).measuresDue).toBe("2026-10-13");
    const query: PatientQuery = {
      text: "",
      includeArchived: false,
      episode: null,
      overdue: false,
      noContactWeeks: null,
      measuresDue: true,
      limit: 50,
      offset: 0,
    };
    expect((await api.patientList(query)).items).toEqual([expect.objectContaining({ measuresDue: "2026-10-13", measuresOverdue: true })]);
    // Nothing is awaited while the latest episode is closed.
    const r = await api.referralCreate(id, {
      receivedDate: "2026-08-20",
      referrerName: "",
      referrerRole: "",
      referrerOrganisation: "",
      source: "self",
      reasons: ["loneliness"],
      conditions: "",
    });
    await api.referralSetStatus(r.id, "closed", "Moved away");
    expect((await api.patientRecord(id)).measuresDue).toBeNull();
    await api.referralSetStatus(r.id, "active", null);
    await record("follow_up", "2026-10-20");
    const after = await api.patientRecord(id);
    expect(after.measuresDue).toBeNull();
    expect(after.measures.map((m) => m.timepoint)).toEqual(["baseline", "follow_up"]);
    expect((await api.patientList(query)).total).toBe(0);
  });

  it("keeps the follow-up weeks setting for admins, from 1 to 52", async () => {
    const { api } = await withPatient();
    await expect(api.settingsSetFollowUpWeeks(53)).rejects.toMatchObject({
      fields: [{ field: "followUpWeeks", message: "Choose between 1 and 52 weeks." }],
    });
    expect(await api.settingsSetFollowUpWeeks(8)).toMatchObject({ followUpWeeks: 8 });
    await api.signIn("tomas", "staple orange lantern");
    await expect(api.settingsSetFollowUpWeeks(4)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("period report", () => {
  async function october() {
    const api = MockApi.signedIn({ today: REPORT_TODAY });
    await octoberScenario(api);
    return api;
  }

  it("counts referrals, activity, prescriptions and barriers in the period", async () => {
    const api = await october();
    const r = await api.reportPeriod("2026-10-01", "2026-10-31");
    expect(r.referrals).toBe(3);
    expect(r.referralSources).toEqual([
      { key: "gp", count: 1 },
      { key: "nurse", count: 1 },
      { key: "self", count: 1 },
      { key: "other_clinician", count: 0 },
      { key: "other", count: 0 },
    ]);
    expect(r.referralReasons.slice(0, 4)).toEqual([
      { key: "loneliness", count: 2 },
      { key: "mental_wellbeing", count: 1 },
      { key: "finance", count: 1 },
      { key: "employment", count: 1 },
    ]);
    expect(r.referralReasons).toHaveLength(11);
    expect([r.peopleSeen, r.contacts, r.prescriptions, r.items]).toEqual([2, 3, 3, 7]);
    expect(r.serviceCategories).toEqual([
      { key: "", count: 2 },
      { key: "Physical activity", count: 2 },
      { key: "Social", count: 2 },
      { key: HOSTILE_CATEGORY, count: 1 },
    ]);
    expect(r.funnel).toEqual({ suggested: 7, referred: 3, started: 2, completed: 1, declined: 2, didNotAttend: 1 });
    expect(r.barriers).toEqual([
      { key: "cost", count: 2 },
      { key: "transport", count: 1 },
    ]);
  });

  it("pairs each patient's latest follow-up in the period with the baseline before it", async () => {
    const api = await october();
    const r = await api.reportPeriod("2026-10-01", "2026-10-31");
    expect(r.outcomes.map((o) => o.scale)).toEqual(["life_satisfaction", "worthwhile", "happiness", "anxiety", "swemwbs", "ucla3"]);
    const by = Object.fromEntries(r.outcomes.map((o) => [o.scale, o]));
    expect(by.ucla3).toEqual({ scale: "ucla3", pairs: 2, meanBaseline: 6.5, meanFollowUp: 5.5, meanChange: -1, improved: 1, shareImproved: 0.5 });
    expect(by.anxiety).toMatchObject({ pairs: 1, meanChange: -4, improved: 1 });
    expect(by.swemwbs.meanChange).toBeCloseTo(20.73 - 19.25);
    const september = await api.reportPeriod("2026-09-01", "2026-09-30");
    expect(september.outcomes.every((o) => o.pairs === 0 && o.meanChange === null && o.shareImproved === null)).toBe(true);
    expect(september.barriers).toEqual([{ key: "confidence", count: 1 }]);
  });

  it("refuses a period that ends before it starts, and exports a table or nothing when cancelled", async () => {
    const api = await october();
    await expect(api.reportPeriod("2026-10-31", "2026-10-01")).rejects.toMatchObject({
      fields: [{ field: "to", message: "The period must end on or after the day it starts." }],
    });
    await expect(api.reportPeriod("", "2026-02-30")).rejects.toMatchObject({ fields: [{ field: "from" }, { field: "to" }] });
    await expect(api.reportPeriod("2006-10-01", "2026-10-01")).rejects.toMatchObject({
      fields: [{ field: "from", message: "A report covers at most 20 years." }],
    });
    const saved = await api.reportExport("2026-10-01", "2026-10-31", "item_funnel");
    expect(saved).toEqual({ path: expect.stringContaining("item-funnel"), rows: 6 });
    expect(api.exported).toEqual([{ from: "2026-10-01", to: "2026-10-31", table: "item_funnel", path: saved?.path, rows: 6 }]);
    api.nextSavePath = null;
    expect(await api.reportExport("2026-10-01", "2026-10-31", "barriers")).toBeNull();
    expect(api.exported).toHaveLength(1);
  });
});
