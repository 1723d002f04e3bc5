/**
 * Configuration of dispatch: the `dispatch:` section (routing table, dry run, Grafana links, GitHub issue
 * lifecycle, Discord options). Credentials stay under `sinks.discord.webhookUrl` and `sinks.github.*`; the
 * schema joins each integration's settings into one block (`config.discord`, `config.github`) for the code.
 */
import { z } from "zod";
import type { Severity } from "../domain/types.js";
import { duration } from "./zod-helpers.js";

const severity = z.enum(["critical", "high", "medium", "low"]);
const ALL: Severity[] = ["critical", "high", "medium", "low"];

/** One row of the routing table: which incidents a sink receives. */
const route = (severities: Severity[], autoFixableOnly: boolean) =>
  z
    .object({
      /** Off: the sink receives nothing even when its credentials are set. */
      enabled: z.boolean().default(true),
      /** Severities (after diagnosis) the sink receives. */
      severities: z.array(severity).default(severities),
      /** Only incidents the diagnosis marks auto-fixable. */
      autoFixableOnly: z.boolean().default(autoFixableOnly),
    })
    .strict()
    .prefault({});

const timeout = duration("10s");

/** The `dispatch:` section. Defaults: every severity to Discord, critical and high to GitHub, auto-fixable ones to autofix. */
export const dispatchSection = z
  .object({
    /** Print each payload instead of sending it (Discord, GitHub). */
    dryRun: z.boolean().default(false),
    routes: z
      .object({
        discord: route(ALL, false),
        github: route(["critical", "high"], false),
        autofix: route(ALL, true),
      })
      .strict()
      .prefault({}),
    grafana: z
      .object({
        /** Grafana's base URL; alerts and issues link to Explore when set. */
        url: z.string().url().nullable().default(null),
        lokiDatasourceUid: z.string().min(1).default("loki"),
        /** Stream selector of the server's logs; `loki.selector` when omitted. */
        selector: z.string().min(3).nullable().default(null),
        orgId: z.number().int().min(1).default(1),
      })
      .strict()
      .prefault({}),
    github: z
      .object({
        /**
         * Close an ai-monitor issue as completed when its incident resolves (after a comment saying so); a
         * recurrence reopens it. Off: the resolution only comments. Default on, like Sentry's and the
         * Alertmanager-to-GitHub bridges: an open issue then means "still happening".
         */
        closeOnResolve: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    digest: z
      .object({
        /**
         * New-incident messages a chat sink (Discord) sends one by one per window; past it, the rest of the
         * window goes out as one digest (critical incidents still one by one). 0 turns digests off.
         */
        threshold: z.number().int().min(0).max(100_000).default(10),
        window: duration("1m", 1000),
      })
      .strict()
      .prefault({}),
    discord: z
      .object({
        /** Name shown on the alerts; Discord refuses names containing "discord" or "clyde". */
        username: z
          .string()
          .min(1)
          .max(80)
          .refine(
            (name) => !/discord|clyde/i.test(name),
            "Discord refuses usernames containing discord or clyde",
          )
          .default("ai-monitor"),
        timeout,
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/** The `dispatch:` section after defaults (timeout in ms). */
export type DispatchSection = z.output<typeof dispatchSection>;
/** One routing rule after defaults. */
export type RouteRule = DispatchSection["routes"]["discord"];

/** Pure: Discord's settings in one block (the YAML keeps the credential under `sinks.discord`). */
export const discordSettings = (webhookUrl: string | null, dispatch: DispatchSection) => ({
  webhookUrl,
  username: dispatch.discord.username,
  timeoutMs: dispatch.discord.timeout,
  route: dispatch.routes.discord,
});
export type DiscordSettings = ReturnType<typeof discordSettings>;

/** GitHub's credentials as written under `sinks.github` (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL). */
export type GithubCredentials = { token: string | null; repository: string | null; apiUrl: string };

/** Pure: GitHub's settings in one block: credentials, issue lifecycle and route, reaction poll in ms (0: off). */
export const githubSettings = (
  github: GithubCredentials,
  dispatch: DispatchSection,
  reactionPollMs: number,
) => ({
  ...github,
  closeOnResolve: dispatch.github.closeOnResolve,
  route: dispatch.routes.github,
  reactionPollMs,
});
export type GithubSettings = ReturnType<typeof githubSettings>;

/** Environment variables of this section (AI_MONITOR_DRY_RUN takes on/off like autofix). */
export const DISPATCH_ENV_KEYS: Readonly<Record<string, string>> = {
  AI_MONITOR_DRY_RUN: "dispatch.dryRun",
  GRAFANA_URL: "dispatch.grafana.url",
};
