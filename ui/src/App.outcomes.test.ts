// Wellbeing measures through the whole app against the real backend: the form and
// its per-question errors, the scores each instrument gives, the charts with the change
// since baseline, when follow-up measures are due (patient page and caseload), and the
// practice's follow-up weeks (PRODUCT.md workflow 5).
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { Instrument } from "./api/bindings/Instrument";
import type { Patient } from "./api/bindings/Patient";
import type { Timepoint } from "./api/bindings/Timepoint";
import { addDays, formatDate, formatDayMonth, todayIso } from "./lib/format";
import { JOSE, SIOBHAN, ZOE, seed } from "./test/fixtures";
import { byId, openPatient, startApp, type User } from "./test/dom";
import { signedIn, type TestApi } from "./test/host";
import { typedForm } from "./lib/dates";

/** Opens the instrument's form, ticks `answers` (null: left unanswered) and saves. */
async function fillMeasure(user: User, instrument: Instrument, answers: (number | null)[]) {
  await user.click(screen.getByTestId(`measure-record-${instrument}`));
  const form = await screen.findByTestId("measure-form");
  for (const [i, a] of answers.entries()) {
    if (a !== null) await user.click(within(form).getByTestId(`measure-q${i + 1}-${a}`));
  }
  await user.click(within(form).getByTestId("measure-save"));
}

async function formClosed() {
  await waitFor(() => expect(screen.queryByTestId("measure-form")).toBeNull());
}

/** Zoë's patient page; `before` runs on the caseload first (e.g. to record measures). */
async function zoesPage(before: (api: TestApi, zoe: Patient) => Promise<unknown> = async () => null) {
  const api = await signedIn();
  const [zoe] = await seed(api, ZOE);
  await before(api, zoe);
  const user = await startApp(api);
  await openPatient(user, /Zoë/);
  /** Zoë's measures as the backend holds them, oldest first. */
  const measures = async () => (await api.patientRecord(zoe.id)).measures;
  return { api, user, measures };
}

/** The practice's follow-up weeks, as the backend's session holds them. */
async function followUpWeeks(api: TestApi): Promise<number | undefined> {
  return (await api.appStatus()).session?.followUpWeeks;
}

const text = (testId: string) => screen.getByTestId(testId).textContent?.replace(/\s+/g, " ").trim();

describe("recording a measure", () => {
  it("refuses incomplete answers question by question, then saves a complete one", async () => {
    const { user, measures } = await zoesPage();
    expect(screen.getByTestId("no-measures").textContent).toContain("No wellbeing measures recorded yet.");

    await user.click(screen.getByTestId("measure-record-ucla3"));
    const form = await screen.findByTestId("measure-form");
    expect(within(form).getByRole("heading", { name: "Record UCLA three-item loneliness scale" })).toBeTruthy();
    expect(form.textContent).toContain("For each one, tell me how often you feel that way.");
    expect(screen.getByTestId<HTMLInputElement>("measure-date").value).toBe(typedForm(todayIso(), "dd/mm/yyyy"));
    expect(screen.getByTestId<HTMLInputElement>("measure-timepoint-baseline").checked).toBe(true);
    // Each question is a group named by its wording, its answers named by their words.
    const q2 = within(form).getByRole("group", { name: "How often do you feel left out?" });
    expect(within(q2).getAllByRole("radio").map((r) => r.closest("label")?.textContent?.trim())).toEqual([
      "Hardly ever",
      "Some of the time",
      "Often",
    ]);

    await user.click(screen.getByTestId("measure-q1-3"));
    await user.click(screen.getByTestId("measure-save"));
    expect((await screen.findByTestId("error-summary")).textContent).toContain("Answer question 2.");
    expect(byId("measure-q2-error").textContent).toContain("Answer question 2.");
    expect(byId("measure-q3-error").textContent).toContain("Answer question 3.");
    expect(document.getElementById("measure-q1-error")).toBeNull();
    expect(byId("measure-q2").getAttribute("aria-describedby")).toBe("measure-q2-error");
    expect(await measures()).toHaveLength(0);

    await user.click(screen.getByTestId("measure-q2-2"));
    await user.click(screen.getByTestId("measure-q3-2"));
    await user.click(screen.getByTestId("measure-save"));
    await formClosed();
    expect(await measures()).toEqual([
      expect.objectContaining({ instrument: "ucla3", timepoint: "baseline", recordedDate: todayIso(), answers: [3, 2, 2] }),
    ]);
    expect(await screen.findByTestId("measure-chart-ucla3")).toBeTruthy();
    expect(text("measure-notice")).toBe(`UCLA-3 baseline recorded for ${formatDate(todayIso())}.`);
    expect(document.activeElement).toBe(screen.getByTestId("measure-record-ucla3"));
  });

  it("shows a server error on the date", async () => {
    const { user, measures } = await zoesPage();
    await user.click(screen.getByTestId("measure-record-ucla3"));
    await fireEvent.input(await screen.findByTestId("measure-date"), { target: { value: addDays(todayIso(), 3) } });
    for (const q of [1, 2, 3]) await user.click(screen.getByTestId(`measure-q${q}-1`));
    await user.click(screen.getByTestId("measure-save"));
    await waitFor(() => expect(byId("measureDate-error").textContent).toContain("Date cannot be in the future."));
    expect(screen.getByTestId("measure-date").getAttribute("aria-invalid")).toBe("true");
    expect(await measures()).toHaveLength(0);
  });
});

