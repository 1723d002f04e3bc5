/**
 * Files as a source: each tail batch goes through the intake (signals and the file offset in one transaction),
 * with its junk and lag counted. Shared by `serve`, `scan` and `demo`, so no command imports another.
 */
import type { Config } from "../config/schema.js";
import { createFileTailer, type TailBatch } from "../ingest/file-tailer.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { IngestOutcome, Store } from "../store/store.js";
import type { Intake } from "./intake.js";

export interface FileSourceDeps {
  config: Config;
  store: Store;
  metrics: Metrics;
  intake: Intake;
  log: Logger;
  now: () => number;
}

/** What the batches of one scan added up to; `scan` prints it. */
export interface BatchCounts {
  lines: number;
  signals: number;
  junk: number;
  newIncidents: number;
  duplicates: number;
  backfill: number;
}

export function batchHandler(deps: FileSourceDeps, counts?: BatchCounts) {
  return async (batch: TailBatch): Promise<void> => {
    for (const [reason, n] of Object.entries(batch.junk))
      if (n > 0) deps.metrics.junkLines.inc({ reason }, n);
    deps.metrics.tailerLagBytes.set({ path: batch.path }, batch.lagBytes);
    const outcomes: IngestOutcome[] = await deps.intake.ingest(batch.signals, batch.offset);
    if (!counts) return;
    counts.lines += batch.lines;
    counts.signals += batch.signals.length;
    counts.junk += batch.junk.not_json + batch.junk.cut_off + batch.junk.oversize + batch.junk.too_deep;
    for (const outcome of outcomes) {
      if (outcome.kind === "new") counts.newIncidents++;
      else if (outcome.kind === "duplicate") counts.duplicates++;
      else if (outcome.kind === "backfill") counts.backfill++;
    }
  };
}

/** The continuous tailer of `serve` and `demo` over the configured watch paths. */
export function tailerFor(deps: FileSourceDeps, fromBeginning: boolean) {
  const { config } = deps;
  return createFileTailer({
    patterns: config.watch.paths,
    store: deps.store,
    onBatch: batchHandler(deps),
    levels: config.watch.levels,
    maxLineBytes: config.watch.maxLineBytes,
    pollIntervalMs: config.watch.pollInterval,
    fromBeginning,
    log: deps.log,
    now: deps.now,
  });
}
