import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const { tauriApi, toApiError, watchSession } = await import("./index");

describe("tauriApi", () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it("calls each command with camelCase arguments", async () => {
    invoke.mockResolvedValue([]);
    await tauriApi.referralList(7);
    expect(invoke).toHaveBeenLastCalledWith("referral_list", { patientId: 7 });
    await tauriApi.referralSetStatus(3, "closed", "Moved away");
    expect(invoke).toHaveBeenLastCalledWith("referral_set_status", {
      id: 3,
      status: "closed",
      closureReason: "Moved away",
      outcome: null,
    });
    await tauriApi.referralSetStatus(3, "closed", "Moved away", "moved_away");
    expect(invoke).toHaveBeenLastCalledWith("referral_set_status", {
      id: 3,
      status: "closed",
      closureReason: "Moved away",
      outcome: "moved_away",
    });
    await tauriApi.patientList({ text: "zo", includeArchived: false, episode: null, overdue: false, noContactWeeks: null, measuresDue: false, limit: 50, offset: 0 });
    expect(invoke).toHaveBeenLastCalledWith("patient_list", {
      query: { text: "zo", includeArchived: false, episode: null, overdue: false, noContactWeeks: null, measuresDue: false, limit: 50, offset: 0 },
    });
    await tauriApi.appStatus();
    expect(invoke).toHaveBeenLastCalledWith("app_status", undefined);
    await tauriApi.signIn("amara", "correct horse battery");
    expect(invoke).toHaveBeenLastCalledWith("sign_in", { username: "amara", passphrase: "correct horse battery" });
    await tauriApi.unlock("correct horse battery");
    expect(invoke).toHaveBeenLastCalledWith("unlock", { passphrase: "correct horse battery" });
    await tauriApi.lock();
    expect(invoke).toHaveBeenLastCalledWith("lock", {});
    await tauriApi.signOut();
    expect(invoke).toHaveBeenLastCalledWith("sign_out", {});
    await tauriApi.staffList();
    expect(invoke).toHaveBeenLastCalledWith("staff_list", {});
    const staff = { displayName: "Priya Shah", username: "p.shah", role: "link_worker" as const, passphrase: "purple kettle meadow" };
    await tauriApi.staffCreate(staff);
    expect(invoke).toHaveBeenLastCalledWith("staff_create", { input: staff });
    await tauriApi.staffSetActive(4, false);
    expect(invoke).toHaveBeenLastCalledWith("staff_set_active", { id: 4, active: false });
    await tauriApi.staffResetPassphrase(4, "new lantern orange", "my own passphrase");
    expect(invoke).toHaveBeenLastCalledWith("staff_reset_passphrase", {
      id: 4,
      passphrase: "new lantern orange",
      adminPassphrase: "my own passphrase",
    });
    await tauriApi.settingsSetIdleMinutes(10);
    expect(invoke).toHaveBeenLastCalledWith("settings_set_idle_minutes", { minutes: 10 });
    const query = { staffId: null, patientId: 3, from: "2026-01-01", to: "", limit: 100, offset: 0 };
    await tauriApi.auditList(query);
    expect(invoke).toHaveBeenLastCalledWith("audit_list", { query });
    const setup = {
      practice: { name: "Hollinsford Surgery", address: "", phone: "", email: "", country: "uk" as const, logoPng: null },
      adminName: "Amara Okafor",
      adminUsername: "amara",
      passphrase: "correct horse battery",
    };
    await tauriApi.setupComplete(setup);
    expect(invoke).toHaveBeenLastCalledWith("setup_complete", { input: setup });
    await tauriApi.auditExport(query);
    expect(invoke).toHaveBeenLastCalledWith("audit_export", { query });
    const settings = { folder: "/media/usb", keep: 14, daily: true };
    await tauriApi.backupSettingsSet(settings);
    expect(invoke).toHaveBeenLastCalledWith("backup_settings_set", { settings, passphrase: null });
    await tauriApi.backupSettingsSet(settings, "my own passphrase");
    expect(invoke).toHaveBeenLastCalledWith("backup_settings_set", { settings, passphrase: "my own passphrase" });
    await tauriApi.backupInspect("/media/usb/b1", "AAAA-BBBB");
    expect(invoke).toHaveBeenLastCalledWith("backup_inspect", { dir: "/media/usb/b1", code: "AAAA-BBBB" });
    await tauriApi.backupRestore("/media/usb/b1", "AAAA-BBBB", "my own passphrase");
    expect(invoke).toHaveBeenLastCalledWith("backup_restore", {
      dir: "/media/usb/b1",
      code: "AAAA-BBBB",
      passphrase: "my own passphrase",
    });
    await tauriApi.recoverWithCode("AAAA-BBBB");
    expect(invoke).toHaveBeenLastCalledWith("recover_with_code", { code: "AAAA-BBBB" });
    await tauriApi.recoveryKitSave("AAAA-BBBB", "my own passphrase");
    expect(invoke).toHaveBeenLastCalledWith("recovery_kit_save", { code: "AAAA-BBBB", passphrase: "my own passphrase" });
    await tauriApi.chooseFolder("Pick");
    expect(invoke).toHaveBeenLastCalledWith("choose_folder", { title: "Pick" });
    await tauriApi.settingsSetFollowUpWeeks(8);
    expect(invoke).toHaveBeenLastCalledWith("settings_set_follow_up_weeks", { weeks: 8 });
    const measure = { instrument: "ucla3" as const, timepoint: "baseline" as const, recordedDate: "2026-11-24", answers: [1, 2, null] };
    await tauriApi.outcomeRecord(5, measure);
    expect(invoke).toHaveBeenLastCalledWith("outcome_record", { patientId: 5, input: measure });
    await tauriApi.reportPeriod("2026-10-01", "2026-10-31");
    expect(invoke).toHaveBeenLastCalledWith("report_period", { from: "2026-10-01", to: "2026-10-31" });
    await tauriApi.reportExport("2026-10-01", "2026-10-31", "barriers");
    expect(invoke).toHaveBeenLastCalledWith("report_export", { from: "2026-10-01", to: "2026-10-31", table: "barriers" });
  });

  it("rethrows backend errors as they are", async () => {
    const err = { code: "validation", message: "Please correct the highlighted fields.", fields: [{ field: "givenName", message: "Enter the given name." }] };
    invoke.mockRejectedValue(err);
    await expect(tauriApi.patientGet(1)).rejects.toEqual(err);
  });

  it("wraps anything else as an internal error", async () => {
    invoke.mockRejectedValue("IPC exploded");
    await expect(tauriApi.patientGet(1)).rejects.toEqual({ code: "internal", message: "IPC exploded", fields: [] });
    expect(toApiError({ code: 1 })).toEqual({ code: "internal", message: "[object Object]", fields: [] });
  });
});

describe("watchSession", () => {
  it("reports session errors and still passes every result on", async () => {
    const onSessionError = vi.fn();
    const api = watchSession(tauriApi, onSessionError);
    invoke.mockRejectedValueOnce({ code: "locked", message: "Locked.", fields: [] });
    await expect(api.patientGet(1)).rejects.toMatchObject({ code: "locked" });
    await Promise.resolve();
    expect(onSessionError).toHaveBeenCalledTimes(1);
    invoke.mockRejectedValueOnce({ code: "not_found", message: "No.", fields: [] });
    await expect(api.patientGet(1)).rejects.toMatchObject({ code: "not_found" });
    invoke.mockResolvedValueOnce({ id: 1 });
    await expect(api.patientGet(1)).resolves.toEqual({ id: 1 });
    await Promise.resolve();
    expect(onSessionError).toHaveBeenCalledTimes(1);
  });
});
