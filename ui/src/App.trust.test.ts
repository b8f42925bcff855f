// Backups, restore, the recovery code and the audit export, against the mock.
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import { MockApi, TEST_ADMIN, TEST_LINK_WORKER, makeRecoveryCode } from "./api/mock";
import { JOSE, ZOE, seed } from "./test/fixtures";
import { byId } from "./test/dom";

type User = ReturnType<typeof userEvent.setup>;

const USB = "/media/practice/USB";

async function caseload() {
  return screen.findByRole("heading", { level: 1, name: "Caseload" });
}

async function openBackups(user: User) {
  await caseload();
  await user.click(byId("nav-backups"));
  await screen.findByRole("heading", { level: 1, name: "Backups" });
}

/** A practice with Zoë, set up with a recovery code, backed up to the USB drive. */
async function practiceWithBackup(): Promise<MockApi> {
  const api = MockApi.signedIn({ recoveryCode: makeRecoveryCode() });
  await seed(api, ZOE);
  await api.backupSettingsSet({ folder: USB, keep: 14, daily: true }, TEST_ADMIN.passphrase);
  await api.backupNow();
  return api;
}

/** Fills in the first-run setup form, correctly, without submitting it. */
async function fillSetup(user: User) {
  await user.type(byId("practiceName"), "Hollinsford Surgery");
  await user.type(byId("adminName"), "Amara Okafor");
  await user.type(byId("adminUsername"), "amara");
  await user.type(byId("passphrase"), "correct horse battery");
  await user.type(byId("passphraseConfirm"), "correct horse battery");
}

/** A mock whose caseload did not open, with `code` as the reason. */
function notOpened(code: "key_missing" | "database_damaged", options: ConstructorParameters<typeof MockApi>[0] = {}) {
  return new MockApi({
    ...options,
    status: {
      ready: false,
      dataDir: "/home/practice/.local/share/org.waymark.app",
      error: { code, message: `The caseload did not open (${code}).`, fields: [] },
    },
  });
}

/** The code as someone types it from the printed kit: lower case, spaces for hyphens. */
function typed(code: string): string {
  return code.toLowerCase().replaceAll("-", " ");
}

