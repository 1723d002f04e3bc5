/** The one place that wires config -> store -> pipeline -> http and file sources. */
import type { Writable } from "node:stream";
import { redactExtras } from "./config/redact-section.js";
import type { Config } from "./config/schema.js";
import { createDefaultContextGatherer } from "./context/create-gatherer.js";
import type { BudgetGuard } from "./diagnose/budget.js";
import { loadCatalog } from "./diagnose/catalog.js";
import type { Diagnoser } from "./diagnose/diagnoser.js";
import { llmMetricHooks } from "./diagnose/llm-metrics.js";
import { createOfflineDiagnoser } from "./diagnose/offline.js";
import { FatalError } from "./fatal.js";
import type { Logger } from "./log.js";
import { createMetrics, type Metrics, zeroDeliverySeries } from "./metrics.js";
import { createIntake, type Intake } from "./pipeline/intake.js";
import { createQuietSweep, type QuietSweep } from "./pipeline/quiet-sweep.js";
import { createWorker, makeOwnerId, releaseDeadLocalOwners, type Worker } from "./pipeline/worker.js";
import { createConsoleSink } from "./sinks/console.js";
import { createJsonlSink } from "./sinks/jsonl.js";
import type { Sink } from "./sinks/sink.js";
import { prepareSqlitePath } from "./store/sqlite/path-check.js";
import { createSqliteStore } from "./store/sqlite/sqlite-store.js";
import type { Store } from "./store/store.js";
import { packageVersion } from "./version.js";

/** Everything a command needs, built from the configuration. */
export interface Runtime {
  config: Config;
  store: Store;
  metrics: Metrics;
  intake: Intake;
  worker: Worker;
  sinks: Sink[];
  log: Logger;
  now: () => number;
  /** Quiet-period resolution (`dedup.resolveAfter`); null when it is off. */
  quiet: QuietSweep | null;
  /** Start periodic background work of `serve` (autofix PR tracking, quiet-period resolution). */
  startBackground(): void;
  close(): Promise<void>;
}

/**
 * Jobs a worker runs at once. SQLite commits one event-loop turn's operations together (group-commit.ts), so
 * more jobs at once share commits; Discord's bucket paces its senders whatever this is.
 */
export const WORKER_CONCURRENCY = 16;

/** Process-level inputs of the runtime. */
export interface RuntimeOptions {
  log: Logger;
  now?: () => number;
  /** Where the console sink writes (stdout). */
  out: Writable;
  colour?: boolean;
}

/**
 * Open the store the configuration selects. `existing`: a read-only command's store, which must already
 * exist (SQLite): it says there is no database instead of creating an empty one.
 */
export async function openStore(
  config: Config,
  log: Logger,
  options: { existing?: boolean } = {},
): Promise<Store> {
  if (config.store.databaseUrl) {
    // Integrations load on demand: a cron `scan` on SQLite should not pay for pg, the SDKs or Octokit.
    const { postgresStoreOptions } = await import("./config/postgres-section.js");
    const { describeTarget } = await import("./store/postgres/connection.js");
    const { createPostgresStore } = await import("./store/postgres/postgres-store.js");
    const store = createPostgresStore({
      ...postgresStoreOptions(config.store.postgres),
      url: config.store.databaseUrl,
      log,
    });
    await store.init();
    log.debug({ backend: store.kind, database: describeTarget(config.store.databaseUrl) }, "store ready");
    return store;
  }
  prepareSqlitePath(config.store.sqlitePath, { create: !options.existing });
  const store = createSqliteStore({
    path: config.store.sqlitePath,
    synchronous: config.store.sqliteSynchronous,
  });
  try {
    await store.init();
  } catch (err) {
    const message = (err as Error).message;
    // The addon loads only in the Node.js it was compiled for (npm's own advice omits the headers to use).
    const hint = /NODE_MODULE_VERSION/.test(message)
      ? `better-sqlite3 was built for another Node.js than ${process.version}: run \`npm rebuild better-sqlite3\` with this node (and --nodedir=<its install directory> if npm's nodedir setting points at another Node)`
      : null;
    throw new FatalError(`cannot open database ${config.store.sqlitePath}: ${message}`, 1, hint, {
      cause: err,
    });
  }
  log.debug({ backend: store.kind, path: config.store.sqlitePath }, "store ready");
  return store;
}

