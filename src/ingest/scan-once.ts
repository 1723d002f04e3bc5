/**
 * `ai-monitor scan` (cron mode): one pass over every matched file, from its stored offset (a file never
 * seen: from 0) to its current end. A partial last line stays for the next run.
 */
import type { Level } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/store.js";
import { expandPatterns } from "./file-identity.js";
import {
  createReadBuffer,
  DEFAULT_BUFFER_BYTES,
  DEFAULT_MAX_LINE_BYTES,
  type JunkCounts,
} from "./file-reader.js";
import { drainFile, type OnBatch, openFile } from "./tailed-file.js";

/** What one file yielded in this run. */
export interface ScanFileSummary {
  path: string;
  fromOffset: number;
  toOffset: number;
  lines: number;
  signals: number;
  junk: JunkCounts;
}

/** What the whole run yielded. */
export interface ScanSummary {
  files: ScanFileSummary[];
  totals: { files: number; lines: number; signals: number; junk: JunkCounts };
}

/** Options of scanOnce. */
export interface ScanOnceOptions {
  patterns: readonly string[];
  /** Read for stored offsets; offsets are saved only through onBatch, with their signals. */
  store: Pick<Store, "getOffset" | "saveOffset">;
  onBatch: OnBatch;
  levels: readonly Level[];
  maxLineBytes?: number;
  log: Logger;
  now: () => number;
  bufferBytes?: number;
  /** Base of relative patterns. */
  cwd?: string;
}

/** Read every matched file once up to its current end; rejects if a batch could not be stored. */
export async function scanOnce(options: ScanOnceOptions): Promise<ScanSummary> {
  const { patterns, store, onBatch, levels, log, now } = options;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const buffer = createReadBuffer(options.bufferBytes ?? DEFAULT_BUFFER_BYTES, maxLineBytes);
  const files: ScanFileSummary[] = [];
  const seen = new Set<string>();
  for (const path of await expandPatterns(patterns, options.cwd)) {
    const opened = await openFile(path, { store, buffer, levels, maxLineBytes, now, atEnd: false });
    if (!opened) continue;
    const { file, start } = opened;
    try {
      // One file under two matched names (a hard link, a rotation during the run) is read once.
      const key = `${file.dev}:${file.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const fromOffset = file.committed;
      log.info({ path, offset: fromOffset, sizeBytes: file.size, start }, "scanning file");
      const result = await drainFile(file, onBatch);
      if (result.error !== null) {
        throw new Error(`could not store a batch of ${path} at offset ${file.committed}`, {
          cause: result.error,
        });
      }
      const { lines, signals, junk } = result;
      files.push({ path, fromOffset, toOffset: file.committed, lines, signals, junk });
    } finally {
      await file.fh.close();
    }
  }
  const totals = {
    files: files.length,
    lines: 0,
    signals: 0,
    junk: { not_json: 0, cut_off: 0, oversize: 0 },
  };
  for (const f of files) {
    totals.lines += f.lines;
    totals.signals += f.signals;
    totals.junk.not_json += f.junk.not_json;
    totals.junk.cut_off += f.junk.cut_off;
    totals.junk.oversize += f.junk.oversize;
  }
  return { files, totals };
}
