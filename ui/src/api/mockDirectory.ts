// The community directory half of the in-memory backend (see mock.ts): services, their
// filters, and reading an Open Referral HSDS 3.0 page, with the backend's rules
// (crates/domain/src/directory.rs, crates/domain/src/hsds.rs, crates/store/src/directory.rs).
import type { ApiError } from "./bindings/ApiError";
import type { CostBand } from "./bindings/CostBand";
import type { DirectoryFacets } from "./bindings/DirectoryFacets";
import type { Service } from "./bindings/Service";
import type { ServiceInput } from "./bindings/ServiceInput";
import type { ServicePage } from "./bindings/ServicePage";
import type { ServiceQuery } from "./bindings/ServiceQuery";
import type { ServiceStatus } from "./bindings/ServiceStatus";
import type { Weekday } from "./bindings/Weekday";
// mock.ts imports this module too: only functions and classes are used from it, and only
// when a method runs, so the cycle is harmless.
import { addMonths } from "../lib/format";
import { Errors, fold, isRealDate, optionalEmail, optionalPhone, optionalText, pastDate, requiredText } from "./mock";

/** Most services one page may hold (crates/store/src/patients.rs `MAX_PAGE`). */
const MAX_PAGE = 500;
/** Most services one file may hold (crates/domain/src/hsds.rs). */
export const MAX_SERVICES = 20_000;
/** Most a session may cost to count as low cost. */
export const LOW_COST_MAX = 5;
export const STALE_AFTER_MONTHS = 12;

export const WEEKDAYS: Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/** The fields of a service after every rule has passed (`ServiceFields`). */
type ServiceFields = Omit<Service, "id" | "hsdsId" | "status" | "stale" | "source" | "delisted" | "feedTerms">;

// ---------------------------------------------------------------------------------------
// Rules from crates/domain/src/directory.rs

/** `iso` minus `months`, clamping the day to the month's end (chrono's `checked_sub_months`). */
export function subMonths(iso: string, months: number): string {
  return addMonths(iso, -months);
}

/** True when the service was never verified, or not within the last 12 months. */
export function isStale(lastVerified: string | null, today: string): boolean {
  return lastVerified === null || lastVerified <= subMonths(today, STALE_AFTER_MONTHS);
}

/** The band of a service from its cost options' amounts and its fees text. */
export function costBandFromAmounts(amounts: number[], fees: string | null): CostBand {
  const saysFree = fees !== null && fees.trimStart().toLowerCase().startsWith("free");
  const ok = amounts.filter((a) => Number.isFinite(a) && a >= 0);
  if (saysFree) return "free";
  if (ok.length === 0) return "unknown";
  const cheapest = Math.min(...ok);
  if (cheapest === 0) return "free";
  return cheapest <= LOW_COST_MAX ? "low" : "paid";
}

/** The days named by an RFC 5545 BYDAY list such as `MO,WE` or `1SA,3SA`. */
export function parseByday(byday: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const part of byday.split(",").map((p) => p.trim())) {
    if (part === "") continue;
    const code = part.replace(/^[0-9+-]+/, "").replace(/[a-z]/g, (c) => c.toUpperCase()) as Weekday;
    if (!WEEKDAYS.includes(code)) throw `${debug(part)} is not a day of the week`;
    days.add(code);
  }
  return sortDays([...days]);
}

function sortDays(days: Weekday[]): Weekday[] {
  return WEEKDAYS.filter((d) => days.includes(d));
}

/** Rust's `{:?}` of a string, near enough. */
function debug(s: string): string {
  return JSON.stringify(s);
}

/** Normalises a language list: lower-case, trimmed, unique, in the order given. */
export function parseLanguages(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;]/).map((p) => p.trim())) {
    if (part === "") continue;
    const ok = [...part].length <= 40 && /^[\p{Alphabetic}\p{N} ()-]+$/u.test(part);
    if (!ok) throw `${debug(part)} is not a language name or code`;
    const l = part.toLowerCase();
    if (!out.includes(l)) out.push(l);
  }
  return out;
}

