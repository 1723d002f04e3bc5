/** Pure formatting of incident facts for the page: times, money, ratios and links to deliveries. */
import type { Delivery } from "../../domain/types.js";

/** `2026-12-03 13:05 UTC`: one unambiguous zone for everyone on call. */
export function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** ISO 8601, for `<time datetime>`. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** `$0.0123`: LLM costs are small; four decimals keep cents' fractions visible. */
export const usd = (n: number) => `$${n.toFixed(4)}`;

/** `80%`. */
export const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** Pure: the http(s) URL a delivery's remote reference names, if it is one (a GitHub issue, a draft PR). */
export function deliveryUrl(d: Pick<Delivery, "remoteRef">): string | null {
  const ref = d.remoteRef ?? "";
  return /^https?:\/\/[^\s"'<>]+$/.test(ref) ? ref : null;
}

/** Pure: what a delivery's state means to a reader. */
export function deliveryState(d: Pick<Delivery, "state" | "attempts">): string {
  if (d.state === "sent") return "sent";
  if (d.state === "failed") return `failed after ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}`;
  return d.attempts > 0 ? `retrying (${d.attempts} attempts so far)` : "waiting";
}

/** Pure: occurrences per hour between first and last seen, when the span says anything (over a minute). */
export function ratePerHour(count: number, firstSeen: number, lastSeen: number): number | null {
  const spanMs = lastSeen - firstSeen;
  return spanMs < 60_000 ? null : Math.round((count / spanMs) * 3_600_000 * 10) / 10;
}
