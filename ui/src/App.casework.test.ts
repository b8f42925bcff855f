/// <reference types="node" />
// The patient page's casework, driven through the whole app against the real backend
// (the test host): GP record codes, conversations, the support plan, social
// prescriptions and their follow-up (PRODUCT.md workflows 1, 2 and 5).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuditEntry } from "./api/bindings/AuditEntry";
import type { Goal } from "./api/bindings/Goal";
import type { Service } from "./api/bindings/Service";
import { emptyServiceQuery, serviceToInput } from "./lib/directoryLabels";
import { addDays, formatDate, todayIso } from "./lib/format";
import { patientToInput } from "./lib/forms";
import { HOSTILE, JOSE, LI, SIOBHAN, ZOE, refer, seed } from "./test/fixtures";
import { byId, openPatient, startApp, type User } from "./test/dom";
import { signedIn, tempFolder, type TestApi } from "./test/host";
import { typedForm } from "./lib/dates";

const CO_OP = "Community Childcare Co-op";
const YOGA = "Gentle Yoga for Strength and Balance";
const GARDENING = "Allotment Gardening Class";
const HIKE = "Saturday Group Hike";
const ART = "Drop-in Art Class";
const MARIA = "ask for Maria and mention the doctor's letter for the discount";

/** A signed-in practice with the example community directory loaded. */
async function practice(): Promise<TestApi> {
  const api = await signedIn();
  await api.directoryLoadExample();
  api.calls.length = 0;
  return api;
}

async function service(api: TestApi, name: string): Promise<Service> {
  const s = (await api.allServices()).find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s;
}

/** The conversations stored for a patient, newest first. */
async function contactsOf(api: TestApi, patientId: number) {
  return (await api.contactList(patientId, 100, 0)).items;
}

/** The goals stored for a patient's referrals. */
async function goalsOf(api: TestApi, patientId: number): Promise<Goal[]> {
  return (await api.patientRecord(patientId)).goals;
}

/** The audit log's changes, newest first. Reading records (as the test's readers do)
 * is audited too, as a view or a list, so those are left out. */
async function changes(api: TestApi): Promise<AuditEntry[]> {
  return (await api.allAudit()).filter((a) => a.action !== "view" && a.action !== "list");
}

/** Every prescription_print the UI sent, oldest first. */
function printCalls(api: TestApi) {
  return api.calls.filter((c) => c.command === "prescription_print").map((c) => c.args);
}

/** The PDFs opened in the viewer, oldest first. */
async function printed(api: TestApi): Promise<string[]> {
  return (await api.deskLog()).openedPaths;
}

/** The element with `testId` whose text contains `text`. */
async function findWithText(testId: string, text: string): Promise<HTMLElement> {
  return waitFor(() => {
    const found = screen.getAllByTestId(testId).find((el) => el.textContent?.includes(text));
    if (!found) throw new Error(`no ${testId} containing ${text}`);
    return found;
  });
}

/** Picks a service in the open composer by searching for it, as a link worker would. */
async function pick(user: User, search: string, name: string) {
  const box = byId<HTMLInputElement>("service-picker-search");
  await user.clear(box);
  await user.type(box, search);
  const result = await findWithText("picker-result", name);
  await user.click(within(result).getByTestId("pick-service"));
  return findWithText("chosen-item", name);
}

