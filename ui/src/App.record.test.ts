// The patient record reads cleanly: long notes fold, the lock screen speaks of the one
// field it has.
import { screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { addDays, todayIso } from "./lib/format";
import { ZOE, refer, seed } from "./test/fixtures";
import { byId, openPatient, startApp } from "./test/dom";
import { signedIn } from "./test/host";

describe("the patient record", () => {
  it("folds a long note after a few lines and shows it all on request", async () => {
    const api = await signedIn();
    const [zoe] = await seed(api, ZOE);
    const long = `First line of a long note.\n${"We talked about the allotment and her neighbours. ".repeat(100)}\nLast line.`;
    expect(long.length).toBeGreaterThan(5000);
    await api.contactCreate(zoe.id, { referralId: null, contactDate: todayIso(), kind: "phone", minutes: "", notes: long });
    await api.contactCreate(zoe.id, { referralId: null, contactDate: todayIso(), kind: "phone", minutes: "", notes: "A short note." });
    const user = await startApp(api);
    await openPatient(user, /Zoë/);

    const notes = await screen.findAllByTestId("contact-notes");
    const folded = notes.find((n) => n.textContent?.startsWith("First line"));
    const short = notes.find((n) => n.textContent === "A short note.");
    if (!folded || !short) throw new Error("both notes should be on the timeline");
    expect(folded.textContent?.length).toBeLessThan(400);
    expect(folded.textContent?.endsWith("…")).toBe(true);
    expect(folded.textContent).not.toContain("Last line.");
    // A short note has nothing to fold.
    expect(within(short.closest("li") as HTMLElement).queryByRole("button", { name: "Show all" })).toBeNull();

    const item = folded.closest("li") as HTMLElement;
    const toggle = within(item).getByRole("button", { name: "Show all" });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    await user.click(toggle);
    expect(within(item).getByTestId("contact-notes").textContent).toBe(long);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    await user.click(within(item).getByRole("button", { name: "Show less" }));
    expect(within(item).getByTestId("contact-notes").textContent).not.toContain("Last line.");
  });

  it("says on the lock screen that the passphrase is wrong, not a username", async () => {
    const api = await signedIn();
    const user = await startApp(api);
    await user.click(byId("lock-now"));
    await user.type(await screen.findByLabelText("Passphrase"), "not the passphrase");
    await user.click(byId("unlock"));
    const alert = await screen.findByTestId("unlock-error");
    expect(alert.textContent).toContain("passphrase is not right");
    expect(alert.textContent?.toLowerCase()).not.toContain("username");
  });

  it("shows how the referral's status moved with the work, and asks before reopening a closed one", async () => {
    const api = await signedIn();
    const [zoe] = await seed(api, ZOE);
    const r = await refer(api, zoe.id, { reasons: ["loneliness"] });
    const user = await startApp(api);
    await openPatient(user, /Zoë/);
    expect((await screen.findByTestId("referral-status")).textContent).toBe("New");
    expect(screen.queryByTestId("referral-history")).toBeNull();

    await user.click(byId("add-contact"));
    await user.click(byId("save-contact"));
    await waitFor(() => expect(screen.getByTestId("referral-status").textContent).toBe("Contacted"));
    expect(screen.getByTestId("referral-history").textContent).toContain(
      "New → Contacted, automatically, when the first conversation was logged",
    );
    expect(screen.queryByTestId("reopen-offer")).toBeNull();

    // Closed: more work does not reopen it by itself; the link worker is asked.
    await api.referralSetStatus(r.id, "closed", "Moved away");
    await user.click(screen.getByRole("button", { name: "Back to caseload" }));
    await openPatient(user, /Zoë/);
    await user.click(await screen.findByRole("button", { name: "Log a conversation" }));
    await user.click(byId("save-contact"));
    const offer = await screen.findByTestId("reopen-offer");
    expect(offer.textContent).toContain("Moved away");
    expect((await api.referralsOf(zoe.id))[0].status).toBe("closed");
    await user.click(byId("keep-closed"));
    expect(screen.queryByTestId("reopen-offer")).toBeNull();
    expect((await api.referralsOf(zoe.id))[0].status).toBe("closed");

    await user.click(byId("add-contact"));
    await user.click(byId("save-contact"));
    await user.click(await screen.findByRole("button", { name: "Reopen as contacted" }));
    await waitFor(() => expect(screen.getByTestId("referral-status").textContent).toBe("Contacted"));
    expect((await api.referralsOf(zoe.id))[0].history.at(-1)).toMatchObject({ from: "closed", to: "contacted", cause: "person" });
  });

  it("opens with a summary to take in at a glance, and a menu to each section", async () => {
    const api = await signedIn();
    await api.directoryLoadExample();
    const [zoe] = await seed(api, { ...ZOE, consentStore: true });
    const r = await refer(api, zoe.id, { receivedDate: addDays(todayIso(), -30), reasons: ["loneliness", "finance"] });
    await api.contactCreate(zoe.id, { referralId: r.id, contactDate: addDays(todayIso(), -20), kind: "phone", minutes: "", notes: "" });
    const yoga = (await api.allServices()).find((s) => s.name.startsWith("Gentle Yoga"));
    if (!yoga) throw new Error("the example directory has the yoga class");
    await api.prescriptionCreate(zoe.id, {
      referralId: r.id,
      prescribedDate: addDays(todayIso(), -19),
      message: "",
      nextCheckinDate: addDays(todayIso(), -5),
      items: [{ serviceId: yoga.id, personalNote: "" }],
    });
    const user = await startApp(api);
    await openPatient(user, /Zoë/);

    const summary = await screen.findByTestId("record-summary");
    expect(within(summary).getByTestId("summary-episode").textContent).toContain("Active");
    expect(within(summary).getByTestId("summary-episode").textContent).toContain("Loneliness");
    const checkin = within(summary).getByTestId("summary-checkin").textContent ?? "";
    expect(checkin).toContain("overdue");
    expect(within(summary).getByTestId("summary-contact").textContent).not.toContain("None");
    expect(within(summary).getByTestId("summary-consent").textContent).toBe(
      "store: given, contact: not given, share with providers: not given",
    );
    expect(within(summary).getByTestId("summary-activities").textContent).toBe("1");

    // The section menu moves focus to the section's heading.
    const menu = screen.getByRole("navigation", { name: "Sections of this record" });
    await user.click(within(menu).getByRole("link", { name: "Prescriptions" }));
    expect(document.activeElement?.id).toBe("prescriptions-heading");
    await user.click(within(menu).getByRole("link", { name: "Conversations" }));
    expect(document.activeElement?.id).toBe("contacts-heading");
  });
});
