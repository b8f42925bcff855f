// The caseload home's filters, summary columns and caseload counter, and the duplicate
// guard when registering a patient.
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import type { ReferralStatus } from "./api/bindings/ReferralStatus";
import { emptyServiceInput } from "./lib/directoryLabels";
import { JOSE, SIOBHAN, ZOE, refer, seed } from "./test/fixtures";
import { byId, startApp } from "./test/dom";
import { signedIn, type TestApi } from "./test/host";

const TODAY = "2026-11-24";

async function shownNames(): Promise<string[]> {
  const rows = await screen.findAllByTestId("patient-row");
  return rows.map((r) => (within(r).getByRole("button").textContent ?? "").trim());
}

/** A caseload with an overdue check-in (Zoë), a referral contacted in a recent
 * conversation (Siobhán: the first conversation moves a new referral to "contacted") and
 * someone not yet referred (José). */
async function caseload(): Promise<TestApi> {
  const api = await signedIn({ today: TODAY });
  const [zoe, siobhan] = await seed(api, ZOE, SIOBHAN, JOSE);
  const refer = async (patientId: number, status: ReferralStatus) => {
    const r = await api.referralCreate(patientId, {
      receivedDate: "2026-09-01",
      referrerName: "Dr Amara Okafor",
      referrerRole: "GP",
      referrerOrganisation: "",
      source: "gp",
      reasons: ["loneliness"],
      conditions: "",
      referrerPhone: "",
      referrerEmail: "",
      referrerOdsCode: "",
    });
    if (status !== "new") await api.referralSetStatus(r.id, status, null);
    return r;
  };
  const r = await refer(zoe.id, "active");
  await refer(siobhan.id, "new");
  const walk = await api.serviceCreate({ ...emptyServiceInput(), name: "Walking group" });
  await api.prescriptionCreate(zoe.id, {
    referralId: r.id,
    prescribedDate: "2026-10-01",
    message: "",
    nextCheckinDate: "2026-11-01",
    items: [{ serviceId: walk.id, personalNote: "" }],
  });
  await api.contactCreate(siobhan.id, { referralId: null, contactDate: "2026-11-20", kind: "phone", minutes: "10", notes: "" });
  api.calls.length = 0;
  return api;
}