function itemRow(name: string): HTMLElement {
  const row = screen
    .getAllByTestId("prescription-item")
    .find((el) => within(el).getByTestId("item-service").textContent === name);
  if (!row) throw new Error(`no prescribed ${name}`);
  return row;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("workflow 1: multiple sclerosis, two small children", () => {
  // Typing a whole referral, conversation, plan and prescription against the real
  // backend takes 6 to 8 s, past vitest's default 5 s.
  it("records the referral, the conversation and the plan, and prescribes the co-op and the yoga discount", async () => {
    const api = await practice();
    const [zoe] = await seed(api, ZOE);
    const user = await startApp(api);
    await openPatient(user, /Zoë/);

    // The page is read with one call.
    const reads = ["patient_get", "referral_list", "contact_list", "patient_record"];
    expect(api.calls.map((c) => c.command).filter((c) => reads.includes(c))).toEqual(["patient_record"]);
    expect(screen.getByTestId("no-plan").textContent).toContain("A support plan belongs to a referral");

    // The GP's referral.
    await user.click(byId("add-referral"));
    const reasons = screen.getByRole("group", { name: /Reasons for referral/ });
    await user.click(within(reasons).getByLabelText("Long-term condition"));
    await user.click(within(reasons).getByLabelText("Physical activity"));
    await user.type(byId("conditions"), "Multiple sclerosis: muscle weakness and coordination.");
    await user.click(byId("save-referral"));
    const referral = await screen.findByTestId("referral");
    const codes = within(referral).getByTestId("snomed-codes");
    expect(codes.textContent).toContain("871731000000106 — Referral to social prescribing service");
    expect(codes.textContent).not.toContain("871711000000103");
    const referralId = (await api.referralsOf(zoe.id))[0].id;

    // The conversation: no time to exercise because of childcare.
    await user.click(byId("add-contact"));
    expect(byId<HTMLInputElement>("contactDate").value).toBe(typedForm(todayIso(), "dd/mm/yyyy"));
    expect(byId<HTMLSelectElement>("contactReferral").value).toBe(String(referralId));
    expect([...byId<HTMLSelectElement>("contactKind").options].map((o) => o.textContent)).toEqual([
      "Face to face",
      "Phone",
      "Video",
      "Home visit",
    ]);
    await user.selectOptions(byId("contactKind"), "Phone");
    await user.type(byId("minutes"), "25");
    await user.type(byId("contactNotes"), "Two children under five; no time to exercise because of childcare.");
    await user.click(byId("save-contact"));
    const contact = await findWithText("contact-item", "because of childcare");
    expect(contact.textContent).toContain(formatDate(todayIso()));
    expect(contact.textContent).toContain("Phone");
    expect(contact.textContent).toContain("25 minutes");
    expect(contact.textContent).toContain("Amara Okafor");
    expect(await contactsOf(api, zoe.id)).toEqual([
      expect.objectContaining({ patientId: zoe.id, referralId, kind: "phone", minutes: 25, staffName: "Amara Okafor" }),
    ]);
    await waitFor(() => expect(document.activeElement).toBe(byId("add-contact")));

    // What matters, in her words, over two lines.
    await user.type(byId("whatMatters"), "Being strong enough to play with my children{Enter}Time for myself");
    await user.click(byId("save-what-matters"));
    const saved = await screen.findByTestId("what-matters");
    expect(saved.textContent).toBe("Being strong enough to play with my children\nTime for myself");
    expect(saved.classList.contains("pre")).toBe(true);
    expect((await api.referralsOf(zoe.id))[0].whatMatters).toBe(
      "Being strong enough to play with my children\nTime for myself",
    );

    // A goal with a target date, then a step, ticked off.
    await user.click(byId("add-goal"));
    await user.type(byId("goalDescription"), "Gentle exercise twice a week");
    const target = addDays(todayIso(), 60);
    await fireEvent.input(byId("goalTargetDate"), { target: { value: target } });
    await user.click(byId("save-goal"));
    const goal = await findWithText("goal", "Gentle exercise twice a week");
    expect(goal.textContent).toContain(formatDate(target));
    await user.selectOptions(within(goal).getByLabelText(/^Status/), "In progress");
    await waitFor(async () => expect((await goalsOf(api, zoe.id))[0].status).toBe("in_progress"));

    await user.click(within(goal).getByTestId("add-step"));
    const stepBox = within(goal).getByTestId("step-description");
    expect(stepBox.id).toBe(`stepDescription-${(await goalsOf(api, zoe.id))[0].id}`);
    await user.type(stepBox, "Try the Tuesday yoga class");
    await user.click(within(goal).getByTestId("save-step"));
    const step = await findWithText("step", "Try the Tuesday yoga class");
    const done = within(step).getByTestId<HTMLInputElement>("step-done");
    expect(done.checked).toBe(false);
    await user.click(done);
    await waitFor(async () => expect((await goalsOf(api, zoe.id))[0].steps[0].done).toBe(true));
    await waitFor(() => expect(within(screen.getByTestId("step")).getByTestId<HTMLInputElement>("step-done").checked).toBe(true));

    // The prescription: the childcare co-op and the yoga studio's discount.
    await user.click(byId("new-prescription"));
    expect(byId<HTMLInputElement>("prescription-date").value).toBe(typedForm(todayIso(), "dd/mm/yyyy"));
    expect(byId<HTMLSelectElement>("prescription-referral").value).toBe(String(referralId));
    await pick(user, "childcare", CO_OP);
    const yoga = await pick(user, "gentle yoga", YOGA);
    expect(api.calls.filter((c) => c.command === "service_list").at(-1)?.args).toEqual({
      query: { ...emptyServiceQuery(10), text: "gentle yoga" },
    });
    // The discount is in view while the note is written.
    expect(yoga.textContent).toContain("50% off");
    const note = within(yoga).getByLabelText(`Personal note for ${YOGA}`);
    expect(note).toBe(within(yoga).getByTestId("item-note"));
    // The hint says what the note is for, not words that read like an instruction.
    expect(yoga.textContent).toContain("Optional. Printed beside this activity");
    expect(yoga.textContent).not.toContain("ask for Maria");
    await user.type(note, MARIA);
    await user.type(byId("prescription-message"), "Two small things just for you: time to yourself, and gentle yoga.");
    const checkin = addDays(todayIso(), 21);
    await fireEvent.input(byId("prescription-checkin"), { target: { value: checkin } });
    await user.click(byId("save-prescription"));

    const rx = await screen.findByTestId("prescription");
    expect(document.getElementById("save-prescription")).toBeNull();
    const items = within(rx).getAllByTestId("prescription-item");
    expect(items.map((i) => within(i).getByTestId("item-service").textContent)).toEqual([CO_OP, YOGA]);
    expect(items[1].textContent).toContain(MARIA);
    expect(items.map((i) => within(i).getByTestId("item-status-text").textContent)).toEqual(["Suggested", "Suggested"]);
    expect(rx.textContent).toContain("Two small things just for you");
    expect(rx.textContent).toContain(formatDate(checkin));
    expect(rx.textContent).toContain("Amara Okafor");
    expect(within(rx).getByTestId("reference-code").textContent).toMatch(/^WM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect((await api.prescriptionsOf(zoe.id))[0]).toMatchObject({
      patientId: zoe.id,
      referralId,
      nextCheckinDate: checkin,
      items: [
        { serviceName: CO_OP, personalNote: null, status: "suggested" },
        { serviceName: YOGA, personalNote: MARIA, status: "suggested" },
      ],
    });

    // Every change was audited against the patient, and so was viewing the page.
    const audited = (await api.allAudit()).filter((a) => a.patientId === zoe.id).map((a) => `${a.action} ${a.entity}`);
    expect(audited).toEqual(
      expect.arrayContaining([
        "view patient",
        "create referral",
        "create contact",
        "update referral",
        "create goal",
        "update goal",
        "create goal_step",
        "update goal_step",
        "create prescription",
      ]),
    );
    expect(api.calls.some((c) => c.command === "patient_get" || c.command === "referral_list")).toBe(false);
  }, 30_000);
});

describe("workflow 2: social anxiety", () => {
  // Three to four and a half seconds of typing and searching against the real backend:
  // too near vitest's default 5 s when other tests share the machine.
  it("refuses a bad prescription field by field, then prescribes gardening, a group hike and an art class", async () => {
    const api = await practice();
    const [siobhan] = await seed(api, SIOBHAN);
    const r = await refer(api, siobhan.id);
    await api.goalAdd(r.id, { description: "Activities with only a little direct socialising", targetDate: "", status: "open" });
    const user = await startApp(api);
    await openPatient(user, /Siobhán/);
    await findWithText("goal", "a little direct socialising");

    await user.click(byId("new-prescription"));
    // Nothing chosen and a check-in before the date: each field says what is wrong.
    await fireEvent.input(byId("prescription-checkin"), { target: { value: addDays(todayIso(), -30) } });
    await user.click(byId("save-prescription"));
    expect((await screen.findByText("Choose at least one service to prescribe.")).id).toBe("prescription-items-error");
    expect(byId("prescription-checkin-error").textContent).toContain(
      "The next check-in cannot be before the prescription's date.",
    );
    expect(byId("prescription-checkin").getAttribute("aria-invalid")).toBe("true");
    expect(byId("prescription-checkin").getAttribute("aria-describedby")).toContain("prescription-checkin-error");
    expect(screen.getByTestId("error-summary").textContent).toContain("Please correct the highlighted fields.");
    expect(await api.prescriptionsOf(siobhan.id)).toHaveLength(0);

    await pick(user, "gardening", GARDENING);
    await pick(user, "hike", HIKE);
    await pick(user, "art class", ART);
    // A service already chosen cannot be added twice; one can be taken off again.
    const again = await pick(user, "gardening", GARDENING);
    expect(again).toBeTruthy();
    expect(screen.getAllByTestId("chosen-item")).toHaveLength(3);
    const gardenResult = await findWithText("picker-result", GARDENING);
    expect(within(gardenResult).getByTestId<HTMLButtonElement>("pick-service").disabled).toBe(true);
    await pick(user, "debt", "Debt Advice Service");
    const debt = await findWithText("chosen-item", "Debt Advice Service");
    await user.click(within(debt).getByRole("button", { name: "Remove Debt Advice Service" }));
    expect(screen.getAllByTestId("chosen-item").map((c) => c.querySelector("strong")?.textContent)).toEqual([
      GARDENING,
      HIKE,
      ART,
    ]);

    const checkin = addDays(todayIso(), 28);
    await fireEvent.input(byId("prescription-checkin"), { target: { value: checkin } });
    await user.click(byId("save-prescription"));
    const rx = await screen.findByTestId("prescription");
    expect(within(rx).getAllByTestId("item-service").map((s) => s.textContent)).toEqual([GARDENING, HIKE, ART]);
    expect(rx.textContent).toContain(formatDate(checkin));
    const saved = await api.prescriptionsOf(siobhan.id);
    expect(saved).toHaveLength(1);
    await waitFor(() => expect(document.activeElement?.id).toBe(`prescription-${saved[0].id}-heading`));
  }, 15_000);

  it("refuses a retired service and changes nothing", async () => {
    const api = await practice();
    const [siobhan] = await seed(api, SIOBHAN);
    const hike = await service(api, HIKE);
    const user = await startApp(api);
    await openPatient(user, /Siobhán/);
    await user.click(byId("new-prescription"));
    await pick(user, "hike", HIKE);
    // Retired by someone else while the composer is open.
    await api.serviceSetStatus(hike.id, "inactive");
    await user.click(byId("save-prescription"));
    expect((await screen.findByText("A retired service cannot be prescribed.")).id).toBe("prescription-items-error");
    expect(await api.prescriptionsOf(siobhan.id)).toHaveLength(0);
    await expect(
      api.prescriptionCreate(siobhan.id, { referralId: null, prescribedDate: todayIso(), message: "", nextCheckinDate: "", items: [] }),
    ).rejects.toMatchObject({ code: "validation", fields: [{ field: "items" }] });
  });
});

describe("workflow 5: follow-up", () => {
  it("records started, declined for cost, and did-not-attend only with a barrier", async () => {
    const api = await practice();
    const [siobhan] = await seed(api, SIOBHAN);
    const r = await refer(api, siobhan.id);
    const items = [];
    for (const name of [GARDENING, HIKE, ART]) {
      items.push({ serviceId: (await service(api, name)).id, personalNote: "" });
    }
    const rx = await api.prescriptionCreate(siobhan.id, {
      referralId: r.id,
      prescribedDate: addDays(todayIso(), -21),
      message: "",
      nextCheckinDate: todayIso(),
      items,
    });
    const user = await startApp(api);
    await openPatient(user, /Siobhán/);
    await screen.findByTestId("prescription");

    // Started.
    const garden = itemRow(GARDENING);
    expect([...within(garden).getByTestId<HTMLSelectElement>("item-status").options].map((o) => o.textContent)).toEqual([
      "Suggested",
      "Referred",
      "Started",
      "Completed",
      "Declined",
      "Did not attend",
    ]);
    expect(within(garden).queryByTestId("item-barrier")).toBeNull();
    await user.selectOptions(within(garden).getByTestId("item-status"), "Started");
    await user.click(within(garden).getByTestId("save-item-status"));
    await waitFor(() => expect(within(itemRow(GARDENING)).getByTestId("item-status-text").textContent).toBe("Started"));
    expect((await api.prescriptionsOf(siobhan.id))[0].items[0]).toMatchObject({
      status: "started",
      barrier: null,
      statusDate: todayIso(),
    });

    // Declined because of the cost.
    const hike = itemRow(HIKE);
    await user.selectOptions(within(hike).getByTestId("item-status"), "Declined");
    expect([...within(hike).getByTestId<HTMLSelectElement>("item-barrier").options].map((o) => o.textContent)).toEqual([
      "Choose…",
      "Cost",
      "Transport",
      "Eligibility",
      "Waiting list",
      "Confidence",
      "Timing",
      "No such service",
      "Other",
    ]);
    await user.selectOptions(within(hike).getByTestId("item-barrier"), "Cost");
    await user.type(within(hike).getByTestId("item-barrier-note"), "bus fare is too dear");
    await user.click(within(hike).getByTestId("save-item-status"));
    await waitFor(() =>
      expect(within(itemRow(HIKE)).getByTestId("item-status-text").textContent).toBe("Declined — Cost: bus fare is too dear"),
    );
    expect((await api.prescriptionsOf(siobhan.id))[0].items[1]).toMatchObject({
      status: "declined",
      barrier: "cost",
      barrierNote: "bus fare is too dear",
    });

    // Did not attend, without saying why: refused next to the item, and nothing changes.
    const art = itemRow(ART);
    const changesBefore = (await changes(api)).length;
    await user.selectOptions(within(art).getByTestId("item-status"), "Did not attend");
    await user.click(within(art).getByTestId("save-item-status"));
    const artItemId = rx.items[2].id;
    const problem = await within(art).findByText("Choose what got in the way.");
    expect(problem.closest("[id]")?.id).toBe(`item-barrier-${artItemId}-error`);
    expect(within(art).getByTestId("item-barrier").getAttribute("aria-invalid")).toBe("true");
    expect(within(art).getByTestId("item-barrier").getAttribute("aria-describedby")).toBe(`item-barrier-${artItemId}-error`);
    expect(within(art).getByTestId("item-status-text").textContent).toBe("Suggested");
    expect((await api.prescriptionsOf(siobhan.id))[0].items[2]).toMatchObject({ status: "suggested", barrier: null });
    expect(await changes(api)).toHaveLength(changesBefore);

    await user.selectOptions(within(art).getByTestId("item-barrier"), "Transport");
    await user.click(within(art).getByTestId("save-item-status"));
    await waitFor(() => expect(within(itemRow(ART)).getByTestId("item-status-text").textContent).toBe("Did not attend — Transport"));
    expect(within(itemRow(ART)).queryByText("Choose what got in the way.")).toBeNull();
    expect((await api.prescriptionsOf(siobhan.id))[0].items.map((i) => [i.status, i.barrier])).toEqual([
      ["started", null],
      ["declined", "cost"],
      ["did_not_attend", "transport"],
    ]);
    expect((await api.allAudit()).filter((a) => a.entity === "prescription_item").map((a) => a.action)).toEqual([
      "update",
      "update",
      "update",
    ]);
  });

  it("asks what got in the way when the barrier is Other", async () => {
    const api = await practice();
    const [siobhan] = await seed(api, SIOBHAN);
    await api.prescriptionCreate(siobhan.id, {
      referralId: null,
      prescribedDate: todayIso(),
      message: "",
      nextCheckinDate: "",
      items: [{ serviceId: (await service(api, HIKE)).id, personalNote: "" }],
    });
    const user = await startApp(api);
    await openPatient(user, /Siobhán/);
    const hike = await findWithText("prescription-item", HIKE);
    await user.selectOptions(within(hike).getByTestId("item-status"), "Declined");
    await user.selectOptions(within(hike).getByTestId("item-barrier"), "Other");
    await user.click(within(hike).getByTestId("save-item-status"));
    expect(await within(hike).findByText("Say what got in the way.")).toBeTruthy();
    expect(within(hike).getByTestId("item-barrier-note").getAttribute("aria-invalid")).toBe("true");
    expect((await api.prescriptionsOf(siobhan.id))[0].items[0].status).toBe("suggested");
  });
});

describe("printing the prescription", () => {
  /** A patient with one saved prescription of the co-op and the yoga, and the page open. */
  async function prescribed(patient: typeof ZOE, name: RegExp) {
    const api = await practice();
    // Printing needs the patient's consent to their details being stored.
    const [p] = await seed(api, { ...patient, consentStore: true });
    const items = [];
    for (const n of [CO_OP, YOGA]) items.push({ serviceId: (await service(api, n)).id, personalNote: "" });
    const saved = await api.prescriptionCreate(p.id, {
      referralId: null,
      prescribedDate: todayIso(),
      message: "",
      nextCheckinDate: addDays(todayIso(), 14),
      items,
    });
    api.calls.length = 0;
    const user = await startApp(api);
    await openPatient(user, name);
    const rx = await screen.findByTestId("prescription");
    return { api, user, rx, patient: p, id: saved.id };
  }

  it("prints on the practice's paper in normal print, opens the viewer and audits the print", async () => {
    const { api, user, rx, patient, id } = await prescribed(ZOE, /Zoë/);
    expect(within(rx).getByTestId<HTMLInputElement>("print-large").checked).toBe(false);
    expect(within(rx).getByTestId<HTMLSelectElement>("print-paper").value).toBe("");
    await user.click(within(rx).getByTestId("print"));
    await waitFor(() => expect(within(rx).getByTestId("print-status").textContent).toContain("Opened in your PDF viewer"));
    expect(printCalls(api)).toEqual([
      { id, choice: { paper: null, largePrint: false, allowMissingGlyphs: false, slips: "ask", both: false } },
    ]);
    const opened = await printed(api);
    expect(opened).toEqual([expect.stringContaining(join(await api.dataDir(), "prints"))]);
    expect(readFileSync(opened[0]).subarray(0, 5).toString()).toBe("%PDF-");
    expect((await changes(api))[0]).toMatchObject({
      action: "print",
      entity: "prescription",
      recordId: id,
      patientId: patient.id,
    });
  });

  it("prints nothing for a patient who has not agreed to their details being stored", async () => {
    const { api, user, rx, patient } = await prescribed(ZOE, /Zoë/);
    // The consent is withdrawn (at another desk) while the page is open.
    await api.patientUpdate(patient.id, { ...patientToInput(patient), consentStore: false });
    await user.click(within(rx).getByTestId("print"));
    const refused = await within(rx).findByTestId("print-error");
    expect(refused.textContent).toContain("has not agreed to the practice storing their details");
    expect(within(rx).queryByTestId("slips-leave-out")).toBeNull();
    expect(await printed(api)).toHaveLength(0);
    expect((await api.allAudit()).some((a) => a.action === "print" && a.patientId === patient.id)).toBe(false);
  });

  it("asks before printing referral slips for a patient who has not agreed to share, and audits the answer", async () => {
    const { api, user, rx, patient, id } = await prescribed(ZOE, /Zoë/);
    // The co-op takes referrals from the practice: its slip names the patient.
    const coOp = await service(api, CO_OP);
    await api.serviceUpdate(coOp.id, { ...serviceToInput(coOp), joinMethod: "direct_referral" });
    await user.click(within(rx).getByTestId("print"));
    expect((await within(rx).findByTestId("print-error")).textContent).toContain("not agreed to share their details");
    expect(await printed(api)).toHaveLength(0);

    await user.click(within(rx).getByTestId("slips-leave-out"));
    await waitFor(async () => expect(await printed(api)).toHaveLength(1));
    expect(printCalls(api).at(-1)).toMatchObject({ id, choice: { slips: "leave_out" } });
    expect((await changes(api))[0]).toMatchObject({
      action: "print",
      entity: "prescription_without_slips",
      recordId: id,
    });
    expect((await api.allPatients())[0].consentShareDate).toBeNull();

    await user.click(within(rx).getByTestId("print"));
    await user.click(await within(rx).findByTestId("slips-consent-verbal"));
    await waitFor(async () => expect(await printed(api)).toHaveLength(2));
    expect(printCalls(api).at(-1)).toMatchObject({ id, choice: { slips: "consent_given_verbally" } });
    expect((await api.allPatients())[0].consentShareDate).toBe(todayIso());
    // The page shows the consent just recorded.
    await waitFor(() => expect(screen.getByTestId("summary-consent").textContent).toContain("share with providers: given"));
    // Newest first: the consent, then the print it allowed.
    expect((await changes(api)).slice(0, 2).reverse()).toMatchObject([
      { action: "update", entity: "patient_share_consent", patientId: patient.id },
      { action: "print", entity: "prescription", recordId: id },
    ]);
  });

  it("finds the patient when a provider quotes the printed reference code back", async () => {
    const { api, user, patient } = await prescribed(ZOE, /Zoë/);
    await seed(api, SIOBHAN);
    const code = (await api.prescriptionsOf(patient.id))[0].referenceCode;
    await user.click(screen.getByRole("button", { name: "Back to caseload" }));
    await user.type(byId("patient-search"), code.toLowerCase().replace(/-/g, " "));
    await waitFor(() => {
      const rows = screen.getAllByTestId("patient-row");
      expect(rows.map((r) => r.textContent)).toEqual([expect.stringContaining("Zoë")]);
    });
  });

  it("starts in large print for a patient who needs it, and saves a Letter PDF where asked", async () => {
    const { api, user, rx, id } = await prescribed(JOSE, /José/);
    const where = join(tempFolder(), "jose.pdf");
    await api.desk({ saveTo: where });
    expect(within(rx).getByTestId<HTMLInputElement>("print-large").checked).toBe(true);
    await user.selectOptions(within(rx).getByTestId("print-paper"), "letter");
    await user.click(within(rx).getByTestId("save-pdf"));
    await waitFor(() => expect(within(rx).getByTestId("print-status").textContent).toContain("Saved as"));
    expect(readFileSync(where).subarray(0, 5).toString()).toBe("%PDF-");
    expect((await api.deskLog()).asked).toEqual([expect.stringContaining("Save the social prescription")]);
    expect(api.calls.find((c) => c.command === "prescription_save_pdf")?.args).toEqual({
      id,
      choice: { paper: "letter", largePrint: true, allowMissingGlyphs: false, slips: "ask", both: false },
    });
    expect(await printed(api)).toHaveLength(0);

    // Cancelling the save dialog saves nothing and prints nothing.
    await api.desk({ saveTo: null });
    const audited = (await changes(api)).length;
    await user.click(within(rx).getByTestId("save-pdf"));
    await waitFor(() => expect(within(rx).getByTestId("print-status").textContent).toBe(""));
    expect(await changes(api)).toHaveLength(audited);
    expect(await printed(api)).toHaveLength(0);
  });

  it("warns before printing characters the font lacks, and prints only when asked again", async () => {
    const { api, user, rx, id } = await prescribed(LI, /李/);
    await user.click(within(rx).getByTestId("print"));
    const alert = await screen.findByTestId("print-error");
    expect(alert.getAttribute("role")).toBe("alert");
    // The test host has only the embedded fonts: no font has these letters.
    expect(alert.textContent).toContain("has the letters 小 李 龙 (Chinese characters)");
    expect(alert.textContent).toContain("empty boxes");
    expect(alert.textContent).toContain("Supplemental Fonts");
    expect(await printed(api)).toHaveLength(0);
    expect((await api.allAudit()).some((a) => a.action === "print")).toBe(false);

    await user.click(within(alert).getByTestId("print-anyway"));
    await waitFor(async () => expect(await printed(api)).toHaveLength(1));
    expect(printCalls(api).at(-1)).toMatchObject({ id, choice: { allowMissingGlyphs: true } });
    expect(screen.queryByTestId("print-error")).toBeNull();
  });

  it("keeps the first answer when a second question follows: slips left out, then boxes accepted", async () => {
    const { api, user, rx } = await prescribed(LI, /李/);
    const coOp = await service(api, CO_OP);
    await api.serviceUpdate(coOp.id, { ...serviceToInput(coOp), joinMethod: "direct_referral" });
    await user.click(within(rx).getByTestId("print"));
    await user.click(await within(rx).findByTestId("slips-leave-out"));
    await user.click(await within(rx).findByTestId("print-anyway"));
    await waitFor(async () => expect(await printed(api)).toHaveLength(1));
    expect(printCalls(api).map((c) => (c as { choice: unknown }).choice)).toMatchObject([
      { allowMissingGlyphs: false, slips: "ask" },
      { allowMissingGlyphs: false, slips: "leave_out" },
      { allowMissingGlyphs: true, slips: "leave_out" },
    ]);
  });
});

describe("conversations", () => {
  it("shows each bad field's message and logs nothing", async () => {
    const api = await practice();
    const [zoe] = await seed(api, ZOE);
    const user = await startApp(api);
    await openPatient(user, /Zoë/);
    await user.click(byId("add-contact"));
    // Without a referral there is nothing to link the conversation to.
    expect(document.getElementById("contactReferral")).toBeNull();
    await fireEvent.input(byId("contactDate"), { target: { value: addDays(todayIso(), 3) } });
    await user.type(byId("minutes"), "ten");
    await user.type(byId("contactNotes"), "Rang to book a visit.");
    await user.click(byId("save-contact"));

    expect((await screen.findByText("Minutes must be a whole number from 0 to 1440.")).closest("[id]")?.id).toBe(
      "minutes-error",
    );
    expect(byId("contactDate-error").textContent).toContain("Date cannot be in the future.");
    expect(byId("minutes").getAttribute("aria-invalid")).toBe("true");
    expect(byId("minutes").getAttribute("aria-describedby")).toContain("minutes-error");
    expect(byId("minutes").getAttribute("inputmode")).toBe("numeric");
    expect(byId("contactDate").getAttribute("aria-invalid")).toBe("true");
    expect(byId("contactNotes").getAttribute("aria-invalid")).toBeNull();
    expect(await contactsOf(api, zoe.id)).toHaveLength(0);
    expect(screen.queryAllByTestId("contact-item")).toHaveLength(0);
    expect(byId<HTMLTextAreaElement>("contactNotes").value).toBe("Rang to book a visit.");

    // Cancelling closes the form and logs nothing.
    await user.click(byId("cancel-contact"));
    expect(document.getElementById("contactNotes")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(byId("add-contact")));
    expect(await contactsOf(api, zoe.id)).toHaveLength(0);
  });

  it("shows the newest 20 and pages in older ones", async () => {
    const api = await practice();
    const [zoe] = await seed(api, ZOE);
    for (let i = 0; i < 25; i++) {
      await api.contactCreate(zoe.id, {
        referralId: null,
        contactDate: addDays(todayIso(), -i),
        kind: "video",
        minutes: String(i),
        notes: `Call number ${25 - i}`,
      });
    }
    const user = await startApp(api);
    await openPatient(user, /Zoë/);
    const first = await screen.findAllByTestId("contact-item");
    expect(first).toHaveLength(20);
    expect(first[0].textContent).toContain("Call number 25");
    await user.click(byId("show-older-contacts"));
    await waitFor(() => expect(screen.getAllByTestId("contact-item")).toHaveLength(25));
    expect(screen.getAllByTestId("contact-item").at(-1)?.textContent).toContain("Call number 1");
    expect(document.getElementById("show-older-contacts")).toBeNull();
    expect(api.calls.filter((c) => c.command === "contact_list").map((c) => c.args)).toEqual([
      { patientId: zoe.id, limit: 20, offset: 20 },
    ]);
  });

  it("refuses a referral that belongs to another patient", async () => {
    const api = await practice();
    const [zoe, siobhan] = await seed(api, ZOE, SIOBHAN);
    const theirs = await refer(api, siobhan.id);
    const input = { referralId: theirs.id, contactDate: todayIso(), kind: "phone" as const, minutes: "", notes: "" };
    await expect(api.contactCreate(zoe.id, input)).rejects.toMatchObject({ code: "not_found" });
    await expect(api.contactCreate(999, { ...input, referralId: null })).rejects.toMatchObject({ code: "not_found" });
    expect(await contactsOf(api, zoe.id)).toHaveLength(0);
    expect(await contactsOf(api, siobhan.id)).toHaveLength(0);
  });
});

describe("codes for the GP record", () => {
  it("copies just the digits of each code, including 'declined' on a declined referral", async () => {
    const api = await practice();
    const [zoe] = await seed(api, ZOE);
    const r = await refer(api, zoe.id);
    await api.referralSetStatus(r.id, "closed", "Patient declined social prescribing for now");
    const user = await startApp(api);
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await openPatient(user, /Zoë/);

    const codes = await screen.findByTestId("snomed-codes");
    expect(codes.textContent).toContain("871731000000106 — Referral to social prescribing service");
    expect(codes.textContent).toContain("871711000000103 — Social prescribing declined");
    const buttons = within(codes).getAllByRole("button");
    expect(buttons.every((b) => b.classList.contains("copy-code"))).toBe(true);
    await user.click(within(codes).getByRole("button", { name: "Copy code 871711000000103" }));
    expect(writeText).toHaveBeenCalledWith("871711000000103");
    expect((await within(codes).findByRole("status")).textContent).toBe("Copied");
  });

  it("says so when the clipboard cannot be reached, and leaves the code to select", async () => {
    const api = await practice();
    const [zoe] = await seed(api, ZOE);
    await refer(api, zoe.id);
    const user = await startApp(api);
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    await openPatient(user, /Zoë/);
    const codes = await screen.findByTestId("snomed-codes");
    expect(codes.textContent).not.toContain("871711000000103");
    await user.click(within(codes).getByRole("button", { name: "Copy code 871731000000106" }));
    expect(within(codes).getByRole("status").textContent).toContain("Copying is not available here");
    expect(window.getSelection()?.toString()).toBe("871731000000106");
  });
});

describe("hostile text in casework", () => {
  it("shows notes, goals and personal notes literally and runs nothing", async () => {
    const alert = vi.spyOn(window, "alert").mockImplementation(() => {});
    const api = await practice();
    // Names refuse direction-changing characters (crates/domain/src/validation.rs),
    // so HOSTILE's preferred name stays out; the casework's free text keeps them.
    const [p] = await seed(api, { ...HOSTILE, preferredName: "" });
    const evil = "<img src=x onerror=alert(1)> <script>alert(2)</script> \u202eevil";
    const r = await refer(api, p.id);
    await api.planSetWhatMatters(r.id, `${evil}\nsecond line`);
    await api.contactCreate(p.id, { referralId: r.id, contactDate: todayIso(), kind: "home_visit", minutes: "5", notes: evil });
    const goal = await api.goalAdd(r.id, { description: evil, targetDate: "", status: "open" });
    await api.stepAdd(goal.id, { description: evil, targetDate: "" });
    const rx = await api.prescriptionCreate(p.id, {
      referralId: r.id,
      prescribedDate: todayIso(),
      message: evil,
      nextCheckinDate: "",
      items: [{ serviceId: (await service(api, YOGA)).id, personalNote: evil }],
    });
    await api.prescriptionItemSetStatus(rx.items[0].id, "declined", "other", evil);
    const user = await startApp(api);
    await openPatient(user, /DROP TABLE/);

    const contact = await screen.findByTestId("contact-item");
    expect(contact.textContent).toContain(evil);
    expect(contact.textContent).toContain("Home visit");
    expect(screen.getByTestId("what-matters").textContent).toBe(`${evil}\nsecond line`);
    expect(screen.getByTestId("goal").textContent).toContain(evil);
    expect(screen.getByTestId("step").textContent).toContain(evil);
    const shown = screen.getByTestId("prescription");
    expect(within(shown).getByTestId("prescription-message").textContent).toBe(evil);
    expect(within(shown).getByTestId("item-personal-note").textContent).toBe(evil);
    expect(within(shown).getByTestId("item-status-text").textContent).toBe(`Declined — Other: ${evil}`);

    expect(document.querySelectorAll("img")).toHaveLength(0);
    expect(document.body.innerHTML).not.toContain("<img src=x");
    expect(document.body.innerHTML).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(document.body.innerHTML).not.toContain("<script>alert(2)</script>");
    expect(alert).not.toHaveBeenCalled();
  });
});

describe("support plan", () => {
  it("follows the chosen referral, keeps each plan apart, and refuses an empty goal", async () => {
    const api = await practice();
    const [zoe] = await seed(api, ZOE);
    const older = await refer(api, zoe.id, { receivedDate: addDays(todayIso(), -200) });
    await api.referralSetStatus(older.id, "closed", "Goals met");
    await api.planSetWhatMatters(older.id, "Getting back to work");
    const newer = await refer(api, zoe.id, { receivedDate: addDays(todayIso(), -3) });
    const user = await startApp(api);
    await openPatient(user, /Zoë/);

    // The newest referral's plan by default.
    const select = await screen.findByLabelText<HTMLSelectElement>("Plan for");
    expect(select.id).toBe("plan-referral");
    expect(select.value).toBe(String(newer.id));
    expect(screen.queryByTestId("what-matters")).toBeNull();
    expect(byId<HTMLTextAreaElement>("whatMatters").value).toBe("");

    await user.click(byId("add-goal"));
    await user.click(byId("save-goal"));
    expect((await screen.findByText("Enter the goal.")).closest("[id]")?.id).toBe("goalDescription-error");
    expect(await goalsOf(api, zoe.id)).toHaveLength(0);
    await user.type(byId("goalDescription"), "Join one group");
    await user.click(byId("save-goal"));
    await findWithText("goal", "Join one group");
    expect((await goalsOf(api, zoe.id)).map((g) => g.referralId)).toEqual([newer.id]);

    // The older referral's plan is its own.
    await user.selectOptions(select, String(older.id));
    expect((await screen.findByTestId("what-matters")).textContent).toBe("Getting back to work");
    // Saved words are not repeated in an edit box; changing them opens one.
    expect(document.getElementById("whatMatters")).toBeNull();
    await user.click(byId("edit-what-matters"));
    expect(byId<HTMLTextAreaElement>("whatMatters").value).toBe("Getting back to work");
    await user.click(byId("cancel-what-matters"));
    expect(screen.getByTestId("what-matters").textContent).toBe("Getting back to work");
    expect(screen.queryAllByTestId("goal")).toHaveLength(0);
    expect(screen.getByTestId("no-goals")).toBeTruthy();
  });
});

describe("the backend's casework rules", () => {
  it("names each bad value as the domain does", async () => {
    const api = await practice();
    const [zoe] = await seed(api, ZOE);
    const r = await refer(api, zoe.id);
    const contact = { referralId: null, contactDate: todayIso(), kind: "phone" as const, minutes: "", notes: "" };
    for (const minutes of ["-5", "2.5", "1441", "ten"]) {
      await expect(api.contactCreate(zoe.id, { ...contact, minutes })).rejects.toMatchObject({
        fields: [{ field: "minutes", message: "Minutes must be a whole number from 0 to 1440." }],
      });
    }
    expect((await api.contactCreate(zoe.id, { ...contact, minutes: " 1440 " })).minutes).toBe(1440);
    await expect(api.goalAdd(r.id, { description: " ", targetDate: "next week", status: "open" })).rejects.toMatchObject({
      fields: [
        { field: "description", message: "Enter the goal." },
        { field: "targetDate", message: "Target date is not a date Waymark can read. Type it as the field\'s label shows (day, month and year in the order given there)." },
      ],
    });
    await expect(
      api.goalAdd(r.id, { description: "Walk", targetDate: addDays(todayIso(), 3700), status: "open" }),
    ).rejects.toMatchObject({ fields: [{ field: "targetDate", message: "Target date must be between 1900 and ten years from today." }] });
    const goal = await api.goalAdd(r.id, { description: " Walk ", targetDate: "", status: "open" });
    expect(goal).toMatchObject({ description: "Walk", targetDate: null, steps: [] });
    await expect(api.stepAdd(goal.id, { description: "", targetDate: "" })).rejects.toMatchObject({
      fields: [{ field: "description", message: "Enter the step." }],
    });
    await expect(api.planSetWhatMatters(r.id, "x".repeat(4001))).rejects.toMatchObject({ fields: [{ field: "whatMatters" }] });
    expect(await api.planSetWhatMatters(r.id, "  ")).toBeNull();

    const yoga = (await service(api, YOGA)).id;
    const rx = { referralId: null, prescribedDate: todayIso(), message: "", nextCheckinDate: "", items: [] };
    await expect(
      api.prescriptionCreate(zoe.id, { ...rx, items: [yoga, yoga].map((serviceId) => ({ serviceId, personalNote: "" })) }),
    ).rejects.toMatchObject({ fields: [{ field: "items", message: "Each service can appear only once on a prescription." }] });
    const thirteen = (await api.allServices()).slice(0, 13).map((s) => ({ serviceId: s.id, personalNote: "" }));
    await expect(api.prescriptionCreate(zoe.id, { ...rx, items: thirteen })).rejects.toMatchObject({
      fields: [{ field: "items", message: "A prescription can hold at most 12 services." }],
    });
    await expect(
      api.prescriptionCreate(zoe.id, { ...rx, prescribedDate: addDays(todayIso(), 1), items: [{ serviceId: yoga, personalNote: "" }] }),
    ).rejects.toMatchObject({ fields: [{ field: "prescribedDate", message: "Date cannot be in the future." }] });
    await expect(api.prescriptionCreate(zoe.id, { ...rx, items: [{ serviceId: 9999, personalNote: "" }] })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await api.prescriptionsOf(zoe.id)).toHaveLength(0);
  });

  it("answers not found for unknown ids, and a started activity carries no barrier", async () => {
    const api = await practice();
    const [zoe] = await seed(api, ZOE);
    await expect(api.patientRecord(999)).rejects.toMatchObject({ code: "not_found" });
    await expect(api.contactList(999, 20, 0)).rejects.toMatchObject({ code: "not_found" });
    await expect(api.planSetWhatMatters(999, "x")).rejects.toMatchObject({ code: "not_found" });
    await expect(api.goalAdd(999, { description: "x", targetDate: "", status: "open" })).rejects.toMatchObject({ code: "not_found" });
    await expect(api.goalUpdate(999, { description: "x", targetDate: "", status: "open" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(api.stepAdd(999, { description: "x", targetDate: "" })).rejects.toMatchObject({ code: "not_found" });
    await expect(api.stepSetDone(999, true)).rejects.toMatchObject({ code: "not_found" });
    await expect(api.prescriptionItemSetStatus(999, "started", null, "")).rejects.toMatchObject({ code: "not_found" });
    // A bad follow-up is refused before anything is looked up, as the command does.
    await expect(api.prescriptionItemSetStatus(999, "declined", null, "")).rejects.toMatchObject({
      code: "validation",
      fields: [{ field: "barrier", message: "Choose what got in the way." }],
    });

    const rx = await api.prescriptionCreate(zoe.id, {
      referralId: null,
      prescribedDate: todayIso(),
      message: "",
      nextCheckinDate: "",
      items: [{ serviceId: (await service(api, YOGA)).id, personalNote: "" }],
    });
    const after = await api.prescriptionItemSetStatus(rx.items[0].id, "started", "cost", "too dear");
    expect(after.items[0]).toMatchObject({ status: "started", barrier: null, barrierNote: null, statusDate: todayIso() });
    const record = await api.patientRecord(zoe.id);
    expect(record.prescriptions[0].items[0]).toMatchObject({
      serviceName: YOGA,
      organization: "Lotus Tree Yoga Studio",
      status: "started",
    });
    expect((await api.allAudit())[0]).toMatchObject({
      action: "view",
      entity: "patient",
      recordId: zoe.id,
      patientId: zoe.id,
    });
  });
});
