/// <reference types="node" />
// Sign-in, first-run setup, locking, staff admin and the audit log, against the real
// backend (the test host's caseload).
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { AuditEntry } from "./api/bindings/AuditEntry";
import { ZOE, seed } from "./test/fixtures";
import { byId } from "./test/dom";
import { TEST_ADMIN, TEST_LINK_WORKER, freshApp, signedIn, tempFolder, type TestApi } from "./test/host";

type User = ReturnType<typeof userEvent.setup>;

async function caseload() {
  return screen.findByRole("heading", { level: 1, name: "Caseload" });
}

async function openZoe(user: User) {
  await caseload();
  const [row] = await screen.findAllByTestId("patient-row");
  await user.click(within(row).getByRole("button"));
  const name = await screen.findByTestId("patient-name");
  expect(name.textContent).toContain("Zoë O'Brien");
}

function bodyText(): string {
  return document.body.textContent ?? "";
}

/** Whether the backend holds the session locked (`null`: nobody signed in). */
async function backendLocked(api: TestApi): Promise<boolean | null> {
  return (await api.appStatus()).session?.locked ?? null;
}

/** The audit entries newer than the newest one matching `since`, oldest first. */
function after(audit: AuditEntry[], since: (a: AuditEntry) => boolean): AuditEntry[] {
  const i = audit.findIndex(since);
  return (i < 0 ? audit : audit.slice(0, i)).reverse();
}

/** The staff member signed in as `username`; fails the test when there is none. */
async function staffNamed(api: TestApi, username: string) {
  const s = (await api.staffList()).find((x) => x.username === username);
  if (!s) throw new Error(`no staff member ${username}`);
  return s;
}

describe("first-run setup", () => {
  it("shows each problem, creates nothing, and offers nothing else", async () => {
    const api = await freshApp();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByRole("heading", { level: 1, name: "Set up Waymark" });
    expect(screen.getByTestId("setup")).toBeTruthy();
    expect(document.getElementById("register-patient")).toBeNull();
    expect(document.getElementById("sign-in")).toBeNull();

    await user.type(byId("passphrase"), "correct horse battery");
    await user.type(byId("passphraseConfirm"), "correct horse battery!");
    await user.click(byId("complete-setup"));

    expect((await screen.findByRole("alert")).textContent).toContain("Please correct the highlighted fields.");
    expect(byId("practiceName-error").textContent).toContain("Enter the practice name.");
    expect(byId("adminName-error").textContent).toContain("Enter your name.");
    expect(byId("adminUsername-error").textContent).toContain("Choose a username.");
    expect(byId("passphraseConfirm-error").textContent).toContain("different");
    expect(byId("passphraseConfirm").getAttribute("aria-invalid")).toBe("true");
    expect((await api.appStatus()).setupNeeded).toBe(true);
    expect(api.calls.map((c) => c.command)).not.toContain("setup_complete");

    // The backend's own checks (here: a short passphrase, a bad email) show inline too.
    await user.type(byId("practiceName"), "Hollinsford Surgery");
    await user.type(byId("practiceEmail"), "not an email");
    await user.type(byId("adminName"), "Amara Okafor");
    await user.type(byId("adminUsername"), "amara");
    await user.clear(byId("passphrase"));
    await user.type(byId("passphrase"), "short");
    await user.clear(byId("passphraseConfirm"));
    await user.type(byId("passphraseConfirm"), "short");
    await user.click(byId("complete-setup"));
    await waitFor(() => expect(byId("passphrase-error").textContent).toContain("at least 12 characters"));
    expect(byId("practiceEmail-error").textContent).toContain("email address");
    expect(document.getElementById("passphraseConfirm-error")).toBeNull();
    expect(api.calls.map((c) => c.command)).toContain("setup_complete");
    const status = await api.appStatus();
    expect(status.setupNeeded).toBe(true);
    expect(status.session).toBeNull();
  });

  it("shows the recovery code once, then signs the admin in", async () => {
    const api = await freshApp();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("setup");
    await user.type(byId("practiceName"), "Hollinsford Surgery");
    await user.selectOptions(byId("practiceCountry"), "US");
    await user.type(byId("adminName"), "Amara Okafor");
    await user.type(byId("adminUsername"), "A.Okafor");
    await user.type(byId("passphrase"), "correct horse battery");
    await user.type(byId("passphraseConfirm"), "correct horse battery");
    await user.click(byId("complete-setup"));

    const code = await screen.findByTestId("recovery-code");
    expect(code.textContent).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    expect(bodyText()).toContain("It is shown only once.");
    // A US practice types dates month first.
    expect((await api.appStatus()).session?.datePattern).toBe("mm/dd/yyyy");
    expect(await api.staffList()).toEqual([expect.objectContaining({ username: "a.okafor", role: "admin" })]);
    expect(document.getElementById("register-patient")).toBeNull();

    const finish = byId<HTMLButtonElement>("finish-setup");
    expect(finish.disabled).toBe(true);
    await user.click(finish);
    expect(screen.queryByTestId("recovery-code")).not.toBeNull();
    await user.click(byId("recovery-saved"));
    expect(finish.disabled).toBe(false);
    await user.click(finish);

    await caseload();
    expect(screen.getByTestId("signed-in-as").textContent).toBe("Amara Okafor");
    expect(screen.queryByTestId("recovery-code")).toBeNull();
    expect(bodyText()).not.toContain(code.textContent);
    // The code shown is the caseload's: it signs the admin in.
    await api.signOut();
    await expect(api.signInWithRecoveryCode("a.okafor", code.textContent ?? "")).resolves.toMatchObject({
      staff: { username: "a.okafor" },
    });
  });
});