function optionalUrl(e: Errors, value: string): string | null {
  const url = optionalText(e, "url", "Web page", value, 500);
  if (url === null) return null;
  const lower = url.toLowerCase();
  const rest = lower.startsWith("https://") ? lower.slice(8) : lower.startsWith("http://") ? lower.slice(7) : null;
  if (rest === null || rest === "" || /\s/.test(url)) {
    e.push("url", "Enter a web address starting https://, e.g. https://example.org.");
    return null;
  }
  return url;
}

/** Checks a service as `ServiceInput::validate` does; throws a `validation` ApiError. */
export function validateService(input: ServiceInput, today: string): ServiceFields {
  const e = new Errors();
  const name = requiredText(e, "name", "Name", input.name, 200);
  const t = (field: string, label: string, value: string, max: number, lines: boolean) =>
    optionalText(e, field, label, value, max, lines);
  const organization = t("organization", "Organisation", input.organization, 200, false);
  const description = t("description", "Description", input.description, 4000, true);
  const category = t("category", "Category", input.category, 100, false);
  const whenText = t("whenText", "When it runs", input.whenText, 500, true);
  const locationName = t("locationName", "Place", input.locationName, 200, false);
  const address = t("address", "Address", input.address, 500, true);
  const feesDescription = t("feesDescription", "Cost", input.feesDescription, 1000, true);
  const discountDescription = t("discountDescription", "Discount", input.discountDescription, 1000, true);
  const eligibility = t("eligibility", "Who it is for", input.eligibility, 1000, true);
  const accessibility = t("accessibility", "Accessibility", input.accessibility, 1000, true);
  const applicationProcess = t("applicationProcess", "How to join", input.applicationProcess, 1000, true);
  const phone = optionalPhone(e, "phone", input.phone);
  const email = optionalEmail(e, "email", input.email);
  const url = optionalUrl(e, input.url);
  let languages: string[] = [];
  try {
    languages = parseLanguages(input.languages);
  } catch (m) {
    e.push("languages", `Languages: ${String(m)}. Separate them with commas.`);
  }
  const lastVerified =
    input.lastVerified.trim() === ""
      ? null
      : pastDate(e, "lastVerified", "Date last verified", input.lastVerified, today);
  e.throwIfAny();
  return {
    name,
    organization,
    description,
    category,
    whenText,
    days: sortDays(input.days ?? []),
    locationName,
    address,
    feesDescription,
    discountDescription,
    costBand: input.costBand ?? "unknown",
    eligibility,
    phone,
    email,
    url,
    accessibility,
    languages,
    applicationProcess,
    joinMethod: input.joinMethod ?? "signpost",
    lastVerified,
  };
}

// ---------------------------------------------------------------------------------------
// Reading an HSDS 3.0 page, as crates/domain/src/hsds.rs

/** One service read from the file, ready to validate and store. */
export interface ImportedService {
  hsdsId: string;
  organizationHsdsId: string | null;
  status: ServiceStatus;
  input: ServiceInput;
}

/** Why a file cannot be imported (the text the backend puts inside its message). */
export class HsdsError extends Error {}

type Json = unknown;

/** `v[key]` as serde_json's `Value::get` sees it: only objects have keys. */
function get(v: Json, key: string): Json | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  return Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, Json>)[key] : undefined;
}

/** A string field: absent or null is `null`, anything but a string is an error. */
function text(v: Json, key: string): string | null {
  const x = get(v, key);
  if (x === undefined || x === null) return null;
  if (typeof x === "string") return x.trim() === "" ? null : x.trim();
  throw `"${key}" is not text`;
}

/** A list field: absent or null is empty, anything but a list is an error. */
function list(v: Json, key: string): Json[] {
  const x = get(v, key);
  if (x === undefined || x === null) return [];
  if (Array.isArray(x)) return x;
  throw `"${key}" is not a list`;
}

