import { appendFile, type FileHandle, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createFileReader,
  createReadBuffer,
  type FileReader,
  type ReadBatch,
  type ReadBuffer,
} from "./file-reader.js";

const now = () => Date.UTC(2026, 10, 26, 9, 30);
const error = (code: string) =>
  `${JSON.stringify({ timestamp: "2026-11-26T09:14:32.620117Z", level: "ERROR", fields: { message: `failed ${code}`, error_code: code }, target: "server::x" })}\n`;
const info = (n: number) =>
  `${JSON.stringify({ timestamp: "2026-11-26T09:14:32.620117Z", level: "INFO", fields: { message: `request ${n}` }, target: "server::x" })}\n`;

let dir: string;
let closers: Array<() => Promise<void>>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "file-reader-"));
  closers = [];
});
afterEach(async () => {
  for (const close of closers) await close();
  await rm(dir, { recursive: true, force: true });
});

async function openReader(
  name: string,
  opts: { bufferBytes?: number; maxLineBytes?: number; offset?: number } = {},
) {
  const fh = await open(join(dir, name), "r");
  closers.push(() => fh.close());
  const buffer = createReadBuffer(opts.bufferBytes, opts.maxLineBytes);
  const reader = createFileReader({
    fh,
    offset: opts.offset ?? 0,
    buffer,
    levels: ["ERROR"],
    maxLineBytes: opts.maxLineBytes,
    now,
  });
  return { fh, reader, buffer };
}

async function readAll(reader: FileReader): Promise<ReadBatch[]> {
  const batches: ReadBatch[] = [];
  for (;;) {
    const batch = await reader.next();
    batches.push(batch);
    if (batch.eof) return batches;
  }
}

const codes = (batches: ReadBatch[]) => batches.flatMap((b) => b.signals.map((s) => s.errorCode));
const sum = (batches: ReadBatch[], key: "not_json" | "cut_off" | "oversize") =>
  batches.reduce((n, b) => n + b.junk[key], 0);

