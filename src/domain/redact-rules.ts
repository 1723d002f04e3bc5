/**
 * ai-monitor's own secret rules: what secretlint's preset does not cover (URL credentials in every shape, auth
 * schemes and headers, key=value / key: value / JSON / YAML spellings, formats of providers it has no rule for)
 * and a second net under a few it does. Each rule reports the range of the secret alone, so the text around it
 * (the host of a URL, the name of a key) stays readable.
 * Patterns start with a literal or a bounded prefix and use no nested quantifiers: input is hostile.
 */

/** One rule: `pattern` is global with indices (`gd`); the secret is the first capture group that matched. */
export interface OwnRule {
  id: string;
  /**
   * A regex fragment every match contains (case-insensitive); the union of these gates all rules at once. Null
   * for rules whose every match holds a run of 16 token characters: LONG_TOKEN gates those.
   */
  trigger: string | null;
  pattern: RegExp;
  /** Keep a match only when this agrees (prose such as "Basic authentication" is not a credential). */
  accept?: (secret: string, match: string) => boolean;
}

/** Key names whose value is a credential in `key=value`, `key: value` and `"key": "value"` text. */
export const SECRET_KEY_WORDS =
  "password|passwd|pwd|passphrase|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|id[_-]?token|" +
  "auth[_-]?token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|account[_-]?key|credentials?|" +
  "auth|session[_-]?id|sessionid|signature|sig";

// Words that follow "password:" or "token:" in prose: the colon form needs a value that is not one of them.
const PROSE =
  /^(?:invalid|incorrect|missing|expired|required|mismatch|failed|wrong|empty|null|none|nil|true|false|changed|reset|ok|denied|rejected|revoked|unknown|not|is|was|set|unset|provided|present|absent|too|must|should|error|tokens?|auth|authentication|authorization|header|scheme|prefix|string|value)$/i;

// Characters that end an unquoted value (JSON and logfmt punctuation, shell quotes, whitespace).
const UNQUOTED = String.raw`[^\s"'\\&,;<>{}\[\]()|\u0060]+`;

// An error variant or a path after "token:" ("ExpiredSignature", "jsonwebtoken::errors"), not a value.
const IDENTIFIER = /^(?:[A-Z][a-z]+){2,}$|::/;

// Keys whose value is a secret even when it looks like a word ("password: x").
const PASSWORD_KEY = /^(?:password|passwd|pwd|passphrase|secret)/i;

// Key names unambiguous enough that a value after a plain space is theirs ("aws_secret_access_key AbC/123…").
const SPACED_KEYS =
  "(?:aws_)?secret_access_key|api[_-]?key|password|passwd|client[_-]?secret|private[_-]?key";

// A value after a space (not "=" or ":") ends at whitespace, quotes and brackets; "&" may sit in a password.
const SPACED_VALUE = String.raw`[^\s"'\\,;<>{}\[\]()|\u0060]+`;

/** Pure: a value after a space or "is" reads as a credential: 8+ characters with a digit, or 16+ mixed case. */
function credentialLike(value: string): boolean {
  if (!notProse(value) || IDENTIFIER.test(value) || /^[./~$]/.test(value) || value.length < 8) return false;
  return (/\d/.test(value) && /[A-Za-z]/.test(value)) || (value.length >= 16 && hasDigitOrMixed(value));
}

/** Pure: the value looks like a credential rather than a word of prose. */
export function notProse(value: string): boolean {
  return !PROSE.test(value) && !/^\[REDACTED/.test(value);
}

function looksBase64(value: string): boolean {
  return /[0-9+/=]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value.slice(1)));
}

function hasDigitOrMixed(value: string): boolean {
  return value.length >= 8 && (/[\d._~+/=-]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value)));
}

const rule = (
  id: string,
  trigger: string | null,
  source: string,
  flags = "",
  accept?: OwnRule["accept"],
): OwnRule => ({
  id,
  trigger,
  pattern: new RegExp(source, `gd${flags}`),
  ...(accept ? { accept } : {}),
});