describe("scores and charts", () => {
  it("shows ONS4's four scores with their bands, never a sum", async () => {
    const { user, measures } = await zoesPage();
    await user.click(screen.getByTestId("measure-record-ons4"));
    const form = await screen.findByTestId("measure-form");
    // 0–10 with the end labels on 0 and 10.
    const q4 = within(form).getByRole("group", { name: /how anxious did you feel yesterday/ });
    expect(within(q4).getAllByRole("radio")).toHaveLength(11);
    expect(within(q4).getByLabelText("0 Not at all")).toBe(screen.getByTestId("measure-q4-0"));
    expect(within(q4).getByLabelText("10 Completely")).toBe(screen.getByTestId("measure-q4-10"));
    await user.click(within(form).getByTestId("measure-cancel"));
    await fillMeasure(user, "ons4", [4, 9, 6, 7]);
    await formClosed();

    expect(text("measure-latest-life_satisfaction")).toContain("Latest: 4 (low)");
    expect(text("measure-latest-worthwhile")).toContain("Latest: 9 (very high)");
    expect(text("measure-latest-happiness")).toContain("Latest: 6 (medium)");
    expect(text("measure-latest-anxiety")).toContain("Latest: 7 (high)");
    expect(screen.getByTestId("measure-chart-anxiety").textContent).toContain("Anxiety (lower is better)");
    // Four scales, and no chart shows their sum of 26.
    const charts = screen.getAllByTestId(/^measure-chart-/);
    expect(charts).toHaveLength(4);
    const labels = charts.flatMap((c) => [...c.querySelectorAll("svg text")].map((t) => t.textContent));
    expect(labels).toEqual(expect.arrayContaining(["4", "9", "6", "7"]));
    expect(labels).not.toContain("26");
    expect(within(screen.getByTestId("measure-row")).getByText(
      "Life satisfaction 4 (low), Worthwhile 9 (very high), Happiness 6 (medium), Anxiety 7 (high)",
    )).toBeTruthy();
    expect((await measures())[0].rawScore).toBeNull();
  });

  it("shows SWEMWBS's metric score from the conversion table beside the raw score", async () => {
    const { user } = await zoesPage();
    await fillMeasure(user, "swemwbs", [3, 3, 3, 3, 3, 3, 4]);
    await formClosed();
    expect(text("measure-latest-swemwbs")).toContain("Latest: metric score 19.98 (raw score 22)");
    const chart = within(screen.getByTestId("measure-chart-swemwbs"));
    // The whole range is labelled, and the point carries its value.
    expect(chart.getByRole("img").textContent).toContain("7.00");
    expect(chart.getByRole("img").textContent).toContain("35.00");
    expect(chart.getByRole("img").textContent).toContain("19.98");
  });

  it("charts a baseline and a follow-up and says how much better it is", async () => {
    const { user } = await zoesPage((api, zoe) =>
      api.outcomeRecord(zoe.id, { instrument: "ucla3", timepoint: "baseline", recordedDate: addDays(todayIso(), -90), answers: [3, 2, 2] }),
    );
    expect(text("measure-latest-ucla3")).toContain("Latest: 7 of 9");
    expect(screen.queryByTestId("measure-change-ucla3")).toBeNull();
    expect(text("measures-due")).toBe(`Follow-up measures overdue since ${formatDate(addDays(todayIso(), -6))}`);

    await user.click(screen.getByTestId("measure-record-ucla3"));
    // The patient has a baseline, so this one is a follow-up.
    expect((await screen.findByTestId<HTMLInputElement>("measure-timepoint-follow_up")).checked).toBe(true);
    for (const [q, a] of [[1, 2], [2, 1], [3, 1]]) await user.click(screen.getByTestId(`measure-q${q}-${a}`));
    await user.click(screen.getByTestId("measure-save"));
    await formClosed();

    await waitFor(() => expect(text("measure-change-ucla3")).toBe("Change since baseline: \u22123 (7 → 4), better"));
    expect(screen.queryByTestId("measures-due")).toBeNull();
    const chart = within(screen.getByTestId("measure-chart-ucla3"));
    const img = chart.getByRole("img");
    expect(img.getAttribute("aria-label")).toBe(
      `Loneliness (UCLA-3) (lower is better), from 3 to 9: 7 on ${formatDate(addDays(todayIso(), -90))} (baseline), ` +
        `4 on ${formatDate(todayIso())} (follow-up). Change since baseline: \u22123 (7 → 4), better.`,
    );
    // Baseline and follow-up differ in shape, not only colour.
    expect(img.querySelectorAll("rect").length).toBeGreaterThan(0);
    expect(img.querySelectorAll("circle").length).toBeGreaterThan(0);
    // Every measure is listed in a table too, newest first.
    const rows = screen.getAllByTestId("measure-row").map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent));
    expect(rows).toEqual([
      [formatDate(todayIso()), "UCLA-3", "Follow-up", "4 of 9", "Amara Okafor"],
      [formatDate(addDays(todayIso(), -90)), "UCLA-3", "Baseline", "7 of 9", "Amara Okafor"],
    ]);
  });

  it("reads a worse score as worse, whichever way the scale runs", async () => {
    await zoesPage(async (api, zoe) => {
      const record = (instrument: Instrument, timepoint: Timepoint, daysAgo: number, answers: number[]) =>
        api.outcomeRecord(zoe.id, { instrument, timepoint, recordedDate: addDays(todayIso(), -daysAgo), answers });
      await record("ons4", "baseline", 60, [6, 6, 6, 2]);
      await record("ons4", "follow_up", 1, [5, 6, 8, 5]);
      await record("swemwbs", "baseline", 60, [3, 3, 3, 3, 3, 3, 4]);
      await record("swemwbs", "follow_up", 1, [3, 3, 3, 3, 3, 3, 3]);
    });
    expect(text("measure-change-life_satisfaction")).toBe("Change since baseline: \u22121 (6 → 5), worse");
    expect(text("measure-change-worthwhile")).toBe("Change since baseline: no change (6 → 6)");
    expect(text("measure-change-happiness")).toBe("Change since baseline: +2 (6 → 8), better");
    expect(text("measure-change-anxiety")).toBe("Change since baseline: +3 (2 → 5), worse");
    expect(text("measure-change-swemwbs")).toBe("Change since baseline: \u22120.73 (19.98 → 19.25), worse");
  });
});

