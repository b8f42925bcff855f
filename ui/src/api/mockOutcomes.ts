// Outcome measures and period reports for the in-memory backend (see mock.ts): the
// instruments' scoring rules, when follow-up measures fall due, and the period report's
// counts, as the backend computes them.
import { addDays, addMonths } from "../lib/format";
import { INSTRUMENT_ORDER, INSTRUMENTS, SCALE_ORDER, isBetter, scalesOf } from "../lib/instruments";
import { REFERRAL_SOURCE_LABELS } from "../lib/labels";
import type { Band } from "./bindings/Band";
import type { Barrier } from "./bindings/Barrier";
import type { Contact } from "./bindings/Contact";
import type { Count } from "./bindings/Count";
import type { Instrument } from "./bindings/Instrument";
import type { Measure } from "./bindings/Measure";
import type { MeasureInput } from "./bindings/MeasureInput";
import type { OutcomeChange } from "./bindings/OutcomeChange";
import type { PeriodReport } from "./bindings/PeriodReport";
import type { Prescription } from "./bindings/Prescription";
import type { Referral } from "./bindings/Referral";
import type { ReferralSource } from "./bindings/ReferralSource";
import type { ReportTable } from "./bindings/ReportTable";
import type { Scale } from "./bindings/Scale";
import type { ScaleScore } from "./bindings/ScaleScore";
import type { Timepoint } from "./bindings/Timepoint";
import type { Service } from "./bindings/Service";
// mock.ts imports this module too: only functions are used from it, and only when a
// method runs, so the cycle is harmless.
import { Errors, isRealDate, pastDate, REASON_ORDER } from "./mock";

/** SWEMWBS raw score 7–35 → metric score (shared/data/swemwbs-conversion.csv). */
const SWEMWBS_METRIC = [
  7.0, 9.51, 11.25, 12.4, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59, 19.25, 19.98,
  20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.7, 32.55, 35.0,
];

/** ONS's bands: anxiety has its own thresholds (and a lower score is better). */
function ons4Band(scale: Scale, v: number): Band {
  if (scale === "anxiety") return v <= 1 ? "very_low" : v <= 3 ? "low" : v <= 5 ? "medium" : "high";
  return v <= 4 ? "low" : v <= 6 ? "medium" : v <= 8 ? "high" : "very_high";
}

/** The measure's scores by its instrument's rules: ONS4 item by item (never summed),
 * SWEMWBS's raw sum through the conversion table (the raw sum kept too), UCLA-3's total. */
export function scoreMeasure(instrument: Instrument, answers: number[]): Pick<Measure, "rawScore" | "scores"> {
  if (instrument === "ons4") {
    const scores: ScaleScore[] = scalesOf("ons4").map((scale, i) => ({
      scale,
      value: answers[i],
      band: ons4Band(scale, answers[i]),
    }));
    return { rawScore: null, scores };
  }
  const raw = answers.reduce((a, b) => a + b, 0);
  if (instrument === "ucla3") return { rawScore: null, scores: [{ scale: "ucla3", value: raw, band: null }] };
  return { rawScore: raw, scores: [{ scale: "swemwbs", value: SWEMWBS_METRIC[raw - 7], band: null }] };
}

export type MeasureFields = Pick<Measure, "instrument" | "timepoint" | "recordedDate" | "answers">;

/** As the backend: a date not in the future, and every question answered within its
 * range (each problem named by its 1-based question number). */
export function validateMeasure(input: MeasureInput, today: string): MeasureFields {
  const e = new Errors();
  const recordedDate = pastDate(e, "recordedDate", "Date", input.recordedDate, today);
  const { questions, choices } = INSTRUMENTS[input.instrument];
  const min = choices[0].value;
  const max = choices[choices.length - 1].value;
  const answers: number[] = [];
  questions.forEach((_, i) => {
    const a = input.answers[i] ?? null;
    const field = `answer${i + 1}`;
    if (a === null) e.push(field, `Answer question ${i + 1}.`);
    else if (!Number.isInteger(a) || a < min || a > max) {
      e.push(field, `The answer to question ${i + 1} must be from ${min} to ${max}.`);
    } else answers.push(a);
  });
  if (input.answers.length > questions.length) {
    e.push("answers", `This form has ${questions.length} questions, not ${input.answers.length}.`);
  }
  e.throwIfAny();
  return { instrument: input.instrument, timepoint: input.timepoint, recordedDate: recordedDate ?? today, answers };
}

/** When a patient's follow-up measures fall due: the latest baseline's date plus the
 * practice's follow-up weeks, unless a follow-up is dated on or after it; otherwise null. */
export function measuresDue(measures: Measure[], followUpWeeks: number): string | null {
  const latest = (timepoint: Timepoint) =>
    measures
      .filter((m) => m.timepoint === timepoint)
      .map((m) => m.recordedDate)
      .sort()
      .at(-1);
  const baseline = latest("baseline");
  const followUp = latest("follow_up");
  if (baseline === undefined || (followUp !== undefined && followUp >= baseline)) return null;
  return addDays(baseline, 7 * followUpWeeks);
}

/** Measures in the order they happened: by date, then as recorded. */
export function sortMeasures(measures: Measure[]): Measure[] {
  return [...measures].sort((a, b) =>
    a.recordedDate === b.recordedDate ? a.id - b.id : a.recordedDate < b.recordedDate ? -1 : 1,
  );
}

// ---------------------------------------------------------------------------------------
// Period reports