/** The rules, most specific first: on overlapping ranges the earliest start wins, then the longer, then this order. */
export const OWN_RULES: readonly OwnRule[] = [
  // Key blocks, or their start up to the end of the text when the END line was cut off.
  rule(
    "pgp-private-key",
    "-----BEGIN PGP",
    String.raw`(-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?(?:-----END PGP PRIVATE KEY BLOCK-----|$))`,
  ),
  rule(
    "private-key",
    "-----BEGIN",
    String.raw`(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$))`,
  ),
  // scheme://user:password@host (empty user, "/" or "@" in the password) and scheme://long-token@host.
  rule(
    "url-credentials",
    "://",
    // Greedy up to the last "@" that a host follows: "@" and "/" may sit in the password.
    String.raw`\b[a-z][a-z0-9+.-]{0,30}://([^\s/?#@"'<>` +
      "`" +
      String.raw`]*:[^\s"'<>` +
      "`" +
      String.raw`]*|[^\s/?#@:"'<>` +
      "`" +
      String.raw`]{16,})@(?=[\w.%\[\]-]+(?:[:/?#\s"'<>),;]|$))`,
    "i",
  ),
  rule(
    "discord-webhook",
    "discord",
    String.raw`\bhttps?://(?:[\w-]+\.)?discord(?:app)?\.com/api/(?:v\d+/)?webhooks/\d+/([\w-]+)`,
    "i",
  ),
  rule(
    "slack-webhook",
    "hooks.slack.com",
    String.raw`\bhttps://hooks\.slack\.com/((?:services|workflows|triggers)/[\w/-]+)`,
    "i",
  ),
  // Provider formats with a distinctive prefix need no word boundary before them: a token glued to the word before
  // it ("under_ghp_…", "keyAKIA…", a label value "xxxx…ghp_…") is still a token. A trailing bound (fixed length or
  // end of the token's alphabet) keeps ordinary identifiers out; short prefixes that occur inside words
  // ("risk-", "task_test_", "TASK<hex>", "mask-<hex>") keep the leading boundary.
  rule(
    "aws-access-key",
    null,
    String.raw`((?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16})(?![0-9A-Za-z])`,
  ),
  rule("google-api-key", null, String.raw`(AIza[\w-]{35})`),
  rule(
    "gitlab-token",
    null,
    String.raw`((?:gl(?:pat|dt|rt|ptt|ft|imt|oas|cbt|soat|ffct|agent)-|GR1348941)[\w-]{20,})`,
  ),
  rule("github-token", null, String.raw`((?:gh[pousr]_[A-Za-z0-9]{20,})|github_pat_\w{20,})`),
  rule("anthropic-key", null, String.raw`(sk-ant-[\w-]{9,})`),
  rule("stripe-key", null, String.raw`\b((?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{10,}|whsec_[0-9a-zA-Z]{24,})`),
  rule("stripe-key", null, String.raw`((?:sk|rk)_live_[0-9a-zA-Z]{24,}|whsec_[0-9a-zA-Z]{32,})`),
  rule("api-key", null, String.raw`\b(sk-[\w-]{20,})`),
  rule(
    "api-key",
    null,
    String.raw`(sk-(?:proj|svcacct|admin)-[\w-]{20,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})`,
  ),
  rule("npm-token", null, String.raw`(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])`),
  rule("sendgrid-key", null, String.raw`(SG\.[\w-]{16,32}\.[\w-]{16,64})`),
  rule("slack-token", "xox", String.raw`(xox[a-z]-[A-Za-z0-9-]{6,})`),
  rule("huggingface-token", null, String.raw`\b((?:hf_|api_org_)[A-Za-z0-9]{30,})`),
  rule("huggingface-token", null, String.raw`((?:hf_|api_org_)[A-Za-z0-9]{34})(?![A-Za-z0-9])`),
  rule("twilio-key", null, String.raw`\b(SK[0-9a-f]{32})\b`),
  rule("mailgun-key", null, String.raw`\b(key-[0-9a-f]{32})\b`),
  rule("telegram-bot-token", null, String.raw`(?<!\d)(\d{8,10}:AA[\w-]{33})`),
  rule("digitalocean-token", null, String.raw`(do[por]_v1_[a-f0-9]{64})`),
  rule("pypi-token", null, String.raw`(pypi-AgE[\w-]{50,})`),
  rule("age-secret-key", null, String.raw`(AGE-SECRET-KEY-1[0-9A-Z]{58})`),
  rule("square-token", null, String.raw`\b(sq0(?:atp|csp)-[\w-]{22,43}|EAAA[\w-]{60})`),
  rule("postman-key", null, String.raw`(PMAK-[a-f0-9]{24}-[a-f0-9]{34})`),
  rule("newrelic-key", null, String.raw`(NRAK-[A-Z0-9]{27})`),
  rule("sentry-token", null, String.raw`(sntry[su]_[\w=+/]{40,})`),
  rule("doppler-token", null, String.raw`(dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,})`),
  rule("discord-bot-token", null, String.raw`\b([MNO][A-Za-z\d_-]{23,25}\.[\w-]{6}\.[\w-]{27,40})`),
  // JWT: base64url header and payload (both start with eyJ = '{"'), optional signature.
  rule("jwt", null, String.raw`\b(eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*)`),
  // Generic schemes and headers, after the provider formats (on the same range, the earlier rule names it).
  rule(
    "digest-auth",
    "digest",
    String.raw`\bDigest\s+((?:[a-z]+=(?:"[^"\n]*"|[^\s,"]+)[ \t]*,?[ \t]*){1,16})`,
    "i",
  ),
  rule("bearer", "bearer", String.raw`\bBearer\s+([\w.~+/=-]+)`, "i", notProse),
  rule("basic-auth", "basic", String.raw`\bBasic\s+([A-Za-z0-9+/]{6,}={0,2})`, "i", looksBase64),
  // "token <value>" (GitHub's scheme) anywhere: a long value that is not a word.
  rule("token-auth", "token", String.raw`\btoken\s+([\w.~+/=-]{16,})`, "i", hasDigitOrMixed),
  // Headers whose whole value is a credential (any scheme, or none).
  rule(
    "auth-header",
    "authorization|api-key|auth-token|access-token|private-token|vault-token",
    String.raw`\b(?:proxy-)?(?:authorization|x-api-key|api-key|x-auth-token|x-access-token|private-token|x-vault-token)["']?\s*:\s*["']?(?:(?:bearer|basic|digest|token|apikey|sso-key)\s+)?([^\s"',;]+)`,
    "i",
    notProse,
  ),
  rule("cookie", "cookie", String.raw`\b(?:set-)?cookie["']?\s*:\s*["']?([^\r\n"']+)`, "i"),
  rule(
    "azure-connection-string",
    "key=|signature=|password=|pwd=",
    String.raw`(?:\b(?:AccountKey|SharedAccessKey|SharedAccessSignature|SharedSecret)|;\s*(?:Password|Pwd))=([^;"'\s]+)`,
    "i",
  ),
  // "key": "value" (JSON, also with escaped quotes inside a JSON string) and 'key': 'value'.
  rule(
    "key-value",
    SECRET_KEY_WORDS,
    String.raw`(?:${SECRET_KEY_WORDS})(?:"\s*[:=]\s*"((?:[^"\\\n]|\\.)*)"|\\"\s*[:=]\s*\\"((?:[^"\\\n]|\\[^"\n])*)\\"|'\s*[:=]\s*'([^'\n]*)')`,
    "i",
    (v) => v !== "" && !/^\[REDACTED/.test(v),
  ),
  rule(
    "key-value",
    SECRET_KEY_WORDS,
    // A call or a path in code (\`token = get_token()\`, \`secret = env::var(..)\`) is not a value.
    String.raw`(?:${SECRET_KEY_WORDS})["']?\s*(?:=>|=)\s*(?:"([^"\n]*)"|'([^'\n]*)'|(${UNQUOTED})(?![\w(:]))`,
    "i",
    (v) => v !== "" && !/^\[REDACTED/.test(v),
  ),
  // key: value (YAML, free text): prose such as "password: invalid" is left alone.
  rule(
    "key-value",
    SECRET_KEY_WORDS,
    String.raw`(?:${SECRET_KEY_WORDS})["']?[ \t]*:[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|(${UNQUOTED}))`,
    "i",
    (v, match) =>
      v !== "" &&
      notProse(v) &&
      !IDENTIFIER.test(v) &&
      (PASSWORD_KEY.test(match) || v.length >= 16 || hasDigitOrMixed(v)),
  ),
  // "aws_secret_access_key <value>", "password <value>" (a space, no "=" or ":"): the value must look like a
  // credential, so "password reset failed" and "api_key lookup failed" stay readable.
  rule(
    "key-value",
    SPACED_KEYS,
    String.raw`(?<![A-Za-z0-9])(?:${SPACED_KEYS})[ \t]+(${SPACED_VALUE})`,
    "i",
    credentialLike,
  ),
  // "secret is X", "the password was X".
  rule(
    "key-value",
    "secret|passw",
    String.raw`\b(?:secret|password|passwd|passphrase)[ \t]+(?:is|was)[ \t]+(${SPACED_VALUE})`,
    "i",
    credentialLike,
  ),
];

/** A run of 16 token characters: every provider token holds one (see `trigger`). */
export const LONG_TOKEN = /[\w+/=.-]{16}/;

/** Case-insensitive test that every rule's match needs to pass, with LONG_TOKEN: clean text costs two scans. */
export const OWN_TRIGGER = new RegExp(
  OWN_RULES.flatMap((r) => (r.trigger === null ? [] : [r.trigger])).join("|"),
  "i",
);
