/**
 * Redaction of secrets in log content. Log lines and alert labels are attacker- and developer-controlled and carry
 * credentials, so this runs at intake (before anything is cut, fingerprinted or stored) and again on everything
 * leaving the process. Detection is secretlint's recommended rules (see secretlint-scan.ts) plus ai-monitor's own
 * (redact-rules.ts), on the text and on a percent-decoded copy of it. A secret becomes `[REDACTED:rule]`, so an
 * on-call engineer sees which rule fired; markers are never redacted (or counted) twice.
 * Callers bound the text length first (see eventToSignal): input is hostile.
 */
import { LONG_TOKEN, OWN_RULES, OWN_TRIGGER } from "./redact-rules.js";
import { type SecretRange, scanWithSecretlint } from "./secretlint-scan.js";

export type { SecretRange } from "./secretlint-scan.js";

/** The start of every marker (`[REDACTED:rule]`); also the marker of the generic case. */
export const REDACTED = "[REDACTED]";

/** Deepest nesting redactFields walks; deeper values are replaced whole (they could hide anything). */
export const MAX_REDACT_DEPTH = 8;

/** Pure: the marker that replaces a secret found by `rule`. */
export function redactedAs(rule: string): string {
  return `[REDACTED:${rule}]`;
}

const MARKER = /\[REDACTED(?::[\w-]{1,64})?\]/g;
const WHOLE_MARKER = /^\[REDACTED(?::[\w-]{1,64})?\]$/;

/** Pure: true when `value` is exactly a marker left by an earlier pass. */
export function isRedacted(value: unknown): boolean {
  return typeof value === "string" && WHOLE_MARKER.test(value);
}

/** Redactions made, by rule name. */
export type RedactionCounts = Record<string, number>;

/** What a deployment adds to the built-in rules (config `redact.patterns` and `redact.fields`). */
export interface RedactExtras {
  /** Global regexes; each match becomes `[REDACTED:custom]`. */
  patterns?: readonly RegExp[];
  /** Field names (case-insensitive) whose values are always redacted. */
  fields?: readonly string[];
}

function ownRules(text: string, out: SecretRange[]): void {
  if (!LONG_TOKEN.test(text) && !OWN_TRIGGER.test(text)) return;
  for (const rule of OWN_RULES) {
    rule.pattern.lastIndex = 0;
    for (let m = rule.pattern.exec(text); m !== null; m = rule.pattern.exec(text)) {
      if (m[0] === "") rule.pattern.lastIndex++;
      const group = m.findIndex((value, i) => i > 0 && value !== undefined);
      const span = group > 0 ? m.indices?.[group] : undefined;
      if (!span || span[1] <= span[0]) continue;
      if (rule.accept && !rule.accept(m[group]!, m[0])) continue;
      out.push({ start: span[0], end: span[1], rule: rule.id });
    }
  }
}

function extraRules(text: string, patterns: readonly RegExp[], out: SecretRange[]): void {
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (m[0] === "") {
        pattern.lastIndex++;
        continue;
      }
      out.push({ start: m.index, end: m.index + m[0].length, rule: "custom" });
      if (!pattern.global) break;
    }
  }
}

function builtIn(text: string, out: SecretRange[]): void {
  const own: SecretRange[] = [];
  ownRules(text, own);
  for (const range of own) out.push(range);
  for (const range of scanWithSecretlint(text)) {
    if (range.coarse && own.some((r) => r.start < range.end && r.end > range.start)) continue;
    out.push(range);
  }
}

const ENCODED = /%[0-9a-fA-F]{2}/;
// Words of the sensitive field names (isSensitiveKey) that the rules' triggers do not already cover.
const FIELD_WORDS = /pass|jwt|cookie|credential/i;

/**
 * Pure: false only when no built-in rule, no sensitive field name and no encoded form can be in `text`. Callers
 * test the strings of a whole line at once (joined) and skip redaction when it is false: most error lines.
 */
export function mightHoldSecret(text: string): boolean {
  return LONG_TOKEN.test(text) || OWN_TRIGGER.test(text) || ENCODED.test(text) || FIELD_WORDS.test(text);
}
const MAX_DECODE_ROUNDS = 2;