/** Reads every service in an HSDS 3.0 page; throws an `HsdsError` naming the first problem. */
export function parsePage(fileText: string, today: string): ImportedService[] {
  let root: Json;
  try {
    root = JSON.parse(fileText);
  } catch (e) {
    throw new HsdsError(`The file is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const contents = get(root, "contents");
  if (!Array.isArray(contents)) {
    throw new HsdsError(
      'The file is not an Open Referral HSDS 3.0 page: it has no "contents" list of services.',
    );
  }
  if (contents.length > MAX_SERVICES) {
    throw new HsdsError(
      `The file lists ${contents.length} services; at most ${MAX_SERVICES} can be imported at once.`,
    );
  }
  const seen = new Set<string>();
  const out: ImportedService[] = [];
  contents.forEach((s, i) => {
    let service: ImportedService;
    try {
      service = readService(s, today);
    } catch (m) {
      const raw = get(s, "name");
      const name = typeof raw === "string" ? raw : "";
      const which = name === "" ? `Service ${i + 1}` : `Service ${i + 1} (\u201c${name}\u201d)`;
      throw new HsdsError(`${which}: ${String(m)}`);
    }
    if (seen.has(service.hsdsId)) {
      throw new HsdsError(`Service ${i + 1}: the id ${service.hsdsId} appears twice in the file.`);
    }
    seen.add(service.hsdsId);
    out.push(service);
  });
  return out;
}

// Problems inside one service are thrown as plain strings and given their place by parsePage.
function readService(s: Json, today: string): ImportedService {
  if (s === null || typeof s !== "object" || Array.isArray(s)) throw "is not an object";
  const hsdsId = text(s, "id");
  if (hsdsId === null) throw '"id" is missing';
  const name = text(s, "name");
  if (name === null) throw '"name" is missing';
  const statusText = text(s, "status");
  let status: ServiceStatus;
  if (statusText === null || statusText === "active") status = "active";
  else if (["inactive", "defunct", "temporarily closed"].includes(statusText)) status = "inactive";
  else throw `"status" ${debug(statusText)} is not an HSDS status`;

  const orgValue = get(s, "organization");
  const org = orgValue === undefined || orgValue === null ? undefined : orgValue;
  const organization = org === undefined ? null : text(org, "name");
  const orgId = org === undefined ? null : text(org, "id");
  const topOrgId = text(s, "organization_id");
  const organizationHsdsId = orgId ?? topOrgId;

  const phones = list(s, "phones");
  const phone = phones.length > 0 ? text(phones[0], "number") : null;
  const amounts: number[] = [];
  for (const c of list(s, "cost_options")) {
    const a = get(c, "amount");
    if (a === undefined || a === null) continue;
    if (typeof a !== "number") throw 'a cost option\'s "amount" is not a number';
    amounts.push(a);
  }
  const fees = text(s, "fees_description");
  const costBand = costBandFromAmounts(amounts, fees);
  const languages: string[] = [];
  for (const l of list(s, "languages")) {
    const code = text(l, "code");
    const lname = text(l, "name");
    const chosen = code ?? lname;
    if (chosen !== null) languages.push(chosen);
  }
  let category: string | null = null;
  const term = list(s, "attributes")
    .map((a) => get(a, "taxonomy_term"))
    .find((x) => x !== undefined);
  if (term !== undefined) {
    const termName = text(term, "name");
    const termCode = text(term, "code");
    category = termName ?? termCode;
  }
  const days: Weekday[] = [];
  const when: string[] = [];
  for (const sch of list(s, "schedules")) {
    const byday = text(sch, "byday");
    if (byday !== null) {
      try {
        days.push(...parseByday(byday));
      } catch (m) {
        throw `schedule: ${String(m)}`;
      }
    }
    let described = text(sch, "description");
    if (described === null) {
      const quiet = (key: string) => {
        try {
          return text(sch, key);
        } catch {
          return null;
        }
      };
      const open = quiet("opens_at");
      const close = open === null ? null : quiet("closes_at");
      if (open !== null && close !== null) described = `${open} to ${close}`;
    }
    if (described !== null) when.push(described);
  }
  let locationName: string | null = null;
  let address: string | null = null;
  const accessibility: string[] = [];
  const sals = list(s, "service_at_locations");
  if (sals.length > 0) {
    const loc = get(sals[0], "location");
    if (loc === undefined) throw 'a service_at_location has no "location"';
    locationName = text(loc, "name");
    const addresses = list(loc, "addresses");
    if (addresses.length > 0) {
      const line = ["address_1", "city", "postal_code"]
        .map((k) => text(addresses[0], k))
        .filter((p): p is string => p !== null);
      address = line.length > 0 ? line.join(", ") : null;
    }
    for (const a of list(loc, "accessibility")) {
      const d = text(a, "description");
      if (d !== null) accessibility.push(d);
    }
  }
  const lastVerified = text(s, "assured_date") ?? "";
  if (lastVerified !== "" && !isRealDate(lastVerified)) {
    throw `"assured_date" ${debug(lastVerified)} is not a date (year-month-day)`;
  }
  const description = text(s, "description");
  const eligibility = text(s, "eligibility_description");
  const email = text(s, "email");
  const url = text(s, "url");
  const applicationProcess = text(s, "application_process");
  const input: ServiceInput = {
    name,
    organization: organization ?? "",
    description: description ?? "",
    category: category ?? "",
    whenText: when.join("; "),
    days,
    locationName: locationName ?? "",
    address: address ?? "",
    feesDescription: fees ?? "",
    discountDescription: "",
    costBand,
    eligibility: eligibility ?? "",
    phone: phone ?? "",
    email: email ?? "",
    url: url ?? "",
    accessibility: accessibility.join(", "),
    languages: languages.join(", "),
    applicationProcess: applicationProcess ?? "",
    joinMethod: "signpost",
    lastVerified,
  };
  try {
    validateService(input, today);
  } catch (e) {
    const first = (e as ApiError).fields?.[0]?.message;
    throw first ?? "is not valid";
  }
  return { hsdsId, organizationHsdsId, status, input };
}

// ---------------------------------------------------------------------------------------
// The store, as crates/store/src/directory.rs

interface Organization {
  id: number;
  hsdsId: string | null;
  name: string;
}

const EXAMPLE_FILE = "../../../src-tauri/data/example-directory.hsds.json";
let exampleText: string | null = null;

/** The example directory the app ships (src-tauri/data/example-directory.hsds.json), read
 * from disk: the mock only runs under vitest, in Node, and vite refuses a `?raw` import
 * from outside ui/ (its `server.fs.allow`). */
export function exampleDirectory(): string {
  if (exampleText === null) {
    type Fs = { readFileSync(path: string, encoding: "utf8"): string };
    type Url = { fileURLToPath(url: string): string };
    const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const fs = node?.getBuiltinModule?.("node:fs") as Fs | undefined;
    const url = node?.getBuiltinModule?.("node:url") as Url | undefined;
    if (!fs || !url) throw apiError("internal", "The example directory can only be read when the mock runs in Node.");
    // Node's own URL handling: under jsdom the global `URL` is jsdom's, which Node's fs refuses.
    const path = url.fileURLToPath(import.meta.url.replace(/[^/]*$/, "") + EXAMPLE_FILE);
    exampleText = fs.readFileSync(path, "utf8");
  }
  return exampleText;
}

function apiError(code: ApiError["code"], message: string): ApiError {
  return { code, message, fields: [] };
}

function notFound(id: number): ApiError {
  return apiError("not_found", `No service with id ${id} was found.`);
}

/** SQLite's `COLLATE NOCASE`: only ASCII letters fold. */
function nocase(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function sameFields(a: ServiceFields, b: ServiceFields): boolean {
  return JSON.stringify(fieldsOf(a)) === JSON.stringify(fieldsOf(b));
}

function fieldsOf(s: ServiceFields): ServiceFields {
  return {
    name: s.name,
    organization: s.organization,
    description: s.description,
    category: s.category,
    whenText: s.whenText,
    days: s.days,
    locationName: s.locationName,
    address: s.address,
    feesDescription: s.feesDescription,
    discountDescription: s.discountDescription,
    costBand: s.costBand,
    eligibility: s.eligibility,
    phone: s.phone,
    email: s.email,
    url: s.url,
    accessibility: s.accessibility,
    languages: s.languages,
    applicationProcess: s.applicationProcess,
    joinMethod: s.joinMethod,
    lastVerified: s.lastVerified,
  };
}

/** What the mock's import found, by kind. */
export type MockImportCounts = {
  new: number;
  changed: number;
  unchanged: number;
  newNames: string[];
  changedNames: string[];
};

export class MockDirectory {
  /** Every service, in the order they were added (mock.ts reads these for prescriptions). */
  services: Service[] = [];
  private organizations: Organization[] = [];
  /** Each service's organisation id (a service shows its organisation's current name). */
  private serviceOrg = new Map<number, number | null>();
  private nextId = 1;
  private nextOrgId = 1;

  constructor(private today: string) {}

  list(query: ServiceQuery): ServicePage {
    const terms = fold(query.text).split(" ").filter((w) => w !== "");
    const accessTerms = fold(query.accessibility).split(" ").filter((w) => w !== "");
    const cutoff = subMonths(this.today, STALE_AFTER_MONTHS);
    const language = query.language ? `,${query.language.toLowerCase()},` : null;
    const found = this.services.filter((s) => {
      if (!query.includeInactive && s.status !== "active") return false;
      if (terms.length > 0) {
        const hay =
          " " + fold([s.name, s.organization, s.description, s.category].filter((x) => x !== null).join(" "));
        if (!terms.every((t) => hay.includes(` ${t}`))) return false;
      }
      if (query.category && s.category !== query.category) return false;
      if (query.cost === "free" && s.costBand !== "free") return false;
      if (query.cost === "free_or_low" && s.costBand !== "free" && s.costBand !== "low") return false;
      if (query.day && !s.days.includes(query.day)) return false;
      if (language !== null) {
        const stored = `,${s.languages.join(",")},`;
        if (s.languages.length === 0 || !stored.includes(language)) return false;
      }
      if (accessTerms.length > 0) {
        // As the store's access_search column: the accessibility text folded.
        const access = fold(s.accessibility ?? "");
        if (!accessTerms.every((t) => access.includes(t))) return false;
      }
      if (query.staleOnly && !(s.lastVerified === null || s.lastVerified <= cutoff)) return false;
      return true;
    });
    found.sort((a, b) => {
      const x = nocase(a.name);
      const y = nocase(b.name);
      return x < y ? -1 : x > y ? 1 : a.id - b.id;
    });
    const limit = Math.min(Math.max(Math.floor(query.limit), 1), MAX_PAGE);
    const offset = Math.max(Math.floor(query.offset), 0);
    return { items: found.slice(offset, offset + limit).map((s) => this.read(s)), total: found.length };
  }

  get(id: number): Service {
    return this.read(this.find(id));
  }

  create(input: ServiceInput): Service {
    const f = validateService(input, this.today);
    const id = this.insert(null, f, "active", null);
    return this.get(id);
  }

  update(id: number, input: ServiceInput): Service {
    const f = validateService(input, this.today);
    const s = this.find(id);
    this.writeFields(s, f, this.organizationByName(f.organization));
    return this.get(id);
  }

  /** Retires a service (it can no longer be prescribed) or brings it back. */
  setStatus(id: number, status: ServiceStatus): Service {
    this.find(id).status = status;
    return this.get(id);
  }

  /** The categories and languages in use, for the directory's filters. */
  facets(): DirectoryFacets {
    const categories = new Set<string>();
    const languages = new Set<string>();
    for (const s of this.services) {
      if (s.category !== null) categories.add(s.category);
      for (const l of s.languages) if (l.trim() !== "") languages.add(l.trim());
    }
    const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return {
      categories: [...categories].sort(byCode),
      languages: [...languages].sort(byCode),
      // The app sends the domain's list; the mock's tests need only a few of them.
      suggestedCategories: ["Food and nutrition", "Money and debt", "Physical activity"],
      uncategorised: "Uncategorised",
    };
  }

  /** What importing an HSDS page's text would do (`apply` false) or did (`apply` true).
   * Simpler than the app, which skips and adjusts services one by one: here a file with
   * any bad service throws an `import_invalid` ApiError. */
  importText(fileText: string, apply = true, source: string | null = "Directory file"): MockImportCounts {
    let services: ImportedService[];
    try {
      services = parsePage(fileText, this.today);
    } catch (e) {
      if (!(e instanceof HsdsError)) throw e;
      throw apiError("import_invalid", `This file cannot be imported: ${e.message} Nothing has been changed.`);
    }
    const report: MockImportCounts = { new: 0, changed: 0, unchanged: 0, newNames: [], changedNames: [] };
    for (const s of services) {
      const f = validateService(s.input, this.today);
      const existing = this.services.find((x) => x.hsdsId === s.hsdsId);
      const same = existing !== undefined && sameFields(existing, f) && existing.status === s.status;
      if (existing === undefined) {
        report.new += 1;
        report.newNames.push(f.name);
      } else if (same) {
        report.unchanged += 1;
      } else {
        report.changed += 1;
        report.changedNames.push(f.name);
      }
      if (!apply || same) continue;
      let org: number | null;
      if (s.organizationHsdsId !== null && f.organization !== null) {
        org = this.upsertOrganization(s.organizationHsdsId, f.organization);
      } else if (s.organizationHsdsId === null) {
        org = this.organizationByName(f.organization);
      } else {
        org = null;
      }
      if (existing === undefined) {
        const id = this.insert(s.hsdsId, f, s.status, org);
        this.find(id).source = source;
      } else {
        this.writeFields(existing, f, org);
        existing.status = s.status;
      }
    }
    return report;
  }

  /** Imports the example directory shipped with the app. */
  loadExample(): MockImportCounts {
    return this.importText(exampleDirectory());
  }

  private find(id: number): Service {
    const s = this.services.find((x) => x.id === id);
    if (!s) throw notFound(id);
    return s;
  }

  private read(s: Service): Service {
    return { ...s, days: [...s.days], languages: [...s.languages], stale: isStale(s.lastVerified, this.today) };
  }

  private insert(hsdsId: string | null, f: ServiceFields, status: ServiceStatus, org: number | null): number {
    const orgId = org ?? this.organizationByName(f.organization);
    const s: Service = {
      ...f,
      id: this.nextId++,
      hsdsId,
      status,
      stale: isStale(f.lastVerified, this.today),
      source: null,
      delisted: false,
      feedTerms: [],
    };
    this.services.push(s);
    this.writeFields(s, f, orgId);
    return s.id;
  }

  private writeFields(s: Service, f: ServiceFields, org: number | null) {
    Object.assign(s, fieldsOf(f), { days: [...f.days], languages: [...f.languages] });
    s.stale = isStale(s.lastVerified, this.today);
    this.serviceOrg.set(s.id, org);
    s.organization = org === null ? null : (this.organizations.find((o) => o.id === org)?.name ?? null);
  }

  /** The organisation with this name (ASCII case ignored, as SQLite's NOCASE), created when there is none. */
  private organizationByName(name: string | null): number | null {
    if (name === null) return null;
    const found = this.organizations.find((o) => nocase(o.name) === nocase(name));
    if (found) return found.id;
    const o = { id: this.nextOrgId++, hsdsId: null, name };
    this.organizations.push(o);
    return o.id;
  }

  private upsertOrganization(hsdsId: string, name: string): number {
    let o = this.organizations.find((x) => x.hsdsId === hsdsId);
    if (o === undefined) {
      o = { id: this.nextOrgId++, hsdsId, name };
      this.organizations.push(o);
    } else if (o.name !== name) {
      o.name = name;
      for (const s of this.services) if (this.serviceOrg.get(s.id) === o.id) s.organization = name;
    }
    return o.id;
  }
}