describe("follow-up measures due", () => {
  /** Zoë's follow-up is overdue, José's due in four days, Siobhán's not for ten weeks. */
  async function practice(): Promise<{ api: TestApi; patients: Patient[] }> {
    const api = await signedIn();
    const patients = await seed(api, ZOE, SIOBHAN, JOSE);
    const baseline = (p: Patient, daysAgo: number) =>
      api.outcomeRecord(p.id, { instrument: "ucla3", timepoint: "baseline", recordedDate: addDays(todayIso(), -daysAgo), answers: [2, 2, 2] });
    await baseline(patients[0], 100);
    await baseline(patients[1], 10);
    await baseline(patients[2], 80);
    api.calls.length = 0;
    return { api, patients };
  }

  const badge = (rows: HTMLElement[], name: string) =>
    within(rows.find((r) => r.textContent?.includes(name)) as HTMLElement).queryByTestId("measures-due-badge")?.textContent;

  it("flags measures due within two weeks or overdue on the caseload, and filters to them soonest first", async () => {
    const { api } = await practice();
    const user = await startApp(api);
    const rows = await screen.findAllByTestId("patient-row");
    expect(badge(rows, "Zoë")).toBe("Measures overdue");
    expect(badge(rows, "José")).toBe(`Measures due ${formatDayMonth(addDays(todayIso(), 4))}`);
    expect(badge(rows, "Siobhán")).toBeUndefined();

    await user.click(byId("filter-measures-due"));
    await waitFor(async () =>
      expect((await screen.findAllByTestId("patient-row")).map((r) => within(r).getByRole("button").textContent?.trim())).toEqual([
        "Zoë O'Brien (Zo)",
        "José Muñoz García (Pepe)",
      ]),
    );
    expect(api.calls.filter((c) => c.command === "patient_list").at(-1)?.args).toMatchObject({
      query: { measuresDue: true, overdue: false },
    });
    await user.click(byId("clear-filters"));
    await waitFor(async () => expect(await screen.findAllByTestId("patient-row")).toHaveLength(3));
    expect(byId<HTMLInputElement>("filter-measures-due").checked).toBe(false);
  });

  it("says on the patient page when they fall due", async () => {
    const { api } = await practice();
    const user = await startApp(api);
    await openPatient(user, /José/);
    expect(text("measures-due")).toBe(`Follow-up measures due ${formatDate(addDays(todayIso(), 4))}`);
  });

  it("lets an admin change the follow-up weeks, kept in the session", async () => {
    const { api } = await practice();
    const user = await startApp(api);
    await user.click(byId("nav-staff"));
    const weeks = await screen.findByLabelText<HTMLInputElement>("Follow-up measures due after (weeks)");
    expect(weeks.id).toBe("followUpWeeks");
    expect(weeks.value).toBe("12");
    await user.clear(weeks);
    await user.type(weeks, "60");
    await user.click(byId("save-follow-up-weeks"));
    await waitFor(() => expect(byId("followUpWeeks-error").textContent).toContain("Choose between 1 and 52 weeks."));
    expect(await followUpWeeks(api)).toBe(12);
    await user.clear(weeks);
    await user.type(weeks, "2");
    await user.click(byId("save-follow-up-weeks"));
    await waitFor(() => expect(screen.getByTestId("staff-notice").textContent).toBe("Follow-up measures now fall due 2 weeks after a baseline."));
    expect(await followUpWeeks(api)).toBe(2);
    expect(document.getElementById("followUpWeeks-error")).toBeNull();

    // The session carries the new value: the page opens with it, and Siobhán is now due.
    await user.click(byId("nav-caseload"));
    await user.click(byId("nav-staff"));
    expect((await screen.findByLabelText<HTMLInputElement>("Follow-up measures due after (weeks)")).value).toBe("2");
    await user.click(byId("nav-caseload"));
    await openPatient(user, /Siobhán/);
    expect(text("measures-due")).toBe(`Follow-up measures due ${formatDate(addDays(todayIso(), 4))}`);
  });
});
