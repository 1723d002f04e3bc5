/**
 * The routing table (the original design: every incident -> Discord, critical/high -> GitHub issue, auto_fixable -> autofix)
 * applied as a wrapper around a sink's `accepts`, and the factory that builds the dispatch sinks from config.
 */

import type {
  DiscordSettings,
  DispatchSection,
  GithubSettings,
  RouteRule,
} from "../config/dispatch-section.js";
import { incidentListUrl, incidentPageUrl } from "../domain/incident-page.js";
import type { Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import { withDigest } from "./digest-sink.js";
import { createDiscordSink } from "./discord/discord-sink.js";
import { createGithubSink } from "./github/github-sink.js";
import { grafanaExploreLink } from "./grafana-explore.js";
import type { Sink } from "./sink.js";

/** One routing rule (see dispatch-section.ts). */
export type { RouteRule };

/** Pure: does the rule send this incident? Severity is the diagnosis's when there is one. */
export function routeAccepts(rule: RouteRule, incident: Incident): boolean {
  if (!rule.enabled || incident.suppressed !== null) return false;
  const severity = incident.diagnosis?.severity ?? incident.severity;
  if (!rule.severities.includes(severity)) return false;
  return !rule.autoFixableOnly || incident.diagnosis?.autoFixable === true;
}

/** Wrap a sink so it only accepts what its routing rule sends it (its own `accepts` still applies). */
export function routeSink<S extends Sink>(sink: S, rule: RouteRule): S {
  return {
    ...sink,
    accepts: (incident: Incident, event) => routeAccepts(rule, incident) && sink.accepts(incident, event),
  };
}

/** The parts of the configuration dispatch reads (`dispatch` is the new section; `loki.selector` optional). */
export interface DispatchConfig {
  discord: DiscordSettings;
  github: GithubSettings;
  dispatch: DispatchSection;
  loki?: { selector?: string | null };
  /** Where people open ai-monitor's page: alerts link to each incident there. */
  publicUrl?: string | null;
}

/** What the dispatch sinks need from the process. */
export interface DispatchDeps {
  log: Logger;
  now: () => number;
  fetch?: typeof fetch;
  /** Where dry-run payloads are printed (stdout in the CLI). */
  print?: (text: string) => void;
}

/** Build the routed Discord and GitHub sinks the configuration enables (none without credentials). */
export function createSinksFromConfig(config: DispatchConfig, deps: DispatchDeps): Sink[] {
  const { dispatch, discord, github } = config;
  const grafana = dispatch.grafana.url
    ? {
        url: dispatch.grafana.url,
        lokiDatasourceUid: dispatch.grafana.lokiDatasourceUid,
        selector: dispatch.grafana.selector ?? config.loki?.selector ?? '{app="server"}',
        orgId: dispatch.grafana.orgId,
      }
    : null;
  const grafanaExploreUrl = grafanaExploreLink(grafana);
  const common = {
    log: deps.log,
    now: deps.now,
    fetch: deps.fetch,
    print: deps.print,
    dryRun: dispatch.dryRun,
    grafanaExploreUrl,
    incidentPageUrl: (incident: Incident) => incidentPageUrl(config.publicUrl, incident.id),
  };
  const sinks: Sink[] = [];

  if (discord.webhookUrl && discord.route.enabled) {
    const sink = createDiscordSink({
      ...common,
      webhookUrl: discord.webhookUrl,
      timeoutMs: discord.timeoutMs,
      username: discord.username,
      incidentsUrl: incidentListUrl(config.publicUrl),
    });
    const settings = { threshold: dispatch.digest.threshold, windowMs: dispatch.digest.window };
    const paced = settings.threshold > 0 ? withDigest(sink, settings, deps) : sink;
    sinks.push(routeSink(paced, discord.route));
  }
  if (github.token && github.repository && github.route.enabled) {
    const sink = createGithubSink({
      ...common,
      token: github.token,
      repository: github.repository,
      apiUrl: github.apiUrl,
      closeOnResolve: github.closeOnResolve,
    });
    sinks.push(routeSink(sink, github.route));
  } else if (github.route.enabled && (github.token || github.repository)) {
    deps.log.warn(
      { missing: github.token ? "GITHUB_REPOSITORY" : "GITHUB_TOKEN" },
      "GitHub issues need both GITHUB_TOKEN and GITHUB_REPOSITORY; the GitHub sink is off",
    );
  }
  deps.log.info(
    { sinks: sinks.map((s) => s.name), dryRun: dispatch.dryRun, grafana: grafana?.url ?? null },
    "dispatch sinks",
  );
  return sinks;
}