describe("backups screen", () => {
  it("refuses a folder inside the data folder, then saves a chosen one and backs up", async () => {
    const api = MockApi.signedIn();
    await seed(api, ZOE, JOSE);
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openBackups(user);
    expect(byId<HTMLButtonElement>("backup-now").disabled).toBe(true);
    expect(screen.getByTestId("backups-empty")).toBeTruthy();

    await user.type(byId("backupFolder"), "/home/practice/.local/share/org.waymark.app/backups");
    await user.click(byId("backup-save"));
    await waitFor(() => expect(byId("backupFolder-error").textContent).toContain("outside Waymark's data folder"));
    expect(api.backupSettings.folder).toBe("");

    api.nextChosenFolder = USB;
    await user.click(byId("backup-choose"));
    await waitFor(() => expect(byId<HTMLInputElement>("backupFolder").value).toBe(USB));
    await user.clear(byId("backupKeep"));
    await user.type(byId("backupKeep"), "0");
    await user.click(byId("backup-save"));
    await waitFor(() => expect(byId("backupKeep-error").textContent).toContain("between 1 and 365"));
    expect(api.backupSettings.folder).toBe("");

    await user.clear(byId("backupKeep"));
    await user.type(byId("backupKeep"), "7");
    // Moving the backups asks for the admin's passphrase again.
    await user.type(byId("backupPassphrase"), "not my passphrase");
    await user.click(byId("backup-save"));
    await screen.findByText(/That is not your passphrase/);
    expect(api.backupSettings.folder).toBe("");
    await user.type(byId("backupPassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("backup-save"));
    await screen.findByText("Backup settings saved.");
    expect(api.backupSettings).toEqual({ folder: USB, keep: 7, daily: true });
    expect(document.getElementById("backupPassphrase")).toBeNull();

    await user.click(byId("backup-now"));
    const made = await screen.findByTestId("backup-made");
    expect(made.textContent).toContain(USB);
    const [item] = await screen.findAllByTestId("backup-item");
    expect(within(item).getByText("Patients").nextElementSibling?.textContent).toBe("2");
    expect(screen.getByTestId("backup-status").textContent).toContain("Last good backup");
    expect(api.audit.map((a) => [a.action, a.entity])).toEqual(
      expect.arrayContaining([
        ["admin", "backup_settings"],
        ["export", "backup"],
      ]),
    );
  });

  it("shows a running backup's progress, keeps the app usable, and cancels it", async () => {
    const api = await practiceWithBackup();
    api.holdBackups = true;
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openBackups(user);
    await user.click(byId("backup-now"));
    const bar = await screen.findByTestId("backup-progress");
    await waitFor(() => expect(bar.textContent).toContain("40%"), { timeout: 3000 });
    expect(bar.textContent).toContain("Copying the caseload");
    // The rest of Waymark answers meanwhile.
    await expect(api.appStatus()).resolves.toMatchObject({ ready: true });
    await user.click(byId("backup-cancel"));
    await waitFor(() => expect(screen.queryByTestId("backup-progress")).toBeNull());
    expect(document.body.textContent).toContain("The backup was cancelled");
    expect(api.backups).toHaveLength(1);
    // And the next one runs through.
    api.holdBackups = false;
    await user.click(byId("backup-now"));
    await screen.findByTestId("backup-made");
    expect(api.backups).toHaveLength(2);
  });

  it("offers to remove this caseload's oldest backup when the drive is full", async () => {
    const api = await practiceWithBackup();
    await api.backupNow();
    const full = api.backupNow.bind(api);
    let fullOnce = true;
    api.backupNow = async () => {
      if (fullOnce) {
        fullOnce = false;
        throw { code: "backup_disk_full", message: "The drive that holds the backup folder is full.", fields: [] };
      }
      return full();
    };
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openBackups(user);
    await user.click(byId("backup-now"));
    await user.click(await screen.findByRole("button", { name: "Remove this caseload's oldest backup there" }));
    await screen.findByText(/^Removed /);
    expect(api.backups).toHaveLength(1);
    await user.click(byId("backup-now"));
    await screen.findByTestId("backup-made");
  });

  it("restores a checked backup after a wrong code changed nothing, and everyone signs in again", async () => {
    const api = await practiceWithBackup();
    const code = api.recoveryCode ?? "";
    const [jose] = await seed(api, JOSE);
    expect(api.patients.map((p) => p.id)).toContain(jose.id);
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openBackups(user);

    const [item] = await screen.findAllByTestId("backup-item");
    await user.click(within(item).getByRole("button", { name: "Restore this backup…" }));
    expect(byId<HTMLInputElement>("restoreDir").value).toBe(api.backups[0].summary.dir);
    await user.type(byId("restoreCode"), typed(makeRecoveryCode()));
    await user.click(byId("restore-check"));
    await waitFor(() => expect(byId("restoreCode-error").textContent).toContain("does not unlock"));
    expect(api.patients).toHaveLength(2);

    await user.clear(byId("restoreCode"));
    await user.type(byId("restoreCode"), typed(code));
    await user.click(byId("restore-check"));
    const checked = await screen.findByTestId("restore-checked");
    expect(within(checked).getByText("Patients").nextElementSibling?.textContent).toBe("1");
    expect(api.patients).toHaveLength(2);

    await user.click(byId("restore-confirm"));
    await screen.findByText(/That is not your passphrase/);
    expect(api.patients).toHaveLength(2);
    await user.type(byId("restorePassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("restore-confirm"));
    await screen.findByTestId("sign-in");
    expect(api.patients.map((p) => p.givenName)).toEqual(["Zoë"]);
    expect(api.sessionStaffId).toBeNull();
    expect(api.audit.at(-1)).toMatchObject({ action: "restore", entity: "caseload", staffId: null });
  });

  it("makes a new recovery code, shown once, and saves its kit", async () => {
    const api = MockApi.signedIn({ recoveryCode: makeRecoveryCode() });
    const old = api.recoveryCode;
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openBackups(user);
    await user.click(byId("recovery-renew"));
    await screen.findByText(/That is not your passphrase/);
    expect(api.recoveryCode).toBe(old);
    await user.type(byId("renewPassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("recovery-renew"));
    const shown = await screen.findByTestId("recovery-code");
    expect(shown.textContent).toBe(api.recoveryCode);
    expect(api.recoveryCode).not.toBe(old);

    api.nextSavePath = "/media/practice/USB/waymark-recovery-kit.pdf";
    await user.type(byId("kitPassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("save-recovery-kit"));
    expect((await screen.findByTestId("recovery-kit-saved")).textContent).toContain("waymark-recovery-kit.pdf");
    expect(api.saved).toEqual([{ path: "/media/practice/USB/waymark-recovery-kit.pdf", what: "recovery_kit" }]);

    await user.click(byId("recovery-saved"));
    await user.click(byId("recovery-renew-done"));
    await waitFor(() => expect(screen.queryByTestId("recovery-code")).toBeNull());
    expect(document.body.textContent).not.toContain(api.recoveryCode ?? "-");
  });

  it("reminds an admin, on every page but Backups, until a folder is chosen", async () => {
    const api = MockApi.signedIn();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await caseload();
    const reminder = await screen.findByTestId("backup-reminder");
    expect(reminder.textContent).toContain("No backup folder is chosen");
    await user.click(byId("reminder-backups"));
    await screen.findByRole("heading", { level: 1, name: "Backups" });
    expect(screen.queryByTestId("backup-reminder")).toBeNull();
    await user.type(byId("backupFolder"), USB);
    await user.type(byId("backupPassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("backup-save"));
    await screen.findByText("Backup settings saved.");
    await user.click(byId("nav-caseload"));
    await caseload();
    await waitFor(() => expect(screen.queryByTestId("backup-reminder")).toBeNull());
  });

  it("is not offered to a link worker, whose calls are refused", async () => {
    const api = MockApi.signedIn({}, TEST_LINK_WORKER);
    render(App, { props: { api } });
    await caseload();
    expect(document.getElementById("nav-backups")).toBeNull();
    expect(screen.queryByTestId("backup-reminder")).toBeNull();
    await expect(api.backupOverview()).rejects.toMatchObject({ code: "forbidden" });
    await expect(api.backupRestore("/x", makeRecoveryCode())).rejects.toMatchObject({ code: "forbidden" });
    await expect(api.recoveryCodeRenew("correct horse battery")).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("a new computer", () => {
  it("restores the practice's backup instead of setting up, then signs in", async () => {
    const old = await practiceWithBackup();
    const fresh = new MockApi({ backups: old.backups });
    const user = userEvent.setup();
    render(App, { props: { api: fresh } });
    await screen.findByTestId("setup");
    await user.click(byId("restore-instead"));
    await screen.findByRole("heading", { level: 1, name: "Restore the practice's caseload" });

    fresh.nextChosenFolder = old.backups[0].summary.dir;
    await user.click(byId("restore-choose"));
    await user.type(byId("restoreCode"), "not a code");
    await user.click(byId("restore-check"));
    await waitFor(() => expect(byId("restoreCode-error").textContent).toContain("32 letters and digits"));

    await user.clear(byId("restoreCode"));
    await user.type(byId("restoreCode"), typed(old.recoveryCode ?? ""));
    await user.click(byId("restore-check"));
    await screen.findByTestId("restore-checked");
    await user.click(byId("restore-confirm"));

    await screen.findByTestId("sign-in");
    await user.type(byId("username"), TEST_ADMIN.username);
    await user.type(byId("password"), TEST_ADMIN.passphrase);
    await user.click(byId("sign-in"));
    await caseload();
    expect((await screen.findAllByTestId("patient-row")).map((r) => r.textContent)).toEqual([
      expect.stringContaining("O'Brien"),
    ]);
  });

  it("refuses a damaged backup and keeps the setup screen", async () => {
    const old = await practiceWithBackup();
    old.backups[0].damaged = true;
    const fresh = new MockApi({ backups: old.backups });
    const user = userEvent.setup();
    render(App, { props: { api: fresh } });
    await screen.findByTestId("setup");
    await user.click(byId("restore-instead"));
    await user.type(byId("restoreDir"), old.backups[0].summary.dir);
    await user.type(byId("restoreCode"), old.recoveryCode ?? "");
    await user.click(byId("restore-check"));
    await waitFor(() => expect(byId("restoreDir-error").textContent).toContain("integrity check"));
    expect(screen.queryByTestId("restore-checked")).toBeNull();
    expect(fresh.staff).toHaveLength(0);
  });
});

describe("when the caseload does not open", () => {
  it("opens with the recovery code when the key is missing", async () => {
    const code = makeRecoveryCode();
    const api = notOpened("key_missing", { staff: [TEST_ADMIN], recoveryCode: code });
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("recover-with-code");
    await user.type(byId("recoveryCode"), typed(makeRecoveryCode()));
    await user.click(byId("recover-open"));
    await waitFor(() => expect(byId("recoveryCode-error").textContent).toContain("does not unlock"));
    expect(screen.getByTestId("open-error")).toBeTruthy();

    await user.clear(byId("recoveryCode"));
    await user.type(byId("recoveryCode"), typed(code));
    await user.click(byId("recover-open"));
    await screen.findByTestId("sign-in");
    expect(api.audit.at(-1)).toMatchObject({ action: "admin", entity: "recovery_code_used" });
  });

  it("offers a restore when the caseload file is damaged", async () => {
    const old = await practiceWithBackup();
    const api = notOpened("database_damaged", { backups: old.backups });
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("open-error");
    expect(screen.queryByTestId("recover-with-code")).toBeNull();
    await user.type(byId("restoreDir"), old.backups[0].summary.dir);
    await user.type(byId("restoreCode"), old.recoveryCode ?? "");
    await user.click(byId("restore-check"));
    await user.click(await screen.findByRole("button", { name: "Restore this backup" }));
    await screen.findByTestId("sign-in");
    expect(api.patients).toHaveLength(1);
  });
});

describe("setup's logo", () => {
  it("sends the chosen PNG, previews it, and refuses another kind of file", async () => {
    const api = new MockApi();
    // The file dialog's "All files" lets any file through `accept`.
    const user = userEvent.setup({ applyAccept: false });
    render(App, { props: { api } });
    await screen.findByTestId("setup");
    await fillSetup(user);

    const gif = new File([new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, ...new Array(30).fill(0)])], "logo.gif", { type: "image/gif" });
    await user.upload(byId<HTMLInputElement>("practiceLogo"), gif);
    expect(screen.queryByTestId("logo-preview")).toBeNull();
    await user.click(byId("complete-setup"));
    await waitFor(() => expect(byId("practiceLogo-error").textContent).toContain("PNG"));
    expect(api.staff).toHaveLength(0);

    const bytes = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
    await user.upload(byId<HTMLInputElement>("practiceLogo"), new File([new Uint8Array(bytes)], "logo.png", { type: "image/png" }));
    expect((await screen.findByTestId("logo-preview")).getAttribute("src")).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    await user.click(byId("complete-setup"));
    await screen.findByTestId("recovery-code");
    expect(api.practice?.logoPng).toEqual(bytes);
  });
});

describe("setup's recovery kit", () => {
  it("saves the kit for the code just shown", async () => {
    const api = new MockApi();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("setup");
    await fillSetup(user);
    await user.click(byId("complete-setup"));
    await screen.findByTestId("recovery-code");
    await user.type(byId("kitPassphrase"), "correct horse battery");
    await user.click(byId("save-recovery-kit"));
    await screen.findByTestId("recovery-kit-saved");
    expect(api.saved.map((s) => s.what)).toEqual(["recovery_kit"]);
    expect(api.calls.find((c) => c.command === "recovery_kit_save")?.args).toEqual({ code: "…" });
  });
});

describe("audit export", () => {
  it("saves every matching entry, not just the page shown, and records the export", async () => {
    const api = MockApi.signedIn();
    const [zoe] = await seed(api, ZOE);
    for (let i = 0; i < 120; i++) await api.patientGet(zoe.id);
    const user = userEvent.setup();
    render(App, { props: { api } });
    await caseload();
    await user.click(byId("nav-audit"));
    await screen.findAllByTestId("audit-row");
    api.nextSavePath = "/home/practice/Documents/waymark-audit.csv";
    await user.click(byId("audit-export"));
    const notice = await screen.findByText(/^Saved \d+ entries to/);
    const rows = api.saved[0].rows ?? 0;
    expect(rows).toBeGreaterThan(120);
    expect(notice.textContent).toBe(`Saved ${rows} entries to /home/practice/Documents/waymark-audit.csv`);
    expect(api.audit.at(-1)).toMatchObject({ action: "export", entity: "audit_log" });

    api.nextSavePath = null;
    const before = api.audit.length;
    await user.click(byId("audit-export"));
    await waitFor(() => expect(api.calls.filter((c) => c.command === "audit_export")).toHaveLength(2));
    expect(api.audit.length).toBe(before);
  });
});
