import { describe, expect, it } from "vitest";
import { checkNhsNumber, fold, isValidNhsNumber, MockApi } from "./mock";
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
    const api = new MockApi({ today });
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
    const api = new MockApi({ today });
    const input = { ...emptyPatientInput(), givenName: "A", familyName: "B", dateOfBirth: "2027-01-01", nhsNumber: "9995260183" };
    const e = await rejection(api.patientCreate(input));
    expect(e.fields.map((f) => f.field)).toEqual(["dateOfBirth", "nhsNumber"]);
  });

  it("stores NHS numbers as digits and shows them 3-3-4, dating consent", async () => {
    const api = new MockApi({ today });
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
    const api = new MockApi({ today });
    await api.patientCreate({ ...emptyPatientInput(), givenName: "Zoë", familyName: "O'Brien", dateOfBirth: "1987-03-14", nhsNumber: "9995260182" });
    await api.patientCreate({ ...emptyPatientInput(), givenName: "José", familyName: "Muñoz García", dateOfBirth: "1963-09-17" });
    const names = async (text: string) =>
      (await api.patientList({ text, includeArchived: false, limit: 50, offset: 0 })).items.map((i) => i.givenName);
    expect(await names("zoe obrien")).toEqual(["Zoë"]);
    expect(await names("garcia")).toEqual(["José"]);
    expect(await names("999 526")).toEqual(["Zoë"]);
    expect(await names("17/09/1963")).toEqual(["José"]);
    expect(await names("")).toEqual(["José", "Zoë"]);
    expect(fold("<script>alert(1)</script>")).toBe("script alert 1 script");
  });

  it("needs a closure reason to close a referral", async () => {
    const api = new MockApi({ today });
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
