// How date fields reach the practice's date rules. App sets this once; every DateField
// reads it. The rules themselves (which order, which years, which dates exist) live in
// the Rust domain (crates/domain/src/dates.rs): the UI only shows what it is told.
import { getContext, setContext } from "svelte";
import type { Api } from "../api";

export type DateContext = {
  readDate: Api["readDate"];
  /** "dd/mm/yyyy" or "mm/dd/yyyy", from the session. */
  pattern: () => string;
};

const KEY = Symbol("waymark-dates");

export function setDateContext(context: DateContext): void {
  setContext(KEY, context);
}

export function dateContext(): DateContext {
  const context = getContext<DateContext | undefined>(KEY);
  if (!context) throw new Error("DateField needs the app's date context (set in App.svelte)");
  return context;
}

/** An ISO date written the way the practice types dates: `1979-06-02` is `02/06/1979`
 * with the pattern `dd/mm/yyyy`, `06/02/1979` with `mm/dd/yyyy`. Anything else is
 * returned as it is. */
export function typedForm(iso: string, pattern: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return pattern.startsWith("mm") ? `${m[2]}/${m[3]}/${m[1]}` : `${m[3]}/${m[2]}/${m[1]}`;
}
