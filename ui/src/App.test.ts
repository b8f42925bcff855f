import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import { todayIso } from "./lib/format";
import { emptyPatientInput } from "./lib/forms";
import { HOSTILE, JOSE, SIOBHAN, ZOE, seed } from "./test/fixtures";
import { byId, openPatient, startApp } from "./test/dom";
import { freshApp, signedIn, type TestApi } from "./test/host";
import { typedForm } from "./lib/dates";
import type { Patient } from "./api/bindings/Patient";

async function rows(): Promise<HTMLElement[]> {
  return screen.findAllByTestId("patient-row");
}

/** The patient as the backend holds them now, archived or not. */
async function stored(api: TestApi, id: number): Promise<Patient> {
  const p = (await api.allPatients()).find((x) => x.id === id);
  if (!p) throw new Error(`no patient ${id}`);
  return p;
}

describe("caseload", () => {
  it("registers a patient who then appears on the caseload", async () => {
    const api = await signedIn();
    const user = await startApp(api);
    expect(await screen.findByTestId("caseload-empty")).toBeTruthy();

    await user.click(byId("register-patient"));
    await screen.findByRole("heading", { level: 1, name: "Register patient" });
    await user.type(byId("givenName"), "Ελένη");
    await user.type(byId("familyName"), "Παπαδοπούλου");
    await user.type(byId("preferredName"), "Eleni");
    await fireEvent.input(byId("dateOfBirth"), { target: { value: "1979-08-21" } });
    await user.type(byId("nhsNumber"), "999 390 9963");
    await user.click(byId("consentStore"));
    await user.click(byId("save-patient"));

    const heading = await screen.findByTestId("patient-name");
    expect(heading.textContent).toContain("Ελένη Παπαδοπούλου");
    expect(heading.textContent).toContain("(Eleni)");
    expect(screen.getByTestId("patient-nhs").textContent).toBe("999 390 9963");
    expect(screen.getByTestId("patient-consents").textContent).toContain("Given");
    expect(await api.allPatients()).toHaveLength(1);

    await user.click(screen.getByRole("button", { name: "Back to caseload" }));
    const [row] = await rows();
    expect(row.textContent).toContain("Ελένη Παπαδοπούλου (Eleni)");
    expect(row.textContent).toContain("21 Aug 1979");
    expect(row.textContent).toContain("999 390 9963");
  });

  it("filters live as you type", async () => {
    const api = await signedIn();
    await seed(api, ZOE, SIOBHAN, JOSE);
    const user = await startApp(api);
    expect(await rows()).toHaveLength(3);

    await user.type(byId("patient-search"), "zoe obr");
    await waitFor(() => expect(screen.getAllByTestId("patient-row")).toHaveLength(1));
    expect(screen.getByTestId("patient-row").textContent).toContain("Zoë O'Brien (Zo)");
    const last = api.calls.filter((c) => c.command === "patient_list").at(-1);
    expect(last?.args).toEqual({ query: { text: "zoe obr", includeArchived: false, episode: null, overdue: false, noContactWeeks: null, measuresDue: false, limit: 50, offset: 0 } });
    // Debounced: far fewer requests than keystrokes.
    expect(api.calls.filter((c) => c.command === "patient_list").length).toBeLessThan(7);

    await user.clear(byId("patient-search"));
    await user.type(byId("patient-search"), "943 476");
    await waitFor(() => {
      const found = screen.getAllByTestId("patient-row");
      expect(found).toHaveLength(1);
      expect(found[0].textContent).toContain("José Muñoz García (Pepe)");
    });

    await user.clear(byId("patient-search"));
    await user.type(byId("patient-search"), "nobody");
    expect((await screen.findByTestId("caseload-empty")).textContent).toContain("No patients match");
  });

  it("pages through more than 50 patients", async () => {
    const api = await signedIn();
    const many = Array.from({ length: 55 }, (_, i) => ({
      ...emptyPatientInput(),
      givenName: "Test",
      familyName: `Person ${String(i).padStart(2, "0")}`,
      dateOfBirth: "1980-01-01",
    }));
    // 55 registrations in the real store (each written and audited) can take more than
    // vitest's default 5 s on a busy machine: the test has 20 s.
    await seed(api, ...many);
    const user = await startApp(api);
    expect(await rows()).toHaveLength(50);
    expect(screen.getByText("Showing 1–50 of 55")).toBeTruthy();
    expect(byId<HTMLButtonElement>("page-previous").disabled).toBe(true);
    await user.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(screen.getAllByTestId("patient-row")).toHaveLength(5));
    expect(screen.getByText("Showing 51–55 of 55")).toBeTruthy();
    expect(byId<HTMLButtonElement>("page-next").disabled).toBe(true);
  }, 20_000);
});

