import { describe, expect, it } from "vitest";
import { checkNhsNumber, fold, isValidNhsNumber, MockApi, TEST_ADMIN, TEST_LINK_WORKER } from "./mock";
import { emptyPatientInput } from "../lib/forms";
import type { ApiError } from "./bindings/ApiError";

describe("NHS number check (Modulus 11)", () => {
  it.each(["9434765919", "9995260182", "999 628 1949"])("accepts %j", (n) => {
    expect(isValidNhsNumber(n)).toBe(true);
  });

  it.each(["9995260183", "9995559790", "999555979", "99952601A2", ""])("rejects %j", (n) => {
    expect(isValidNhsNumber(n)).toBe(false);
  });

  it("explains each kind of problem as the backend does", () => {
    expect(checkNhsNumber("")).toEqual({ ok: false, message: "Enter the NHS number." });
    expect(checkNhsNumber("99952601A2")).toEqual({
      ok: false,
      message: "An NHS number has only digits (spaces are allowed between groups).",
    });
    expect(checkNhsNumber("999555979")).toEqual({ ok: false, message: "An NHS number has 10 digits; this has 9." });
    // 9995559790: the check value works out as 10, which no NHS number may have.
    expect(checkNhsNumber("9995559790")).toMatchObject({ ok: false, message: expect.stringContaining("check digit") });
    expect(checkNhsNumber("999 628 1949")).toEqual({ ok: true, digits: "9996281949" });
  });
});

describe("MockApi validation", () => {
  const today = "2026-11-24";

  async function rejection(p: Promise<unknown>): Promise<ApiError> {
    try {
      await p;
    } catch (e) {
      return e as ApiError;
    }
    throw new Error("expected the call to fail");
  }

  it("reports every missing required field and stores nothing", async () => {
    const api = MockApi.signedIn({ today });
    const e = await rejection(api.patientCreate(emptyPatientInput()));
    expect(e.code).toBe("validation");
    expect(e.message).toBe("Please correct the highlighted fields.");
    expect(e.fields).toEqual([
      { field: "givenName", message: "Enter the given name." },
      { field: "familyName", message: "Enter the family name." },
      { field: "dateOfBirth", message: "Enter the date of birth." },
    ]);
    expect(api.patients).toHaveLength(0);
  });

  it("refuses a future date of birth and a bad NHS number", async () => {
    const api = MockApi.signedIn({ today });
    const input = { ...emptyPatientInput(), givenName: "A", familyName: "B", dateOfBirth: "2027-01-01", nhsNumber: "9995260183" };
    const e = await rejection(api.patientCreate(input));
    expect(e.fields.map((f) => f.field)).toEqual(["dateOfBirth", "nhsNumber"]);
  });

  it("stores NHS numbers as digits and shows them 3-3-4, dating consent", async () => {
    const api = MockApi.signedIn({ today });
    const p = await api.patientCreate({
      ...emptyPatientInput(),
      givenName: " Zoë ",
      familyName: "O'Brien",
      dateOfBirth: "1987-03-14",
      nhsNumber: "999 526 0182",
      consentStore: true,
    });
    expect(p.givenName).toBe("Zoë");
    expect(p.nhsNumber).toBe("9995260182");
    expect(p.nhsNumberDisplay).toBe("999 526 0182");
    expect(p.consentStoreDate).toBe(today);
    expect(p.consentShareDate).toBeNull();
  });

  it("searches folded names, NHS number prefixes and dates of birth", async () => {
    const api = MockApi.signedIn({ today });
    await api.patientCreate({ ...emptyPatientInput(), givenName: "Zoë", familyName: "O'Brien", dateOfBirth: "1987-03-14", nhsNumber: "9995260182" });
    await api.patientCreate({ ...emptyPatientInput(), givenName: "José", familyName: "Muñoz García", dateOfBirth: "1963-09-17" });
    const names = async (text: string) =>
      (await api.patientList({ text, includeArchived: false, episode: null, overdue: false, noContactWeeks: null, measuresDue: false, limit: 50, offset: 0 })).items.map((i) => i.givenName);
    expect(await names("zoe obrien")).toEqual(["Zoë"]);
    expect(await names("garcia")).toEqual(["José"]);
    expect(await names("999 526")).toEqual(["Zoë"]);
    expect(await names("17/09/1963")).toEqual(["José"]);
    expect(await names("")).toEqual(["José", "Zoë"]);
    expect(fold("<script>alert(1)</script>")).toBe("script alert 1 script");
  });

  it("needs a closure reason to close a referral", async () => {
    const api = MockApi.signedIn({ today });
    const p = await api.patientCreate({ ...emptyPatientInput(), givenName: "A", familyName: "B", dateOfBirth: "1990-01-01" });
    const noReasons = await rejection(
      api.referralCreate(p.id, { receivedDate: today, referrerName: "", referrerRole: "", referrerOrganisation: "", source: "gp", reasons: [], conditions: "" }),
    );
    expect(noReasons.fields).toEqual([{ field: "reasons", message: "Choose at least one reason for the referral." }]);
    const r = await api.referralCreate(p.id, {
      receivedDate: today,
      referrerName: "",
      referrerRole: "",
      referrerOrganisation: "",
      source: "gp",
      reasons: ["diet", "loneliness"],
      conditions: "",
    });
    expect(r.reasons).toEqual(["loneliness", "diet"]);
    const e = await rejection(api.referralSetStatus(r.id, "closed", "  "));
    expect(e.fields).toEqual([{ field: "closureReason", message: "Say why the referral is being closed." }]);
    const closed = await api.referralSetStatus(r.id, "closed", "Goals met");
    expect(closed).toMatchObject({ status: "closed", closureReason: "Goals met", closedDate: today });
    const reopened = await api.referralSetStatus(r.id, "active", "ignored");
    expect(reopened).toMatchObject({ status: "active", closureReason: null, closedDate: null });
  });
});

