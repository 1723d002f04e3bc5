/**
 * Pure: values and names a "literal-only" change must still not touch. A constant can hold a URL the server
 * sends its API key to, a SQL query or a file path; a log call can print a secret. The rules allow
 * literal changes; these checks keep a hostile proposal from using that door.
 */

/** Substrings that make any name sensitive (case-insensitive). */
const SENSITIVE_PARTS = [
  "secret",
  "passw",
  "crypt",
  "auth",
  "cert",
  "credential",
  "private",
  "signing",
  "signature",
  "apikey",
  "verif",
  "valid",
  "csrf",
  "sanitiz",
  "session",
  "cookie",
  "jwt",
  "login",
];

/** Whole words (after splitting snake, kebab, dotted and camel case) that make a name sensitive. */
const SENSITIVE_WORDS = new Set([
  "key",
  "token",
  "salt",
  "tls",
  "ssl",
  "cors",
  "origin",
  "origins",
  "url",
  "urls",
  "uri",
  "uris",
  "host",
  "hosts",
  "hostname",
  "endpoint",
  "endpoints",
  "domain",
  "domains",
  "admin",
  "admins",
  "role",
  "roles",
  "permission",
  "permissions",
  "cipher",
  "allowlist",
  "denylist",
  "whitelist",
  "blacklist",
  "ip",
  "ips",
  "path",
  "dir",
  "file",
  "cmd",
  "command",
  "exec",
  "shell",
]);

/** Pure: the words of an identifier or config key (`maxPoolSize`, `MAX_POOL_SIZE`, `db.pool-size`). */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Pure: why a name is too sensitive for an automatic change, or null. `MAX_TOKENS` is fine, `TOKEN` is not. */
export function sensitiveName(name: string): string | null {
  const lower = name.toLowerCase();
  const part = SENSITIVE_PARTS.find((p) => lower.includes(p));
  if (part) return `${JSON.stringify(name)} looks security-related (${part})`;
  const word = nameWords(name).find((w) => SENSITIVE_WORDS.has(w));
  return word ? `${JSON.stringify(name)} names a ${word}, which autofix never changes` : null;
}

const SQL =
  /\b(select|insert|update|delete|drop|alter|truncate|grant|create)\b[\s\S]*\b(from|into|table|set|where|index)\b/i;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/;

/** Longest literal value an automatic change may write. */
export const MAX_VALUE_CHARS = 200;

/** Pure: why a new literal value is risky (URL, address, path, SQL, shell), or null. */
export function riskyValue(value: string): string | null {
  if (value.length > MAX_VALUE_CHARS) return `a value longer than ${MAX_VALUE_CHARS} characters`;
  if (/[\r\n]/.test(value)) return "a multi-line value";
  if (/:\/\/|^\/\/|\bwww\./i.test(value)) return "a URL";
  if (IPV4.test(value)) return "an IP address";
  if (/^["']?(?:\/|~|\\|[A-Za-z]:\\)|\.\.[/\\]/.test(value)) return "a file system path";
  if (/`|\$\(|\$\{|&&|\|\||[;|<>]/.test(value)) return "shell or markup syntax";
  if (SQL.test(value)) return "SQL";
  return null;
}
