/// <reference types="node" />
// Backups, restore, the recovery code and the audit export, against the real commands
// (see test/host.ts). Backups go to a real temporary folder standing in for the
// practice's USB drive; a restore uses a real backup that an earlier caseload in the
// same test made, with the recovery code that caseload was given.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { ApiError } from "./api/bindings/ApiError";
import { JOSE, ZOE, seed } from "./test/fixtures";
import { byId, type User } from "./test/dom";
import { TEST_ADMIN, TEST_LINK_WORKER, freshApp, signedIn, tempFolder, type TestApi } from "./test/host";

/** For tests that open the recovery code's wrapped key several times: each opening is a
 * deliberately slow key derivation (Argon2, 46 MiB), slower still in the debug host. */
const SLOW = 15_000;

async function caseload() {
  return screen.findByRole("heading", { level: 1, name: "Caseload" });
}

async function openBackups(user: User) {
  await caseload();
  await user.click(byId("nav-backups"));
  await screen.findByRole("heading", { level: 1, name: "Backups" });
  // The page is ready once the backend's overview has come.
  await screen.findByTestId("backup-status");
}

interface Backed {
  api: TestApi;
  /** The practice's recovery code, as setup showed it. */
  code: string;
  /** The backup folder (the "USB drive"). */
  usb: string;
  /** The one backup in it. */
  backup: string;
}

/** A practice with Zoë, signed in as its admin, backed up to a USB drive. */
async function practiceWithBackup(): Promise<Backed> {
  const api = await signedIn();
  await seed(api, ZOE);
  const usb = tempFolder();
  await api.backupSettingsSet({ folder: usb, keep: 14, daily: true }, TEST_ADMIN.passphrase);
  const made = await api.backupNow();
  api.calls.length = 0;
  return { api, code: api.recoveryCode, usb, backup: made.dir };
}

/** How many backups the caseload's backup folder holds, as the Backups page lists them. */
async function backupsInFolder(api: TestApi): Promise<number> {
  return (await api.backupOverview()).backups.length;
}

/** Fills in the first-run setup form, correctly, without submitting it. */
async function fillSetup(user: User) {
  await user.type(byId("practiceName"), "Hollinsford Surgery");
  await user.type(byId("adminName"), "Amara Okafor");
  await user.type(byId("adminUsername"), "amara");
  await user.type(byId("passphrase"), "correct horse battery");
  await user.type(byId("passphraseConfirm"), "correct horse battery");
}

/** The code as someone types it from the printed kit: lower case, spaces for hyphens. */
function typed(code: string): string {
  return code.toLowerCase().replaceAll("-", " ");
}

/** A well-formed recovery code that is not `code` (its first letter changed). */
function anotherCode(code: string): string {
  return (code[0] === "7" ? "8" : "7") + code.slice(1);
}

/** Signs in through the sign-in screen. */
async function signInAs(user: User, who: { username: string; passphrase: string }) {
  await screen.findByTestId("sign-in");
  await user.type(byId("username"), who.username);
  await user.type(byId("password"), who.passphrase);
  await user.click(byId("sign-in"));
  await caseload();
}

