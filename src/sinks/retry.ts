/** The one backoff policy for every sink: exponential with full jitter, honouring the provider's Retry-After. */

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Default: 1 s doubling up to 5 minutes. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 5 * 60_000 };

/**
 * Pure: delay before attempt number `attempt` (1 = the first retry). A provider's Retry-After wins when it is
 * longer than the computed delay, since retrying earlier would only be refused again.
 */
export function backoffMs(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  // Full jitter, but never below half the ceiling so a burst of failures still spreads out meaningfully.
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/** Parse an HTTP Retry-After header (seconds or an HTTP date) to milliseconds from now. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
