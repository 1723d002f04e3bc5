/**
 * Redacted text cut to a bound, shared by the log-line parser and the webhook schemas. Redaction runs before the
 * cut (a secret straddling the cut is found whole); the cut is then scanned again, because a token glued to more
 * letters is no secret to a rule with a trailing boundary, while the cut's "…" gives it one.
 */
import { type RedactionCounts, redactTextCounted } from "../domain/redact.js";

/** Hidden characters kept past a cut while redacting, so a secret straddling it is still whole. */
export const REDACT_SLACK_CHARS = 512;

/** Pure: cut `text` to at most `maxChars` UTF-16 units with a trailing ellipsis, never splitting a surrogate pair. */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * Pure: cut text that was redacted whole to `maxChars`; when it was cut, scan it again (counting new finds into
 * `counts`) and cut again if a marker overflows. `counts` null: the caller knows the text holds nothing to find.
 */
export function cutRedacted(text: string, maxChars: number, counts?: RedactionCounts | null): string {
  const cut = truncateText(text, maxChars);
  if (cut === text || counts === null) return cut;
  return truncateText(redactTextCounted(cut, counts), maxChars);
}

/** Pure: redact (with slack past the bound), then cut to `maxChars`. `clean`: the text holds nothing to find. */
export function boundText(s: string, maxChars: number, counts?: RedactionCounts, clean = false): string {
  const head = s.length > maxChars + REDACT_SLACK_CHARS ? s.slice(0, maxChars + REDACT_SLACK_CHARS) : s;
  return clean
    ? truncateText(head, maxChars)
    : cutRedacted(redactTextCounted(head, counts), maxChars, counts);
}

/**
 * Pure: every string of a JSON value cut to `maxChars` (at most 64 items per array or object, 8 levels). With
 * `counts` (null: clean) the value was redacted and each cut is scanned again; without, it is the pre-cut made
 * before redaction, where the slack is what keeps secrets whole.
 */
export function boundValue(
  value: unknown,
  maxChars: number,
  depth = 0,
  counts?: RedactionCounts | null,
): unknown {
  if (typeof value === "string")
    return counts === undefined ? truncateText(value, maxChars) : cutRedacted(value, maxChars, counts);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (Array.isArray(value))
    return value.slice(0, 64).map((item) => boundValue(item, maxChars, depth + 1, counts));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, 64))
    out[key] = boundValue(item, maxChars, depth + 1, counts);
  return out;
}
