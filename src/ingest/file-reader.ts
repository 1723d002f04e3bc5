/**
 * Reads a log file from an offset in large chunks into a reused pair of buffers and hands complete lines to
 * the line scanner. While the caller scans and stores one chunk, the next one is already being read into the
 * other buffer (the read otherwise leaves the CPU idle). Memory stays bounded whatever the file or line size:
 * a partial last line is carried in front of the next chunk until its newline arrives, and a line longer
 * than `maxLineBytes` is skipped, never buffered.
 */
import type { Level, Signal } from "../domain/types.js";
import { scanChunk } from "./line-scanner.js";

/** Default bytes per read (each buffer of the pair also has room for a carried partial line). */
export const DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;
/** Default longest line that is parsed; longer ones are counted as `oversize` and skipped. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Lines that could not become signals, by reason, and lines read after stripping a BOM or NUL padding. */
export interface JunkCounts {
  not_json: number;
  cut_off: number;
  oversize: number;
  bom: number;
  nul_padding: number;
  too_deep: number;
}

/** Zero of every junk reason. */
export function emptyJunk(): JunkCounts {
  return { not_json: 0, cut_off: 0, oversize: 0, bom: 0, nul_padding: 0, too_deep: 0 };
}

/** Add `from`'s counts into `into`. */
export function addJunk(into: JunkCounts, from: Partial<JunkCounts>): void {
  for (const key of Object.keys(into) as (keyof JunkCounts)[]) into[key] += from[key] ?? 0;
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
 * A pair of buffers that readers take turns on (one at a time, never concurrently): one is scanned while
 * the next chunk is read into the other. The owner's carried partial line survives between its reads; a
 * reader that lost the pair re-reads its partial line from disk.
 */
export interface ReadBuffer {
  bufs: [Buffer, Buffer];
  owner: object | null;
  /** The read in flight into one of bufs (it never rejects): nobody may reuse them before it settles. */
  inFlight: Promise<unknown> | null;
}

/**
 * Allocate a buffer pair: each holds room for a carried partial line (up to maxLineBytes) plus a read of
 * `bytes`, and a read always exceeds a maximal line, so a carried line never fills a buffer.
 */
export function createReadBuffer(
  bytes = DEFAULT_BUFFER_BYTES,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): ReadBuffer {
  const size = Math.max(bytes, maxLineBytes + 2) + maxLineBytes;
  return { bufs: [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)], owner: null, inFlight: null };
}

/** Sequential reader of one open file. */
export interface FileReader {
  /** Just after the last complete line handed out. */
  readonly offset: number;
  /**
   * How far the file has been read (offset plus any carried partial line or skipped oversize bytes); a
   * read-ahead not handed out yet does not count.
   */
  readonly readPos: number;
  /** Read the next chunk (or take the one read ahead) and scan its complete lines. */
  next(): Promise<ReadBatch>;
  /** Forget everything after `offset`, read-ahead included (a batch was not stored, or the file was truncated). */
  rewind(offset: number): void;
}

/** Positional reads: a FileHandle, or the scan thread's adapter over a descriptor the main thread owns. */
export interface ChunkSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

export interface FileReaderOptions {
  fh: ChunkSource;
  offset: number;
  buffer: ReadBuffer;
  levels: readonly Level[];
  maxLineBytes?: number;
  now: () => number;
}

type ReadResult = { bytesRead: number } | { error: unknown };

/** A read issued into one buffer of the pair at `pos`; its result is kept, so a dropped one never rejects. */
interface PendingRead {
  pos: number;
  buf: Buffer;
  result: Promise<ReadResult>;
}

/** Create a reader positioned at `offset`, which must be at a line start. */
export function createFileReader(options: FileReaderOptions): FileReader {
  const { fh, buffer, levels, now } = options;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const size = Math.min(buffer.bufs[0].length, buffer.bufs[1].length);
  if (size <= 2 * maxLineBytes) {
    throw new Error(`read buffer (${size} B) must exceed twice maxLineBytes (${maxLineBytes} B)`);
  }
  // Reads land after `head` bytes, where the carried partial line (never longer than maxLineBytes) is
  // copied once the scan of the previous chunk knows how long it is.
  const head = maxLineBytes;
  const want = size - head;
  let offset = options.offset;
  let readPos = offset;
  // Inside a line longer than maxLineBytes: its bytes [offset, readPos) are dropped, not carried.
  let skipping = false;
  // The buffer scanned last and where the carried partial line starts in it.
  let current: 0 | 1 = 1;
  let carryAt = 0;
  // The next chunk, read while the caller stores the current batch.
  let ahead: PendingRead | null = null;

  const startRead = (buf: Buffer, pos: number): PendingRead => {
    const result = fh.read(buf, head, want, pos).then(
      ({ bytesRead }): ReadResult => ({ bytesRead }),
      (error: unknown): ReadResult => ({ error }),
    );
    buffer.inFlight = result;
    return { pos, buf, result };
  };

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
      // A read still in flight is awaited (through buffer.inFlight) before its buffer is used again.
      ahead = null;
    },
    async next() {
      if (buffer.owner !== reader) {
        await buffer.inFlight;
        buffer.owner = reader;
        ahead = null;
        if (!skipping) readPos = offset;
      }
      const target = current === 0 ? 1 : 0;
      let read = ahead;
      ahead = null;
      if (read === null || read.pos !== readPos || read.buf !== buffer.bufs[target]) {
        await buffer.inFlight;
        read = startRead(buffer.bufs[target], readPos);
      }
      const outcome = await read.result;
      if ("error" in outcome) throw outcome.error;
      const { bytesRead } = outcome;
      const buf = read.buf;
      const carry = skipping ? 0 : readPos - offset;
      if (carry > 0) buffer.bufs[current].copy(buf, head - carry, carryAt, carryAt + carry);
      readPos += bytesRead;
      // The buffer just left holds nothing needed any more: read the next chunk into it meanwhile.
      const eof = bytesRead < want;
      if (!eof) ahead = startRead(buffer.bufs[current], readPos);
      current = target;
      const fromOffset = offset;
      const view = buf.subarray(head - carry, head + bytesRead);
      const end = view.length;
      const windowStart = readPos - end;
      carryAt = head - carry;
      const batch: ReadBatch = {
        fromOffset,
        toOffset: offset,
        signals: [],
        junk: emptyJunk(),
        lines: 0,
        eof,
      };
      if (bytesRead === 0) return batch;
      const scanInto = (from: number, to: number): number => {
        if (to <= from) return 0;
        const res = scanChunk(view.subarray(from, to), to - from, { levels, readTimeMs: now() });
        for (const s of res.signals) batch.signals.push(s);
        addJunk(batch.junk, res.junk);
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
      // The partial last line stays where it is until the next chunk arrives.
      carryAt += lineEnd;
      return batch;
    },
  };
  return reader;
}
