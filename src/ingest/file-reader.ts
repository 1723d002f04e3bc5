/**
 * Reads a log file from an offset in large chunks into one reused buffer and hands complete lines to the
 * line scanner. Memory stays bounded whatever the file or line size: a partial last line is carried to the
 * buffer start until its newline arrives, and a line longer than `maxLineBytes` is skipped, never buffered.
 */
import type { FileHandle } from "node:fs/promises";
import type { Level, Signal } from "../domain/types.js";
import type { FileOffset } from "../store/store.js";
import type { FileHead } from "./file-identity.js";
import { scanChunk } from "./line-scanner.js";

/** Default size of the read buffer. */
export const DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;
/** Default longest line that is parsed; longer ones are counted as `oversize` and skipped. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Lines that could not become signals, by reason. */
export interface JunkCounts {
  not_json: number;
  cut_off: number;
  oversize: number;
}

/** The outcome of one chunk read: everything in [fromOffset, toOffset) is handled. */
export interface ReadBatch {
  fromOffset: number;
  /** Just after the last complete line handled; a partial line after it waits for its newline. */
  toOffset: number;
  signals: Signal[];
  junk: JunkCounts;
  /** Complete lines handled, oversize ones included. */
  lines: number;
  /** True when the read reached the file's current end. */
  eof: boolean;
}

/**
 * A buffer that readers take turns on (one at a time, never concurrently). The owner's carried partial
 * line survives between its reads; a reader that lost the buffer re-reads its partial line from disk.
 */
export interface ReadBuffer {
  buf: Buffer;
  owner: object | null;
}

/** Allocate a read buffer large enough for two maximal lines, so a carried line never fills it. */
export function createReadBuffer(
  bytes = DEFAULT_BUFFER_BYTES,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): ReadBuffer {
  return { buf: Buffer.allocUnsafe(Math.max(bytes, 2 * maxLineBytes + 2)), owner: null };
}

/** Sequential reader of one open file. */
export interface FileReader {
  /** Just after the last complete line handed out. */
  readonly offset: number;
  /** How far the file has been read (offset plus any carried partial line or skipped oversize bytes). */
  readonly readPos: number;
  /** Read the next chunk and scan its complete lines. */
  next(): Promise<ReadBatch>;
  /** Forget everything after `offset` (a batch was not stored, or the file was truncated). */
  rewind(offset: number): void;
}

/** Options of createFileReader. */
export interface FileReaderOptions {
  fh: FileHandle;
  offset: number;
  buffer: ReadBuffer;
  levels: readonly Level[];
  maxLineBytes?: number;
  now: () => number;
}

/** Create a reader positioned at `offset`, which must be at a line start. */
export function createFileReader(options: FileReaderOptions): FileReader {
  const { fh, buffer, levels, now } = options;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (buffer.buf.length <= 2 * maxLineBytes) {
    throw new Error(
      `read buffer (${buffer.buf.length} B) must exceed twice maxLineBytes (${maxLineBytes} B)`,
    );
  }
  let offset = options.offset;
  let readPos = offset;
  // Inside a line longer than maxLineBytes: its bytes [offset, readPos) are dropped, not carried.
  let skipping = false;

  const reader: FileReader = {
    get offset() {
      return offset;
    },
    get readPos() {
      return readPos;
    },
    rewind(to) {
      offset = to;
      readPos = to;
      skipping = false;
    },
    async next() {
      const buf = buffer.buf;
      if (buffer.owner !== reader) {
        buffer.owner = reader;
        if (!skipping) readPos = offset;
      }
      const carry = skipping ? 0 : readPos - offset;
      const want = buf.length - carry;
      const { bytesRead } = await fh.read(buf, carry, want, readPos);
      readPos += bytesRead;
      const fromOffset = offset;
      const end = carry + bytesRead;
      const windowStart = readPos - end;
      const batch: ReadBatch = {
        fromOffset,
        toOffset: offset,
        signals: [],
        junk: { not_json: 0, cut_off: 0, oversize: 0 },
        lines: 0,
        eof: bytesRead < want,
      };
      if (bytesRead === 0) return batch;
      const view = buf.subarray(0, end);
      const scanInto = (from: number, to: number): number => {
        if (to <= from) return 0;
        const res = scanChunk(view.subarray(from, to), to - from, { levels, readTimeMs: now() });
        for (const s of res.signals) batch.signals.push(s);
        batch.junk.not_json += res.junk.not_json;
        batch.junk.cut_off += res.junk.cut_off;
        batch.lines += res.lines;
        return res.consumed;
      };
      const skipOversize = (): void => {
        batch.junk.oversize++;
        batch.lines++;
      };

      let p = 0;
      if (skipping) {
        const nl = view.indexOf(10);
        if (nl < 0) return batch;
        skipOversize();
        skipping = false;
        p = nl + 1;
      }
      // Jump a whole maxLineBytes at a time: a newline within reach means every line so far is short enough.
      let seg = p;
      while (p + maxLineBytes < end) {
        const nl = view.lastIndexOf(10, p + maxLineBytes);
        if (nl >= p) {
          p = nl + 1;
          continue;
        }
        scanInto(seg, p);
        const close = view.indexOf(10, p + maxLineBytes + 1);
        if (close < 0) {
          skipping = true;
          offset = windowStart + p;
          batch.toOffset = offset;
          return batch;
        }
        skipOversize();
        p = close + 1;
        seg = p;
      }
      const lineEnd = seg + scanInto(seg, end);
      offset = windowStart + lineEnd;
      batch.toOffset = offset;
      if (lineEnd > 0 && lineEnd < end) buf.copyWithin(0, lineEnd, end);
      return batch;
    },
  };
  return reader;
}

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
 * Read a file from its reader's position to its current end, handing every batch that found signals or
 * moved the offset to onBatch, one at a time; nothing is committed before onBatch resolves.
 */
export async function drainFile(
  file: OpenFile,
  onBatch: OnBatch,
  stopped: () => boolean = () => false,
): Promise<DrainResult> {
  const result: DrainResult = {
    lines: 0,
    signals: 0,
    junk: { not_json: 0, cut_off: 0, oversize: 0 },
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
    const empty = { signals: [], junk: { not_json: 0, cut_off: 0, oversize: 0 }, lines: 0 };
    if (!(await send(empty, file.committed))) return result;
    file.saveStart = false;
  }
  while (!stopped()) {
    const batch = await file.reader.next();
    if (batch.signals.length > 0 || batch.toOffset !== batch.fromOffset) {
      if (!(await send(batch, batch.toOffset))) return result;
      result.lines += batch.lines;
      result.signals += batch.signals.length;
      result.junk.not_json += batch.junk.not_json;
      result.junk.cut_off += batch.junk.cut_off;
      result.junk.oversize += batch.junk.oversize;
    }
    if (batch.eof) break;
  }
  return result;
}
