// The three wellbeing instruments as the patient hears them (titles, preambles, items,
// answer labels), and their scales as charts and reports show them. One module, so the
// form, the charts, the reports and the mock all read the same wording and ranges.
import type { Instrument } from "../api/bindings/Instrument";
import type { Measure } from "../api/bindings/Measure";
import type { Scale } from "../api/bindings/Scale";
import type { Timepoint } from "../api/bindings/Timepoint";
import { addDays } from "./format";
import { BAND_LABELS } from "./labels";

/** One answer a question offers: its number, its words, and for ONS4's ends the words
 * that anchor the 0–10 scale. */
export type Choice = { value: number; label: string; end?: string };

export interface InstrumentText {
  title: string;
  /** For buttons and headings where the title is too long. */
  short: string;
  preamble: string;
  questions: string[];
  /** Every question offers the same answers. */
  choices: Choice[];
}

const ONS4_CHOICES: Choice[] = Array.from({ length: 11 }, (_, v) => ({
  value: v,
  label: String(v),
  end: v === 0 ? "Not at all" : v === 10 ? "Completely" : undefined,
}));

const words = (labels: string[]): Choice[] => labels.map((label, i) => ({ value: i + 1, label }));

export const INSTRUMENTS: Record<Instrument, InstrumentText> = {
  ons4: {
    title: "ONS personal wellbeing (ONS4)",
    short: "ONS4",
    preamble:
      "Next I would like to ask you four questions about your feelings on aspects of your life. There are no right or wrong answers. For each of these questions I'd like you to give an answer on a scale of 0 to 10, where 0 is \"not at all\" and 10 is \"completely\".",
    questions: [
      "Overall, how satisfied are you with your life nowadays?",
      "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
      "Overall, how happy did you feel yesterday?",
      "On a scale where 0 is \"not at all anxious\" and 10 is \"completely anxious\", overall, how anxious did you feel yesterday?",
    ],
    choices: ONS4_CHOICES,
  },
  swemwbs: {
    title: "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
    short: "SWEMWBS",
    preamble:
      "Below are some statements about feelings and thoughts. Please tick the box that best describes your experience of each over the last 2 weeks.",
    questions: [
      "I've been feeling optimistic about the future",
      "I've been feeling useful",
      "I've been feeling relaxed",
      "I've been dealing with problems well",
      "I've been thinking clearly",
      "I've been feeling close to other people",
      "I've been able to make up my own mind about things",
    ],
    choices: words(["None of the time", "Rarely", "Some of the time", "Often", "All of the time"]),
  },
  ucla3: {
    title: "UCLA three-item loneliness scale",
    short: "UCLA-3",
    preamble:
      "The next questions are about how you feel about different aspects of your life. For each one, tell me how often you feel that way.",
    questions: [
      "How often do you feel that you lack companionship?",
      "How often do you feel left out?",
      "How often do you feel isolated from others?",
    ],
    choices: words(["Hardly ever", "Some of the time", "Often"]),
  },
};

export const INSTRUMENT_ORDER = Object.keys(INSTRUMENTS) as Instrument[];

export interface ScaleInfo {
  name: string;
  instrument: Instrument;
  min: number;
  max: number;
  /** Decimals a score is shown with (SWEMWBS's metric score has two). */
  decimals: number;
  /** Anxiety and loneliness: a fall is an improvement. */
  lowerIsBetter: boolean;
}

/** Every scale, in the backend's `Scale` order. */
export const SCALES: Record<Scale, ScaleInfo> = {
  life_satisfaction: { name: "Life satisfaction", instrument: "ons4", min: 0, max: 10, decimals: 0, lowerIsBetter: false },
  worthwhile: { name: "Worthwhile", instrument: "ons4", min: 0, max: 10, decimals: 0, lowerIsBetter: false },
  happiness: { name: "Happiness", instrument: "ons4", min: 0, max: 10, decimals: 0, lowerIsBetter: false },
  anxiety: { name: "Anxiety", instrument: "ons4", min: 0, max: 10, decimals: 0, lowerIsBetter: true },
  swemwbs: { name: "Mental wellbeing (SWEMWBS)", instrument: "swemwbs", min: 7, max: 35, decimals: 2, lowerIsBetter: false },
  ucla3: { name: "Loneliness (UCLA-3)", instrument: "ucla3", min: 3, max: 9, decimals: 0, lowerIsBetter: true },
};