describe("the recovery code shown at setup", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("locks away when left on screen for the idle time", async () => {
    const api = await freshApp();
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    render(App, { props: { api } });
    await screen.findByTestId("setup");
    await user.type(byId("practiceName"), "Hollinsford Surgery");
    await user.type(byId("adminName"), "Amara Okafor");
    await user.type(byId("adminUsername"), "amara");
    await user.type(byId("passphrase"), "correct horse battery");
    await user.type(byId("passphraseConfirm"), "correct horse battery");
    await user.click(byId("complete-setup"));
    const shown = (await screen.findByTestId("recovery-code")).textContent ?? "";
    expect(shown).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);

    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(screen.queryByTestId("recovery-code")).not.toBeNull();
    await vi.advanceTimersByTimeAsync(61_000);
    await screen.findByTestId("lock-screen");
    expect(bodyText()).not.toContain(shown);
    await waitFor(async () => expect(await backendLocked(api)).toBe(true));
  });
});

describe("sign-in", () => {
  it("refuses a wrong passphrase and accepts the right one", async () => {
    const api = await signedIn({ staff: [], as: null });
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("sign-in");
    expect(document.getElementById("register-patient")).toBeNull();
    expect(byId("password").getAttribute("type")).toBe("password");
    expect(screen.getByLabelText("Passphrase")).toBe(byId("password"));

    await user.type(byId("username"), "Amara");
    await user.type(byId("password"), "wrong horse battery");
    await user.click(byId("sign-in"));
    const alert = await screen.findByTestId("sign-in-error");
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("do not match");
    expect(byId<HTMLInputElement>("password").value).toBe("");
    expect(screen.getByTestId("sign-in")).toBeTruthy();
    expect((await api.appStatus()).session).toBeNull();

    await user.type(byId("password"), TEST_ADMIN.passphrase);
    await user.click(byId("sign-in"));
    await caseload();
    expect(screen.getByTestId("signed-in-as").textContent).toBe("Amara Okafor");
    // Since the sign-out that ended the setup: the failure (nobody yet), the sign-in,
    // then the caseload listed.
    const admin = await staffNamed(api, "amara");
    await waitFor(async () => {
      const since = after(await api.allAudit(), (a) => a.action === "sign_out");
      expect(since.map((a) => a.action)).toEqual(["sign_in_failed", "sign_in", "list"]);
      expect(since[0]).toMatchObject({ staffId: null, recordId: admin.id });
    });
  });

  it("lets a locked-out admin in with the recovery code, and no one else", async () => {
    const api = await signedIn({ as: null });
    const code = api.recoveryCode;
    // Locked out: five wrong passphrases in a row lock the account for a while.
    for (let i = 0; i < 5; i++) {
      await expect(api.signIn("amara", "not the passphrase")).rejects.toMatchObject({ code: "sign_in_failed" });
    }
    await expect(api.signIn("amara", TEST_ADMIN.passphrase)).rejects.toMatchObject({ code: "sign_in_locked" });
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("sign-in");
    await user.click(byId("use-recovery-code"));
    await user.type(byId("adminUsername"), TEST_LINK_WORKER.username);
    await user.type(byId("signInCode"), code);
    await user.click(byId("sign-in-code"));
    expect((await screen.findByTestId("sign-in-code-error")).textContent).toContain("do not match");
    expect((await api.appStatus()).session).toBeNull();

    await user.clear(byId("adminUsername"));
    await user.type(byId("adminUsername"), "amara");
    await user.type(byId("signInCode"), code.toLowerCase());
    await user.click(byId("sign-in-code"));
    await caseload();
    expect(screen.getByTestId("signed-in-as").textContent).toBe("Amara Okafor");
    expect((await api.allAudit()).some((a) => a.entity === "recovery_code_sign_in")).toBe(true);
  });

  it("signs out back to the sign-in screen", async () => {
    const api = await signedIn();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await caseload();
    await user.click(byId("sign-out"));
    await screen.findByTestId("sign-in");
    expect((await api.appStatus()).session).toBeNull();
    // Only an admin reads the log: signed in again, the sign-out is just before.
    const admin = await api.signIn(TEST_ADMIN.username, TEST_ADMIN.passphrase);
    const [signIn, signOut] = await api.allAudit();
    expect(signIn.action).toBe("sign_in");
    expect(signOut).toMatchObject({ action: "sign_out", staffId: admin.staff.id });
  });
});