describe("patient form", () => {
  it("shows each field's message, creates nothing, and keeps the form", async () => {
    const api = await signedIn();
    const user = await startApp(api);
    await user.click(byId("register-patient"));
    await user.type(byId("familyName"), "Chaudhry");
    await fireEvent.input(byId("dateOfBirth"), { target: { value: "1990-12-25" } });
    await user.type(byId("nhsNumber"), "9995260183{Enter}"); // Enter submits the form

    const summary = await screen.findByRole("alert");
    expect(summary.textContent).toContain("Please correct the highlighted fields.");
    expect(summary.textContent).toContain("Enter the given name.");

    expect(byId("givenName-error").textContent).toContain("Enter the given name.");
    expect(byId("givenName").getAttribute("aria-invalid")).toBe("true");
    expect(byId("givenName").getAttribute("aria-describedby")).toContain("givenName-error");
    expect(byId("nhsNumber-error").textContent).toContain("check digit");
    expect(byId("nhsNumber").getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById("familyName-error")).toBeNull();
    expect(byId("familyName").getAttribute("aria-invalid")).toBeNull();

    expect(await api.allPatients()).toHaveLength(0);
    expect(byId<HTMLInputElement>("familyName").value).toBe("Chaudhry");

    // Correcting the fields saves.
    await user.type(byId("givenName"), "Dev");
    await user.clear(byId("nhsNumber"));
    await user.type(byId("nhsNumber"), "9990308241");
    await user.click(byId("save-patient"));
    expect((await screen.findByTestId("patient-name")).textContent).toContain("Dev Chaudhry");
    expect(await api.allPatients()).toHaveLength(1);
  });

  it("edits a patient, keeping consent dates", async () => {
    const api = await signedIn();
    await seed(api, { ...ZOE, consentStore: true });
    const user = await startApp(api);
    await openPatient(user, /Zoë/);
    await user.click(screen.getByRole("button", { name: "Edit" }));
    const given = byId<HTMLInputElement>("givenName");
    expect(given.value).toBe("Zoë");
    expect(byId<HTMLInputElement>("nhsNumber").value).toBe("999 526 0182");
    expect(byId<HTMLInputElement>("consentStore").checked).toBe(true);
    await user.clear(given);
    await user.type(given, "Zoe");
    await user.selectOptions(byId("preferredContact"), "Text message");
    await user.click(byId("save-patient"));
    expect((await screen.findByTestId("patient-name")).textContent).toContain("Zoe O'Brien");
    const [saved] = await api.allPatients();
    expect(saved).toMatchObject({ givenName: "Zoe", preferredContact: "text" });
    expect(saved.consentStoreDate).not.toBeNull();
  });
});

describe("hostile input", () => {
  it("shows the hostile names literally and runs nothing", async () => {
    const alert = vi.spyOn(window, "alert").mockImplementation(() => {});
    const scriptsBefore = document.querySelectorAll("script").length;
    const api = await signedIn();
    // A direction override never becomes part of a name: the backend refuses it, since
    // it makes one name look like another (crates/domain/src/validation.rs).
    await expect(api.patientCreate(HOSTILE)).rejects.toMatchObject({
      code: "validation",
      fields: [{ field: "preferredName", message: expect.stringContaining("direction-changing character (U+202E)") }],
    });
    // A right-to-left preferred name is a real one, and is kept.
    await seed(api, { ...HOSTILE, preferredName: "ليلى" }, ZOE);
    const user = await startApp(api);

    const hostileRow = (await rows()).find((r) => r.textContent?.includes("DROP TABLE"));
    expect(hostileRow).toBeTruthy();
    expect(hostileRow?.textContent).toContain("<script>alert(1)</script> Robert'); DROP TABLE patients;--");
    expect(hostileRow?.textContent).toContain("(ليلى)");
    // The right-to-left name sits in its own isolated element, not around the brackets.
    const isolated = [...(hostileRow?.querySelectorAll("bdi") ?? [])].map((b) => [b.textContent, b.getAttribute("dir")]);
    expect(isolated).toEqual([
      ["<script>alert(1)</script> Robert'); DROP TABLE patients;--", "auto"],
      ["ليلى", "auto"],
    ]);

    const heading = await openPatient(user, /DROP TABLE/);
    expect(heading.textContent).toContain("<script>alert(1)</script>");
    expect(heading.textContent).toContain("Robert'); DROP TABLE patients;--");

    expect(document.querySelectorAll("script").length).toBe(scriptsBefore);
    expect(document.body.innerHTML).not.toContain("<script>alert(1)</script>");
    expect(document.body.innerHTML).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(alert).not.toHaveBeenCalled();
    // The other patients still exist: the "SQL" was only a name.
    expect(await api.allPatients()).toHaveLength(2);
  });
});

