/**
 * Fingerprints: `{error_code}:{target}` exactly as the original design defines it, else the message template and the
 * target, so "user 4812 not found" and "user 77 not found" land in one incident.
 */

/** Longest template kept: fingerprints are index keys and metric-free, but still must stay bounded. */
export const MAX_TEMPLATE_CHARS = 200;

// Order matters: wider shapes first, so an email or uuid is not half-eaten by the number rule.
const MASKS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, "<email>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  // A single quote after a letter is an apostrophe ("can't"), not the start of a quoted value.
  [/"[^"]*"/g, "<str>"],
  [/(^|[^\w])'[^'\n]*'/g, "$1<str>"],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, "<ts>"],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, "<ip>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  // Hashes and hex ids: at least 8 hex chars with a digit and a letter (pure digits are numbers).
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, "<hex>"],
  // Prefixed ids such as req_7f3a1c: keep the prefix, mask a tail that mixes letters and digits.
  [/\b([A-Za-z]+_)(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]+\b/g, "$1<id>"],
  // Long opaque tokens mixing letters and digits (base62 ids, nonces).
  [/\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{16,}\b/g, "<id>"],
  // Numbers, negative or decimal; a glued unit stays (30000ms -> <n>ms); digits inside words (http2) stay.
  [/(?<![\w.])-?\d+(?:\.\d+)*/g, "<n>"],
];

/** Pure: mask the variable parts of a log message (numbers, ids, hex, uuids, quoted strings, IPs, emails). */
export function messageTemplate(message: string): string {
  // Masking only shrinks text, so a bounded prefix is enough and keeps hostile megabyte messages cheap.
  let out = message.slice(0, MAX_TEMPLATE_CHARS * 20);
  for (const [pattern, replacement] of MASKS) out = out.replace(pattern, replacement);
  out = out.replace(/\s+/g, " ").trim();
  if (out.length <= MAX_TEMPLATE_CHARS) return out;
  let cut = out.slice(0, MAX_TEMPLATE_CHARS);
  // Never end on half a surrogate pair: the key would not round-trip through UTF-8 stores.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/** Pure: the incident fingerprint of a signal (`{errorCode}:{target}`, else `{template}:{target}`). */
export function fingerprintOf(input: { errorCode: string | null; target: string; message: string }): string {
  const target = input.target === "" ? "unknown" : input.target;
  if (input.errorCode !== null && input.errorCode !== "") return `${input.errorCode}:${target}`;
  return `${messageTemplate(input.message)}:${target}`;
}