/** Build the pipeline: store, sinks, diagnoser, intake and worker (not started). */
export async function createRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { log } = options;
  const now = options.now ?? Date.now;
  const store = await openStore(config, log);
  const metrics = createMetrics({
    defaultMetrics: true,
    llmModels: config.anthropic.apiKey ? [config.anthropic.model] : [],
    build: { version: packageVersion(), store: store.kind },
  });
  const catalog = await loadCatalog(config.diagnosis.catalog);
  let diagnoser: Diagnoser = createOfflineDiagnoser({ catalog });
  let budget: BudgetGuard | null = null;
  if (config.anthropic.apiKey) {
    const { createDiagnoserFromConfig } = await import("./diagnose/claude-wiring.js");
    ({ diagnoser, budget } = createDiagnoserFromConfig(config, {
      catalog,
      store,
      log,
      now,
      ...llmMetricHooks(metrics),
    }));
  }
  const sinks: Sink[] = [];
  if (config.sinks.console)
    sinks.push(
      createConsoleSink({
        out: options.out,
        colour: options.colour ?? false,
        digest: {
          settings: { threshold: config.dispatch.digest.threshold, windowMs: config.dispatch.digest.window },
          now,
        },
      }),
    );
  const jsonl = config.sinks.jsonl ? createJsonlSink({ path: config.sinks.jsonl, now }) : null;
  if (jsonl) sinks.push(jsonl);
  if (config.discord.webhookUrl || config.github.token) {
    const { createSinksFromConfig } = await import("./sinks/routing.js");
    sinks.push(...createSinksFromConfig(config, { log, now, print: (text) => options.out.write(text) }));
  }
  let stopBackground = () => {};
  let startBackground = () => {};
  if (config.autofix) {
    const { createAutofixSinkFromConfig } = await import("./autofix/autofix-wiring.js");
    const { createPrTracker } = await import("./autofix/pr-tracking.js");
    const wiring = createAutofixSinkFromConfig(config, {
      store,
      log,
      now,
      print: (text) => options.out.write(text),
    });
    log[wiring.sink ? "info" : "warn"](wiring.reason);
    if (wiring.sink) sinks.push(wiring.sink);
    if (wiring.github) {
      const tracker = createPrTracker({
        github: wiring.github,
        log,
        now,
        intervalMs: config.autofixOptions.pollInterval,
        // Stored for `ai-monitor report`: GitHub lists only recent PRs, the store keeps each one's last state.
        onFacts: async (facts, success) => {
          await store.saveAutofixPrs(facts, now());
          log.info({ autofixPrs: success }, "autofix pull requests (merged / created)");
        },
      });
      startBackground = () => tracker.start();
      stopBackground = () => tracker.stop();
    }
  }
  if (sinks.length === 0) log.warn("no sink is enabled: incidents are stored but announced nowhere");
  zeroDeliverySeries(
    metrics,
    sinks.map((s) => s.name),
  );
  // 👍/👎 on the GitHub issues ai-monitor opened count as verdicts (`feedback.githubReactionPoll`).
  const reactions = config.github.token
    ? (await import("./sinks/github/reaction-wiring.js")).reactionPollerFromConfig(config, {
        store,
        log,
        now,
      })
    : null;

  let worker: Worker | null = null;
  const intake = createIntake({
    store,
    metrics,
    now,
    policy: { windowMs: config.dedup.window, maxAgeMs: config.dedup.maxAge },
    wake: () => worker?.wake(),
    redact: redactExtras(config.redact),
  });
  worker = createWorker(
    {
      store,
      sinks,
      metrics,
      log,
      now,
      catalog,
      diagnoser,
      budget,
      context: createDefaultContextGatherer({ config, log }),
      ratePerHour: config.diagnosis.ratePerHour,
      severityLabel: config.webhook.labels.severity,
    },
    {
      owner: makeOwnerId(),
      leaseMs: config.worker.lease,
      pollMs: config.worker.poll,
      maxAttempts: config.worker.maxAttempts,
      concurrency: WORKER_CONCURRENCY,
    },
  );
  await releaseDeadLocalOwners(store, log);
  const built = worker;
  const { resolveAfter } = config.dedup;
  const quiet =
    resolveAfter === null
      ? null
      : createQuietSweep({ store, quietMs: resolveAfter, now, log, wake: () => built.wake() });
  return {
    config,
    store,
    metrics,
    intake,
    worker: built,
    sinks,
    log,
    now,
    quiet,
    startBackground: () => {
      startBackground();
      reactions?.start();
      quiet?.start();
    },
    async close() {
      stopBackground();
      reactions?.stop();
      quiet?.stop();
      await built.stop();
      await Promise.all(sinks.map((sink) => sink.flush?.()));
      await jsonl?.close();
      await store.close();
    },
  };
}
