// The Reports screen's periods and the rows each of its tables shows, in plain words.
import type { Count } from "../api/bindings/Count";
import type { PeriodReport } from "../api/bindings/PeriodReport";
import type { ReportTable } from "../api/bindings/ReportTable";
import { addDays, addMonths } from "./format";
import { BARRIER_LABELS, ITEM_STATUS_LABELS, REFERRAL_REASON_LABELS, REFERRAL_SOURCE_LABELS } from "./labels";

export type Preset =
  | "last_30_days"
  | "this_month"
  | "last_month"
  | "this_quarter"
  | "last_quarter"
  | "this_year"
  | "last_12_months"
  | "custom";

export const PRESET_LABELS: Record<Preset, string> = {
  last_30_days: "Last 30 days",
  this_month: "This month",
  last_month: "Last month",
  this_quarter: "This quarter",
  last_quarter: "Last quarter",
  this_year: "This year",
  last_12_months: "Last 12 months",
  custom: "Custom",
};

export const DEFAULT_PRESET: Exclude<Preset, "custom"> = "last_12_months";

export type Period = { from: string; to: string };

/** The first day of the month `months` after `today`'s. */
function monthStart(today: string, months: number): string {
  return addMonths(`${today.slice(0, 7)}-01`, months);
}

/** The period a preset names, counted back from `today` (inclusive at both ends); a
 * period still running ends today. `custom` keeps whatever dates were typed. */
export function presetPeriod(preset: Exclude<Preset, "custom">, today: string): Period {
  const quarterStart = monthStart(today, -((Number(today.slice(5, 7)) - 1) % 3));
  switch (preset) {
    case "last_30_days":
      return { from: addDays(today, -29), to: today };
    case "this_month":
      return { from: monthStart(today, 0), to: today };
    case "last_month":
      return { from: monthStart(today, -1), to: addDays(monthStart(today, 0), -1) };
    case "this_quarter":
      return { from: quarterStart, to: today };
    case "last_quarter":
      return { from: addMonths(quarterStart, -3), to: addDays(quarterStart, -1) };
    case "this_year":
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
    case "last_12_months":
      return { from: addDays(addMonths(today, -12), 1), to: today };
  }
}

/** Each table's heading, as on screen and as the export button names it. */
export const REPORT_TITLES: Record<ReportTable, string> = {
  referral_sources: "Referrals by source",
  referral_reasons: "Referrals by reason",
  activity: "Activity",
  service_categories: "Prescribed activities by service category",
  item_funnel: "How far prescribed activities got",
  barriers: "Barriers (unmet needs)",
  outcomes: "Outcome change",
  referrers: "Referrals by referring practice or agency",
  gp_appointments: "GP appointments before and after referral",
};

/** The tables that are a list of counts (all but the two paired changes). */
export type CountTable = Exclude<ReportTable, "outcomes" | "gp_appointments">;

/** A line of a report table: what is counted and how many. */
export type ReportRow = { key: string; label: string; count: number };

function counted(counts: Count[], labels: Record<string, string>): ReportRow[] {
  return counts.map((c) => ({ key: c.key, label: labels[c.key] ?? c.key, count: c.count }));
}

/** The rows of every table that is a list of counts. */
export function countRows(table: CountTable, r: PeriodReport): ReportRow[] {
  switch (table) {
    case "referral_sources":
      return counted(r.referralSources, REFERRAL_SOURCE_LABELS);
    case "referral_reasons":
      return counted(r.referralReasons, REFERRAL_REASON_LABELS);
    case "activity":
      return [
        { key: "referrals", label: "Referrals received", count: r.referrals },
        { key: "people_seen", label: "People seen", count: r.peopleSeen },
        { key: "contacts", label: "Conversations", count: r.contacts },
        { key: "prescriptions", label: "Social prescriptions", count: r.prescriptions },
        { key: "items", label: "Activities prescribed", count: r.items },
      ];
    case "service_categories":
      return r.serviceCategories.map((c) => ({ key: c.key, label: c.key === "" ? "No category" : c.key, count: c.count }));
    case "item_funnel":
      return [
        { key: "suggested", label: `${ITEM_STATUS_LABELS.suggested} (all)`, count: r.funnel.suggested },
        { key: "referred", label: `${ITEM_STATUS_LABELS.referred} or further`, count: r.funnel.referred },
        { key: "started", label: `${ITEM_STATUS_LABELS.started} or further`, count: r.funnel.started },
        { key: "completed", label: ITEM_STATUS_LABELS.completed, count: r.funnel.completed },
        { key: "declined", label: ITEM_STATUS_LABELS.declined, count: r.funnel.declined },
        { key: "did_not_attend", label: ITEM_STATUS_LABELS.did_not_attend, count: r.funnel.didNotAttend },
      ];
    case "barriers":
      return counted(r.barriers, BARRIER_LABELS);
    case "referrers":
      return r.referrers.map((c) => ({ key: c.key, label: c.key === "" ? "Not recorded" : c.key, count: c.count }));
  }
}
