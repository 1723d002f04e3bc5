/** Pure: a copy of the configuration safe to print: secrets masked, durations readable. */
import { formatDurationMs } from "./duration.js";
import type { Config } from "./schema.js";

const mask = (value: string | null) => (value ? `${value.slice(0, 3)}***` : null);

/** Mask credentials inside a URL (user:password and Discord's webhook token path). */
export function maskUrl(url: string | null): string | null {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    parsed.pathname = parsed.pathname.replace(/(\/webhooks\/\d+\/)[^/]+/, "$1***");
    return parsed.toString();
  } catch {
    return "***";
  }
}

/** Mask any user name and password in publicUrl: a link has no use for them, and either may be a secret. */
export function maskPublicUrl(url: string | null): string | null {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    if (parsed.username) parsed.username = "***";
    if (parsed.password) parsed.password = "***";
    // The schema strips trailing slashes; URL puts one back on a bare host.
    return url.endsWith("/") ? parsed.toString() : parsed.toString().replace(/\/+$/, "");
  } catch {
    return "***";
  }
}

/** The configuration as `config check` prints it. */
export function maskedConfig(config: Config): Record<string, unknown> {
  // `claude`, `budget`, `discord` and `github` are derived from the sections people write: print those.
  const { claude: _claude, budget: _budget, discord: _discord, github: _github, ...written } = config;
  return {
    ...written,
    publicUrl: maskPublicUrl(config.publicUrl),
    store: { ...config.store, databaseUrl: maskUrl(config.store.databaseUrl) },
    watch: { ...config.watch, pollInterval: formatDurationMs(config.watch.pollInterval) },
    dedup: {
      window: formatDurationMs(config.dedup.window),
      maxAge: formatDurationMs(config.dedup.maxAge),
      resolveAfter: config.dedup.resolveAfter === null ? null : formatDurationMs(config.dedup.resolveAfter),
    },
    anthropic: { ...config.anthropic, apiKey: mask(config.anthropic.apiKey) },
    loki: {
      ...config.loki,
      url: maskUrl(config.loki.url),
      password: config.loki.password ? "***" : null,
      bearerToken: config.loki.bearerToken ? "***" : null,
    },
    context: {
      ...config.context,
      timeout: formatDurationMs(config.context.timeout),
      requestWindow: formatDurationMs(config.context.requestWindow),
      occurrencesLookback: formatDurationMs(config.context.occurrencesLookback),
    },
    sinks: {
      ...config.sinks,
      discord: { webhookUrl: maskUrl(config.sinks.discord.webhookUrl) },
      github: { ...config.sinks.github, token: mask(config.sinks.github.token) },
    },
    webhook: { ...config.webhook, token: config.webhook.token ? "***" : null },
    worker: {
      ...config.worker,
      lease: formatDurationMs(config.worker.lease),
      poll: formatDurationMs(config.worker.poll),
    },
  };
}
