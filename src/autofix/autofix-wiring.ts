/**
 * The choice main.ts makes: the autofix sink when autofix is on and has what it needs (a local clone, GitHub
 * credentials), else null with the reason to log at start-up. The sink is wrapped in the routing table's
 * `autofix` row (auto-fixable only, by default).
 */
import type { AutofixOptions } from "../config/autofix-section.js";
import type { GithubCredentials, RouteRule } from "../config/dispatch-section.js";
import type { Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import { createGithubClient, type GithubClientOptions } from "../sinks/github/github-client.js";
import { routeSink } from "../sinks/routing.js";
import type { Sink } from "../sinks/sink.js";
import type { Store } from "../store/store.js";
import type { AttemptOutcome } from "./autofix-run.js";
import { createAutofixSink } from "./autofix-sink.js";
import { createGit, type Git } from "./git.js";
import { type AutofixGithub, createAutofixGithub } from "./pr.js";

/** The parts of the configuration autofix reads (the resolved `Config` satisfies it). */
export interface AutofixConfig {
  /** The switch (AI_MONITOR_AUTOFIX=on). */
  autofix: boolean;
  autofixOptions: AutofixOptions;
  repoPath: string | null;
  github: GithubCredentials;
  dispatch?: { dryRun: boolean; routes: { autofix: RouteRule } };
}

/** What the sink needs from the process. */
export interface AutofixWiringDeps
  extends Partial<Pick<GithubClientOptions, "fetch" | "retryBaseMs" | "retries" | "throttle">> {
  store: Pick<Store, "takeToken" | "getIncident">;
  log: Logger;
  now: () => number;
  print?: (text: string) => void;
  onAttempt?: (incident: Incident, outcome: AttemptOutcome) => void;
  /** Tests pin the git identity and environment. */
  git?: Git;
}

/** The sink, or null and why (logged by main.ts at start-up). */
export interface AutofixWiring {
  sink: Sink | null;
  reason: string;
  /** The PR operations, for the PR tracker (null when autofix is off). */
  github: AutofixGithub | null;
}

export function createAutofixSinkFromConfig(config: AutofixConfig, deps: AutofixWiringDeps): AutofixWiring {
  const off = (reason: string): AutofixWiring => ({ sink: null, reason, github: null });
  if (!config.autofix) return off("autofix is off (AI_MONITOR_AUTOFIX=on or autofix: true turns it on)");
  const missing = [
    config.repoPath ? null : "AI_MONITOR_REPO_PATH (repoPath)",
    config.github.token ? null : "GITHUB_TOKEN",
    config.github.repository ? null : "GITHUB_REPOSITORY",
  ].filter((m): m is string => m !== null);
  if (missing.length > 0)
    return off(`autofix is on but needs ${missing.join(", ")}; no draft PRs will be opened`);
  const route = config.dispatch?.routes.autofix;
  if (route && !route.enabled) return off("autofix is on but dispatch.routes.autofix.enabled is false");

  const options = config.autofixOptions;
  const token = config.github.token!;
  const repository = config.github.repository!;
  const client = createGithubClient({ ...deps, token, apiUrl: config.github.apiUrl, log: deps.log });
  const github = createAutofixGithub(client, repository);
  const git =
    deps.git ??
    createGit({ author: { name: options.authorName, email: options.authorEmail }, timeoutMs: 60_000 });
  const sink = createAutofixSink({
    git,
    github,
    store: deps.store,
    options,
    repoPath: config.repoPath!,
    log: deps.log,
    now: deps.now,
    dryRun: config.dispatch?.dryRun ?? false,
    print: deps.print,
    onAttempt: deps.onAttempt,
    secrets: [token],
  });
  const base = options.baseBranch ?? `the default branch of ${options.remote}`;
  return {
    sink: route ? routeSink(sink, route) : sink,
    github,
    reason:
      `autofix is on: draft PRs to ${repository} from ${config.repoPath} (base: ${base}; ` +
      `at most ${options.dailyCap} per 24 h; gate: ${options.testCommand})`,
  };
}
