/**
 * Read a file's lines from the end backwards in fixed chunks, never loading the whole file: the context of an
 * error sits near the end of a log that may be gigabytes long. Bounded by bytes scanned and by line length.
 */
import { open } from "node:fs/promises";

/** Bounds of a backward read. */
export interface ReverseReadOptions {
  /** Stop after scanning this many bytes from the end. */
  maxBytes: number;
  /** Lines longer than this are skipped whole (they would be junk in a bundle anyway). */
  maxLineBytes: number;
  chunkBytes?: number;
  signal?: AbortSignal;
}

const NEWLINE = 0x0a;

/** Yield lines newest first (empty lines skipped); a line cut by `maxBytes` is not yielded. */
export async function* readLinesBackward(path: string, options: ReverseReadOptions): AsyncGenerator<string> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const floor = Math.max(0, size - options.maxBytes);
    let position = size;
    // Bytes of the line being assembled (its start lies in an earlier chunk).
    let carry: Buffer = Buffer.alloc(0);
    let oversize = false;
    const emit = (bytes: Buffer): string | null => {
      if (oversize) {
        oversize = false;
        return null;
      }
      const text = bytes.toString("utf8").replace(/\r$/, "");
      return text.length > 0 ? text : null;
    };
    while (position > floor) {
      options.signal?.throwIfAborted();
      const length = Math.min(chunkBytes, position - floor);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      let end = length;
      let newline = chunk.lastIndexOf(NEWLINE, end - 1);
      while (newline >= 0) {
        const line = emit(Buffer.concat([chunk.subarray(newline + 1, end), carry]));
        carry = Buffer.alloc(0);
        if (line !== null) yield line;
        end = newline;
        newline = end > 0 ? chunk.lastIndexOf(NEWLINE, end - 1) : -1;
      }
      if (oversize) continue;
      carry = Buffer.concat([chunk.subarray(0, end), carry]);
      if (carry.length > options.maxLineBytes) {
        carry = Buffer.alloc(0);
        oversize = true;
      }
    }
    // The file's first line is whole only when the scan reached offset 0.
    if (floor === 0) {
      const line = emit(carry);
      if (line !== null) yield line;
    }
  } finally {
    await handle.close();
  }
}