export const SCALE_ORDER = Object.keys(SCALES) as Scale[];

export function scalesOf(instrument: Instrument): Scale[] {
  return SCALE_ORDER.filter((s) => SCALES[s].instrument === instrument);
}

/** A score with the scale's decimals: `7`, `19.98`. */
export function formatScore(scale: Scale, value: number): string {
  return value.toFixed(SCALES[scale].decimals);
}

/** A measure's score on one scale in words: `7 (high)` with ONS4's band, `metric score
 * 19.98 (raw score 22)` for SWEMWBS, `7 of 9` for UCLA-3. */
export function scoreText(m: Measure, scale: Scale): string {
  const score = m.scores.find((s) => s.scale === scale);
  if (!score) return "";
  const value = formatScore(scale, score.value);
  if (score.band) return `${value} (${BAND_LABELS[score.band].toLowerCase()})`;
  if (m.rawScore !== null) return `metric score ${value} (raw score ${m.rawScore})`;
  return `${value} of ${SCALES[scale].max}`;
}

/** Every score of a measure: the score alone, or each scale named when there are several. */
export function scoresText(m: Measure): string {
  const scales = scalesOf(m.instrument);
  if (scales.length === 1) return scoreText(m, scales[0]);
  return scales.map((s) => `${SCALES[s].name} ${scoreText(m, s)}`).join(", ");
}

/** A change with its sign: `+3`, `−1.2` (a true minus sign), `0`. */
export function formatSigned(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals);
  if (Number(text) === 0) return text;
  return value > 0 ? `+${text}` : `\u2212${text}`;
}

/** Whether a change moved in the scale's better direction. */
export function isBetter(scale: Scale, change: number): boolean {
  return SCALES[scale].lowerIsBetter ? change < 0 : change > 0;
}

export function changeWord(scale: Scale, change: number): "better" | "worse" | "no change" {
  if (change === 0) return "no change";
  return isBetter(scale, change) ? "better" : "worse";
}

/** One measure's score on one scale. */
export type ScalePoint = { measure: Measure; date: string; timepoint: Timepoint; value: number };

/** The scale's scores, oldest first (measures come oldest first). */
export function pointsFor(measures: Measure[], scale: Scale): ScalePoint[] {
  return measures.flatMap((m) => {
    const score = m.scores.find((s) => s.scale === scale);
    return score ? [{ measure: m, date: m.recordedDate, timepoint: m.timepoint, value: score.value }] : [];
  });
}

export type Change = { baseline: ScalePoint; latest: ScalePoint; change: number };

/** The latest score minus the latest baseline at or before it, when the latest score is a
 * follow-up; otherwise there is nothing to compare yet. */
export function changeSinceBaseline(points: ScalePoint[]): Change | null {
  const latest = points.at(-1);
  if (!latest || latest.timepoint !== "follow_up") return null;
  const baseline = points.filter((p) => p.timepoint === "baseline" && p.date <= latest.date).at(-1);
  return baseline ? { baseline, latest, change: latest.value - baseline.value } : null;
}

/** "+3 (4 → 7), better". */
export function changeText(scale: Scale, c: Change): string {
  const { decimals } = SCALES[scale];
  const from = formatScore(scale, c.baseline.value);
  const to = formatScore(scale, c.latest.value);
  const word = changeWord(scale, c.change);
  const amount = formatSigned(c.change, decimals);
  return word === "no change" ? `no change (${from} → ${to})` : `${amount} (${from} → ${to}), ${word}`;
}

/** How near a due date must be for the caseload to flag it (and its filter to list it). */
export const DUE_SOON_DAYS = 14;

/** Whether follow-up measures due on `due` are overdue or due within `DUE_SOON_DAYS`. */
export function dueSoon(due: string | null, today: string): boolean {
  return due !== null && due <= addDays(today, DUE_SOON_DAYS);
}