describe("locking", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("locks on request, hiding every patient detail, and unlocks with the passphrase", async () => {
    const api = await signedIn();
    const [zoe] = await seed(api, ZOE);
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openZoe(user);

    await user.click(byId("lock-now"));
    const lock = await screen.findByTestId("lock-screen");
    expect(lock.textContent).toContain("Waymark is locked");
    expect(lock.textContent).toContain("Amara Okafor");
    await waitFor(async () => expect(await backendLocked(api)).toBe(true));
    for (const text of ["Zoë", "O'Brien", "999 526 0182", "Mill Lane"]) expect(bodyText()).not.toContain(text);
    expect(document.getElementById("patient-name")).toBeNull();
    expect(screen.queryByTestId("patient-name")).toBeNull();
    await expect(api.patientGet(zoe.id)).rejects.toMatchObject({ code: "locked" });

    await user.type(byId("unlock-password"), "not my passphrase");
    await user.click(byId("unlock"));
    expect((await screen.findByRole("alert")).textContent).toContain("not right");
    expect(byId<HTMLInputElement>("unlock-password").value).toBe("");
    expect(screen.getByTestId("lock-screen")).toBeTruthy();
    expect(bodyText()).not.toContain("Zoë");

    await user.type(byId("unlock-password"), TEST_ADMIN.passphrase);
    await user.click(byId("unlock"));
    expect((await screen.findByTestId("patient-name")).textContent).toContain("Zoë O'Brien");
    expect(await backendLocked(api)).toBe(false);
  });

  it("locks itself after the idle time", async () => {
    const api = await signedIn();
    await api.settingsSetIdleMinutes(2);
    await seed(api, ZOE);
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    render(App, { props: { api } });
    await openZoe(user);

    await vi.advanceTimersByTimeAsync(90_000);
    expect(screen.queryByTestId("lock-screen")).toBeNull();
    window.dispatchEvent(new Event("keydown"));
    await vi.advanceTimersByTimeAsync(90_000);
    expect(screen.queryByTestId("lock-screen")).toBeNull();
    await vi.advanceTimersByTimeAsync(31_000);

    await screen.findByTestId("lock-screen");
    expect(bodyText()).not.toContain("Zoë");
    await waitFor(async () => expect(await backendLocked(api)).toBe(true));
  });

  it("shows the lock screen when the backend says the session is locked", async () => {
    const api = await signedIn();
    await seed(api, ZOE);
    const user = userEvent.setup();
    render(App, { props: { api } });
    await caseload();
    await api.lock(); // e.g. locked from another window, or by the backend's own idle check
    await user.type(byId("patient-search"), "zo");
    await screen.findByTestId("lock-screen");
    expect(bodyText()).not.toContain("Zoë");
  });
});

