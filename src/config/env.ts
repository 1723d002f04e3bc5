/** Environment variables and the config keys they set; the environment wins over the YAML file. */
import { CLAUDE_ENV_KEYS } from "./claude-section.js";
import { CONTEXT_ENV_KEYS } from "./context-section.js";
import { DISPATCH_ENV_KEYS } from "./dispatch-section.js";

/** Variable -> dotted config path. */
export const ENV_KEYS: Readonly<Record<string, string>> = {
  AI_MONITOR_LISTEN: "listen",
  AI_MONITOR_PUBLIC_URL: "publicUrl",
  AI_MONITOR_DB: "store.sqlitePath",
  DATABASE_URL: "store.databaseUrl",
  AI_MONITOR_WATCH: "watch.paths",
  AI_MONITOR_JSONL: "sinks.jsonl",
  AI_MONITOR_WEBHOOK_TOKEN: "webhook.token",
  ANTHROPIC_API_KEY: "anthropic.apiKey",
  ANTHROPIC_BASE_URL: "anthropic.baseUrl",
  AI_MONITOR_MODEL: "anthropic.model",
  DISCORD_WEBHOOK_URL: "sinks.discord.webhookUrl",
  GITHUB_TOKEN: "sinks.github.token",
  GITHUB_REPOSITORY: "sinks.github.repository",
  GITHUB_API_URL: "sinks.github.apiUrl",
  LOKI_URL: "loki.url",
  AI_MONITOR_REPO_PATH: "repoPath",
  AI_MONITOR_AUTOFIX: "autofix",
  ...CLAUDE_ENV_KEYS,
  ...CONTEXT_ENV_KEYS,
  ...DISPATCH_ENV_KEYS,
};

/** Keys whose variables are on/off switches. */
const FLAGS = new Set(["autofix", "dispatch.dryRun"]);
const ON = new Set(["on", "true", "1", "yes"]);
const OFF = new Set(["off", "false", "0", "no"]);

/** Convert a variable's text to the type its key expects; unknown flag words stay strings so zod reports them. */
function convert(path: string, value: string): unknown {
  if (path === "watch.paths")
    return value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  if (FLAGS.has(path)) {
    const word = value.trim().toLowerCase();
    return ON.has(word) ? true : OFF.has(word) ? false : value;
  }
  return value;
}

/** Set a dotted path inside a plain object, creating intermediate objects. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

/** Pure: overlay the environment onto raw config; returns which paths each variable set (for error messages). */
export function applyEnv(
  raw: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): { raw: Record<string, unknown>; fromEnv: Map<string, string> } {
  const out = structuredClone(raw);
  const fromEnv = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    setPath(out, path, convert(path, value));
    fromEnv.set(path, name);
  }
  return { raw: out, fromEnv };
}