/** Pure: `text` with each %XX decoded to one character, and where each decoded character starts in `text`. */
export function percentDecode(text: string): { decoded: string; starts: number[] } {
  let decoded = "";
  const starts: number[] = [];
  for (let i = 0; i < text.length; ) {
    starts.push(i);
    if (text[i] === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      decoded += String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    } else decoded += text[i++];
  }
  starts.push(text.length);
  return { decoded, starts };
}

function merge(ranges: SecretRange[], markers: Array<[number, number]>): SecretRange[] {
  // A range inside a marker is an earlier pass's redaction seen again.
  const fresh = ranges.filter((r) => !markers.some(([s, e]) => r.start >= s && r.end <= e));
  fresh.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SecretRange[] = [];
  for (const r of fresh) {
    const last = out.at(-1);
    if (last && r.start < last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

// A storm repeats the same label and annotation values thousands of times, and scanning one costs tens of
// microseconds: the built-in rules' answer for short texts is remembered (deterministic, so nothing changes but
// the time). Bounded, and forgotten whole when full; the deployment's own patterns are never remembered.
const REMEMBERED_MAX = 4096;
const REMEMBERED_TEXT_CHARS = 2048;
const remembered = new Map<string, readonly SecretRange[]>();

/** Pure in effect: where the secrets of `text` are (merged, in order), by every rule, on the text and its decoded copy. */
export function findSecrets(text: string, extras: RedactExtras = {}): SecretRange[] {
  if (extras.patterns?.length || text.length > REMEMBERED_TEXT_CHARS) return scan(text, extras);
  const known = remembered.get(text);
  if (known) return known.length === 0 ? [] : known.map((r) => ({ ...r }));
  const found = scan(text, extras);
  if (remembered.size >= REMEMBERED_MAX) remembered.clear();
  remembered.set(
    text,
    found.map((r) => ({ ...r })),
  );
  return found;
}

function scan(text: string, extras: RedactExtras): SecretRange[] {
  const ranges: SecretRange[] = [];
  builtIn(text, ranges);
  if (extras.patterns?.length) extraRules(text, extras.patterns, ranges);
  // dsn=postgres%3A%2F%2Fu%3Apw%40h: look again in a decoded copy and map what it finds back; twice, for a URL
  // encoded inside another URL's query (%253A).
  let copy = text;
  let toOriginal: number[] | null = null;
  for (let round = 0; round < MAX_DECODE_ROUNDS && ENCODED.test(copy); round++) {
    const { decoded, starts } = percentDecode(copy);
    const previous: number[] | null = toOriginal;
    toOriginal = previous ? starts.map((i) => previous[i]!) : starts;
    copy = decoded;
    const found: SecretRange[] = [];
    builtIn(copy, found);
    for (const r of found)
      ranges.push({ start: toOriginal[r.start]!, end: toOriginal[r.end]!, rule: r.rule });
  }
  if (ranges.length === 0) return ranges;
  const markers: Array<[number, number]> = [];
  for (const m of text.matchAll(MARKER)) markers.push([m.index, m.index + m[0].length]);
  return merge(ranges, markers);
}

/**
 * Pure: replace the secrets of free text with `[REDACTED:rule]`, counting each replacement by rule into `counts`
 * when given. `extras` are the deployment's own patterns.
 */
export function redactTextCounted(s: string, counts?: RedactionCounts, extras: RedactExtras = {}): string {
  const ranges = findSecrets(s, extras);
  if (ranges.length === 0) return s;
  let out = "";
  let at = 0;
  for (const r of ranges) {
    out += s.slice(at, r.start) + redactedAs(r.rule);
    at = r.end;
    if (counts) counts[r.rule] = (counts[r.rule] ?? 0) + 1;
  }
  return out + s.slice(at);
}

/** Pure: replace secrets found anywhere in free text with `[REDACTED:rule]`. */
export function redactText(s: string, extras: RedactExtras = {}): string {
  return redactTextCounted(s, undefined, extras);
}

export { isSensitiveKey, redactFields, redactFieldsCounted, redactValueCounted } from "./redact-fields.js";
