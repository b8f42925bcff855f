import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const { tauriApi, toApiError } = await import("./index");

describe("tauriApi", () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it("calls each command with camelCase arguments", async () => {
    invoke.mockResolvedValue([]);
    await tauriApi.referralList(7);
    expect(invoke).toHaveBeenLastCalledWith("referral_list", { patientId: 7 });
    await tauriApi.referralSetStatus(3, "closed", "Moved away");
    expect(invoke).toHaveBeenLastCalledWith("referral_set_status", { id: 3, status: "closed", closureReason: "Moved away" });
    await tauriApi.patientList({ text: "zo", includeArchived: false, limit: 50, offset: 0 });
    expect(invoke).toHaveBeenLastCalledWith("patient_list", {
      query: { text: "zo", includeArchived: false, limit: 50, offset: 0 },
    });
    await tauriApi.appStatus();
    expect(invoke).toHaveBeenLastCalledWith("app_status", undefined);
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
