// Plain words for the community directory's enums, and its form's shape.
import type { CostBand } from "../api/bindings/CostBand";
import type { CostFilter } from "../api/bindings/CostFilter";
import type { ImportPreview } from "../api/bindings/ImportPreview";
import type { JoinMethod } from "../api/bindings/JoinMethod";
import type { Service } from "../api/bindings/Service";
import type { ServiceInput } from "../api/bindings/ServiceInput";
import type { ServiceQuery } from "../api/bindings/ServiceQuery";
import type { Weekday } from "../api/bindings/Weekday";

export const WEEKDAY_LABELS: Record<Weekday, string> = {
  MO: "Monday",
  TU: "Tuesday",
  WE: "Wednesday",
  TH: "Thursday",
  FR: "Friday",
  SA: "Saturday",
  SU: "Sunday",
};

export const WEEKDAYS = Object.keys(WEEKDAY_LABELS) as Weekday[];

/** The cost band as the form offers it. */
export const COST_BAND_LABELS: Record<CostBand, string> = {
  free: "Free",
  low: "Low cost (up to £5 or $5)",
  paid: "Paid",
  unknown: "Not known",
};

/** The cost band as a result line shows it. */
export const COST_BAND_SHORT: Record<CostBand, string> = {
  free: "Free",
  low: "Low cost",
  paid: "Paid",
  unknown: "Cost not known",
};

export const COST_FILTER_LABELS: Record<CostFilter, string> = {
  free: "Free",
  free_or_low: "Free or low cost",
};

export const JOIN_METHOD_LABELS: Record<JoinMethod, string> = {
  signpost: "Signpost",
  direct_referral: "Direct referral",
};

export const JOIN_METHOD_HINTS: Record<JoinMethod, string> = {
  signpost: "the patient contacts the service themselves",
  direct_referral: "the link worker refers them",
};

/** The service form's labels, keyed by input id (`service-` and the ServiceInput key). */
export const SERVICE_FIELD_LABELS: Record<keyof ServiceInput, string> = {
  name: "Name",
  organization: "Organisation",
  description: "Description",
  category: "Category",
  whenText: "When it runs",
  days: "Days",
  locationName: "Place",
  address: "Address",
  feesDescription: "Cost",
  discountDescription: "Discount",
  costBand: "Cost band",
  eligibility: "Who it is for",
  phone: "Phone",
  email: "Email",
  url: "Web page",
  accessibility: "Accessibility",
  languages: "Languages",
  applicationProcess: "How to join",
  joinMethod: "Join method",
  lastVerified: "Date last verified",
};

/** The form's input id for a ServiceInput key. */
export function serviceFieldId(key: string): string {
  return `service-${key}`;
}

let displayNames: Intl.DisplayNames | null | undefined;

/** A language code as words ("pl" → "Polish"); anything unknown is shown as stored. */
export function languageName(code: string): string {
  if (displayNames === undefined) {
    try {
      displayNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });
    } catch {
      displayNames = null;
    }
  }
  try {
    return displayNames?.of(code) ?? code;
  } catch {
    // Not a language code ("British Sign Language"): it is already words.
    return code;
  }
}

/** Days as words: "Tuesday, Thursday". */
export function daysText(days: Weekday[]): string {
  return days.map((d) => WEEKDAY_LABELS[d]).join(", ");
}

/** How a directory arrived, as the preview names it. */
export const SHAPE_LABELS: Record<string, string> = {
  page: "an Open Referral page",
  list: "a list of services",
  single: "a single service",
  package: "a data package",
};

function services(n: number): string {
  return `${n} ${n === 1 ? "service" : "services"}`;
}

/** "29 new, 0 changed, 0 unchanged, 1 skipped, 0 no longer listed." */
export function previewCountsText(p: ImportPreview): string {
  return `${p.new} new, ${p.changed} changed, ${p.unchanged} unchanged, ${p.skipped.length} skipped, ${p.delisted} no longer listed.`;
}

/** What an import did: "Imported 29 services from Directory file: 29 new, …". */
export function importDoneText(p: ImportPreview): string {
  const read = p.new + p.changed + p.unchanged;
  return `Imported ${services(read)} from ${p.sourceLabel}: ${previewCountsText(p)}`;
}

/** A directory query with no filters: active services, first page. */
export function emptyServiceQuery(limit: number): ServiceQuery {
  return {
    text: "",
    category: null,
    cost: null,
    day: null,
    language: null,
    accessibility: "",
    includeInactive: false,
    staleOnly: false,
    limit,
    offset: 0,
  };
}

export function emptyServiceInput(): ServiceInput {
  return {
    name: "",
    organization: "",
    description: "",
    category: "",
    whenText: "",
    days: [],
    locationName: "",
    address: "",
    feesDescription: "",
    discountDescription: "",
    costBand: "unknown",
    eligibility: "",
    phone: "",
    email: "",
    url: "",
    accessibility: "",
    languages: "",
    applicationProcess: "",
    joinMethod: "signpost",
    lastVerified: "",
  };
}

export function serviceToInput(s: Service): ServiceInput {
  return {
    name: s.name,
    organization: s.organization ?? "",
    description: s.description ?? "",
    category: s.category ?? "",
    whenText: s.whenText ?? "",
    days: [...s.days],
    locationName: s.locationName ?? "",
    address: s.address ?? "",
    feesDescription: s.feesDescription ?? "",
    discountDescription: s.discountDescription ?? "",
    costBand: s.costBand,
    eligibility: s.eligibility ?? "",
    phone: s.phone ?? "",
    email: s.email ?? "",
    url: s.url ?? "",
    accessibility: s.accessibility ?? "",
    languages: s.languages.join(", "),
    applicationProcess: s.applicationProcess ?? "",
    joinMethod: s.joinMethod,
    lastVerified: s.lastVerified ?? "",
  };
}

/** A web address that is safe to offer as a link: http or https only. */
export function isWebAddress(url: string): boolean {
  return /^https?:\/\/\S+$/i.test(url);
}