describe("start-up", () => {
  it("explains an open error and offers no way to create a database", async () => {
    // A caseload's database with no key for it in this computer's credential store
    // (the test host's store is empty for every new data folder).
    const api = await freshApp({ files: { "waymark.db": "a caseload from another computer" } });
    const dataDir = await api.dataDir();
    render(App, { props: { api } });
    const screenEl = await screen.findByTestId("open-error");
    expect(screenEl.getAttribute("data-code")).toBe("key_missing");
    expect(screenEl.textContent).toContain("This computer's credential store has no key for the caseload in");
    expect(screenEl.textContent).toContain("the key can be restored with the practice's recovery kit.");
    expect(screenEl.textContent).toContain("key_missing");
    expect(screenEl.textContent).toContain(dataDir);
    // The only ways on are the recovery code and a backup (and help from support):
    // nothing starts a new caseload.
    expect(screen.getAllByRole("button").map((b) => b.textContent)).toEqual([
      "Open the caseload",
      "Restore from a backup",
      "Copy diagnostics",
    ]);
    expect(document.getElementById("register-patient")).toBeNull();
    expect(screen.queryByText(/Caseload$/)).toBeNull();
    expect(api.calls.map((c) => c.command)).toEqual(["app_status"]);
  });
});

describe("patient page", () => {
  it("archives only after confirming, and restores", async () => {
    const api = await signedIn();
    const [zoe] = await seed(api, ZOE, JOSE);
    const user = await startApp(api);
    await openPatient(user, /Zoë/);

    await user.click(byId("archive-patient"));
    expect(screen.getByTestId("archive-confirm").textContent).toContain("Are you sure?");
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect((await stored(api, zoe.id)).status).toBe("active");

    await user.click(byId("archive-patient"));
    await user.click(byId("confirm-archive"));
    expect(await screen.findByTestId("patient-status")).toBeTruthy();
    expect((await stored(api, zoe.id)).status).toBe("archived");
    await waitFor(() => expect(document.activeElement).toBe(byId("restore-patient")));

    await user.click(screen.getByRole("button", { name: "Back to caseload" }));
    await waitFor(() => expect(screen.getAllByTestId("patient-row")).toHaveLength(1));
    await user.click(screen.getByLabelText("Show archived"));
    await waitFor(() => expect(screen.getAllByTestId("patient-row")).toHaveLength(2));

    await openPatient(user, /Zoë/);
    await user.click(byId("restore-patient"));
    await waitFor(async () => expect((await stored(api, zoe.id)).status).toBe("active"));
    expect(screen.queryByTestId("patient-status")).toBeNull();
  });

  it("adds a referral, then closes it only with a reason", async () => {
    const api = await signedIn();
    const [zoe] = await seed(api, ZOE);
    const user = await startApp(api);
    await openPatient(user, /Zoë/);
    expect(screen.getByTestId("no-referrals")).toBeTruthy();

    await user.click(byId("add-referral"));
    expect(byId<HTMLInputElement>("receivedDate").value).toBe(typedForm(todayIso(), "dd/mm/yyyy"));
    // Saving with no reason shows the field error and creates nothing.
    await user.click(byId("save-referral"));
    expect((await screen.findByText("Choose at least one reason for the referral.")).id).toBe("reasons-error");
    expect(await api.referralsOf(zoe.id)).toHaveLength(0);

    await fireEvent.input(byId("receivedDate"), { target: { value: "2025-11-02" } });
    await user.selectOptions(byId("source"), "Other clinician");
    const reasons = screen.getByRole("group", { name: /Reasons for referral/ });
    await user.click(within(reasons).getByLabelText("Physical activity"));
    await user.click(within(reasons).getByLabelText("Long-term condition"));
    await user.type(byId("referrerName"), "Dr Amara Okafor");
    await user.type(byId("referrerRole"), "Physiotherapist");
    await user.type(byId("referrerOrganisation"), "Hollinsford Surgery");
    await user.type(byId("conditions"), "Multiple sclerosis");
    await user.click(byId("save-referral"));

    const item = await screen.findByTestId("referral");
    expect(item.textContent).toContain("2 Nov 2025");
    expect(item.textContent).toContain("Other clinician");
    expect(item.textContent).toContain("Long-term condition, Physical activity");
    expect(item.textContent?.replace(/\s+/g, " ")).toContain("Dr Amara Okafor, Physiotherapist, Hollinsford Surgery");
    expect(item.textContent).toContain("Multiple sclerosis");
    expect(within(item).getByTestId("referral-status").textContent).toBe("New");
    expect((await api.referralsOf(zoe.id))[0]).toMatchObject({ source: "other_clinician", reasons: ["long_term_condition", "physical_activity"] });

    // Close without saying how it ended, then without a reason: each a field error, and
    // nothing changes.
    const status = within(item).getByLabelText("Change status");
    await user.selectOptions(status, "Closed");
    expect(byId("closureReason")).toBeTruthy();
    await user.click(within(item).getByRole("button", { name: "Update status" }));
    expect((await screen.findByText("Choose how it ended.")).id).toBe("closureOutcome-error");
    expect(byId("closureOutcome").getAttribute("aria-invalid")).toBe("true");
    await user.selectOptions(byId("closureOutcome"), "completed");
    await user.click(within(item).getByRole("button", { name: "Update status" }));
    expect((await screen.findByText("Say why the referral is being closed.")).id).toBe("closureReason-error");
    expect(byId("closureReason").getAttribute("aria-invalid")).toBe("true");
    expect((await api.referralsOf(zoe.id))[0].status).toBe("new");

    await user.type(byId("closureReason"), "Goals met: joined the yoga class");
    await user.click(within(item).getByRole("button", { name: "Update status" }));
    await waitFor(() => expect(within(screen.getByTestId("referral")).getByTestId("referral-status").textContent).toBe("Closed"));
    expect(screen.getByTestId("closure-reason").textContent).toBe("Goals met: joined the yoga class");
    expect((await api.referralsOf(zoe.id))[0]).toMatchObject({
      status: "closed",
      closureReason: "Goals met: joined the yoga class",
      outcome: "completed",
    });
  });

  it("edits a referral", async () => {
    const api = await signedIn();
    const [p] = await seed(api, ZOE);
    await api.referralCreate(p.id, {
      receivedDate: "2025-10-01",
      referrerName: "",
      referrerRole: "",
      referrerOrganisation: "",
      source: "gp",
      reasons: ["loneliness"],
      conditions: "",
      referrerPhone: "",
      referrerEmail: "",
      referrerOdsCode: "",
    });
    const user = await startApp(api);
    await openPatient(user, /Zoë/);
    const item = await screen.findByTestId("referral");
    expect(item.textContent).toContain("Loneliness or isolation");
    await user.click(within(item).getByRole("button", { name: /^Edit/ }));
    await user.click(screen.getByLabelText("Finance or debt"));
    await user.click(byId("save-referral"));
    await waitFor(() => expect(screen.getByTestId("referral").textContent).toContain("Loneliness or isolation, Finance or debt"));
    expect((await api.referralsOf(p.id))[0].reasons).toEqual(["loneliness", "finance"]);
  });
});

describe("labels", () => {
  it("gives every form field a visible label", async () => {
    const api = await signedIn();
    const user = await startApp(api);
    await user.click(byId("register-patient"));
    await screen.findByRole("heading", { level: 1, name: "Register patient" });
    // Consent's details show once it is given.
    await user.click(byId("consentStore"));
    const keys = Object.keys(emptyPatientInput());
    for (const key of keys) {
      const el = byId(key);
      const label = document.querySelector(`label[for="${key}"]`) ?? el.closest("label");
      expect(label, key).not.toBeNull();
    }
    expect(screen.getByLabelText("Given name (required)")).toBe(byId("givenName"));
    // A text field read the practice's way, not the webview's locale-bound date input.
    expect(byId("dateOfBirth").getAttribute("type")).toBe("text");
    expect(screen.getByLabelText("Date of birth (dd/mm/yyyy) (required)")).toBe(byId("dateOfBirth"));
    expect(byId<HTMLSelectElement>("preferredContact").options[0].textContent).toBe("Not set");
  });
});
