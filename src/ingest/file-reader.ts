/**
 * Reads a log file from an offset in large chunks into one reused buffer and hands complete lines to the
 * line scanner. Memory stays bounded whatever the file or line size: a partial last line is carried to the
 * buffer start until its newline arrives, and a line longer than `maxLineBytes` is skipped, never buffered.
 */
import type { FileHandle } from "node:fs/promises";
import type { Level, Signal } from "../domain/types.js";
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