describe("caseload home", () => {
  it("shows each patient's referral status, next check-in and what is overdue", async () => {
    const api = await caseload();
    await startApp(api);
    const rows = await screen.findAllByTestId("patient-row");
    const zoe = rows.find((r) => r.textContent?.includes("Zoë"));
    const jose = rows.find((r) => r.textContent?.includes("José"));
    expect(within(zoe!).getByTestId("episode-status").textContent).toBe("Active");
    expect(within(zoe!).getByTestId("next-checkin").textContent).toContain("1 Nov 2026");
    expect(within(zoe!).getByTestId("overdue").textContent).toBe("Overdue");
    expect(within(jose!).getByTestId("episode-status").textContent).toBe("No referral");
    const siobhan = rows.find((r) => r.textContent?.includes("Siobhán"));
    expect(within(siobhan!).getByTestId("episode-status").textContent).toBe("Contacted");
    expect(within(jose!).queryByTestId("overdue")).toBeNull();
  });

  it("counts a conversation on or after the check-in date as the check-in", async () => {
    const api = await caseload();
    const zoeRecord = (await api.allPatients()).find((p) => p.givenName === "Zoë")!;
    await api.contactCreate(zoeRecord.id, { referralId: null, contactDate: "2026-11-03", kind: "phone", minutes: "15", notes: "" });
    await startApp(api);
    const rows = await screen.findAllByTestId("patient-row");
    const zoe = rows.find((r) => r.textContent?.includes("Zoë"));
    expect(within(zoe!).queryByTestId("overdue")).toBeNull();
    expect(within(zoe!).getByTestId("next-checkin").textContent?.trim()).toBe("");
  });

  it("filters by referral status, overdue check-ins and weeks without contact", async () => {
    const api = await caseload();
    const user = await startApp(api);
    expect(await shownNames()).toHaveLength(3);

    await user.selectOptions(byId("caseload-episode"), "contacted");
    await waitFor(async () => expect(await shownNames()).toEqual(["Siobhán Ní Bhriain"]));
    await user.selectOptions(byId("caseload-episode"), "none");
    await waitFor(async () => expect(await shownNames()).toEqual(["José Muñoz García (Pepe)"]));
    await user.click(byId("clear-filters"));

    await user.click(byId("caseload-overdue"));
    await waitFor(async () => expect(await shownNames()).toEqual(["Zoë O'Brien (Zo)"]));
    const last = api.calls.filter((c) => c.command === "patient_list").at(-1);
    expect(last?.args).toMatchObject({ query: { overdue: true, episode: null, noContactWeeks: null } });
    await user.click(byId("caseload-overdue"));

    await user.selectOptions(byId("caseload-no-contact"), "4");
    await waitFor(async () => expect(await shownNames()).toHaveLength(2));
    expect(await shownNames()).not.toContain("Siobhán Ní Bhriain");

    // Filters combine with the search, and say so when nothing matches.
    await user.type(byId("patient-search"), "siob");
    expect(await screen.findByTestId("caseload-empty")).toBeTruthy();
    expect(screen.getByTestId("caseload-empty").textContent).toContain("No patients match these filters");
  });

  it("keeps the filters across a visit to a patient", async () => {
    const api = await caseload();
    const user = await startApp(api);
    await user.click(byId("caseload-overdue"));
    await waitFor(async () => expect(await shownNames()).toHaveLength(1));
    await user.click(screen.getByRole("button", { name: /Zoë/ }));
    await user.click(await screen.findByRole("button", { name: "Back to caseload" }));
    await waitFor(async () => expect(await shownNames()).toEqual(["Zoë O'Brien (Zo)"]));
    expect(byId<HTMLInputElement>("caseload-overdue").checked).toBe(true);
  });
});

