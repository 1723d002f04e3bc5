/** `ai-monitor scan GLOB...`: one pass over the lines written since the stored offsets, then exit (cron mode). */
import type { Writable } from "node:stream";
import type { Config } from "../config/schema.js";
import { scanOnce } from "../ingest/scan-once.js";
import type { Logger } from "../log.js";
import { createRuntime } from "../main.js";
import { type BatchCounts, batchHandler } from "../pipeline/file-source.js";
import { matchPatterns, unmatchedWarning } from "../pipeline/watch-patterns.js";

/** Figures of one scan, printed at the end. */
export interface ScanSummary extends BatchCounts {
  files: number;
  bytes: number;
  delivered: number;
  /** Patterns that matched no file. */
  unmatched: string[];
}

/** Run one scan over `patterns` (the config's watch paths when empty) and process the new incidents. */
export async function runScan(
  config: Config,
  patterns: string[],
  io: { log: Logger; out: Writable; colour: boolean },
): Promise<ScanSummary> {
  const wanted = patterns.length > 0 ? patterns : config.watch.paths;
  const unmatched = (await matchPatterns(wanted)).filter((m) => m.files === 0);
  for (const m of unmatched) io.log.warn({ pattern: m.pattern }, unmatchedWarning(m, "start"));
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
    unmatched: unmatched.map((m) => m.pattern),
  };
  try {
    const result = await scanOnce({
      patterns: wanted,
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
    `${s.junk} junk line(s) skipped; ${s.delivered} job(s) processed` +
    (s.unmatched.length > 0 ? `; no file matched ${s.unmatched.join(", ")}` : "")
  );
}
