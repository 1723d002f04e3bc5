/**
 * Redaction of secrets in log content. Log lines are attacker-controlled and may carry credentials, so this
 * runs at parse time: nothing unredacted is stored, sent to a sink or to an LLM.
 * Patterns start with a literal or a bounded prefix (no nested quantifiers) because input is hostile; callers
 * still bound the text length first (see eventToSignal), which keeps the few repeat-prone ones cheap.
 */

/** What a secret is replaced with. */
export const REDACTED = "[REDACTED]";

/** Deepest nesting redactFields walks; deeper values are replaced whole (they could hide anything). */
export const MAX_REDACT_DEPTH = 8;

const KV_KEYS =
  "password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|auth|session[_-]?id";

/** What kind of secret a redaction removed (counted per kind so users can see what was caught). */
export type RedactionKind =
  | "private_key"
  | "url_credentials"
  | "discord_webhook"
  | "bearer"
  | "basic_auth"
  | "anthropic_key"
  | "api_key"
  | "github_token"
  | "aws_key"
  | "slack_token"
  | "jwt"
  | "key_value"
  | "sensitive_field"
  | "custom";

type Replace = (match: string, ...groups: string[]) => string;

const TEXT_RULES: ReadonlyArray<readonly [RedactionKind, RegExp, Replace]> = [
  // A PEM block, or its start up to the end of the text when the END line was cut off.
  [
    "private_key",
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[\s\S]*$)/g,
    () => REDACTED,
  ],
  // https://user:pass@host -> https://[REDACTED]@host: the host stays useful for diagnosis.
  [
    "url_credentials",
    /\b([a-z][a-z0-9+.-]{0,20}:\/\/)[^\s/:@]+:[^\s/@]*@/gi,
    (_, scheme) => `${scheme}${REDACTED}@`,
  ],
  // Discord webhook token (the id is harmless and helps tell webhooks apart).
  [
    "discord_webhook",
    /(\bhttps?:\/\/(?:[\w-]+\.)?discord(?:app)?\.com\/api\/(?:v\d+\/)?webhooks\/\d+\/)[\w-]+/gi,
    (_, prefix) => `${prefix}${REDACTED}`,
  ],
  ["bearer", /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, (_, prefix) => `${prefix}${REDACTED}`],
  // "Basic authentication" is prose, "Basic dXNlcjpwYXNz" is a credential: require a base64 look.
  [
    "basic_auth",
    /\b(Basic\s+)([A-Za-z0-9+/]{6,}={0,2})/gi,
    (match, prefix, value) => (looksBase64(value) ? `${prefix}${REDACTED}` : match),
  ],
  ["anthropic_key", /\bsk-ant-[\w-]+/g, () => REDACTED],
  ["api_key", /\bsk-[\w-]{20,}/g, () => REDACTED],
  ["github_token", /\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{20,}/g, () => REDACTED],
  ["github_token", /\bgithub_pat_\w{20,}/g, () => REDACTED],
  ["aws_key", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, () => REDACTED],
  ["slack_token", /\bxox[a-z]-[A-Za-z0-9-]{6,}/g, () => REDACTED],
  // JWT: base64url header and payload (both start with eyJ = '{"'), optional signature.
  ["jwt", /\beyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g, () => REDACTED],
  // key=value (query strings, logfmt) and "key":"value" (JSON embedded in a message).
  [
    "key_value",
    new RegExp(`((?:${KV_KEYS})\\s*=\\s*)(?:"[^"]*"|'[^']*'|[^\\s&,;"']+)`, "gi"),
    (_, prefix) => `${prefix}${REDACTED}`,
  ],
  [
    "key_value",
    new RegExp(`((?:${KV_KEYS})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*"`, "gi"),
    (_, prefix) => `${prefix}${REDACTED}"`,
  ],
];

// Every rule above needs one of these literals: one pass over clean text instead of one per rule.
const TRIGGER = new RegExp(
  `-----BEGIN|://|bearer|basic|sk-|gh[pousr]_|github_pat_|AKIA|ASIA|xox|eyJ|${KV_KEYS}`,
  "i",
);

const SENSITIVE_KEY =
  /(?:^|[_.-])(?:authorization|password|passwd|pwd|secret|token|api[_-]?key|apikey|cookie|set-cookie|private_key|privatekey|credentials?|access_key|session_id|auth|x-api-key)$/;

function looksBase64(value: string): boolean {
  return /[0-9+/=]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value.slice(1)));
}

/** Pure: replace secrets found anywhere in free text with `[REDACTED]`. */
export function redactText(s: string): string {
  if (!TRIGGER.test(s)) return s;
  let out = s;
  for (const [, pattern, replace] of TEXT_RULES) out = out.replace(pattern, replace);
  return out;
}

/** Redactions made, by kind. */
export type RedactionCounts = Partial<Record<RedactionKind, number>>;

/**
 * Pure: like redactText, and also count what was replaced by kind (into `counts`). `extra` patterns (from the
 * configuration, global regexes) run after the built-in rules; each match counts as "custom".
 */
export function redactTextCounted(s: string, counts: RedactionCounts, extra: readonly RegExp[] = []): string {
  let out = s;
  if (TRIGGER.test(s)) {
    for (const [kind, pattern, replace] of TEXT_RULES) {
      out = out.replace(pattern, (match: string, ...rest: unknown[]) => {
        // Positional: capture groups first, then offset and input (ignored by every rule).
        const replaced = replace(match, ...(rest as string[]));
        if (replaced !== match) counts[kind] = (counts[kind] ?? 0) + 1;
        return replaced;
      });
    }
  }
  for (const pattern of extra) {
    out = out.replace(pattern, (match: string) => {
      if (match === "" || match === REDACTED) return match;
      counts.custom = (counts.custom ?? 0) + 1;
      return REDACTED;
    });
  }
  return out;
}

/** Pure: true when a field's key names a credential (authorization, password, token, cookie, apiKey, ...). */
export function isSensitiveKey(key: string): boolean {
  const normal = key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  return SENSITIVE_KEY.test(normal);
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_REDACT_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  return redactObject(value as Record<string, unknown>, depth + 1);
}

function redactObject(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      isSensitiveKey(key) && value !== null && value !== undefined ? REDACTED : redactValue(value, depth);
  }
  return out;
}

/** Pure: redact whole values under sensitive keys and secrets inside every other string, recursively. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactObject(fields, 0);
}
