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

/**
 * What a log line's timestamp becomes when it is there but unusable (an impossible date, text, null, true):
 * finite, so it survives the JSON trip from the scan thread (NaN means "no timestamp" and becomes the read
 * time silently), and before SANE_FROM_MS, so the intake replaces it with the receive time and counts it.
 */
export const UNPARSABLE_TIME_MS = 0;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?([Zz]|[+-]\d{2}:?\d{2})?$/;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Pure: an RFC 3339 time (any number of fraction digits, truncated to ms; `,` or `.`; offset with or without
 * a colon) as epoch ms, or NaN when it is not one or names a time that does not exist (2026-02-30, 24:00,
 * +25:00): those are refused, never rolled over into another day. Second 60 (a leap second) is allowed.
 */
export function parseRfc3339Ms(text: string): number {
  const m = RFC3339.exec(text);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [frac, zone] = [m[7], m[8]];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 60) return Number.NaN;
  let offsetMinutes = 0;
  if (zone && zone !== "Z" && zone !== "z") {
    const digits = zone.slice(1).replace(":", "");
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
    if (oh > 23 || om > 59) return Number.NaN;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  // Truncate, not round: .999999999 stays in its own second.
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, "0")) : 0;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0000..0099 as 1900..1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime() - offsetMinutes * 60_000;
}
