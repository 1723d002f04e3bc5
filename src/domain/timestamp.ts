/**
 * Time values from the outside world (log lines, alerts) and from stored rows, made safe to use: epoch numbers
 * in seconds, milliseconds, microseconds or nanoseconds told apart by magnitude, a sane range for what a source
 * may claim, and a read-side mapping that never lets a stored value break `new Date(ms).toISOString()`.
 */

/** Earliest occurrence time believed: 2000-01-01T00:00:00Z. */
export const SANE_FROM_MS = Date.UTC(2000, 0, 1);
/** How far ahead of the receive time a source's clock may run before its time is not believed. */
export const SANE_AHEAD_MS = 24 * 3_600_000;
/** The largest magnitude a JavaScript Date holds (±100,000,000 days from the epoch). */
export const MAX_DATE_MS = 8.64e15;

/**
 * Pure: an epoch number as milliseconds, its unit told by magnitude. Years 2000..2286 read as seconds are
 * 9.5e8..1e10, as milliseconds 9.5e11..1e13, as microseconds 9.5e14..1e16, as nanoseconds 9.5e17..1e19, so
 * the cut points (1e11, 1e14, 1e17) leave centuries of margin on both sides. NaN when not a finite number.
 */
export function epochToMs(value: number): number {
  if (!Number.isFinite(value)) return Number.NaN;
  const size = Math.abs(value);
  if (size >= 1e17) return Math.trunc(value / 1e6);
  if (size >= 1e14) return Math.trunc(value / 1e3);
  if (size >= 1e11) return Math.trunc(value);
  return Math.trunc(value * 1000);
}

/** Pure: whether an occurrence time is believable at receive time `nowMs` (2000 .. now + 1 day). */
export function isSaneTimeMs(ms: number, nowMs: number): boolean {
  return Number.isFinite(ms) && ms >= SANE_FROM_MS && ms <= nowMs + SANE_AHEAD_MS;
}

/**
 * Pure: a stored time (any number a row may hold, written by any version or by hand) as milliseconds that
 * `Date` accepts. Below 1e14 (year 5138 as ms) a value is kept as it is: tests and old rows use small clocks.
 * Above, it is read as micro- or nanoseconds; 0 when even that is out of Date's range or not a number.
 */
export function readableTimeMs(stored: number): number {
  if (Number.isFinite(stored) && Math.abs(stored) < 1e14) return stored;
  const ms = epochToMs(stored);
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : 0;
}