/** The longest period one report may cover. */
const MAX_PERIOD_YEARS = 20;

/** A report date: a real date. */
function reportDate(e: Errors, field: string, label: string, value: string): string | null {
  const v = value.trim();
  if (isRealDate(v)) return v;
  e.push(field, `${label} is not a date Waymark can read. Type it as the field's label shows (day, month and year in the order given there).`);
  return null;
}

/** As `Period::parse`: two real dates, running forwards, at most 20 years apart. */
export function validatePeriod(from: string, to: string): { from: string; to: string } {
  const e = new Errors();
  const f = reportDate(e, "from", "From", from);
  const t = reportDate(e, "to", "To", to);
  if (f !== null && t !== null) {
    if (t < f) e.push("to", "The period must end on or after the day it starts.");
    else if (t >= addMonths(f, 12 * MAX_PERIOD_YEARS)) e.push("from", `A report covers at most ${MAX_PERIOD_YEARS} years.`);
  }
  e.throwIfAny();
  return { from: f ?? "", to: t ?? "" };
}

/** The caseload a report reads. */
export interface ReportData {
  referrals: Referral[];
  contacts: Contact[];
  prescriptions: Prescription[];
  services: Service[];
  measures: Measure[];
}

const SOURCES = Object.keys(REFERRAL_SOURCE_LABELS) as ReferralSource[];

/** Counts of `keys` among `values`, most first (ties keep `keys`' order). */
function countOf(keys: string[], values: string[]): Count[] {
  return keys
    .map((key) => ({ key, count: values.filter((v) => v === key).length }))
    .sort((a, b) => b.count - a.count);
}

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Per scale, each patient's latest follow-up in the period paired with the latest
 * baseline on or before it. */
function outcomeChanges(measures: Measure[], from: string, to: string): OutcomeChange[] {
  const pairs = new Map<Scale, { baseline: number; followUp: number }[]>(SCALE_ORDER.map((s) => [s, []]));
  const patients = new Set(measures.map((m) => m.patientId));
  for (const patientId of patients) {
    for (const instrument of INSTRUMENT_ORDER) {
      const mine = sortMeasures(measures.filter((m) => m.patientId === patientId && m.instrument === instrument));
      const followUp = mine
        .filter((m) => m.timepoint === "follow_up" && m.recordedDate >= from && m.recordedDate <= to)
        .at(-1);
      if (!followUp) continue;
      const baseline = mine
        .filter((m) => m.timepoint === "baseline" && m.recordedDate <= followUp.recordedDate)
        .at(-1);
      if (!baseline) continue;
      for (const s of followUp.scores) {
        const before = baseline.scores.find((b) => b.scale === s.scale);
        if (before) pairs.get(s.scale)?.push({ baseline: before.value, followUp: s.value });
      }
    }
  }
  return SCALE_ORDER.map((scale) => {
    const ps = pairs.get(scale) ?? [];
    const improved = ps.filter((p) => isBetter(scale, p.followUp - p.baseline)).length;
    return {
      scale,
      pairs: ps.length,
      meanBaseline: mean(ps.map((p) => p.baseline)),
      meanFollowUp: mean(ps.map((p) => p.followUp)),
      meanChange: mean(ps.map((p) => p.followUp - p.baseline)),
      improved,
      shareImproved: ps.length === 0 ? null : improved / ps.length,
    };
  });
}

export function periodReport(data: ReportData, from: string, to: string): PeriodReport {
  const inPeriod = (d: string) => d >= from && d <= to;
  const referrals = data.referrals.filter((r) => inPeriod(r.receivedDate));
  const contacts = data.contacts.filter((c) => inPeriod(c.contactDate));
  const prescriptions = data.prescriptions.filter((p) => inPeriod(p.prescribedDate));
  const items = prescriptions.flatMap((p) => p.items);
  const has = (...statuses: string[]) => items.filter((i) => statuses.includes(i.status)).length;
  const categories = items.map((i) => data.services.find((s) => s.id === i.serviceId)?.category ?? "");
  const barriers = items.map((i) => i.barrier).filter((b): b is Barrier => b !== null);
  return {
    from,
    to,
    referrals: referrals.length,
    referralSources: countOf(SOURCES, referrals.map((r) => r.source)),
    referralReasons: countOf(REASON_ORDER, referrals.flatMap((r) => r.reasons)),
    peopleSeen: new Set(contacts.map((c) => c.patientId)).size,
    contacts: contacts.length,
    prescriptions: prescriptions.length,
    items: items.length,
    serviceCategories: countOf([...new Set(categories)].sort(), categories),
    funnel: {
      suggested: items.length,
      referred: has("referred", "started", "completed"),
      started: has("started", "completed"),
      completed: has("completed"),
      declined: has("declined"),
      didNotAttend: has("did_not_attend"),
    },
    barriers: countOf([...new Set(barriers)].sort(), barriers),
    outcomes: outcomeChanges(data.measures, from, to),
  };
}

/** How many rows the table's CSV file holds (its header aside). */
export function exportRows(report: PeriodReport, table: ReportTable): number {
  const rows: Record<ReportTable, number> = {
    referral_sources: report.referralSources.length,
    referral_reasons: report.referralReasons.length,
    activity: 5,
    service_categories: report.serviceCategories.length,
    item_funnel: Object.keys(report.funnel).length,
    barriers: report.barriers.length,
    outcomes: report.outcomes.length,
  };
  return rows[table];
}
