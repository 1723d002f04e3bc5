/** `ai-monitor scan GLOB...`: one pass over the lines written since the stored offsets, then exit (cron mode). */
import type { Writable } from "node:stream";
import type { Config } from "../config/schema.js";
import { createFileTailer, type TailBatch } from "../ingest/file-tailer.js";
import { scanOnce } from "../ingest/scan-once.js";
import type { Logger } from "../log.js";
import { createRuntime, type Runtime } from "../main.js";
import type { IngestOutcome } from "../store/store.js";

/** Figures of one scan, printed at the end. */
export interface ScanSummary {
  files: number;
  bytes: number;
  lines: number;
  signals: number;
  junk: number;
  newIncidents: number;
  duplicates: number;
  backfill: number;
  delivered: number;
}

/** Store one tail batch through the intake and count what happened. */
export function batchHandler(runtime: Runtime, summary?: ScanSummary) {
  return async (batch: TailBatch): Promise<void> => {
    for (const [reason, n] of Object.entries(batch.junk))
      if (n > 0) runtime.metrics.junkLines.inc({ reason }, n);
    runtime.metrics.tailerLagBytes.set({ path: batch.path }, batch.lagBytes);
    const outcomes: IngestOutcome[] = await runtime.intake.ingest(batch.signals, batch.offset);
    if (!summary) return;
    summary.lines += batch.lines;
    summary.signals += batch.signals.length;
    summary.junk += batch.junk.not_json + batch.junk.cut_off + batch.junk.oversize;
    for (const outcome of outcomes) {
      if (outcome.kind === "new") summary.newIncidents++;
      else if (outcome.kind === "duplicate") summary.duplicates++;
      else if (outcome.kind === "backfill") summary.backfill++;
    }
  };
}

/** The continuous tailer of `serve` (and `demo`) over the runtime's configuration and intake. */
export function tailerFor(runtime: Runtime, fromBeginning: boolean) {
  const { config } = runtime;
  return createFileTailer({
    patterns: config.watch.paths,
    store: runtime.store,
    onBatch: batchHandler(runtime),
    levels: config.watch.levels,
    maxLineBytes: config.watch.maxLineBytes,
    pollIntervalMs: config.watch.pollInterval,
    fromBeginning,
    log: runtime.log,
    now: runtime.now,
  });
}

/** Run one scan over `patterns` (the config's watch paths when empty) and process the new incidents. */
export async function runScan(
  config: Config,
  patterns: string[],
  io: { log: Logger; out: Writable; colour: boolean },
): Promise<ScanSummary> {
  const runtime = await createRuntime(config, io);
  const summary: ScanSummary = {
    files: 0,
    bytes: 0,
    lines: 0,
    signals: 0,
    junk: 0,
    newIncidents: 0,
    duplicates: 0,
    backfill: 0,
    delivered: 0,
  };
  try {
    const result = await scanOnce({
      patterns: patterns.length > 0 ? patterns : config.watch.paths,
      store: runtime.store,
      onBatch: batchHandler(runtime, summary),
      levels: config.watch.levels,
      maxLineBytes: config.watch.maxLineBytes,
      log: io.log,
      now: runtime.now,
    });
    summary.files = result.files.length;
    summary.bytes = result.files.reduce((sum, f) => sum + (f.toOffset - f.fromOffset), 0);
    // Cron mode resolves what went quiet since the last run, then announces everything in one drain.
    await runtime.quiet?.runOnce();
    summary.delivered = await runtime.worker.drain();
    return summary;
  } finally {
    await runtime.close();
  }
}

/** One line a person reads at the end of a scan. */
export function formatScanSummary(s: ScanSummary): string {
  return (
    `scanned ${s.files} file(s), ${s.bytes} bytes, ${s.lines} lines: ${s.signals} error(s) -> ` +
    `${s.newIncidents} new incident(s), ${s.duplicates} duplicate(s), ${s.backfill} backfill, ` +
    `${s.junk} junk line(s) skipped; ${s.delivered} job(s) processed`
  );
}
