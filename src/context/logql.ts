/**
 * LogQL built from an incident: (a) recent occurrences of its fingerprint, (b) its request's trail. Values
 * come from logs (attacker-controlled), so every one is bounded and quoted; a cheap line filter runs before
 * `| json`, whose label names flatten nesting with `_` (`fields.error_code` -> `fields_error_code`).
 * @see https://grafana.com/docs/loki/latest/query/log_queries/#json
 */

/** Longest value put into a query (error codes, request ids, targets are short; a long one is hostile). */
export const MAX_QUERY_VALUE_CHARS = 256;
/** Loki's default `max_entries_limit_per_query` is 5000; ask for far fewer. */
export const MAX_QUERY_LIMIT = 1000;
/** Longest range either query covers. */
export const MAX_QUERY_RANGE_MS = 24 * 3_600_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Pure: a LogQL double-quoted string (Go syntax: JSON escapes are valid Go escapes once well-formed). */
export function logqlString(value: string): string {
  const bounded = value.length > MAX_QUERY_VALUE_CHARS ? value.slice(0, MAX_QUERY_VALUE_CHARS) : value;
  // Go rejects \ud800-style escapes of lone surrogates (a cut may make one): U+FFFD instead.
  return JSON.stringify(bounded.replace(LONE_SURROGATE, "\uFFFD"));
}

/** Pure: `a="x" or b="x"` over label names; used after `| json` where the field may sit at several paths. */
function anyLabelEquals(labels: readonly string[], value: string): string {
  const quoted = logqlString(value);
  return labels.map((label) => `${label}=${quoted}`).join(" or ");
}

/** Pure: the longest literal run of a message between numbers, ids and quotes (for filters), if long enough. */
export function messageLiteral(message: string): string | null {
  let best = "";
  for (const part of message.slice(0, 2048).split(/[0-9"'`{}[\]]+|\b[0-9a-f]{8,}\b/)) {
    const run = part.trim();
    if (run.length > best.length) best = run;
  }
  return best.length >= 8 ? best.slice(0, MAX_QUERY_VALUE_CHARS) : null;
}

/** What the queries need from the incident. */
export interface QuerySubject {
  errorCode: string | null;
  target: string;
  message: string;
  requestId: string | null;
}

/** Pure: recent occurrences of the fingerprint `{error_code}:{target}` (or message template and target). */
export function occurrencesQuery(selector: string, subject: QuerySubject): string {
  const parts = [selector];
  if (subject.errorCode) {
    parts.push(`|= ${logqlString(subject.errorCode)}`, "| json");
    parts.push(`| ${anyLabelEquals(["fields_error_code", "error_code"], subject.errorCode)}`);
  } else {
    const literal = messageLiteral(subject.message);
    if (literal) parts.push(`|= ${logqlString(literal)}`);
    parts.push("| json");
  }
  if (subject.target) parts.push(`| target=${logqlString(subject.target)}`);
  return parts.join(" ");
}

/** Pure: every line of the request, all levels (tracing puts the id in fields, at the top, or in the span). */
export function requestTrailQuery(selector: string, requestId: string): string {
  const labels = ["fields_request_id", "request_id", "span_request_id"];
  return `${selector} |= ${logqlString(requestId)} | json | ${anyLabelEquals(labels, requestId)}`;
}

/** A bounded query range in ms since the epoch. */
export interface QueryRange {
  startMs: number;
  endMs: number;
}

/** Pure: the trail's range: `windowMs` (capped at 1h) either side of the incident's first and last time. */
export function requestRange(firstSeenMs: number, lastSeenMs: number, windowMs: number): QueryRange {
  const half = Math.min(Math.max(windowMs, 1000), 3_600_000);
  return clampRange({ startMs: firstSeenMs - half, endMs: Math.max(lastSeenMs, firstSeenMs) + half });
}

/** Pure: the occurrences' range: `lookbackMs` (capped) before the last occurrence, up to just after it. */
export function occurrencesRange(lastSeenMs: number, lookbackMs: number): QueryRange {
  const end = lastSeenMs + 1000;
  return clampRange({ startMs: end - Math.min(Math.max(lookbackMs, 1000), MAX_QUERY_RANGE_MS), endMs: end });
}

function clampRange(range: QueryRange): QueryRange {
  const endMs = Math.max(range.endMs, range.startMs + 1);
  return { startMs: Math.max(endMs - MAX_QUERY_RANGE_MS, range.startMs), endMs };
}

/** Pure: a limit Loki will accept. */
export function boundLimit(limit: number): number {
  return Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_QUERY_LIMIT);
}
