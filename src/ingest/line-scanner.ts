/**
 * The hot path of `ai-monitor scan`: finds the wanted lines of a big log chunk without JSON-parsing the rest.
 * Lines are walked with memchr (`indexOf(10)`). tracing writes `{"timestamp":"..","level":"X"` first, so
 * the level is read in place (case-insensitive); lines in another key order fall back to a lazy raw-byte
 * search for `"level":"ERROR"` (upper and lower case). Only candidate lines are decoded and parsed; every
 * other line gets a byte-level junk check only (starts with `{`, ends with `}`), so a broken line that still
 * looks like an object is not counted: the price of not parsing it.
 */
import type { Level, Signal } from "../domain/types.js";
import { eventToSignal, parseTracingLine } from "./tracing-json.js";

/** What to pick out of a chunk. */
export interface ScanOptions {
  /** Levels that become signals (usually just ERROR). */
  levels: readonly Level[];
  /** Timestamp for lines that carry none; defaults to Date.now() at the call. */
  readTimeMs?: number;
  /** Bound of each string in a signal (see eventToSignal). */
  maxFieldChars?: number;
}

/** What one chunk held. `consumed` is just after the last `\n`: the caller keeps the partial rest. */
export interface ScanResult {
  signals: Signal[];
  junk: { not_json: number; cut_off: number };
  /** Complete non-empty lines seen. */
  lines: number;
  consumed: number;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const UPPER_MASK = 0xdf;
const TIMESTAMP_PREFIX = Buffer.from('{"timestamp":"');
const LEVEL_KEY = Buffer.from('"level":"');
// Longest timestamp value looked for (RFC 3339 with nanoseconds and an offset is 35 bytes).
const MAX_TIMESTAMP_BYTES = 48;

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d;
}

function matchAt(view: Buffer, at: number, pattern: Buffer): boolean {
  if (at + pattern.length > view.length) return false;
  for (let i = 0; i < pattern.length; i++) if (view[at + i] !== pattern[i]) return false;
  return true;
}

/** Index of the level value when the line has tracing's key order (timestamp?, level), else -1. */
function levelValueAt(view: Buffer, first: number, nl: number): number {
  let at = first + 1;
  if (matchAt(view, first, TIMESTAMP_PREFIX)) {
    let quote = first + TIMESTAMP_PREFIX.length;
    const limit = Math.min(nl, quote + MAX_TIMESTAMP_BYTES);
    while (quote < limit && view[quote] !== QUOTE) quote++;
    if (quote >= limit || view[quote + 1] !== COMMA) return -1;
    at = quote + 2;
  }
  return matchAt(view, at, LEVEL_KEY) ? at + LEVEL_KEY.length : -1;
}

function levelWanted(view: Buffer, at: number, nl: number, wanted: readonly Buffer[]): boolean {
  outer: for (const level of wanted) {
    if (at + level.length >= nl || view[at + level.length] !== QUOTE) continue;
    for (let i = 0; i < level.length; i++) if ((view[at + i]! & UPPER_MASK) !== level[i]) continue outer;
    return true;
  }
  return false;
}

/** Pure: the raw byte patterns that mark a candidate line for the given levels. */
export function levelNeedles(levels: readonly Level[]): Buffer[] {
  const spellings = new Set<string>();
  for (const level of levels) {
    spellings.add(`"level":"${level.toUpperCase()}"`);
    spellings.add(`"level":"${level.toLowerCase()}"`);
  }
  return [...spellings].map((s) => Buffer.from(s, "latin1"));
}

/**
 * Lazy needle search for lines in an unusual key order: each needle's next hit is kept and only searched
 * again once a line passes it, so the chunk is scanned at most once per needle whatever the line count.
 */
function createNeedleCursor(
  view: Buffer,
  needles: readonly Buffer[],
): (first: number, nl: number) => boolean {
  const next = needles.map(() => -2);
  return (first, nl) => {
    let hit = false;
    for (let i = 0; i < needles.length; i++) {
      let at = next[i]!;
      if (at !== -1 && at < first) {
        at = view.indexOf(needles[i]!, first);
        next[i] = at;
      }
      if (at !== -1 && at < nl) hit = true;
    }
    return hit;
  };
}

/** Scan the complete lines of `buf[0, end)`: signals for the wanted levels, junk counts, bytes consumed. */
export function scanChunk(buf: Buffer, end: number, options: ScanOptions): ScanResult {
  const view = end >= buf.length ? buf : buf.subarray(0, end);
  const wanted = new Set<string>(options.levels);
  const wantedBytes = [...wanted].map((level) => Buffer.from(level.toUpperCase(), "latin1"));
  const fallbackTimestampMs = options.readTimeMs ?? Date.now();
  let needleHit: ((first: number, nl: number) => boolean) | null = null;

  const result: ScanResult = { signals: [], junk: { not_json: 0, cut_off: 0 }, lines: 0, consumed: 0 };
  let pos = 0;
  for (;;) {
    const nl = view.indexOf(NEWLINE, pos);
    if (nl === -1) break;
    let first = pos;
    pos = nl + 1;
    while (first < nl && isSpace(view[first])) first++;
    if (first === nl) continue;
    let last = nl - 1;
    while (isSpace(view[last])) last--;
    result.lines++;
    if (view[first] !== OPEN_BRACE) {
      result.junk.not_json++;
      continue;
    }

    const valueAt = levelValueAt(view, first, nl);
    let candidate: boolean;
    if (valueAt !== -1) candidate = levelWanted(view, valueAt, nl, wantedBytes);
    else {
      needleHit ??= createNeedleCursor(view, levelNeedles(options.levels));
      candidate = needleHit(first, nl);
    }
    if (!candidate) {
      if (view[last] !== CLOSE_BRACE) result.junk.cut_off++;
      continue;
    }
    const parsed = parseTracingLine(view.toString("utf8", first, last + 1), { maxLineChars: Infinity });
    if (!parsed.ok) {
      if (parsed.reason === "cut_off") result.junk.cut_off++;
      else result.junk.not_json++;
    } else if (wanted.has(parsed.event.level)) {
      result.signals.push(
        eventToSignal(parsed.event, { maxFieldChars: options.maxFieldChars, fallbackTimestampMs }),
      );
    }
  }
  result.consumed = pos;
  return result;
}
