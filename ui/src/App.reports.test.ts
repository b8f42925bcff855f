/// <reference types="node" />
// The Reports screen against the real backend: the period presets (on a fixed today,
// the backend's and the UI clock's), each table's numbers for a hand-built October, the
// referring organisations and GP appointments of a hand-built spring, the CSV exports,
// and user text in a report shown as text.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ReportTable } from "./api/bindings/ReportTable";
import { presetPeriod } from "./lib/reports";
import { HOSTILE_CATEGORY, JOSE, LI, octoberScenario, REPORT_TODAY, seed, SIOBHAN, ZOE } from "./test/fixtures";
import { byId, startApp, type User } from "./test/dom";
import { signedIn, TEST_LINK_WORKER, tempFolder, type TestApi } from "./test/host";

describe("report periods", () => {
  it.each([
    ["last_30_days", "2026-10-26", "2026-11-24"],
    ["this_month", "2026-11-01", "2026-11-24"],
    ["last_month", "2026-10-01", "2026-10-31"],
    ["this_quarter", "2026-10-01", "2026-11-24"],
    ["last_quarter", "2026-07-01", "2026-09-30"],
    ["this_year", "2026-01-01", "2026-11-24"],
    ["last_12_months", "2025-11-25", "2026-11-24"],
  ] as const)("%s on 24 Nov 2026 is %s to %s", (preset, from, to) => {
    expect(presetPeriod(preset, "2026-11-24")).toEqual({ from, to });
  });

  it("crosses into the previous year and clamps month ends", () => {
    expect(presetPeriod("last_month", "2027-01-15")).toEqual({ from: "2026-12-01", to: "2026-12-31" });
    expect(presetPeriod("last_quarter", "2027-02-28")).toEqual({ from: "2026-10-01", to: "2026-12-31" });
    expect(presetPeriod("last_month", "2024-03-31")).toEqual({ from: "2024-02-01", to: "2024-02-29" });
    expect(presetPeriod("last_12_months", "2024-02-29")).toEqual({ from: "2023-03-01", to: "2024-02-29" });
  });
});

/** The cells of each body row of the table with this test id. */
function cells(testId: string): string[][] {
  return [...screen.getByTestId(testId).querySelectorAll("tbody tr")].map((r) =>
    [...r.querySelectorAll("td")].map((c) => (c.textContent ?? "").replace(/\s+/g, " ").trim()),
  );
}

