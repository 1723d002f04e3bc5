/**
 * Redaction of everything a context bundle carries, counted by kind. Loki lines, tailed-file lines, source
 * text and commit subjects were never parsed by ai-monitor, so they pass through here before leaving the
 * process; lines already redacted at parse time pass again (idempotent, and not counted twice).
 */
import {
  isRedacted,
  isSensitiveKey,
  type RedactExtras,
  type RedactionCounts,
  redactedAs,
  redactTextCounted,
  redactValueCounted,
} from "../domain/redact.js";

/** Longest log line kept in a bundle; the rest is cut with an explicit marker. */
export const MAX_CONTEXT_LINE_CHARS = 4000;

// Hidden bytes after the cut so a secret straddling it is still whole when redacted.
const SLACK_CHARS = 512;

// "key": "value" or "key": 123 inside JSON that could not be parsed (a line cut at the bound).
const JSON_PAIR = /"([\w.-]{1,64})"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*)/g;

/** A redactor for one bundle: redacts and keeps the counts. */
export interface Redactor {
  /** Free text (source, commit subjects, titles). */
  text(s: string): string;
  /** One log line: JSON values under sensitive keys, secrets in every string, bounded length. */
  logLine(line: string): string;
  /** Redactions made so far, by kind. */
  counts(): RedactionCounts;
  /** Total redactions made so far. */
  total(): number;
}

/** Compile configured patterns once; each becomes a global regex. Invalid ones throw (the schema checks). */
export function compilePatterns(sources: readonly string[]): RegExp[] {
  return sources.map((source) => new RegExp(source, "g"));
}

/** Create a redactor with the built-in rules and the configured extra patterns and field names. */
export function createRedactor(
  options: { patterns?: readonly string[]; fields?: readonly string[] } = {},
): Redactor {
  const extras: RedactExtras = {
    patterns: compilePatterns(options.patterns ?? []),
    fields: options.fields ?? [],
  };
  const counts: RedactionCounts = {};
  const text = (s: string) => redactTextCounted(s, counts, extras);

  const sensitive = (): string => {
    counts["sensitive-field"] = (counts["sensitive-field"] ?? 0) + 1;
    return redactedAs("sensitive-field");
  };

  function unparsedJson(s: string): string {
    return text(s).replace(JSON_PAIR, (match, key: string, colon: string, raw: string) =>
      isSensitiveKey(key, extras.fields) && !isRedacted(raw.slice(1, -1))
        ? `"${key}"${colon}"${sensitive()}"`
        : match,
    );
  }

  return {
    text,
    logLine(line) {
      const cut = line.length > MAX_CONTEXT_LINE_CHARS;
      const head = cut ? line.slice(0, MAX_CONTEXT_LINE_CHARS + SLACK_CHARS) : line;
      let out: string;
      const trimmed = head.trim();
      if (!cut && trimmed.startsWith("{")) {
        try {
          out = JSON.stringify(redactValueCounted(JSON.parse(trimmed), counts, extras));
        } catch {
          out = unparsedJson(head);
        }
      } else out = unparsedJson(head);
      if (out.length <= MAX_CONTEXT_LINE_CHARS) return out;
      return `${out.slice(0, MAX_CONTEXT_LINE_CHARS)} [... ${line.length - MAX_CONTEXT_LINE_CHARS} chars omitted]`;
    },
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0),
  };
}
