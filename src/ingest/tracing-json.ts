/**
 * Parser for lines written by tracing-subscriber's JSON formatter (0.3.x), in all its shapes: nested
 * `fields`, `flatten_event(true)`, the original design's top-level `message`, `span`/`spans`, file/line, thread names.
 * @see https://docs.rs/tracing-subscriber/0.3/tracing_subscriber/fmt/format/struct.Json.html
 */
import { fingerprintOf } from "../domain/fingerprint.js";
import { mightHoldSecret, type RedactionCounts, redactFieldsCounted } from "../domain/redact.js";
import { epochToMs, parseRfc3339Ms, UNPARSABLE_TIME_MS } from "../domain/timestamp.js";
import type { Level, Signal } from "../domain/types.js";
import { boundText, boundValue, REDACT_SLACK_CHARS } from "./bounded-text.js";

/**
 * Why a line is not a log event: not JSON at all, JSON cut off mid-write, longer than allowed, or nested
 * deeper than MAX_JSON_DEPTH.
 */
export type JunkReason = "not_json" | "cut_off" | "oversize" | "too_deep";

/** One parsed log line, before redaction. `timestampMs` is NaN when the line has none: callers substitute. */
export interface LogEvent {
  timestampMs: number;
  level: Level;
  target: string;
  message: string;
  errorCode: string | null;
  requestId: string | null;
  filename: string | null;
  lineNumber: number | null;
  threadName: string | null;
  /** Every other field, nested and top-level merged (nested wins). */
  fields: Record<string, unknown>;
}

/** Result of parsing one line. */
export type ParseResult = { ok: true; event: LogEvent } | { ok: false; reason: JunkReason };

/** Longest line parsed by default (1 MiB of UTF-16 units); longer ones are junk, not memory. */
export const DEFAULT_MAX_LINE_CHARS = 1024 * 1024;

/**
 * Deepest object/array nesting parsed. tracing writes 3 or 4 levels; a line nested thousands deep parses,
 * but then overflows the stack of every recursive walk after it (redaction, JSON.stringify in the store).
 */
export const MAX_JSON_DEPTH = 64;

/** Default bound of every string carried in a Signal (message, each field value). */
export const DEFAULT_MAX_FIELD_CHARS = 2048;

const LEVELS: ReadonlySet<string> = new Set<Level>(["ERROR", "WARN", "INFO", "DEBUG", "TRACE"]);

// Keys tracing itself writes; everything else at the top level is a flattened event field.
const FORMAT_KEYS = new Set([
  "timestamp",
  "level",
  "fields",
  "target",
  "filename",
  "line_number",
  "span",
  "spans",
  "threadName",
  "threadId",
]);
// Fields promoted to their own LogEvent property; `log.*` come from the tracing-log bridge.
const PROMOTED_KEYS = new Set(["message", "error_code", "request_id", "log.target", "log.file", "log.line"]);

const EPOCH_TEXT = /^-?\d+(?:\.\d+)?$/;

/**
 * Pure: an RFC 3339 timestamp (see parseRfc3339Ms), or an epoch number (or its text) in seconds, ms, µs or
 * ns told apart by magnitude; NaN when neither. The intake judges the range.
 */
export function parseTimestampMs(value: unknown): number {
  if (typeof value === "number") return epochToMs(value);
  if (typeof value !== "string") return Number.NaN;
  const text = value.trim();
  if (EPOCH_TEXT.test(text)) return epochToMs(Number(text));
  return parseRfc3339Ms(text);
}

/** A missing timestamp stays NaN (the read time, not counted); one present but unusable is counted. */
function lineTimeMs(value: unknown): number {
  if (value === undefined) return Number.NaN;
  const ms = parseTimestampMs(value);
  return Number.isNaN(ms) ? UNPARSABLE_TIME_MS : ms;
}

/** Pure, iterative: whether JSON text nests objects/arrays deeper than `max` (brackets in strings skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

// Keys read in any case (`"LEVEL"`, `"Fields":{"Message"}`), as other loggers and shippers write them.
const TOP_CASE_FREE = new Set([
  "timestamp",
  "level",
  "fields",
  "target",
  "span",
  "spans",
  "message",
  "error_code",
]);
const FIELD_CASE_FREE = new Set(["message", "error_code"]);

/** Pure: `obj` with the `names` spelled in another case renamed to lower case, unless already present so. */
function lowerKeys(obj: Record<string, unknown>, names: ReadonlySet<string>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(obj)) {
    const lower = key.toLowerCase();
    if (lower === key || !names.has(lower) || Object.hasOwn(obj, lower) || (out && Object.hasOwn(out, lower)))
      continue;
    out ??= { ...obj };
    out[lower] = out[key];
    delete out[key];
  }
  return out ?? obj;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function findRequestId(
  nested: Record<string, unknown>,
  top: Record<string, unknown>,
  span: unknown,
  spans: unknown,
): string | null {
  const direct = asText(nested.request_id) ?? asText(top.request_id);
  if (direct !== null) return direct;
  if (isObject(span)) {
    const fromSpan = asText(span.request_id);
    if (fromSpan !== null) return fromSpan;
  }
  if (Array.isArray(spans)) {
    // spans[] runs root -> leaf: the innermost span with an id is the most specific one.
    for (let i = spans.length - 1; i >= 0; i--) {
      const entry: unknown = spans[i];
      const id = isObject(entry) ? asText(entry.request_id) : null;
      if (id !== null) return id;
    }
  }
  return null;
}

