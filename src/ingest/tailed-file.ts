/**
 * One followed log file: opened and positioned (stored offset, its end, or 0), then drained batch by batch
 * into onBatch, which stores signals and offset in one transaction. Shared by `serve` (the tailer) and `scan`.
 */
import { type FileHandle, open } from "node:fs/promises";
import type { Level, Signal } from "../domain/types.js";
import type { FileOffset, Store } from "../store/store.js";
import {
  type FileHead,
  offsetAfterLastNewline,
  type ResumeReason,
  readHead,
  resumeFrom,
} from "./file-identity.js";
import {
  addJunk,
  createFileReader,
  emptyJunk,
  type FileReader,
  type JunkCounts,
  type ReadBatch,
  type ReadBuffer,
} from "./file-reader.js";

/** What a source hands on: signals plus the offset to store with them, in one transaction. */
export interface TailBatch {
  path: string;
  signals: Signal[];
  offset: FileOffset;
  junk: JunkCounts;
  lines: number;
  /** Bytes of the file not yet handled (size - offset) when the batch was read. */
  lagBytes: number;
}

/** Stores a batch (signals and offset together); a rejection means nothing of it was stored. */
export type OnBatch = (batch: TailBatch) => Promise<void>;

/** An open file: who it is, where its reader stands and the offset last stored for it. */
export interface OpenFile {
  path: string;
  fh: FileHandle;
  dev: number;
  ino: number;
  head: FileHead;
  reader: FileReader;
  /** Offset of the last batch onBatch accepted (or the start position). */
  committed: number;
  /** Size at the last stat. */
  size: number;
  /** The start position was chosen, not stored (started at the end): store it before reading on. */
  saveStart: boolean;
}

/** Where reading of a file starts, and why. */
export type StartReason = ResumeReason | "end" | "beginning";

export interface OpenFileOptions {
  store: Pick<Store, "getOffset">;
  buffer: ReadBuffer;
  levels: readonly Level[];
  maxLineBytes: number;
  now: () => number;
  /** With no stored offset, start just after the last newline instead of at 0. */
  atEnd: boolean;
}

/** Open a regular file and position its reader; null when it vanished or is not a regular file. */
export async function openFile(
  path: string,
  options: OpenFileOptions,
): Promise<{ file: OpenFile; start: StartReason } | null> {
  const fh = await open(path, "r").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  if (!fh) return null;
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      return null;
    }
    const stored = await options.store.getOffset(st.dev, st.ino);
    let offset = 0;
    let start: StartReason = "beginning";
    if (stored) ({ offset, reason: start } = await resumeFrom(fh, st.size, stored));
    else if (options.atEnd) [offset, start] = [await offsetAfterLastNewline(fh, st.size), "end"];
    const { buffer, levels, maxLineBytes, now } = options;
    const reader = createFileReader({ fh, offset, buffer, levels, maxLineBytes, now });
    const head = await readHead(fh, st.size);
    // Any start not read from the store is stored before the first line is read, even at 0 (an empty file):
    // after a kill -9 the store then knows this file, so a restart finds it even once renamed away, and
    // reads what was written to it while the service was down.
    const saveStart = start !== "resumed";
    const file = {
      path,
      fh,
      dev: st.dev,
      ino: st.ino,
      head,
      reader,
      committed: offset,
      size: st.size,
      saveStart,
    };
    return { file, start };
  } catch (err) {
    await fh.close().catch(() => {});
    throw err;
  }
}

/** What one drain did. */
export interface DrainResult {
  lines: number;
  signals: number;
  junk: JunkCounts;
  /** Why it stopped early: onBatch rejected (the reader was rewound to the last stored offset). */
  error: unknown;
}

/** The FileOffset to store for `offset` in this file. */
export function fileOffsetOf(file: OpenFile, offset: number): FileOffset {
  return {
    dev: file.dev,
    ino: file.ino,
    path: file.path,
    offset,
    headHash: file.head.hash,
    headLen: file.head.len,
  };
}

/**
 * Store where reading of a file starts before any of it is read (a file opened, not yet read, must not be
 * forgotten by a kill -9). A failure leaves `saveStart` set: drainFile stores it first.
 */
export async function recordStart(file: OpenFile, onBatch: OnBatch): Promise<void> {
  const lagBytes = Math.max(0, file.size - file.committed);
  const offset = fileOffsetOf(file, file.committed);
  await onBatch({ path: file.path, signals: [], offset, junk: emptyJunk(), lines: 0, lagBytes });
  file.saveStart = false;
}

/**
 * Read a file from its reader's position to its current end, handing every batch that found signals or
 * moved the offset to onBatch, one at a time; nothing is committed before onBatch resolves. The reader
 * reads the next chunk while onBatch runs; a rejection rewinds it to the last stored offset, dropping that.
 */
export async function drainFile(
  file: OpenFile,
  onBatch: OnBatch,
  stopped: () => boolean = () => false,
  /** Called before each chunk: a long backlog must not keep the caller from noticing rotations. */
  between?: () => Promise<void>,
): Promise<DrainResult> {
  const result: DrainResult = {
    lines: 0,
    signals: 0,
    junk: emptyJunk(),
    error: null,
  };
  file.size = (await file.fh.stat()).size;
  const send = async (batch: Pick<ReadBatch, "signals" | "junk" | "lines">, to: number): Promise<boolean> => {
    const { signals, junk, lines } = batch;
    const lagBytes = Math.max(0, Math.max(file.size, file.reader.readPos) - to);
    try {
      await onBatch({ path: file.path, signals, offset: fileOffsetOf(file, to), junk, lines, lagBytes });
    } catch (error) {
      file.reader.rewind(file.committed);
      result.error = error;
      return false;
    }
    file.committed = to;
    return true;
  };
  if (file.saveStart) {
    const empty = { signals: [], junk: emptyJunk(), lines: 0 };
    if (!(await send(empty, file.committed))) return result;
    file.saveStart = false;
  }
  while (!stopped()) {
    await between?.();
    const batch = await file.reader.next();
    if (batch.signals.length > 0 || batch.toOffset !== batch.fromOffset) {
      if (!(await send(batch, batch.toOffset))) return result;
      result.lines += batch.lines;
      result.signals += batch.signals.length;
      addJunk(result.junk, batch.junk);
    }
    if (batch.eof) break;
  }
  return result;
}
