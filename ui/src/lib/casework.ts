// Small helpers shared by the patient page's casework sections (conversations, the
// support plan and social prescriptions).
import type { Referral } from "../api/bindings/Referral";
import { formatDate } from "./format";
import { REFERRAL_STATUS_LABELS } from "./labels";

/** A referral as one line in a select: "Referral received 2 Nov 2025 (Active)". */
export function referralOption(r: Referral): string {
  return `Referral received ${formatDate(r.receivedDate)} (${REFERRAL_STATUS_LABELS[r.status]})`;
}

/** The newest referral that is not closed (`referrals` come newest first), or none. */
export function newestOpenReferral(referrals: Referral[]): Referral | null {
  return referrals.find((r) => r.status !== "closed") ?? null;
}

/** "25 minutes", "1 minute". */
export function minutesText(n: number): string {
  return n === 1 ? "1 minute" : `${n} minutes`;
}