/** Pure: parse one line; lines without a known level are `not_json`, a timestamp may be missing (NaN). */
export function parseTracingLine(line: string, options: { maxLineChars?: number } = {}): ParseResult {
  if (line.length > (options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS))
    return { ok: false, reason: "oversize" };
  const text = line.trim();
  if (!text.startsWith("{")) return { ok: false, reason: "not_json" };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return { ok: false, reason: "too_deep" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "cut_off" };
  }
  if (!isObject(json)) return { ok: false, reason: "not_json" };
  const parsed = lowerKeys(json, TOP_CASE_FREE);
  const level = typeof parsed.level === "string" ? parsed.level.trim().toUpperCase() : "";
  if (!LEVELS.has(level)) return { ok: false, reason: "not_json" };

  const nested = isObject(parsed.fields) ? lowerKeys(parsed.fields, FIELD_CASE_FREE) : {};
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!FORMAT_KEYS.has(key) && !PROMOTED_KEYS.has(key)) fields[key] = value;
  }
  for (const [key, value] of Object.entries(nested)) {
    if (!PROMOTED_KEYS.has(key)) fields[key] = value;
  }
  const lineNumber = parsed.line_number ?? nested["log.line"];
  return {
    ok: true,
    event: {
      timestampMs: lineTimeMs(parsed.timestamp),
      level: level as Level,
      target: asText(parsed.target) ?? asText(nested["log.target"]) ?? "",
      message: asText(nested.message) ?? asText(parsed.message) ?? "",
      errorCode: asText(nested.error_code) ?? asText(parsed.error_code),
      requestId: findRequestId(nested, parsed, parsed.span, parsed.spans),
      filename: asText(parsed.filename) ?? asText(nested["log.file"]),
      lineNumber: typeof lineNumber === "number" && Number.isInteger(lineNumber) ? lineNumber : null,
      threadName: asText(parsed.threadName),
      fields,
    },
  };
}

function collectStrings(value: unknown, out: string[], depth: number): void {
  if (typeof value === "string") out.push(value);
  else if (value !== null && typeof value === "object" && depth < 16) {
    for (const [key, item] of Object.entries(value)) {
      if (!Array.isArray(value)) out.push(key);
      collectStrings(item, out, depth + 1);
    }
  }
}

/** Every string of an event (field names included), joined, for the one cheap "might hold a secret" test. */
function lineStrings(event: LogEvent, fields: Record<string, unknown>): string {
  const out = [
    event.message,
    event.target,
    event.errorCode ?? "",
    event.requestId ?? "",
    event.filename ?? "",
  ];
  collectStrings(fields, out, 0);
  return out.join("\n");
}

/**
 * Pure: turn a parsed event into a file Signal: redacted, bounded, fingerprinted. A line without a timestamp
 * gets `fallbackTimestampMs` (the read time) when given, else keeps NaN for the caller to substitute.
 */
export function eventToSignal(
  event: LogEvent,
  options: { maxFieldChars?: number; fallbackTimestampMs?: number; redactions?: RedactionCounts } = {},
): Signal {
  const counts = options.redactions ?? {};
  const maxChars = options.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
  const timestampMs =
    Number.isNaN(event.timestampMs) && options.fallbackTimestampMs !== undefined
      ? options.fallbackTimestampMs
      : event.timestampMs;
  // Pre-cut long strings (with slack) before redacting so hostile megabyte fields cost little.
  const preCut = boundValue(event.fields, maxChars + REDACT_SLACK_CHARS) as Record<string, unknown>;
  // One cheap test over every string of the line; most error lines hold nothing a rule could match.
  const clean = !mightHoldSecret(lineStrings(event, preCut));
  const message = boundText(event.message, maxChars, counts, clean);
  const target = boundText(event.target, 256, counts, clean);
  const errorCode = event.errorCode === null ? null : boundText(event.errorCode, 128, counts, clean);
  const redactedFields = clean ? preCut : redactFieldsCounted(preCut, counts);
  const fields = boundValue(redactedFields, maxChars, 0, clean ? null : counts) as Record<string, unknown>;
  return {
    fingerprint: fingerprintOf({ errorCode, target, message }),
    errorCode,
    target,
    level: event.level,
    message,
    timestampMs,
    requestId: event.requestId === null ? null : boundText(event.requestId, 256, counts, clean),
    fields,
    source: "file",
    count: 1,
    filename: event.filename === null ? null : boundText(event.filename, 512, counts, clean),
    lineNumber: event.lineNumber,
    severityHint: null,
    dedupKey: null,
  };
}