describe("caseload counter", () => {
  /** The counter's sentence, its spaces as read. */
  const counterText = () => (screen.getByTestId("caseload-counter-text").textContent ?? "").replace(/\s+/g, " ").trim();

  it("counts the people supported in the last 12 months and turns amber above 90% of the safe caseload", async () => {
    const api = await caseload();
    const user = await startApp(api);
    const counter = await screen.findByTestId("caseload-counter");
    // Zoë and Siobhán have episodes; José has none yet.
    expect(counterText()).toBe("2 people supported in the last 12 months (since 25 Nov 2025) of a safe caseload of 250");
    expect(counter.dataset.level).toBe("ok");
    const meter = within(counter).getByRole("meter");
    expect(meter.getAttribute("aria-valuenow")).toBe("2");
    expect(meter.getAttribute("aria-valuemin")).toBe("0");
    expect(meter.getAttribute("aria-valuemax")).toBe("250");
    expect(meter.getAttribute("aria-valuetext")).toBe("2 of 250 (1%)");
    expect(screen.queryByTestId("caseload-counter-warning")).toBeNull();

    // José is referred too; the admin sets a safe caseload of 4 (75%: still fine), then 3.
    const jose = (await api.allPatients()).find((p) => p.givenName === "José")!;
    await refer(api, jose.id, { receivedDate: "2026-11-01" });
    await user.click(byId("nav-staff"));
    const safe = await screen.findByLabelText<HTMLInputElement>("Safe caseload (people a year)");
    expect(safe.id).toBe("safeCaseload");
    expect(safe.value).toBe("250");
    expect(screen.getByText("NHS England's guidance is 200 to 250 a year for a full-time link worker.")).toBeTruthy();
    await user.clear(safe);
    await user.type(safe, "4");
    await user.click(byId("save-safe-caseload"));
    await waitFor(() => expect(screen.getByTestId("staff-notice").textContent).toBe("The safe caseload is now 4 people a year."));
    await user.click(byId("nav-caseload"));
    await screen.findByTestId("caseload-counter");
    expect(counterText()).toBe("3 people supported in the last 12 months (since 25 Nov 2025) of a safe caseload of 4");
    expect(screen.getByTestId("caseload-counter").dataset.level).toBe("ok");

    await user.click(byId("nav-staff"));
    const again = await screen.findByLabelText<HTMLInputElement>("Safe caseload (people a year)");
    expect(again.value).toBe("4");
    await user.clear(again);
    await user.type(again, "3");
    await user.click(byId("save-safe-caseload"));
    await waitFor(() => expect(screen.getByTestId("staff-notice").textContent).toBe("The safe caseload is now 3 people a year."));
    await user.click(byId("nav-caseload"));
    await screen.findByTestId("caseload-counter");
    expect(counterText()).toBe(
      "3 people supported in the last 12 months (since 25 Nov 2025) of a safe caseload of 3 Close to the safe caseload.",
    );
    expect(screen.getByTestId("caseload-counter").dataset.level).toBe("amber");
    expect(screen.getByRole("meter").getAttribute("aria-valuetext")).toBe("3 of 3 (100%)");

    // Over the safe caseload: still amber, the bar full, the true number said.
    await api.settingsSetSafeCaseload(2);
    await user.click(byId("nav-staff"));
    await user.click(byId("nav-caseload"));
    await waitFor(() => expect(counterText()).toContain("of a safe caseload of 2 Over the safe caseload."));
    const over = screen.getByTestId("caseload-counter");
    expect(over.dataset.level).toBe("amber");
    expect(counterText()).toMatch(/^3 people supported/);
    const bar = within(over).getByRole("meter");
    expect(bar.getAttribute("aria-valuenow")).toBe("2");
    expect(bar.getAttribute("aria-valuetext")).toBe("3 of 2 (150%)");
    expect((bar.firstElementChild as HTMLElement).style.width).toBe("100%");
  });

  it("refuses a safe caseload outside 1 to 2000 under the field", async () => {
    const api = await caseload();
    const user = await startApp(api);
    await user.click(byId("nav-staff"));
    const safe = await screen.findByLabelText<HTMLInputElement>("Safe caseload (people a year)");
    await user.clear(safe);
    await user.type(safe, "2001");
    await user.click(byId("save-safe-caseload"));
    await waitFor(() => expect(byId("safeCaseload-error").textContent).toContain("Choose between 1 and 2000 people a year."));
    expect(safe.getAttribute("aria-invalid")).toBe("true");
    expect((await api.caseloadCounter()).safe).toBe(250);
  });

  it("shows nothing, and the caseload as usual, when the counter cannot be loaded", async () => {
    const api = await caseload();
    vi.spyOn(api, "caseloadCounter").mockRejectedValue({ code: "storage", message: "The database is busy.", fields: [] });
    await startApp(api);
    expect(await screen.findAllByTestId("patient-row")).toHaveLength(3);
    expect(screen.queryByTestId("caseload-counter")).toBeNull();
  });
});

describe("closed episodes without a message back", () => {
  it("lists a patient whose episode closed until the message to the GP is sent", async () => {
    const api = await caseload();
    const zoe = (await api.allPatients()).find((p) => p.givenName === "Zoë")!;
    const [episode] = await api.referralsOf(zoe.id);
    await api.referralSetStatus(episode.id, "closed", "Done", "completed");
    const user = await startApp(api);

    const option = within(byId("caseload-episode")).getByRole<HTMLOptionElement>("option", {
      name: "Closed, message to GP not sent",
    });
    expect(option.value).toBe("closed_unsent");
    await user.selectOptions(byId("caseload-episode"), "closed_unsent");
    await waitFor(async () => expect(await shownNames()).toEqual(["Zoë O'Brien (Zo)"]));
    expect(api.calls.filter((c) => c.command === "patient_list").at(-1)?.args).toMatchObject({
      query: { episode: "closed_unsent" },
    });

    // Once the message is copied to send, she is no longer listed.
    await api.messageBackCopy(episode.id, "");
    await user.selectOptions(byId("caseload-episode"), "closed");
    await waitFor(async () => expect(await shownNames()).toEqual(["Zoë O'Brien (Zo)"]));
    await user.selectOptions(byId("caseload-episode"), "closed_unsent");
    expect(await screen.findByTestId("caseload-empty")).toBeTruthy();
    expect(screen.getByTestId("caseload-empty").textContent).toContain("No patients match these filters");
  });
});

