/** The dedup window decision, pure so every backend applies the same rule. */

/** An existing incident of one fingerprint, as far as the window rule cares. */
export interface WindowCandidate {
  firstSeen: number;
}

/**
 * Bounds (both exclusive) of the firstSeen values that can hold occurrence time `t`, for the SQL query
 * that fetches candidates: |firstSeen - t| < windowMs.
 */
export function windowBounds(t: number, windowMs: number): { fromMs: number; toMs: number } {
  return { fromMs: t - windowMs, toMs: t + windowMs };
}

/**
 * Pure: the incident whose window holds occurrence time `t`, or null for a new incident. The window runs on
 * each occurrence's own time, not on now, so a late scan of old lines dedups the same as a live tail.
 * Among candidates with |firstSeen - t| < windowMs, take the greatest firstSeen <= t (the window the
 * occurrence falls into), else the smallest firstSeen > t (an out-of-order line just before a window).
 * On equal firstSeen the earlier candidate in the list wins, so callers pass them in id order.
 */
export function pickWindow<T extends WindowCandidate>(
  candidates: readonly T[],
  t: number,
  windowMs: number,
): T | null {
  let before: T | null = null;
  let after: T | null = null;
  for (const candidate of candidates) {
    if (Math.abs(candidate.firstSeen - t) >= windowMs) continue;
    if (candidate.firstSeen <= t) {
      if (before === null || candidate.firstSeen > before.firstSeen) before = candidate;
    } else if (after === null || candidate.firstSeen < after.firstSeen) {
      after = candidate;
    }
  }
  return before ?? after;
}
