/// <reference types="node" />
// The prescription in the patient's language: chosen on the record ("Print their
// prescription in"), printed alone or with the English beneath ("In both"), read back
// from the real PDF with Poppler's pdftotext. Languages whose script Waymark cannot
// shape yet are offered, marked, and refused at print with the reason.
import { execFileSync } from "node:child_process";
import { screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { ZOE, seed } from "./test/fixtures";
import { byId, openPatient, startApp } from "./test/dom";
import { signedIn, type TestApi } from "./test/host";

/** A practice with the example directory, Zoë, and one prescription for her. */
async function prescribed(printLanguage: string): Promise<TestApi> {
  const api = await signedIn();
  await api.directoryLoadExample();
  const [zoe] = await seed(api, { ...ZOE, consentStore: true, printLanguage });
  const walk = (await api.allServices())[0];
  await api.prescriptionCreate(zoe.id, {
    referralId: null,
    prescribedDate: "2026-11-24",
    message: "",
    nextCheckinDate: "",
    items: [{ serviceId: walk.id, personalNote: "" }],
  });
  api.calls.length = 0;
  return api;
}

/** The text of the newest PDF sent to the viewer, white space made single. */
async function printedText(api: TestApi): Promise<string> {
  const opened = (await api.deskLog()).openedPaths;
  const pdf = opened.at(-1);
  if (!pdf) throw new Error("nothing was printed");
  return execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" }).split(/\s+/).join(" ");
}

describe("the prescription's language", () => {
  it("is chosen on the record from the languages Waymark prints in, each marked", async () => {
    const api = await signedIn();
    const user = await startApp(api);
    await user.click(byId("register-patient"));
    const select = byId<HTMLSelectElement>("printLanguage");
    await waitFor(() => expect(select.options.length).toBe(15));
    const labels = [...select.options].map((o) => o.textContent ?? "");
    expect(labels[0]).toBe("English");
    expect(labels).toContain("polski (Polish): not yet checked by a native speaker");
    // The test host has no fonts but the embedded ones: Arabic needs one installed.
    expect(labels.find((l) => l.includes("(Arabic)"))).toContain("needs a font this computer lacks");
    expect(labels.find((l) => l.includes("(Polish)"))).not.toContain("needs a font");
    await user.selectOptions(select, "ar");
    expect((await screen.findByTestId("print-language-font")).textContent).toMatch(
      /no font for Arabic script.*Supplemental Fonts/,
    );
    await user.type(byId("givenName"), "Zoë");
    await user.type(byId("familyName"), "O'Brien");
    await user.type(byId("dateOfBirth"), "14/03/1987");
    await user.click(byId("consentStore"));
    await user.selectOptions(select, "pl");
    await user.click(byId("save-patient"));
    await screen.findByTestId("patient-name");
    expect((await api.allPatients())[0].printLanguage).toBe("pl");
    expect(screen.getByTestId("print-language").textContent).toContain("polski (Polish)");
  });

  it("prints in Polish, then with the English beneath each phrase", async () => {
    const api = await prescribed("pl");
    const user = await startApp(api);
    await openPatient(user, /O'Brien/);
    const card = (await screen.findAllByTestId("print"))[0].closest("div") as HTMLElement;
    await user.click(within(card).getByTestId("print"));
    await waitFor(async () => expect((await api.deskLog()).openedPaths).toHaveLength(1));
    const polish = await printedText(api);
    expect(polish).toContain("Recepta społeczna");
    expect(polish).toContain("24 listopada 2026");
    expect(polish).not.toContain("Your social prescription");

    const bothBox = within(card).getByTestId("print-both");
    await waitFor(() => expect(bothBox.closest("label")?.textContent).toContain("In both polski (Polish) and English"));
    await user.click(bothBox);
    await user.click(within(card).getByTestId("print"));
    await waitFor(async () => expect((await api.deskLog()).openedPaths).toHaveLength(2));
    const both = await printedText(api);
    expect(both).toContain("Recepta społeczna");
    expect(both).toContain("Your social prescription");
    expect(api.calls.filter((c) => c.command === "prescription_print").map((c) => (c.args as { choice: { both: boolean } }).choice.both)).toEqual([false, true]);
  });

  it("refuses to print in a script this computer has no font for, and says what to install", async () => {
    const api = await prescribed("ar");
    const user = await startApp(api);
    await openPatient(user, /O'Brien/);
    await user.click((await screen.findAllByTestId("print"))[0]);
    const error = await screen.findByTestId("print-error");
    expect(error.textContent).toContain("no font for Arabic script (Arabic, Urdu, Persian) to print Arabic in");
    expect(error.textContent).toContain("Supplemental Fonts");
    expect((await api.deskLog()).openedPaths).toHaveLength(0);
    // Saving is refused too, before anyone is asked where to save.
    await user.click((await screen.findAllByTestId("save-pdf"))[0]);
    await waitFor(() => expect(api.calls.some((c) => c.command === "prescription_save_pdf")).toBe(true));
    await waitFor(() => expect(screen.getByTestId("print-error").textContent).toContain("no font for Arabic script"));
    expect((await api.deskLog()).asked).toEqual([]);
  });
});
