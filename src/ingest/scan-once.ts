/**
 * `ai-monitor scan` (cron mode): one pass over every matched file, from its stored offset (a file never
 * seen: from 0) to its current end. A partial last line stays for the next run. Files renamed away from the
 * patterns since the last run (logrotate) are finished first, so the lines written before the rename count.
 */
import type { Level } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/store.js";
import { expandPatterns, findRenamedFiles, patternDirs } from "./file-identity.js";
import {
  addJunk,
  createReadBuffer,
  DEFAULT_BUFFER_BYTES,
  DEFAULT_MAX_LINE_BYTES,
  emptyJunk,
  type JunkCounts,
  type ReadBuffer,
} from "./file-reader.js";
import { type ScanThread, startScanThread } from "./scan-thread.js";
import { drainFile, type OnBatch, type OpenFile, type OpenFileOptions, openFile } from "./tailed-file.js";

/** What one file yielded in this run. */
export interface ScanFileSummary {
  path: string;
  fromOffset: number;
  toOffset: number;
  lines: number;
  signals: number;
  junk: JunkCounts;
  /** Set when the file was found renamed (no longer matched): the path its offset was stored under. */
  renamedFrom?: string;
}

/** What the whole run yielded. */
export interface ScanSummary {
  files: ScanFileSummary[];
  totals: { files: number; lines: number; signals: number; junk: JunkCounts };
}

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
  /**
   * Read and scan on a worker thread while this one stores: true always, false never, by default only for a
   * file with more than one read (`bufferBytes`) left, where the thread's start-up (~30 ms) pays off.
   */
  scanThread?: boolean;
}

/** Read every matched file once up to its current end; rejects if a batch could not be stored. */
export async function scanOnce(options: ScanOnceOptions): Promise<ScanSummary> {
  const { levels, now } = options;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const bufferBytes = options.bufferBytes ?? DEFAULT_BUFFER_BYTES;
  const buffer = createReadBuffer(bufferBytes, maxLineBytes);
  let thread: ScanThread | null = null;
  const threadFor = (file: OpenFile): ScanThread | null => {
    const mode = options.scanThread;
    if (mode === false || (mode === undefined && file.size - file.committed <= bufferBytes)) return null;
    thread ??= startScanThread({ levels, maxLineBytes, bufferBytes, now });
    return thread;
  };
  try {
    return await scanFiles(options, { buffer, maxLineBytes, threadFor });
  } finally {
    await (thread as ScanThread | null)?.close();
  }
}

/** The body of scanOnce, with its reading set up. */
async function scanFiles(
  options: ScanOnceOptions,
  reading: {
    buffer: ReadBuffer;
    maxLineBytes: number;
    threadFor: (file: OpenFile) => ScanThread | null;
  },
): Promise<ScanSummary> {
  const { patterns, store, onBatch, levels, log, now } = options;
  const { buffer, maxLineBytes, threadFor } = reading;
  const files: ScanFileSummary[] = [];
  // One file under two names (a hard link, a rotation during the run) is read once.
  const seen = new Set<string>();
  const openOptions: OpenFileOptions = { store, buffer, levels, maxLineBytes, now, atEnd: false };
  const matched = await expandPatterns(patterns, options.cwd);
  const renamed = await findRenamedFiles(patternDirs(patterns, options.cwd), new Set(matched), store);
  for (const dir of renamed.cappedDirs) {
    log.warn({ dir }, "many files in a watched directory: only some were checked for renamed logs");
  }
  // Old lines first: what was written before a rotation precedes what the new file holds.
  for (const candidate of renamed.files) {
    const opened = await openFile(candidate.path, openOptions);
    if (!opened) continue;
    const { file, start } = opened;
    try {
      // Another file that got the inode back (other head) or was truncated is not the renamed log.
      const key = `${file.dev}:${file.ino}`;
      if (start !== "resumed" || seen.has(key)) continue;
      seen.add(key);
      const summary = await readToEnd(file, onBatch, threadFor(file));
      files.push({ ...summary, renamedFrom: candidate.stored.path });
      const { path, fromOffset, toOffset, signals } = summary;
      log.info(
        { path, renamedFrom: candidate.stored.path, fromOffset, toOffset, signals },
        "finished renamed file",
      );
    } finally {
      await file.fh.close();
    }
  }
  for (const path of matched) {
    const opened = await openFile(path, openOptions);
    if (!opened) continue;
    const { file, start } = opened;
    try {
      const key = `${file.dev}:${file.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
      log.info({ path, offset: file.committed, sizeBytes: file.size, start }, "scanning file");
      files.push(await readToEnd(file, onBatch, threadFor(file)));
    } finally {
      await file.fh.close();
    }
  }
  return { files, totals: sumTotals(files) };
}

/** Drain one open file to its end; rejects if a batch could not be stored. */
async function readToEnd(
  file: OpenFile,
  onBatch: OnBatch,
  thread: ScanThread | null,
): Promise<ScanFileSummary> {
  const fromOffset = file.committed;
  if (thread) file.reader = thread.reader(file.fh.fd, file.committed);
  const result = await drainFile(file, onBatch);
  if (result.error !== null) {
    throw new Error(`could not store a batch of ${file.path} at offset ${file.committed}`, {
      cause: result.error,
    });
  }
  const { lines, signals, junk } = result;
  return { path: file.path, fromOffset, toOffset: file.committed, lines, signals, junk };
}

/** Totals over the files of a run. */
function sumTotals(files: readonly ScanFileSummary[]): ScanSummary["totals"] {
  const totals = {
    files: files.length,
    lines: 0,
    signals: 0,
    junk: emptyJunk(),
  };
  for (const f of files) {
    totals.lines += f.lines;
    totals.signals += f.signals;
    addJunk(totals.junk, f.junk);
  }
  return totals;
}
