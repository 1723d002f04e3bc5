/**
 * Redaction of structured values (log fields, alert labels, JSON lines): a value under a sensitive key is replaced
 * whole, every other string (keys included: a secret can be a field's name) goes through the text rules.
 */
import {
  isRedacted,
  MAX_REDACT_DEPTH,
  type RedactExtras,
  type RedactionCounts,
  redactedAs,
  redactTextCounted,
} from "./redact.js";

const SENSITIVE_KEY =
  /(?:^|[_.-])(?:authorization|password|passwd|pwd|pass|passphrase|secret|token|api[_-]?key|apikey|cookie|set-cookie|private[_-]?key|privatekey|secret[_-]?key|credentials?|access[_-]?key|account[_-]?key|session[_-]?id|sessionid|auth|bearer|jwt|x-api-key)$/;

/** Pure: true when a field's key names a credential (authorization, password, token, cookie, apiKey, ...). */
export function isSensitiveKey(key: string, extraFields: readonly string[] = []): boolean {
  if (builtInSensitive(key)) return true;
  if (extraFields.length === 0) return false;
  const lower = key.toLowerCase();
  return extraFields.some((field) => field.toLowerCase() === lower);
}

// Field and label names repeat in every alert of a storm: the built-in rule's answer per name is remembered
// (bounded, forgotten whole when full).
const sensitiveNames = new Map<string, boolean>();
function builtInSensitive(key: string): boolean {
  let known = sensitiveNames.get(key);
  if (known === undefined) {
    known = SENSITIVE_KEY.test(key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase());
    if (sensitiveNames.size >= 4096) sensitiveNames.clear();
    sensitiveNames.set(key, known);
  }
  return known;
}

function walk(value: unknown, depth: number, counts: RedactionCounts, extras: RedactExtras): unknown {
  if (typeof value === "string") return redactTextCounted(value, counts, extras);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_REDACT_DEPTH) return hide("too-deep", counts);
  if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, counts, extras));
  return walkObject(value as Record<string, unknown>, depth + 1, counts, extras);
}

function hide(rule: string, counts: RedactionCounts): string {
  counts[rule] = (counts[rule] ?? 0) + 1;
  return redactedAs(rule);
}

function walkObject(
  fields: Record<string, unknown>,
  depth: number,
  counts: RedactionCounts,
  extras: RedactExtras,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(fields)) {
    let key = redactTextCounted(rawKey, counts, extras);
    // Two keys redacted to the same marker both stay.
    for (let n = 2; key in out; n++) key = `${redactTextCounted(rawKey, undefined, extras)}#${n}`;
    const sensitive = isSensitiveKey(rawKey, extras.fields) && value !== null && value !== undefined;
    out[key] = !sensitive
      ? walk(value, depth, counts, extras)
      : isRedacted(value)
        ? value
        : hide("sensitive-field", counts);
  }
  return out;
}

/** Pure: like redactFields, counting each redaction by rule into `counts`. */
export function redactFieldsCounted(
  fields: Record<string, unknown>,
  counts: RedactionCounts,
  extras: RedactExtras = {},
): Record<string, unknown> {
  return walkObject(fields, 0, counts, extras);
}

/** Pure: redact whole values under sensitive keys and secrets inside every other string and key, recursively. */
export function redactFields(
  fields: Record<string, unknown>,
  extras: RedactExtras = {},
): Record<string, unknown> {
  return walkObject(fields, 0, {}, extras);
}

/** Pure: any JSON value redacted as a field value would be (strings, arrays and objects alike). */
export function redactValueCounted(
  value: unknown,
  counts: RedactionCounts,
  extras: RedactExtras = {},
): unknown {
  return walk(value, 0, counts, extras);
}