describe("file reader", () => {
  it("handles complete lines only and leaves a partial last line until its newline arrives", async () => {
    const path = join(dir, "app.log");
    const last = error("DB_001");
    await writeFile(path, info(1) + error("AI_003") + last.slice(0, 40));
    const { reader } = await openReader("app.log");
    const first = await readAll(reader);
    expect(codes(first)).toEqual(["AI_003"]);
    expect(reader.offset).toBe(Buffer.byteLength(info(1) + error("AI_003")));

    await appendFile(path, last.slice(40));
    const second = await readAll(reader);
    expect(codes(second)).toEqual(["DB_001"]);
    expect(sum(second, "cut_off") + sum(second, "not_json")).toBe(0);
    expect(reader.offset).toBe(Buffer.byteLength(info(1) + error("AI_003") + last));
  });

  it("carries partial lines across many reads of a small buffer without losing or repeating one", async () => {
    const path = join(dir, "many.log");
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) lines.push(i % 3 === 0 ? error(`E_${i}`) : info(i));
    await writeFile(path, lines.join(""));
    const { reader } = await openReader("many.log", { bufferBytes: 4096, maxLineBytes: 1024 });
    const batches = await readAll(reader);
    expect(batches.length).toBeGreaterThan(10);
    expect(codes(batches)).toEqual(lines.flatMap((_line, i) => (i % 3 === 0 ? [`E_${i}`] : [])));
    expect(batches.reduce((n, b) => n + b.lines, 0)).toBe(400);
    expect(reader.offset).toBe(Buffer.byteLength(lines.join("")));
  });

  it("skips a 2 MiB line between two ERRORs as oversize and finds both ERRORs", async () => {
    const path = join(dir, "big.log");
    const huge = `{"level":"ERROR","fields":{"message":"${"x".repeat(2 * 1024 * 1024)}"}}\n`;
    await writeFile(path, error("BEFORE") + huge + error("AFTER"));
    const { reader } = await openReader("big.log");
    const batches = await readAll(reader);
    expect(codes(batches)).toEqual(["BEFORE", "AFTER"]);
    expect(sum(batches, "oversize")).toBe(1);
    expect(reader.offset).toBe(Buffer.byteLength(error("BEFORE") + huge + error("AFTER")));
  });

  it("skips an oversize line that spans many buffers and is still being written", async () => {
    const path = join(dir, "growing.log");
    await writeFile(path, error("BEFORE") + "y".repeat(20_000));
    const { reader } = await openReader("growing.log", { bufferBytes: 4096, maxLineBytes: 1024 });
    const first = await readAll(reader);
    expect(codes(first)).toEqual(["BEFORE"]);
    expect(sum(first, "oversize")).toBe(0);
    expect(reader.offset).toBe(Buffer.byteLength(error("BEFORE")));

    await appendFile(path, `${"y".repeat(5000)}\n${error("AFTER")}`);
    const second = await readAll(reader);
    expect(codes(second)).toEqual(["AFTER"]);
    expect(sum(second, "oversize")).toBe(1);
  });

  it("parses a line of exactly maxLineBytes and skips one a byte longer", async () => {
    const path = join(dir, "edge.log");
    const sized = (n: number, code: string) => {
      const base = error(code).trimEnd();
      return `${base.slice(0, -1)},"pad":"${"p".repeat(n - base.length - 9)}"}\n`;
    };
    const exact = sized(1024, "EXACT");
    const over = sized(1025, "OVER");
    expect([exact.length, over.length]).toEqual([1025, 1026]);
    await writeFile(path, exact + over + error("TAIL"));
    const { reader } = await openReader("edge.log", { bufferBytes: 4096, maxLineBytes: 1024 });
    const batches = await readAll(reader);
    expect(codes(batches)).toEqual(["EXACT", "TAIL"]);
    expect(sum(batches, "oversize")).toBe(1);
  });

  it("lets two readers share one buffer, re-reading a partial line the other one overwrote", async () => {
    await writeFile(join(dir, "a.log"), error("A1") + error("A2").slice(0, 30));
    await writeFile(join(dir, "b.log"), error("B1") + error("B2").slice(0, 30));
    const a = await openReader("a.log");
    const fhB = await open(join(dir, "b.log"), "r");
    closers.push(() => fhB.close());
    const b = createFileReader({ fh: fhB, offset: 0, buffer: a.buffer, levels: ["ERROR"], now });
    expect(codes(await readAll(a.reader))).toEqual(["A1"]);
    expect(codes(await readAll(b))).toEqual(["B1"]);
    await appendFile(join(dir, "a.log"), error("A2").slice(30));
    await appendFile(join(dir, "b.log"), error("B2").slice(30));
    expect(codes(await readAll(a.reader))).toEqual(["A2"]);
    expect(codes(await readAll(b))).toEqual(["B2"]);
  });

  it("starts at a given offset and can be rewound", async () => {
    await writeFile(join(dir, "r.log"), error("ONE") + error("TWO"));
    const { reader } = await openReader("r.log", { offset: Buffer.byteLength(error("ONE")) });
    expect(codes(await readAll(reader))).toEqual(["TWO"]);
    reader.rewind(0);
    expect(codes(await readAll(reader))).toEqual(["ONE", "TWO"]);
  });

  it("rewinds past a read-ahead: the lines after the offset are handed again, once each", async () => {
    const lines = manyLines(300);
    await writeFile(join(dir, "ra.log"), lines.join(""));
    const { reader } = await openReader("ra.log", { bufferBytes: 4096, maxLineBytes: 1024 });
    const first = await reader.next();
    expect(first.eof).toBe(false);
    reader.rewind(first.fromOffset);
    const again = await readAll(reader);
    expect(codes(again)).toEqual(expectedCodes(300));
    expect(again.reduce((n, b) => n + b.lines, 0)).toBe(300);
  });

  it("lets two readers of big files take turns on one buffer pair, each line handed once", async () => {
    const linesA = manyLines(300, "A");
    const linesB = manyLines(200, "B");
    await writeFile(join(dir, "a.log"), linesA.join(""));
    await writeFile(join(dir, "b.log"), linesB.join(""));
    const a = await openReader("a.log", { bufferBytes: 4096, maxLineBytes: 1024 });
    const fhB = await open(join(dir, "b.log"), "r");
    closers.push(() => fhB.close());
    const b = createFileReader({
      fh: fhB,
      offset: 0,
      buffer: a.buffer,
      levels: ["ERROR"],
      maxLineBytes: 1024,
      now,
    });
    const got = { a: [] as ReadBatch[], b: [] as ReadBatch[] };
    // Alternate batch by batch, so each reader finds its read-ahead taken by the other one.
    while (!got.a.at(-1)?.eof || !got.b.at(-1)?.eof) {
      if (!got.a.at(-1)?.eof) got.a.push(await a.reader.next());
      if (!got.b.at(-1)?.eof) got.b.push(await b.next());
    }
    expect(codes(got.a)).toEqual(expectedCodes(300, "A"));
    expect(codes(got.b)).toEqual(expectedCodes(200, "B"));
    expect(a.reader.offset).toBe(Buffer.byteLength(linesA.join("")));
    expect(b.offset).toBe(Buffer.byteLength(linesB.join("")));
  });

  it("reads the next chunk while the caller stores the current batch", async () => {
    await writeFile(join(dir, "ahead.log"), manyLines(300).join(""));
    const fh = await open(join(dir, "ahead.log"), "r");
    closers.push(() => fh.close());
    const positions: number[] = [];
    const spy = {
      read: (buf: Buffer, at: number, length: number, position: number) => {
        positions.push(position);
        return fh.read(buf, at, length, position);
      },
    };
    const reader = createFileReader({
      fh: spy as unknown as FileHandle,
      offset: 0,
      buffer: createReadBuffer(4096, 1024),
      levels: ["ERROR"],
      maxLineBytes: 1024,
      now,
    });
    const first = await reader.next();
    // The batch is in the caller's hands (not stored yet) and the following bytes are already requested.
    expect(positions).toEqual([0, reader.readPos]);
    expect(first.eof).toBe(false);
    const rest = await readAll(reader);
    expect(codes([first, ...rest])).toEqual(expectedCodes(300));
  });

  it("throws a failed read from next() and resumes from the same place; a dropped failed read-ahead is silent", async () => {
    await writeFile(join(dir, "eio.log"), manyLines(300).join(""));
    const fh = await open(join(dir, "eio.log"), "r");
    closers.push(() => fh.close());
    let calls = 0;
    const failing = new Set([2, 4]);
    const flaky = {
      read: (buf: Buffer, at: number, length: number, position: number) =>
        failing.has(++calls)
          ? Promise.reject(new Error("EIO: i/o error"))
          : fh.read(buf, at, length, position),
    };
    const buffer: ReadBuffer = createReadBuffer(4096, 1024);
    const options = { offset: 0, buffer, levels: ["ERROR"] as const, maxLineBytes: 1024, now };
    const reader = createFileReader({ ...options, fh: flaky as unknown as FileHandle });
    const first = await reader.next();
    await expect(reader.next()).rejects.toThrow("EIO");
    const second = await reader.next();
    expect(second.fromOffset).toBe(first.toOffset);
    // Read 4 (the read-ahead issued with `second`) fails but is dropped by the rewind.
    reader.rewind(first.toOffset);
    const rest = await readAll(reader);
    expect(codes([first, ...rest])).toEqual(expectedCodes(300));
  });
});

function manyLines(n: number, prefix = "E"): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(i % 3 === 0 ? error(`${prefix}_${i}`) : info(i));
  return lines;
}

function expectedCodes(n: number, prefix = "E"): string[] {
  return manyLines(n, prefix).flatMap((_line, i) => (i % 3 === 0 ? [`${prefix}_${i}`] : []));
}
