/// <reference types="node" />
// England's social prescribing standard in the app, against the real backend (the test
// host): the person's gender, ethnicity, communication needs and consent; how an episode
// ended; its GP-appointment evidence; and the message back to the GP and referrer,
// copied as text or produced as a letter, audited and shown as sent.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { formatDate, todayIso } from "./lib/format";
import { ZOE, refer, seed } from "./test/fixtures";
import { byId, openPatient, startApp } from "./test/dom";
import { signedIn, tempFolder, type TestApi } from "./test/host";

afterEach(() => {
  vi.restoreAllMocks();
});

/** A signed-in practice with the example directory, and Zoë referred two weeks ago. */
async function zoeReferred(): Promise<{ api: TestApi; patientId: number; referralId: number }> {
  const api = await signedIn();
  await api.directoryLoadExample();
  const [zoe] = await seed(api, { ...ZOE, consentStore: true });
  const r = await refer(api, zoe.id, { referrerOrganisation: "Hollinsford Surgery", referrerOdsCode: "B86012" });
  return { api, patientId: zoe.id, referralId: r.id };
}

function clipboard() {
  const writeText = vi.fn().mockResolvedValue(undefined);
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  return writeText;
}

describe("the patient's details for the standard", () => {
  it("records gender, ethnicity, communication needs and how consent was given, and shows them", async () => {
    const api = await signedIn();
    const user = await startApp(api);
    await user.click(byId("register-patient"));
    await screen.findByRole("heading", { level: 1, name: "Register patient" });
    await user.type(byId("givenName"), "Siobhán");
    await user.type(byId("familyName"), "Ní Bhriain");
    await fireEvent.input(byId("dateOfBirth"), { target: { value: "1979-08-21" } });
    await user.selectOptions(byId("gender"), "female");
    // The UK practice's list is the NHS one: one category.
    await waitFor(() => expect(byId<HTMLSelectElement>("ethnicity").options.length).toBe(19));
    await user.selectOptions(byId("ethnicity"), "B");
    await user.type(byId("communicationNeeds"), "Hard of hearing: a hearing loop helps");
    await user.click(byId("consentStore"));
    await user.selectOptions(byId("consentHow"), "written");
    await user.type(byId("consentGivenBy"), "<b>Máire</b> (sister)");
    // Withdrawn before it was given: refused, and nothing is saved.
    await fireEvent.input(byId("consentDate"), { target: { value: "2026-11-02" } });
    await fireEvent.input(byId("consentWithdrawnDate"), { target: { value: "2026-11-01" } });
    await user.click(byId("save-patient"));
    expect((await screen.findByRole("alert")).textContent).toContain("Consent cannot be withdrawn before the day it was given");
    expect(await api.allPatients()).toHaveLength(0);

    await fireEvent.input(byId("consentWithdrawnDate"), { target: { value: "" } });
    await user.click(byId("save-patient"));
    await screen.findByTestId("patient-name");
    expect(screen.getByTestId("patient-gender").textContent).toBe("Female");
    expect(screen.getByTestId("patient-ethnicity").textContent).toBe("White: Irish");
    const consent = screen.getByTestId("consent-store").textContent ?? "";
    expect(consent).toContain(`Given ${formatDate("2026-11-02")}, in writing, by <b>Máire</b> (sister)`);
    expect(document.querySelector("b")).toBeNull();
    const [stored] = await api.allPatients();
    expect(stored).toMatchObject({
      gender: "female",
      ethnicity: ["B"],
      communicationNeeds: "Hard of hearing: a hearing loop helps",
      consentHow: "written",
      consentStoreDate: "2026-11-02",
      consentWithdrawnDate: null,
    });
  });
});