describe("MockApi sessions", () => {
  it("needs setup first, then a signed-in, unlocked session", async () => {
    const api = new MockApi();
    expect(await api.appStatus()).toMatchObject({ ready: true, setupNeeded: true, session: null });
    await expect(api.patientList({ text: "", includeArchived: false, episode: null, overdue: false, noContactWeeks: null, measuresDue: false, limit: 50, offset: 0 })).rejects.toMatchObject({
      code: "not_signed_in",
    });
    const { session, recoveryCode } = await api.setupComplete({
      practice: { name: "Hollinsford Surgery", address: "", phone: "", email: "", country: "uk", logoPng: null },
      adminName: "Amara Okafor",
      adminUsername: "amara",
      passphrase: "correct horse battery",
    });
    expect(recoveryCode).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    expect(session).toMatchObject({ locked: false, idleMinutes: 5, staff: { role: "admin", username: "amara" } });
    expect(await api.appStatus()).toMatchObject({ setupNeeded: false, session: { locked: false } });
    await api.lock();
    await expect(api.patientGet(1)).rejects.toMatchObject({ code: "locked" });
    await expect(api.unlock("wrong passphrase")).rejects.toMatchObject({ code: "sign_in_failed" });
    await api.unlock("correct horse battery");
    await expect(api.setupComplete({
      practice: { name: "Again", address: "", phone: "", email: "", country: "uk", logoPng: null },
      adminName: "B",
      adminUsername: "bbb",
      passphrase: "correct horse battery",
    })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("locks an account after five failed sign-ins and keeps admin calls for admins", async () => {
    const api = new MockApi({ staff: [TEST_ADMIN, TEST_LINK_WORKER] });
    for (let i = 0; i < 5; i++) {
      await expect(api.signIn("AMARA", "nope nope nope")).rejects.toMatchObject({ code: "sign_in_failed" });
    }
    await expect(api.signIn("amara", TEST_ADMIN.passphrase)).rejects.toMatchObject({ code: "sign_in_locked" });
    await api.signIn("Tomas", TEST_LINK_WORKER.passphrase);
    await expect(api.staffList()).rejects.toMatchObject({ code: "forbidden" });
    await expect(api.auditList({ staffId: null, patientId: null, from: "", to: "", limit: 100, offset: 0 })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(api.audit.filter((a) => a.action === "sign_in_failed")).toHaveLength(6);
  });
});
