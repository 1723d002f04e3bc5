/**
 * The hot path of `ai-monitor scan`: finds the wanted lines of a big log chunk without JSON-parsing the rest.
 * Lines are walked with memchr (`indexOf(10)`). tracing writes `{"timestamp":"..","level":"X"` first, so
 * the level is read in place (case-insensitive); lines in another key order fall back to a lazy raw-byte
 * search for `"level":"ERROR"` (upper and lower case). A line the bytes cannot decide with certainty (another
 * JSON spelling: `"level" : "Error"`, an escaped value or key) falls back to a real JSON parse, so no valid
 * line is lost to a serialiser's taste. Only candidate lines are decoded and parsed; every other line gets a
 * byte-level junk check only (starts with `{`, ends with `}`), so a broken line that still looks like an
 * object is not counted: the price of not parsing it. A byte-order mark or NUL padding before a line (what
 * an editor, or `copytruncate` under a writer without O_APPEND, leaves) is stripped and counted.
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
  /** Skipped lines (not_json, cut_off, too_deep) and lines read after stripping a BOM or NUL padding. */
  junk: { not_json: number; cut_off: number; bom: number; nul_padding: number; too_deep: number };
  /** Complete non-empty lines seen. */
  lines: number;
  consumed: number;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const NUL = 0x00;
const UPPER_MASK = 0xdf;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const LEVEL_NAME = Buffer.from('"level"');
const ESCAPE_U = Buffer.from("\\u");
const TIMESTAMP_PREFIX = Buffer.from('{"timestamp":"');
const LEVEL_KEY = Buffer.from('"level":"');
// Longest timestamp value looked for (RFC 3339 with nanoseconds and an offset is 35 bytes).
const MAX_TIMESTAMP_BYTES = 48;

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d;
}

function isJsonSpace(byte: number | undefined): boolean {
  return isSpace(byte) || byte === NEWLINE;
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
  // An escaped value ("\u0045RROR") is only known once decoded.
  if (view[at] === BACKSLASH) return true;
  outer: for (const level of wanted) {
    if (at + level.length >= nl || view[at + level.length] !== QUOTE) continue;
    for (let i = 0; i < level.length; i++) if ((view[at + i]! & UPPER_MASK) !== level[i]) continue outer;
    return true;
  }
  return false;
}

/** Skip NULs, byte-order marks and blanks at a line's start, saying which padding there was. */
function stripPadding(view: Buffer, from: number, nl: number): { first: number; nul: boolean; bom: boolean } {
  let first = from;
  let nul = false;
  let bom = false;
  for (;;) {
    if (view[first] === NUL) {
      nul = true;
      first++;
    } else if (matchAt(view, first, BOM)) {
      bom = true;
      first += BOM.length;
    } else if (first < nl && isSpace(view[first])) first++;
    else return { first, nul, bom };
  }
}

/**
 * Whether `[first, nl)` holds a `"level"` key in any case (`"LEVEL"`, `"Level"`): one bounded pass over the
 * line, run only for lines with no lower-case `"level"` key at all, so the usual lines never pay for it.
 */
function hasLevelKeyInAnyCase(view: Buffer, first: number, nl: number): boolean {
  const end = nl - LEVEL_NAME.length;
  for (let i = first; i <= end; i++) {
    if (view[i] !== QUOTE || view[i + 6] !== QUOTE) continue;
    let j = 1;
    // `| 0x20` folds ASCII upper to lower case; only 'L'/'l' (and so on) fold onto each letter.
    while (j < 6 && (view[i + j]! | 0x20) === LEVEL_NAME[j]) j++;
    if (j === 6) return true;
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

/**
 * Whether a line the exact needles missed may still hold a wanted level in another spelling: a `"level"` key
 * followed by whitespace, a colon and a value in any case or with escapes; or, with no such key, the key in
 * another case or any `\u` escape (the key itself may be escaped). Both cursors are lazy like the needles: one pass per chunk.
 */
function createSpellingCheck(
  view: Buffer,
  wanted: readonly Buffer[],
): (first: number, nl: number) => boolean {
  let nextKey = -2;
  let nextEscape = -2;
  return (first, nl) => {
    let sawKey = false;
    for (;;) {
      if (nextKey !== -1 && nextKey < first) nextKey = view.indexOf(LEVEL_NAME, first);
      if (nextKey === -1 || nextKey >= nl) break;
      sawKey = true;
      let at = nextKey + LEVEL_NAME.length;
      nextKey = view.indexOf(LEVEL_NAME, at);
      while (at < nl && isJsonSpace(view[at])) at++;
      if (view[at] !== COLON) continue;
      at++;
      while (at < nl && isJsonSpace(view[at])) at++;
      if (view[at] === QUOTE && levelWanted(view, at + 1, nl, wanted)) return true;
    }
    if (sawKey) return false;
    if (hasLevelKeyInAnyCase(view, first, nl)) return true;
    if (nextEscape !== -1 && nextEscape < first) nextEscape = view.indexOf(ESCAPE_U, first);
    return nextEscape !== -1 && nextEscape < nl;
  };
}

/** Scan the complete lines of `buf[0, end)`: signals for the wanted levels, junk counts, bytes consumed. */
export function scanChunk(buf: Buffer, end: number, options: ScanOptions): ScanResult {
  const view = end >= buf.length ? buf : buf.subarray(0, end);
  const wanted = new Set<string>(options.levels);
  const wantedBytes = [...wanted].map((level) => Buffer.from(level.toUpperCase(), "latin1"));
  const fallbackTimestampMs = options.readTimeMs ?? Date.now();
  let needleHit: ((first: number, nl: number) => boolean) | null = null;
  let otherSpelling: ((first: number, nl: number) => boolean) | null = null;

  const result: ScanResult = {
    signals: [],
    junk: { not_json: 0, cut_off: 0, bom: 0, nul_padding: 0, too_deep: 0 },
    lines: 0,
    consumed: 0,
  };
  let pos = 0;
  for (;;) {
    const nl = view.indexOf(NEWLINE, pos);
    if (nl === -1) break;
    let first = pos;
    pos = nl + 1;
    while (first < nl && isSpace(view[first])) first++;
    if (view[first] === NUL || view[first] === BOM[0]) {
      const stripped = stripPadding(view, first, nl);
      if (stripped.nul) result.junk.nul_padding++;
      if (stripped.bom) result.junk.bom++;
      first = stripped.first;
    }
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
      if (!candidate) {
        otherSpelling ??= createSpellingCheck(view, wantedBytes);
        candidate = otherSpelling(first, nl);
      }
    }
    if (!candidate) {
      if (view[last] !== CLOSE_BRACE) result.junk.cut_off++;
      continue;
    }
    const parsed = parseTracingLine(view.toString("utf8", first, last + 1), { maxLineChars: Infinity });
    if (!parsed.ok) {
      if (parsed.reason === "cut_off") result.junk.cut_off++;
      else if (parsed.reason === "too_deep") result.junk.too_deep++;
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
