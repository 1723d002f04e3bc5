/**
 * Build the context gatherer from the configuration: the error line always; Loki when `loki.url` is set,
 * else the tailed files; the repository when `repoPath` is set, else a `partial` reason saying why not.
 */
import type { ContextSection, LokiSettings } from "../config/context-section.js";
import type { Logger } from "../log.js";
import { type BudgetedGatherer, type ContextProvider, createContextGatherer } from "./context.js";
import { createFileContextProvider } from "./file-context.js";
import type { GitRunner } from "./git-history.js";
import { createErrorLineProvider } from "./log-items.js";
import { createLokiClient } from "./loki-client.js";
import { createLokiProviders } from "./loki-provider.js";
import { createRepoProvider } from "./repo-provider.js";

/** The parts of the configuration this stage reads (the resolved `Config` satisfies it). */
export interface ContextConfigSource {
  loki: LokiSettings;
  repoPath: string | null;
  watch: { paths: string[]; maxLineBytes: number };
  context: ContextSection;
  /** The deployment's own redaction patterns and field names (config `redact`). */
  redact?: { patterns: string[]; fields: string[] };
}

/** Everything the context stage is configured with, defaults applied. */
export interface ContextSettings {
  loki: LokiSettings;
  context: ContextSection;
  repoPath: string | null;
  watchPaths: string[];
  maxLineBytes: number;
}

export function resolveContextSettings(config: ContextConfigSource): ContextSettings {
  return {
    loki: config.loki,
    context: config.context,
    repoPath: config.repoPath,
    watchPaths: config.watch.paths,
    maxLineBytes: config.watch.maxLineBytes,
  };
}

export interface DefaultGathererDeps {
  config: ContextConfigSource;
  log: Logger;
  /** Injected for tests (a fake Loki); defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Injected for tests; defaults to the git binary. */
  runGit?: GitRunner;
}

/** The providers the configuration selects, in the order they are listed. */
export function createContextProviders(settings: ContextSettings, deps: Omit<DefaultGathererDeps, "config">) {
  const { loki, context } = settings;
  const providers: ContextProvider[] = [createErrorLineProvider()];
  const shared = {
    requestWindowMs: context.requestWindow,
    occurrencesLookbackMs: context.occurrencesLookback,
    requestLines: context.requestLines,
    occurrences: context.occurrences,
  };
  if (loki.url) {
    if (loki.bearerToken && loki.username)
      deps.log.warn("loki: both a bearer token and basic auth are configured; the bearer token is used");
    const client = createLokiClient({ ...loki, url: loki.url, timeoutMs: loki.timeout, fetch: deps.fetch });
    providers.push(...createLokiProviders({ client, selector: loki.selector, ...shared }));
  } else {
    providers.push(
      createFileContextProvider({
        paths: settings.watchPaths,
        scanBytes: context.fileScanBytes,
        maxLineBytes: settings.maxLineBytes,
        ...shared,
      }),
    );
  }
  if (settings.repoPath) {
    providers.push(
      createRepoProvider({
        repoPath: settings.repoPath,
        sourceMap: context.sourceMap,
        windowLines: context.sourceWindowLines,
        gitCommits: context.gitCommits,
        ...(deps.runGit ? { runGit: deps.runGit } : {}),
      }),
    );
  } else {
    providers.push({
      name: "repo",
      gather: async () => ({
        items: [],
        partial: [
          "repo: skipped: no repository configured (repoPath / AI_MONITOR_REPO_PATH); no source or git history",
        ],
      }),
    });
  }
  return providers;
}

/** The gatherer main.ts wires into the worker. */
export function createDefaultContextGatherer(deps: DefaultGathererDeps): BudgetedGatherer {
  const settings = resolveContextSettings(deps.config);
  return createContextGatherer({
    providers: createContextProviders(settings, deps),
    timeoutMs: settings.context.timeout,
    log: deps.log,
    budgetTokens: settings.context.budgetTokens,
    redactPatterns: [...(deps.config.redact?.patterns ?? []), ...settings.context.redact.patterns],
    redactFields: deps.config.redact?.fields ?? [],
  });
}