describe("reports screen", () => {
  beforeEach(() => {
    // Only the clock is faked, so the presets count from REPORT_TODAY; timers run as usual.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(`${REPORT_TODAY}T12:00:00`));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  /** A link worker's view of October's practice, on the Reports screen. */
  async function openReports(): Promise<{ api: TestApi; user: User }> {
    const api = await signedIn({ today: REPORT_TODAY, as: TEST_LINK_WORKER });
    await octoberScenario(api);
    const user = await startApp(api);
    expect(document.getElementById("nav-staff")).toBeNull();
    await user.click(byId("nav-reports"));
    await screen.findByRole("heading", { level: 1, name: "Reports" });
    await screen.findByTestId("report-period");
    return { api, user };
  }

  async function showLastMonth(user: User) {
    await user.selectOptions(byId("report-preset"), "Last month");
    await user.click(byId("report-run"));
    await waitFor(() => expect(screen.getByTestId("report-period").textContent).toContain("1 Oct 2026 to 31 Oct 2026"));
  }

  it("opens on the last 12 months, fills in a preset's dates, and turns custom when a date is typed", async () => {
    const { api, user } = await openReports();
    expect(screen.getByText(/Numbers under 5 are shown as "<5" in exported files/)).toBeTruthy();
    expect(byId<HTMLSelectElement>("report-preset").value).toBe("last_12_months");
    expect(byId<HTMLInputElement>("report-from").value).toBe("25/11/2025");
    expect(byId<HTMLInputElement>("report-to").value).toBe("24/11/2026");
    expect(api.calls.filter((c) => c.command === "report_period").map((c) => c.args)).toEqual([
      { from: "2025-11-25", to: "2026-11-24" },
    ]);
    expect(screen.getByTestId("report-period").textContent).toContain("25 Nov 2025 to 24 Nov 2026");

    await user.selectOptions(byId("report-preset"), "Last quarter");
    expect(byId<HTMLInputElement>("report-from").value).toBe("01/07/2026");
    expect(byId<HTMLInputElement>("report-to").value).toBe("30/09/2026");
    await fireEvent.input(byId("report-from"), { target: { value: "2026-08-15" } });
    expect(byId<HTMLSelectElement>("report-preset").value).toBe("custom");
    expect(byId<HTMLInputElement>("report-to").value).toBe("30/09/2026");
    await user.click(byId("report-run"));
    await waitFor(() => expect(api.calls.at(-1)?.args).toEqual({ from: "2026-08-15", to: "2026-09-30" }));
  });

  it("shows the period's counts as tables and labelled charts", async () => {
    const { user } = await openReports();
    await showLastMonth(user);

    expect(cells("report-table-referral_sources")).toEqual([
      ["GP", "1"],
      ["Nurse", "1"],
      ["Self-referral", "1"],
      ["Other clinician", "0"],
      ["Other", "0"],
    ]);
    expect(cells("report-table-referral_reasons").slice(0, 4)).toEqual([
      ["Loneliness or isolation", "2"],
      ["Mental wellbeing", "1"],
      ["Finance or debt", "1"],
      ["Employment", "1"],
    ]);
    expect(cells("report-table-activity")).toEqual([
      ["Referrals received", "3"],
      ["People seen", "2"],
      ["Conversations", "3"],
      ["Social prescriptions", "3"],
      ["Activities prescribed", "7"],
    ]);
    expect(cells("report-table-service_categories")).toEqual([
      ["No category", "2"],
      ["Physical activity", "2"],
      ["Social", "2"],
      [HOSTILE_CATEGORY, "1"],
    ]);
    expect(cells("report-table-item_funnel")).toEqual([
      ["Suggested (all)", "7"],
      ["Referred or further", "3"],
      ["Started or further", "2"],
      ["Completed", "1"],
      ["Declined", "2"],
      ["Did not attend", "1"],
    ]);
    expect(screen.getByRole("heading", { name: "Barriers (unmet needs)" })).toBeTruthy();
    expect(cells("report-table-barriers")).toEqual([
      ["Cost", "2"],
      ["Transport", "1"],
    ]);
    expect(cells("report-table-outcomes")).toEqual([
      ["Life satisfaction", "1", "4.0", "7.0", "+3.0", "100%"],
      ["Worthwhile", "1", "5.0", "7.0", "+2.0", "100%"],
      ["Happiness", "1", "3.0", "6.0", "+3.0", "100%"],
      ["Anxiety", "1", "7.0", "3.0", "\u22124.0 (lower is better)", "100%"],
      ["Mental wellbeing (SWEMWBS)", "1", "19.3", "20.7", "+1.5", "100%"],
      ["Loneliness (UCLA-3)", "2", "6.5", "5.5", "\u22121.0 (lower is better)", "50%"],
    ]);
    expect(screen.getByTestId("report-outcome-ucla3").textContent).toContain("50%");

    // Each chart names and numbers its bars in text.
    const sources = within(screen.getByRole("region", { name: "Referrals by source" })).getByRole("img");
    expect(sources.getAttribute("aria-label")).toBe("Referrals by source: GP, 1; Nurse, 1; Self-referral, 1; Other clinician, 0; Other, 0");
    expect([...sources.querySelectorAll("text")].map((t) => t.textContent)).toEqual(
      expect.arrayContaining(["GP", "1", "Other clinician", "0"]),
    );
    const outcomes = within(screen.getByRole("region", { name: "Outcome change" })).getByRole("img");
    expect(outcomes.textContent).toContain("50% improved (1 of 2)");
  });

  it("shows a hostile service category as text", async () => {
    const { user } = await openReports();
    await showLastMonth(user);
    const region = screen.getByRole("region", { name: "Prescribed activities by service category" });
    expect(within(region).getAllByText(HOSTILE_CATEGORY).length).toBe(2);
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector("[onerror]")).toBeNull();
  });

  it("says when no barriers were recorded", async () => {
    const { user } = await openReports();
    await user.selectOptions(byId("report-preset"), "This month");
    await user.click(byId("report-run"));
    await waitFor(() => expect(screen.getByTestId("report-period").textContent).toContain("1 Nov 2026 to 24 Nov 2026"));
    expect(screen.getByTestId("report-empty-barriers").textContent).toBe("No barriers recorded in this period.");
    expect(screen.queryByTestId("report-table-barriers")).toBeNull();
    // Only José's UCLA-3 follow-up falls in November, paired with his September baseline.
    const outcomes = cells("report-table-outcomes");
    expect(outcomes.slice(0, 5).every((row) => row.slice(1).join() === "0,—,—,—,—")).toBe(true);
    expect(outcomes[5]).toEqual(["Loneliness (UCLA-3)", "1", "9.0", "6.0", "\u22123.0 (lower is better)", "100%"]);
  });

  it("exports the shown period's table and says where it went; a cancelled save says nothing", async () => {
    const { api, user } = await openReports();
    await showLastMonth(user);
    // Dates typed after the report was shown do not change what is exported.
    await fireEvent.input(byId("report-to"), { target: { value: "2026-11-20" } });

    const dir = tempFolder();
    const exportOf = async (table: ReportTable, saveTo: string | null) => {
      await api.desk({ saveTo });
      await user.click(screen.getByTestId(`report-export-${table}`));
    };
    /** The saved file's lines, without the byte-order mark the backend writes for Excel. */
    const lines = (path: string) => readFileSync(path, "utf8").replace(/^\uFEFF/, "").trimEnd().split(/\r?\n/);

    const barriers = join(dir, "barriers.csv");
    await exportOf("barriers", barriers);
    const status = screen.getByTestId("report-export-status");
    await waitFor(() => expect(status.textContent).toBe(`Saved 2 rows to ${barriers}`));
    // The shown period's table, its counts under five suppressed.
    expect(api.calls.at(-1)).toMatchObject({ command: "report_export", args: { table: "barriers", from: "2026-10-01", to: "2026-10-31" } });
    expect(lines(barriers)).toEqual(["Barrier,Activities", "Cost,<5", "Transport,<5"]);
    const activity = join(dir, "activity.csv");
    await exportOf("activity", activity);
    await waitFor(() => expect(status.textContent).toBe(`Saved 5 rows to ${activity}`));
    expect(lines(activity)).toEqual([
      "Measure,Count",
      "Referrals received,<5",
      "People seen,<5",
      "Conversations,<5",
      "Prescriptions,<5",
      "Activities prescribed,7",
    ]);

    await exportOf("outcomes", null);
    await waitFor(() => expect(api.calls.at(-1)).toMatchObject({ command: "report_export", args: { table: "outcomes" } }));
    await waitFor(() => expect(status.textContent).toBe(""));
    expect((await api.deskLog()).asked).toEqual([
      "save: Export a report table (waymark-barriers-2026-10-01-to-2026-10-31.csv)",
      "save: Export a report table (waymark-activity-2026-10-01-to-2026-10-31.csv)",
      "save: Export a report table (waymark-outcomes-2026-10-01-to-2026-10-31.csv)",
    ]);
    expect(readdirSync(dir).sort()).toEqual(["activity.csv", "barriers.csv"]);
  });

  /** A spring of referrals from two organisations, one typed twice with different case
   * and spacing, and one from no organisation, with their GP appointments counted. */
  const AGENCY = "<b>Age UK</b> Hollinsford";
  async function springReferrals(): Promise<{ api: TestApi; user: User }> {
    const api = await signedIn({ today: REPORT_TODAY, as: TEST_LINK_WORKER });
    const [zoe, siobhan, jose, li] = await seed(api, ZOE, SIOBHAN, JOSE, LI);
    const refer = async (patientId: number, receivedDate: string, referrerOrganisation: string) =>
      (
        await api.referralCreate(patientId, {
          receivedDate,
          referrerName: "",
          referrerRole: "",
          referrerOrganisation,
          source: "gp",
          reasons: ["loneliness"],
          conditions: "",
          referrerPhone: "",
          referrerEmail: "",
          referrerOdsCode: "",
        })
      ).id;
    const gp = (id: number, before: string, after: string, afterCounted = "") =>
      api.referralSetGpAppointments(id, { before, beforeCounted: "", after, afterCounted });
    // The months after a referral are complete six months on: all three are by 24 Nov.
    await gp(await refer(zoe.id, "2026-03-10", "Hollinsford Surgery"), "7", "3", "2026-09-10");
    await gp(await refer(siobhan.id, "2026-04-02", "  hollinsford   SURGERY "), "4", "5");
    await gp(await refer(jose.id, "2026-05-01", AGENCY), "6", "2", "2026-11-20");
    // Only the months before are counted for Li: not one of the people with both counts.
    await gp(await refer(li.id, "2026-05-20", ""), "2", "");
    api.calls.length = 0;
    const user = await startApp(api);
    await user.click(byId("nav-reports"));
    await screen.findByRole("heading", { level: 1, name: "Reports" });
    await waitFor(() => expect(screen.getByTestId("report-period").textContent).toContain("25 Nov 2025 to 24 Nov 2026"));
    return { api, user };
  }

  it("counts referrals by referring organisation, grouped whatever the case and spacing, as text", async () => {
    await springReferrals();
    const region = screen.getByRole("region", { name: "Referrals by referring practice or agency" });
    expect(region.textContent).toContain("Names are grouped whatever their case and spacing");
    // Most first, ties in order of name ("" first): the spelling met first is shown.
    expect(cells("report-table-referrers")).toEqual([
      ["Hollinsford Surgery", "2"],
      ["Not recorded", "1"],
      [AGENCY, "1"],
    ]);
    expect(within(region).getByRole("img").getAttribute("aria-label")).toBe(
      `Referrals by referring practice or agency: Hollinsford Surgery, 2; Not recorded, 1; ${AGENCY}, 1`,
    );
    // The organisation's name is shown as typed, never as markup.
    expect(within(region).getAllByText(AGENCY).length).toBe(2);
    expect(region.querySelector("b")).toBeNull();
  });

  it("shows the GP appointments before and after referral for the people with both counts", async () => {
    const { user } = await springReferrals();
    const region = screen.getByRole("region", { name: "GP appointments before and after referral" });
    expect(region.textContent).toContain("Exported files leave the totals out when fewer than 5 people have both counts.");
    // Zoë 7 → 3, Siobhán 4 → 5, José 6 → 2; Li has no count after: 3 people, 17 → 10.
    expect(cells("report-table-gp_appointments")).toEqual([["3", "17", "10", "\u22127 (7 fewer)"]]);
    const chart = within(region).getByRole("img");
    expect(chart.getAttribute("aria-label")).toBe(
      "GP appointments before and after referral: In the 6 months before, 17; In the 6 months after, 10",
    );

    // No referral received this month: no one to count, so no totals.
    await user.selectOptions(byId("report-preset"), "This month");
    await user.click(byId("report-run"));
    await waitFor(() => expect(screen.getByTestId("report-period").textContent).toContain("1 Nov 2026 to 24 Nov 2026"));
    expect(cells("report-table-gp_appointments")).toEqual([["0", "\u2014", "\u2014", "\u2014"]]);
    expect(screen.getByTestId("report-empty-referrers").textContent).toBe("No referrals received in this period.");
    expect(screen.queryByTestId("report-table-referrers")).toBeNull();
  });

  it("exports the referrers and GP appointments tables with small numbers suppressed", async () => {
    const { api, user } = await springReferrals();
    const dir = tempFolder();
    const status = screen.getByTestId("report-export-status");
    const lines = (path: string) => readFileSync(path, "utf8").replace(/^\uFEFF/, "").trimEnd().split(/\r?\n/);

    const referrers = join(dir, "referrers.csv");
    await api.desk({ saveTo: referrers });
    await user.click(screen.getByTestId("report-export-referrers"));
    await waitFor(() => expect(status.textContent).toBe(`Saved 3 rows to ${referrers}`));
    expect(api.calls.at(-1)).toMatchObject({
      command: "report_export",
      args: { table: "referrers", from: "2025-11-25", to: "2026-11-24" },
    });
    expect(lines(referrers)).toEqual([
      "Referring practice or agency,Referrals",
      "Hollinsford Surgery,<5",
      "Not recorded,<5",
      `${AGENCY},<5`,
    ]);

    const gp = join(dir, "gp.csv");
    await api.desk({ saveTo: gp });
    await user.click(screen.getByTestId("report-export-gp_appointments"));
    await waitFor(() => expect(status.textContent).toBe(`Saved 1 row to ${gp}`));
    // Three people: their count is "<5" and their totals are left out.
    expect(lines(gp)).toEqual([
      "People with both counts,GP appointments in the 6 months before,GP appointments in the 6 months after,Change",
      "<5,,,",
    ]);
    expect((await api.deskLog()).asked).toEqual([
      "save: Export a report table (waymark-referrers-2025-11-25-to-2026-11-24.csv)",
      "save: Export a report table (waymark-gp-appointments-2025-11-25-to-2026-11-24.csv)",
    ]);
    expect(readdirSync(dir).sort()).toEqual(["gp.csv", "referrers.csv"]);
  });

  it("refuses a period that ends before it starts", async () => {
    const { api, user } = await openReports();
    await fireEvent.input(byId("report-from"), { target: { value: "2026-10-31" } });
    await fireEvent.input(byId("report-to"), { target: { value: "2026-10-01" } });
    await user.click(byId("report-run"));
    const summary = await screen.findByTestId("error-summary");
    expect(summary.textContent).toContain("To: The period must end on or after the day it starts.");
    expect(byId("report-to-error").textContent).toContain("The period must end on or after the day it starts.");
    expect(byId("report-to").getAttribute("aria-invalid")).toBe("true");
    expect(api.calls.at(-1)).toMatchObject({ command: "report_period", args: { from: "2026-10-31", to: "2026-10-01" } });
  });
});