describe("the message back to the GP", () => {
  it("closes an episode as declined, copies the message as text and shows it sent", async () => {
    const { api, patientId, referralId } = await zoeReferred();
    const user = await startApp(api);
    // After the app starts: user-event puts its own clipboard in place.
    const writeText = clipboard();
    await openPatient(user, /Zoë/);
    const item = await screen.findByTestId("referral");
    expect(within(item).getByTestId("message-sent").textContent).toBe("Not sent");

    await user.selectOptions(within(item).getByLabelText("Change status"), "closed");
    await user.selectOptions(byId("closureOutcome"), "declined");
    await user.type(byId("closureReason"), "Wants to manage on her own for now");
    await user.click(within(item).getByRole("button", { name: "Update status" }));

    const closed = await waitFor(() => {
      const el = screen.getByTestId("referral");
      if (el.dataset.status !== "closed") throw new Error("not closed yet");
      return el;
    });
    expect(within(closed).getByTestId("closure-outcome").textContent).toBe("Declined social prescribing");
    expect(within(closed).getByTestId("snomed-codes").textContent).toContain("871711000000103");
    // Closed without a message: the panel is open and says so.
    expect(within(closed).getByTestId("message-sent").textContent).toBe("Not sent yet");
    const text = await within(closed).findByTestId("message-text");
    expect(text.textContent).toContain("WHY THEY WERE REFERRED");
    expect(text.textContent).toContain("871731000000106 Referral to social prescribing service");
    expect(text.textContent).toContain("871711000000103 Social prescribing declined");
    expect(text.textContent).toContain("Support ended on");

    await user.type(byId(`next-steps-${referralId}`), "Happy to be referred again <script>alert(1)</script>");
    await user.click(within(closed).getByTestId("message-copy"));
    await waitFor(() => expect(within(closed).getByTestId("message-status").textContent).toContain("Copied"));
    const copied = writeText.mock.calls[0][0] as string;
    expect(copied).toContain("Name: Zoë O'Brien");
    expect(copied).toContain("Happy to be referred again <script>alert(1)</script>");
    expect(copied).toContain("871711000000103 Social prescribing declined");
    expect(document.querySelector("script")).toBeNull();
    await waitFor(() =>
      expect(screen.getByTestId("message-sent").textContent).toMatch(/^Sent .*, copied as text by /),
    );

    const [stored] = await api.referralsOf(patientId);
    expect(stored.messageSent).toMatchObject({ date: todayIso(), how: "text" });
    expect(stored.nextSteps).toBe("Happy to be referred again <script>alert(1)</script>");
    const audit = (await api.allAudit()).find((a) => a.entity === "message_back" && a.action === "export");
    expect(audit).toMatchObject({ recordId: referralId, patientId });
  });

  it("prints the letter in the viewer and saves it where asked, each audited", async () => {
    const { api, patientId, referralId } = await zoeReferred();
    await api.referralSetStatus(referralId, "closed", "Goals met", "completed");
    const user = await startApp(api);
    await openPatient(user, /Zoë/);
    const item = await screen.findByTestId("referral");
    await within(item).findByTestId("message-text");

    await user.click(within(item).getByTestId("message-print"));
    await waitFor(() => expect(within(item).getByTestId("message-status").textContent).toContain("Opened in your PDF viewer"));
    const opened = (await api.deskLog()).openedPaths;
    expect(opened).toEqual([expect.stringContaining(join(await api.dataDir(), "prints"))]);
    expect(readFileSync(opened[0]).subarray(0, 5).toString()).toBe("%PDF-");
    await waitFor(() => expect(screen.getByTestId("message-sent").textContent).toContain("as a letter"));

    const folder = tempFolder();
    const target = join(folder, "letter.pdf");
    await api.desk({ saveTo: target });
    await user.selectOptions(byId(`message-paper-${referralId}`), "letter");
    await user.click(screen.getByTestId("message-save"));
    await waitFor(() => expect(screen.getByTestId("message-status").textContent).toContain("Saved as"));
    expect(existsSync(target)).toBe(true);
    expect(readFileSync(target).subarray(0, 5).toString()).toBe("%PDF-");
    const prints = (await api.allAudit()).filter((a) => a.entity === "message_back" && a.action === "print");
    expect(prints).toHaveLength(2);
    expect(prints.every((a) => a.patientId === patientId)).toBe(true);
  });

  it("says when the clipboard cannot be reached, and leaves the text selected", async () => {
    const { api } = await zoeReferred();
    const user = await startApp(api);
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    await openPatient(user, /Zoë/);
    const item = await screen.findByTestId("referral");
    await user.click(within(item).getByRole("button", { name: "Write the message back" }));
    await within(item).findByTestId("message-text");
    await user.click(within(item).getByTestId("message-copy"));
    await waitFor(() =>
      expect(screen.getByTestId("message-status").textContent).toContain("Copying is not available here"),
    );
    await waitFor(() => expect(window.getSelection()?.toString()).toContain("ABOUT THE PERSON"));
  });
});

describe("GP appointments", () => {
  it("records the months before now and refuses the months after until they are over", async () => {
    const { api, patientId } = await zoeReferred();
    const user = await startApp(api);
    await openPatient(user, /Zoë/);
    const gp = await screen.findByTestId("gp-appointments");
    expect(within(gp).getByTestId("gp-before").textContent).toBe("not counted");
    await user.click(within(gp).getByRole("button", { name: "Record GP appointments" }));
    const [r] = await api.referralsOf(patientId);
    await user.type(byId(`gp-before-${r.id}`), "7");
    await user.type(byId(`gp-after-${r.id}`), "2");
    await user.click(byId(`save-gp-${r.id}`));
    expect((await within(gp).findByRole("alert")).textContent).toContain("count them on or after that day");
    expect((await api.referralsOf(patientId))[0].gpAppointmentsBefore).toBeNull();

    await user.clear(byId(`gp-after-${r.id}`));
    await user.click(byId(`save-gp-${r.id}`));
    await waitFor(() => expect(within(gp).getByTestId("gp-before").textContent).toBe(`7 (counted ${formatDate(todayIso())})`));
    expect((await api.referralsOf(patientId))[0].gpAppointmentsBefore).toEqual({ appointments: 7, counted: todayIso() });
  });

  it("shows hostile referrer details as text", async () => {
    const api = await signedIn();
    const [p] = await seed(api, ZOE);
    await refer(api, p.id, {
      referrerEmail: "x@example.org",
      referrerPhone: "01632 960000",
      referrerOrganisation: "<img src=x onerror=alert(1)>",
    });
    const user = await startApp(api);
    await openPatient(user, /Zoë/);
    const item = await screen.findByTestId("referral");
    expect(item.textContent).toContain("<img src=x onerror=alert(1)>");
    expect(item.querySelector("img")).toBeNull();
  });
});