describe("staff admin", () => {
  it("adds a link worker (after fixing a mistake) and disables them", async () => {
    const api = await signedIn();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await caseload();
    await user.click(byId("nav-staff"));
    await screen.findByRole("heading", { level: 1, name: "Staff" });
    const before = await screen.findAllByTestId("staff-row");
    expect(before).toHaveLength(2);
    expect(before[0].textContent).toContain("Administrator");
    expect(before[1].textContent).toContain("Link worker");

    await user.type(byId("staffDisplayName"), "Priya Shah");
    await user.type(byId("staffUsername"), "p shah");
    await user.type(byId("staffPassphrase"), "too short");
    await user.click(byId("add-staff"));
    await waitFor(() => expect(byId("staffUsername-error").textContent).toContain("only letters"));
    expect(byId("staffPassphrase-error").textContent).toContain("at least 12");
    expect(byId("staffUsername").getAttribute("aria-invalid")).toBe("true");
    expect(byId("staffDisplayName").getAttribute("aria-invalid")).toBeNull();
    expect(screen.getByTestId("error-summary").textContent).toContain("Username: ");
    // A failed save clears the passphrase rather than keep it in the form.
    expect(byId<HTMLInputElement>("staffPassphrase").value).toBe("");

    // A username already taken (case does not matter).
    await user.clear(byId("staffUsername"));
    await user.type(byId("staffUsername"), "Tomas");
    await user.type(byId("staffPassphrase"), "purple kettle meadow");
    await user.click(byId("add-staff"));
    await waitFor(() => expect(byId("staffUsername-error").textContent).toContain("already in use"));
    expect(document.getElementById("staffPassphrase-error")).toBeNull();
    expect(await api.staffList()).toHaveLength(2);

    await user.clear(byId("staffUsername"));
    await user.type(byId("staffUsername"), "p.shah");
    await user.selectOptions(byId("staffRole"), "Link worker");
    await user.type(byId("staffPassphrase"), "purple kettle meadow");
    await user.click(byId("add-staff"));
    await waitFor(() => expect(screen.getAllByTestId("staff-row")).toHaveLength(3));
    expect(await staffNamed(api, "p.shah")).toMatchObject({
      displayName: "Priya Shah",
      username: "p.shah",
      role: "link_worker",
      active: true,
    });
    expect(byId<HTMLInputElement>("staffDisplayName").value).toBe("");

    const row = screen.getAllByTestId("staff-row").find((r) => r.textContent?.includes("Priya Shah"));
    if (!row) throw new Error("no row");
    expect(row.textContent).toContain("Active");
    await user.click(within(row).getByRole("button", { name: /^Disable/ }));
    await waitFor(() => expect(row.textContent).toContain("Disabled"));
    expect((await staffNamed(api, "p.shah")).active).toBe(false);
    expect(within(row).getByRole("button", { name: /^Enable/ })).toBeTruthy();
    await expect(api.signIn("p.shah", "purple kettle meadow")).rejects.toMatchObject({ code: "sign_in_failed" });
  });

  it("resets a passphrase and sets the auto-lock time", async () => {
    const api = await signedIn();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await caseload();
    await user.click(byId("nav-staff"));
    const rows = await screen.findAllByTestId("staff-row");
    const tomas = rows.find((r) => r.textContent?.includes("tomas"));
    if (!tomas) throw new Error("no row");
    await user.click(within(tomas).getByRole("button", { name: /^Reset passphrase/ }));
    const { id } = await staffNamed(api, "tomas");
    // Admin changes to Tomás's account are audited: so far, only its creation.
    const changes = async () =>
      (await api.allAudit()).filter((a) => a.action === "admin" && a.entity === "staff" && a.recordId === id).length;
    const made = await changes();
    await user.type(byId(`reset-passphrase-${id}`), "short");
    await user.click(within(tomas).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(byId(`reset-passphrase-${id}-error`).textContent).toContain("at least 12"));
    await user.type(byId(`reset-passphrase-${id}`), "new lantern orange");
    await user.click(within(tomas).getByRole("button", { name: "Save" }));
    // The admin's own passphrase confirms it.
    await waitFor(() => expect(byId(`reset-passphrase-${id}-error`).textContent).toContain("not your passphrase"));
    expect(await changes()).toBe(made);
    await user.type(byId(`reset-passphrase-${id}`), "new lantern orange");
    await user.type(byId(`reset-admin-passphrase-${id}`), TEST_ADMIN.passphrase);
    await user.click(within(tomas).getByRole("button", { name: "Save" }));
    await waitFor(async () => expect(await changes()).toBe(made + 1));

    const idle = byId<HTMLInputElement>("idleMinutes");
    expect(idle.value).toBe("5");
    await user.clear(idle);
    await user.type(idle, "90");
    await user.click(byId("save-idle"));
    await waitFor(() => expect(byId("idleMinutes-error").textContent).toContain("between 1 and 60"));
    expect((await api.appStatus()).session?.idleMinutes).toBe(5);
    await user.clear(idle);
    await user.type(idle, "10");
    await user.click(byId("save-idle"));
    await waitFor(async () => expect((await api.appStatus()).session?.idleMinutes).toBe(10));
    await waitFor(() => expect(document.getElementById("idleMinutes-error")).toBeNull());

    // Tomás now signs in with the new passphrase only.
    await api.signOut();
    await expect(api.signIn("tomas", TEST_LINK_WORKER.passphrase)).rejects.toMatchObject({ code: "sign_in_failed" });
    await expect(api.signIn("tomas", "new lantern orange")).resolves.toMatchObject({ staff: { username: "tomas" } });
  });

  it("shows a link worker no Staff or Audit navigation", async () => {
    const api = await signedIn({ as: TEST_LINK_WORKER });
    render(App, { props: { api } });
    await caseload();
    expect(screen.getByTestId("signed-in-as").textContent).toBe("Tomás Ó Briain");
    expect(document.getElementById("nav-staff")).toBeNull();
    expect(document.getElementById("nav-audit")).toBeNull();
    expect(screen.queryByRole("button", { name: "Staff" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Audit log" })).toBeNull();
    await expect(api.staffList()).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("audit log", () => {
  afterEach(() => vi.restoreAllMocks());

  it("tells an admin that an older copy was put back, until dismissed, and checks the chain", async () => {
    const api = await signedIn();
    // An older copy of the caseload file put back: the copy is taken, work goes on (and
    // this computer notes how far the audit log got), then the copy replaces the file and
    // the app opens it again.
    const older = join(tempFolder(), "waymark.db");
    await api.signOut();
    // Closed first, so the file holds everything so far (no write-ahead log beside it).
    await api.reopen();
    copyFileSync(join(await api.dataDir(), "waymark.db"), older);
    await api.signIn(TEST_ADMIN.username, TEST_ADMIN.passphrase);
    await seed(api, ZOE);
    await api.signOut();
    await api.reopen({ "waymark.db": older });
    await api.signIn(TEST_ADMIN.username, TEST_ADMIN.passphrase);
    const user = userEvent.setup();
    render(App, { props: { api } });
    const warned = await screen.findByTestId("integrity-warning");
    expect(warned.getAttribute("role")).toBe("alert");
    expect(warned.textContent).toContain("older than one this computer");
    await user.click(byId("nav-audit"));
    await screen.findByRole("heading", { level: 1, name: "Audit log" });
    await user.click(byId("audit-check"));
    await waitFor(() => expect(screen.getByTestId("audit-check-result").textContent).toContain("check out"));
    await user.click(byId("integrity-dismiss"));
    await waitFor(() => expect(screen.queryByTestId("integrity-warning")).toBeNull());
    expect((await api.allAudit()).some((a) => a.entity === "integrity_warning")).toBe(true);
  });

  it("lists sign-ins and views, newest first, filtered by staff member", async () => {
    const api = await signedIn({ as: TEST_LINK_WORKER });
    const [zoe] = await seed(api, ZOE);
    await api.patientGet(zoe.id);
    await api.signOut();
    await expect(api.signIn("nobody", "whatever at all")).rejects.toMatchObject({ code: "sign_in_failed" });

    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("sign-in");
    await user.type(byId("username"), "amara");
    await user.type(byId("password"), TEST_ADMIN.passphrase);
    await user.click(byId("sign-in"));
    await caseload();
    await user.click(byId("nav-audit"));
    await screen.findByRole("heading", { level: 1, name: "Audit log" });

    const rows = await screen.findAllByTestId("audit-row");
    const actions = rows.map((r) => r.getAttribute("data-action"));
    // Newest first: the admin's own sign-in (the caseload list may come before it).
    expect(actions.slice(actions.indexOf("sign_in"))).toEqual(
      expect.arrayContaining(["sign_in", "sign_in_failed", "sign_out", "view", "create", "sign_in"]),
    );
    const failed = rows.find((r) => r.getAttribute("data-action") === "sign_in_failed");
    expect(failed?.textContent).toContain("Failed sign-in");
    expect(failed?.textContent).toContain("—");
    const view = rows.find((r) => r.getAttribute("data-action") === "view");
    expect(view?.textContent).toContain("Viewed");
    expect(view?.textContent).toContain("Tomás Ó Briain");
    expect(view?.textContent).toContain("patient");
    expect(screen.queryByRole("button", { name: /delete|edit/i })).toBeNull();

    // The staff filter's names arrive after the page.
    await within(byId("audit-staff")).findByRole("option", { name: "Tomás Ó Briain" });
    await user.selectOptions(byId("audit-staff"), "Tomás Ó Briain");
    await user.click(byId("audit-apply"));
    await waitFor(() => {
      const filtered = screen.getAllByTestId("audit-row");
      expect(filtered.every((r) => r.textContent?.includes("Tomás Ó Briain"))).toBe(true);
      expect(filtered.map((r) => r.getAttribute("data-action"))).toEqual(["sign_out", "view", "create", "sign_in"]);
    });
    const last = api.calls.filter((c) => c.command === "audit_list").at(-1);
    const tomas = await staffNamed(api, "tomas");
    expect(last?.args).toEqual({
      query: { staffId: tomas.id, patientId: null, from: "", to: "", limit: 100, offset: 0 },
    });

    await user.selectOptions(byId("audit-staff"), "All staff");
    await user.type(byId("audit-patient"), String(zoe.id));
    await user.click(byId("audit-apply"));
    await waitFor(() =>
      expect(screen.getAllByTestId("audit-row").map((r) => r.getAttribute("data-action"))).toEqual(["view", "create"]),
    );
    expect(byId<HTMLButtonElement>("audit-next").disabled).toBe(true);
    expect(byId<HTMLButtonElement>("audit-previous").disabled).toBe(true);
  });
});