describe("backups screen", () => {
  it("refuses a folder inside the data folder, then saves a chosen one and backs up", async () => {
    const api = await signedIn();
    await seed(api, ZOE, JOSE);
    const inside = join(await api.dataDir(), "backups");
    mkdirSync(inside);
    const usb = tempFolder();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openBackups(user);
    expect(byId<HTMLButtonElement>("backup-now").disabled).toBe(true);
    expect(screen.getByTestId("backups-empty")).toBeTruthy();

    await user.type(byId("backupFolder"), inside);
    await user.click(byId("backup-save"));
    await waitFor(() => expect(byId("backupFolder-error").textContent).toContain("outside Waymark's data folder"));
    expect((await api.backupOverview()).settings.folder).toBe("");

    await api.desk({ pickFolder: usb });
    await user.click(byId("backup-choose"));
    await waitFor(() => expect(byId<HTMLInputElement>("backupFolder").value).toBe(usb));
    expect((await api.deskLog()).asked).toContain("folder: Choose where Waymark keeps its backups");
    await user.clear(byId("backupKeep"));
    await user.type(byId("backupKeep"), "0");
    await user.click(byId("backup-save"));
    await waitFor(() => expect(byId("backupKeep-error").textContent).toContain("between 1 and 365"));
    expect((await api.backupOverview()).settings.folder).toBe("");

    await user.clear(byId("backupKeep"));
    await user.type(byId("backupKeep"), "7");
    // Moving the backups asks for the admin's passphrase again.
    await user.type(byId("backupPassphrase"), "not my passphrase");
    await user.click(byId("backup-save"));
    await screen.findByText(/That is not your passphrase/);
    expect((await api.backupOverview()).settings.folder).toBe("");
    await user.type(byId("backupPassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("backup-save"));
    await screen.findByText("Backup settings saved.");
    expect((await api.backupOverview()).settings).toEqual({ folder: usb, keep: 7, daily: true });
    expect(document.getElementById("backupPassphrase")).toBeNull();

    await user.click(byId("backup-now"));
    const made = await screen.findByTestId("backup-made");
    expect(made.textContent).toContain(usb);
    const [item] = await screen.findAllByTestId("backup-item");
    expect(within(item).getByText("Patients").nextElementSibling?.textContent).toBe("2");
    expect(screen.getByTestId("backup-status").textContent).toContain("Last good backup");
    // The backup is on the drive: a folder with the copy, its manifest and the wrapped key.
    const [backup] = (await api.backupOverview()).backups;
    expect(basename(backup.dir)).toMatch(/^waymark-backup-/);
    for (const file of ["waymark.db", "manifest.json", "waymark.recovery", "waymark.keycheck"]) {
      expect(existsSync(join(backup.dir, file))).toBe(true);
    }
    expect((await api.allAudit()).map((a) => [a.action, a.entity])).toEqual(
      expect.arrayContaining([
        ["admin", "backup_settings"],
        ["export", "backup"],
      ]),
    );
  });

  it("shows a running backup's progress, keeps the app usable, and cancels it", async () => {
    const { api } = await practiceWithBackup();
    // Stub: a real backup of this small caseload is over in milliseconds, so Back up now
    // is held mid-way (as on a slow USB drive) to see the progress and the cancel
    // button; cancelling ends it the way the backend does (`backup_cancelled`).
    let stop: (e: ApiError) => void = () => {};
    const held = vi.spyOn(api, "backupNow").mockImplementation(
      () =>
        new Promise((_, reject) => {
          stop = reject;
        }),
    );
    vi.spyOn(api, "backupProgress").mockResolvedValue({ stage: "copying", fraction: 0.4 });
    const realCancel = api.backupCancel;
    vi.spyOn(api, "backupCancel").mockImplementation(async () => {
      await realCancel();
      stop({ code: "backup_cancelled", message: "The backup was cancelled. Nothing was left in the backup folder.", fields: [] });
      return null;
    });
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
    expect(await backupsInFolder(api)).toBe(1);
    // And the next one runs through, for real.
    held.mockRestore();
    await user.click(byId("backup-now"));
    await screen.findByTestId("backup-made");
    expect(await backupsInFolder(api)).toBe(2);
  });

  it("offers to remove this caseload's oldest backup when the drive is full", async () => {
    const { api, usb, backup: oldest } = await practiceWithBackup();
    await api.backupNow();
    // Stub: a full drive cannot be made on demand; the next backup fails as the backend
    // reports one (store Error::BackupDiskFull), and the ones after run for real.
    vi.spyOn(api, "backupNow").mockRejectedValueOnce({
      code: "backup_disk_full",
      message: `The drive that holds the backup folder ${usb} is full, so no backup was made. 1 older backup(s) of this caseload there could be removed to make room; nothing else in the folder would be touched.`,
      fields: [],
    });
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openBackups(user);
    await user.click(byId("backup-now"));
    await user.click(await screen.findByRole("button", { name: "Remove this caseload's oldest backup there" }));
    await screen.findByText(`Removed ${oldest}.`);
    expect(existsSync(oldest)).toBe(false);
    expect(await backupsInFolder(api)).toBe(1);
    await user.click(byId("backup-now"));
    await screen.findByTestId("backup-made");
    expect(await backupsInFolder(api)).toBe(2);
  });

  it("restores a checked backup after a wrong code changed nothing, and everyone signs in again", async () => {
    const { api, code, backup } = await practiceWithBackup();
    const [jose] = await seed(api, JOSE);
    expect((await api.allPatients()).map((p) => p.id)).toContain(jose.id);
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openBackups(user);

    const [item] = await screen.findAllByTestId("backup-item");
    await user.click(within(item).getByRole("button", { name: "Restore this backup…" }));
    expect(byId<HTMLInputElement>("restoreDir").value).toBe(backup);
    await user.type(byId("restoreCode"), typed(anotherCode(code)));
    await user.click(byId("restore-check"));
    await waitFor(() => expect(byId("restoreCode-error").textContent).toContain("does not unlock"));
    expect(await api.allPatients()).toHaveLength(2);

    await user.clear(byId("restoreCode"));
    await user.type(byId("restoreCode"), typed(code));
    await user.click(byId("restore-check"));
    const checked = await screen.findByTestId("restore-checked");
    expect(within(checked).getByText("Patients").nextElementSibling?.textContent).toBe("1");
    expect(await api.allPatients()).toHaveLength(2);

    await user.click(byId("restore-confirm"));
    await screen.findByText(/That is not your passphrase/);
    expect(await api.allPatients()).toHaveLength(2);
    await user.type(byId("restorePassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("restore-confirm"));
    await screen.findByTestId("sign-in");
    expect((await api.appStatus()).session).toBeNull();

    await signInAs(user, TEST_ADMIN);
    expect((await api.allPatients()).map((p) => p.givenName)).toEqual(["Zoë"]);
    const audit = await api.allAudit();
    // The restore is recorded by nobody (the recovery code did it), before the sign-in.
    const restored = audit.findIndex((a) => a.action === "restore");
    expect(audit[restored]).toMatchObject({ action: "restore", entity: "caseload", staffId: null });
    expect(audit.findIndex((a) => a.action === "sign_in")).toBeLessThan(restored);
    // The caseload it replaced is kept aside in the data folder, not deleted.
    const data = (await api.backupOverview()).dataDir;
    expect(readdirSync(data).some((n) => n.startsWith("before-restore-"))).toBe(true);
  }, SLOW);

  it("makes a new recovery code, shown once, and saves its kit", async () => {
    const api = await signedIn();
    const old = api.recoveryCode;
    const desk = tempFolder();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await openBackups(user);
    await user.click(byId("recovery-renew"));
    await screen.findByText(/That is not your passphrase/);
    // Nothing changed: the old code still unlocks the caseload (the kit's check of the
    // code comes before its dialog, which the desk cancels).
    await expect(api.recoveryKitSave(old, TEST_ADMIN.passphrase)).resolves.toBeNull();
    await user.type(byId("renewPassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("recovery-renew"));
    const shown = await screen.findByTestId("recovery-code");
    const code = shown.textContent ?? "";
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    expect(code).not.toBe(old);
    await expect(api.recoveryKitSave(old, TEST_ADMIN.passphrase)).rejects.toMatchObject({ code: "recovery_code_wrong" });

    const kit = join(desk, "waymark-recovery-kit.pdf");
    await api.desk({ saveTo: kit });
    await user.type(byId("kitPassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("save-recovery-kit"));
    expect((await screen.findByTestId("recovery-kit-saved")).textContent).toContain(kit);
    expect(readFileSync(kit).subarray(0, 5).toString()).toBe("%PDF-");
    expect((await api.deskLog()).asked.at(-1)).toBe("save: Save the recovery kit (waymark-recovery-kit.pdf)");
    expect((await api.allAudit()).map((a) => [a.action, a.entity])).toEqual(
      expect.arrayContaining([["admin", "recovery_kit"]]),
    );

    await user.click(byId("recovery-saved"));
    await user.click(byId("recovery-renew-done"));
    await waitFor(() => expect(screen.queryByTestId("recovery-code")).toBeNull());
    expect(document.body.textContent).not.toContain(code);
  }, SLOW);

  it("reminds an admin, on every page but Backups, until a folder is chosen", async () => {
    const api = await signedIn();
    const usb = tempFolder();
    const user = userEvent.setup();
    render(App, { props: { api } });
    await caseload();
    const reminder = await screen.findByTestId("backup-reminder");
    expect(reminder.textContent).toContain("No backup folder is chosen");
    await user.click(byId("reminder-backups"));
    await screen.findByRole("heading", { level: 1, name: "Backups" });
    await screen.findByTestId("backup-status");
    expect(screen.queryByTestId("backup-reminder")).toBeNull();
    await user.type(byId("backupFolder"), usb);
    await user.type(byId("backupPassphrase"), TEST_ADMIN.passphrase);
    await user.click(byId("backup-save"));
    await screen.findByText("Backup settings saved.");
    await user.click(byId("nav-caseload"));
    await caseload();
    await waitFor(() => expect(screen.queryByTestId("backup-reminder")).toBeNull());
  });

  it("is not offered to a link worker, whose calls are refused", async () => {
    const api = await signedIn({ as: TEST_LINK_WORKER });
    render(App, { props: { api } });
    await caseload();
    expect(document.getElementById("nav-backups")).toBeNull();
    expect(screen.queryByTestId("backup-reminder")).toBeNull();
    await expect(api.backupOverview()).rejects.toMatchObject({ code: "forbidden" });
    await expect(api.backupRestore("/x", api.recoveryCode)).rejects.toMatchObject({ code: "forbidden" });
    await expect(api.recoveryCodeRenew(TEST_LINK_WORKER.passphrase)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("a new computer", () => {
  it("restores the practice's backup instead of setting up, then signs in", async () => {
    const old = await practiceWithBackup();
    const fresh = await freshApp();
    const user = userEvent.setup();
    render(App, { props: { api: fresh } });
    await screen.findByTestId("setup");
    await user.click(byId("restore-instead"));
    await screen.findByRole("heading", { level: 1, name: "Restore the practice's caseload" });

    await fresh.desk({ pickFolder: old.backup });
    await user.click(byId("restore-choose"));
    await waitFor(() => expect(byId<HTMLInputElement>("restoreDir").value).toBe(old.backup));
    await user.type(byId("restoreCode"), "not a code");
    await user.click(byId("restore-check"));
    await waitFor(() => expect(byId("restoreCode-error").textContent).toContain("32 letters and digits"));

    await user.clear(byId("restoreCode"));
    await user.type(byId("restoreCode"), typed(old.code));
    await user.click(byId("restore-check"));
    await screen.findByTestId("restore-checked");
    await user.click(byId("restore-confirm"));

    await signInAs(user, TEST_ADMIN);
    expect((await screen.findAllByTestId("patient-row")).map((r) => r.textContent)).toEqual([
      expect.stringContaining("O'Brien"),
    ]);
  }, SLOW);

  it("refuses a damaged backup and keeps the setup screen", async () => {
    const old = await practiceWithBackup();
    // A few bytes of the copy changed on the drive.
    const copy = join(old.backup, "waymark.db");
    const bytes = readFileSync(copy);
    bytes.fill(0, 4096, 4160);
    writeFileSync(copy, bytes);
    const fresh = await freshApp();
    const user = userEvent.setup();
    render(App, { props: { api: fresh } });
    await screen.findByTestId("setup");
    await user.click(byId("restore-instead"));
    await user.type(byId("restoreDir"), old.backup);
    await user.type(byId("restoreCode"), old.code);
    await user.click(byId("restore-check"));
    await waitFor(() => expect(byId("restoreDir-error").textContent).toContain("changed or cut short"));
    expect(byId("restoreDir-error").textContent).toContain("damaged or incomplete");
    expect(screen.queryByTestId("restore-checked")).toBeNull();
    expect(await fresh.appStatus()).toMatchObject({ ready: true, setupNeeded: true });
  });
});

describe("when the caseload does not open", () => {
  it("opens with the recovery code when the key is missing", async () => {
    // The practice's caseload files, taken from its backup, on a computer whose
    // credential store has never held their key.
    const old = await practiceWithBackup();
    const api = await freshApp({ files: { "waymark.db": "the caseload, written below" } });
    const data = await api.dataDir();
    for (const file of ["waymark.db", "waymark.recovery", "waymark.keycheck"]) {
      copyFileSync(join(old.backup, file), join(data, file));
    }
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("recover-with-code");
    expect(screen.getByTestId("open-error").dataset.code).toBe("key_missing");
    await user.type(byId("recoveryCode"), typed(anotherCode(old.code)));
    await user.click(byId("recover-open"));
    await waitFor(() => expect(byId("recoveryCode-error").textContent).toContain("does not unlock"));
    expect(screen.getByTestId("open-error")).toBeTruthy();

    await user.clear(byId("recoveryCode"));
    await user.type(byId("recoveryCode"), typed(old.code));
    await user.click(byId("recover-open"));
    await signInAs(user, TEST_ADMIN);
    const audit = await api.allAudit();
    expect(audit.find((a) => a.entity === "recovery_code_used")).toMatchObject({ action: "admin", staffId: null });
  }, SLOW);

  it("offers a restore when the caseload file is missing", async () => {
    const old = await practiceWithBackup();
    // The key check of a caseload used before, without the caseload file beside it.
    const api = await freshApp({ files: { "waymark.keycheck": "left from the lost caseload" } });
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("open-error");
    expect(screen.getByTestId("open-error").dataset.code).toBe("database_missing");
    expect(screen.queryByTestId("recover-with-code")).toBeNull();
    await user.type(byId("restoreDir"), old.backup);
    await user.type(byId("restoreCode"), old.code);
    await user.click(byId("restore-check"));
    await user.click(await screen.findByRole("button", { name: "Restore this backup" }));
    await signInAs(user, TEST_ADMIN);
    expect(await api.allPatients()).toHaveLength(1);
  }, SLOW);
});

describe("setup's logo", () => {
  it("sends the chosen PNG, previews it, and refuses another kind of file", async () => {
    const api = await freshApp();
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
    expect(await api.appStatus()).toMatchObject({ setupNeeded: true });

    const bytes = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
    await user.upload(byId<HTMLInputElement>("practiceLogo"), new File([new Uint8Array(bytes)], "logo.png", { type: "image/png" }));
    expect((await screen.findByTestId("logo-preview")).getAttribute("src")).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    await user.click(byId("complete-setup"));
    await screen.findByTestId("recovery-code");
    expect(await api.appStatus()).toMatchObject({ setupNeeded: false });
    const setups = api.calls.filter((c) => c.command === "setup_complete");
    expect((setups.at(-1)?.args as { input: { practice: { logoPng: number[] } } }).input.practice.logoPng).toEqual(bytes);
  });
});

describe("setup's recovery kit", () => {
  it("saves the kit for the code just shown", async () => {
    const api = await freshApp();
    const desk = tempFolder();
    const kit = join(desk, "waymark-recovery-kit.pdf");
    await api.desk({ saveTo: kit });
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("setup");
    await fillSetup(user);
    await user.click(byId("complete-setup"));
    const code = (await screen.findByTestId("recovery-code")).textContent;
    await user.type(byId("kitPassphrase"), "correct horse battery");
    await user.click(byId("save-recovery-kit"));
    expect((await screen.findByTestId("recovery-kit-saved")).textContent).toContain(kit);
    expect(readFileSync(kit).subarray(0, 5).toString()).toBe("%PDF-");
    expect(api.calls.find((c) => c.command === "recovery_kit_save")?.args).toEqual({
      code,
      passphrase: "correct horse battery",
    });
  });
});

describe("audit export", () => {
  it("saves every matching entry, not just the page shown, and records the export", async () => {
    const api = await signedIn();
    const [zoe] = await seed(api, ZOE);
    for (let i = 0; i < 120; i++) await api.patientGet(zoe.id);
    const csv = join(tempFolder(), "waymark-audit.csv");
    const user = userEvent.setup();
    render(App, { props: { api } });
    await caseload();
    await user.click(byId("nav-audit"));
    await screen.findAllByTestId("audit-row");
    await api.desk({ saveTo: csv });
    await user.click(byId("audit-export"));
    const notice = await screen.findByText(/^Saved \d+ entries to/);
    const lines = readFileSync(csv, "utf8").trim().split(/\r?\n/);
    const rows = lines.length - 1;
    expect(lines[0]).toBe("time_utc,staff_id,staff_name,action,record_type,record_id,patient_id");
    expect(rows).toBeGreaterThan(120);
    expect(lines.filter((l) => l.includes(",view,patient,"))).toHaveLength(120);
    expect(notice.textContent).toBe(`Saved ${rows} entries to ${csv}`);
    expect((await api.allAudit())[0]).toMatchObject({ action: "export", entity: "audit_log" });

    await api.desk({ saveTo: null });
    const before = (await api.allAudit()).length;
    await user.click(byId("audit-export"));
    await waitFor(() => expect(api.calls.filter((c) => c.command === "audit_export")).toHaveLength(2));
    expect((await api.allAudit()).length).toBe(before);
  });
});