describe("duplicate guard", () => {
  async function startRegistering(api: TestApi) {
    const user = await startApp(api);
    await user.click(byId("register-patient"));
    await screen.findByRole("heading", { level: 1, name: "Register patient" });
    return user;
  }

  it("warns about the same name and date of birth, links to the record, and can register anyway", async () => {
    const api = await signedIn({ today: TODAY });
    await seed(api, ZOE);
    const user = await startRegistering(api);
    await user.type(byId("givenName"), "zoe");
    await user.type(byId("familyName"), "OBRIEN");
    await fireEvent.input(byId("dateOfBirth"), { target: { value: "1987-03-14" } });
    await user.click(byId("save-patient"));

    const warning = await screen.findByTestId("duplicate-warning");
    expect(warning.textContent).toContain("the same name and date of birth");
    // The name and what follows it read as one phrase: no space before the comma.
    expect(within(warning).getByRole("listitem").textContent).toMatch(/O'Brien \(Zo\), born 14 Mar 1987/);
    expect(await api.allPatients()).toHaveLength(1);

    // The warning belongs to the identity it was found for: changing the name withdraws it.
    await user.type(byId("givenName"), "x");
    expect(screen.queryByTestId("duplicate-warning")).toBeNull();
    await user.type(byId("givenName"), "{Backspace}");
    expect(await screen.findByTestId("duplicate-warning")).toBeTruthy();
    await user.click(byId("register-anyway"));
    await screen.findByTestId("patient-name");
    expect(await api.allPatients()).toHaveLength(2);
  });

  it("opens the existing record from the warning", async () => {
    const api = await signedIn({ today: TODAY });
    await seed(api, ZOE);
    const user = await startRegistering(api);
    await user.type(byId("givenName"), "Zoë");
    await user.type(byId("familyName"), "O'Brien");
    await fireEvent.input(byId("dateOfBirth"), { target: { value: "1987-03-14" } });
    await user.click(byId("save-patient"));
    await user.click(await screen.findByTestId("duplicate-link"));
    const name = await screen.findByTestId("patient-name");
    expect(name.textContent).toContain("Zoë O'Brien");
    expect(await api.allPatients()).toHaveLength(1);
  });

  it("refuses a second record with the same NHS number", async () => {
    const api = await signedIn({ today: TODAY });
    await seed(api, ZOE);
    const user = await startRegistering(api);
    await user.type(byId("givenName"), "Someone");
    await user.type(byId("familyName"), "Else");
    await fireEvent.input(byId("dateOfBirth"), { target: { value: "1990-01-01" } });
    await user.type(byId("nhsNumber"), "999 526 0182");
    await user.click(byId("save-patient"));
    const warning = await screen.findByTestId("duplicate-warning");
    expect(warning.textContent).toContain("the same NHS number");
    expect(document.getElementById("register-anyway")).toBeNull();
    expect(await api.allPatients()).toHaveLength(1);
  });

  it("does not warn about the record being edited", async () => {
    const api = await signedIn({ today: TODAY });
    await seed(api, ZOE);
    const user = await startApp(api);
    await user.click(await screen.findByRole("button", { name: /Zoë/ }));
    await user.click(await screen.findByRole("button", { name: "Edit" }));
    await user.click(byId("save-patient"));
    await screen.findByTestId("patient-name");
    expect(screen.queryByTestId("duplicate-warning")).toBeNull();
  });
});
