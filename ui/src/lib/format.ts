// Formatting for names, dates and identifiers. Every function returns plain text: the
// caller renders it with Svelte interpolation, never as HTML.

type Named = { givenName: string; familyName: string; preferredName: string | null };

/** "Given Family", written as the person writes it (no capitals forced). */
export function fullName(p: Named): string {
  return `${p.givenName} ${p.familyName}`;
}

/** "Given Family (Preferred)" as one string, for places that need a single label. */
export function displayName(p: Named): string {
  return p.preferredName ? `${fullName(p)} (${p.preferredName})` : fullName(p);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `1987-03-14` → `14 Mar 1987`; anything else is returned unchanged. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  if (!month) return iso;
  return `${Number(m[3])} ${month} ${m[1]}`;
}

/** `2027-02-03` → `3 Feb`, for dates that are close enough not to need the year. */
export function formatDayMonth(iso: string): string {
  return formatDate(iso).replace(/ \d{4}$/, "");
}

/** `iso` moved by `days` (negative: earlier), as an ISO date. */
export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** `iso` moved by `months`, the day clamped to the month's end (as chrono). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, last))}`;
}

/** Ten digits shown 3-3-4 (the backend already sends `nhsNumberDisplay`; this is a fallback). */
export function formatNhsNumber(digits: string | null | undefined): string {
  if (!digits) return "";
  const d = digits.replace(/\s+/g, "");
  return /^\d{10}$/.test(d) ? `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}` : digits;
}

/** Today's date in local time as `YYYY-MM-DD`, for date inputs. */
export function todayIso(now = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/** An RFC 3339 timestamp in local time: `14 Mar 2026, 09:05:12`; anything unreadable
 * is returned unchanged. */
export function formatDateTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${formatDate(todayIso(d))}, ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
