/**
 * The in-process pipeline for integration tests: intake and worker wired over a store as `serve` wires them,
 * with test-sized settings, a signal builder and a console capture. Tests drain the worker by hand.
 */
import { PassThrough } from "node:stream";
import { createContextGatherer } from "../../src/context/context.js";
import { createOfflineDiagnoser } from "../../src/diagnose/offline.js";
import type { Signal } from "../../src/domain/types.js";
import { silentLogger } from "../../src/log.js";
import { createMetrics } from "../../src/metrics.js";
import { createIntake } from "../../src/pipeline/intake.js";
import { createWorker, type WorkerDeps, type WorkerOptions } from "../../src/pipeline/worker.js";

/** An ERROR signal for `code` at `server::x` found in a file at `atMs`; override what a test is about. */
export function codeSignal(code: string, atMs: number, patch: Partial<Signal> = {}): Signal {
  const target = patch.target ?? "server::x";
  return {
    fingerprint: `${code}:${target}`,
    errorCode: code,
    target,
    level: "ERROR",
    message: `${code} happened`,
    timestampMs: atMs,
    requestId: null,
    fields: {},
    source: "file",
    count: 1,
    ...patch,
  };
}

/** A stream for the console sink that keeps everything written to it. */
export function captureOutput(): { out: PassThrough; printed: () => string } {
  const out = new PassThrough();
  let printed = "";
  out.on("data", (d) => {
    printed += d;
  });
  return { out, printed: () => printed };
}

type Defaulted = "metrics" | "log" | "diagnoser" | "context";

/** What a test chooses; log, metrics, the offline diagnoser and an empty context gatherer are defaults. */
export type PipelineDeps = Omit<WorkerDeps, Defaulted> & Partial<Pick<WorkerDeps, Defaulted>>;

/** Wire intake (5-minute window, 1-hour backfill age) and worker (30 s leases) over `deps.store`. */
export function wirePipeline(
  deps: PipelineDeps,
  options: Pick<WorkerOptions, "owner" | "maxAttempts" | "concurrency">,
) {
  const log = deps.log ?? silentLogger();
  const metrics = deps.metrics ?? createMetrics();
  const worker = createWorker(
    {
      ...deps,
      log,
      metrics,
      diagnoser: deps.diagnoser ?? createOfflineDiagnoser({ catalog: deps.catalog }),
      context: deps.context ?? createContextGatherer({ providers: [], timeoutMs: 1000, log }),
    },
    { leaseMs: 30_000, pollMs: 50, ...options },
  );
  const intake = createIntake({
    store: deps.store,
    metrics,
    now: deps.now,
    policy: { windowMs: 300_000, maxAgeMs: 3_600_000 },
    wake: () => {},
  });
  return { worker, intake, metrics };
}
