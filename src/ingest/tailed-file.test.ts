import { createHash } from "node:crypto";
import { mkdtemp, open, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FileOffset } from "../store/store.js";
import { createFileReader, createReadBuffer } from "./file-reader.js";
import { drainFile, type OpenFile, openFile, type TailBatch } from "./tailed-file.js";

const now = () => Date.UTC(2026, 10, 26, 9, 30);
const error = (code: string) =>
  `${JSON.stringify({ timestamp: "2026-11-26T09:14:32.620117Z", level: "ERROR", fields: { message: `failed ${code}`, error_code: code }, target: "server::x" })}\n`;
const info = (n: number) =>
  `${JSON.stringify({ timestamp: "2026-11-26T09:14:32.620117Z", level: "INFO", fields: { message: `request ${n}` }, target: "server::x" })}\n`;
const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

let dir: string;
let closers: Array<() => Promise<void>>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tailed-file-"));
  closers = [];
});
afterEach(async () => {
  for (const close of closers) await close();
  await rm(dir, { recursive: true, force: true });
});

describe("openFile", () => {
  function memoryOffsets() {
    const rows = new Map<string, FileOffset>();
    const store = { getOffset: async (dev: number, ino: number) => rows.get(`${dev}:${ino}`) ?? null };
    return {
      rows,
      base: { store, buffer: createReadBuffer(), levels: ["ERROR"] as const, maxLineBytes: 1 << 20, now },
    };
  }

  it("opens a file at its end only when asked and when it has no stored offset", async () => {
    const path = join(dir, "app.log");
    await writeFile(path, "one\ntwo\npartial");
    const st = await stat(path);
    const { rows, base } = memoryOffsets();
    const atEnd = await openFile(path, { ...base, atEnd: true });
    expect(atEnd).toMatchObject({ start: "end", file: { committed: 8, saveStart: true, size: 15 } });
    await atEnd!.file.fh.close();

    const head = "one\ntwo\npartial";
    rows.set(`${st.dev}:${st.ino}`, {
      dev: st.dev,
      ino: st.ino,
      path,
      offset: 4,
      headHash: sha1(head),
      headLen: head.length,
    });
    const resumed = await openFile(path, { ...base, atEnd: true });
    expect(resumed).toMatchObject({ start: "resumed", file: { committed: 4, saveStart: false } });
    await resumed!.file.fh.close();

    expect(await openFile(join(dir, "missing.log"), { ...base, atEnd: false })).toBeNull();
  });

  it("stores the end of an empty file too, so a restart reads what was written while it was down", async () => {
    const path = join(dir, "empty.log");
    await writeFile(path, "");
    const { base } = memoryOffsets();
    const atEnd = await openFile(path, { ...base, atEnd: true });
    expect(atEnd).toMatchObject({ start: "end", file: { committed: 0, saveStart: true } });
    const batches: TailBatch[] = [];
    await drainFile(atEnd!.file, async (b) => void batches.push(b));
    await atEnd!.file.fh.close();
    expect(batches.map((b) => b.offset.offset)).toEqual([0]);

    const fromZero = await openFile(path, { ...base, atEnd: false });
    // A start not read from the store is stored before reading, so a kill -9 cannot lose the file.
    expect(fromZero).toMatchObject({ start: "beginning", file: { committed: 0, saveStart: true } });
    await fromZero!.file.fh.close();
  });
});

describe("drainFile", () => {
  async function openFileAt(name: string, small = false): Promise<OpenFile> {
    const fh = await open(join(dir, name), "r");
    closers.push(() => fh.close());
    const [bufferBytes, maxLineBytes] = small ? [4096, 1024] : [undefined, undefined];
    const buffer = createReadBuffer(bufferBytes, maxLineBytes);
    const reader = createFileReader({ fh, offset: 0, buffer, levels: ["ERROR"], maxLineBytes, now });
    const head = { hash: "h", len: 0 };
    return {
      path: join(dir, name),
      fh,
      dev: 1,
      ino: 2,
      head,
      reader,
      committed: 0,
      size: 0,
      saveStart: false,
    };
  }

  it("hands batches without signals too, so offsets move over INFO lines; nothing when nothing moved", async () => {
    await writeFile(join(dir, "i.log"), info(1) + info(2));
    const file = await openFileAt("i.log");
    const batches: TailBatch[] = [];
    await drainFile(file, async (b) => void batches.push(b));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ signals: [], lines: 2, lagBytes: 0 });
    expect(batches[0]!.offset).toEqual<FileOffset>({
      dev: 1,
      ino: 2,
      path: join(dir, "i.log"),
      offset: Buffer.byteLength(info(1) + info(2)),
      headHash: "h",
      headLen: 0,
    });
    await drainFile(file, async (b) => void batches.push(b));
    expect(batches).toHaveLength(1);
  });

  it("keeps the offset when onBatch fails and hands the same lines again on the next drain", async () => {
    await writeFile(join(dir, "f.log"), error("AI_003"));
    const file = await openFileAt("f.log");
    const failed = await drainFile(file, async () => {
      throw new Error("database is locked");
    });
    expect(String(failed.error)).toContain("database is locked");
    expect(file.committed).toBe(0);
    const batches: TailBatch[] = [];
    const ok = await drainFile(file, async (b) => void batches.push(b));
    expect(ok.error).toBeNull();
    expect(batches.flatMap((b) => b.signals.map((s) => s.errorCode))).toEqual(["AI_003"]);
    expect(file.committed).toBe(Buffer.byteLength(error("AI_003")));
  });

  it("stores nothing before onBatch resolves and, after a failure mid-file, hands every line from there once", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(i % 3 === 0 ? error(`E_${i}`) : info(i));
    await writeFile(join(dir, "m.log"), lines.join(""));
    const file = await openFileAt("m.log", true);
    const stored: TailBatch[] = [];
    let calls = 0;
    const failed = await drainFile(file, async (b) => {
      // The previous batch is committed, this one is not yet.
      expect(file.committed).toBe(stored.at(-1)?.offset.offset ?? 0);
      if (++calls === 3) throw new Error("database is locked");
      stored.push(b);
    });
    expect(String(failed.error)).toContain("database is locked");
    expect(file.committed).toBe(stored[1]!.offset.offset);
    const ok = await drainFile(file, async (b) => void stored.push(b));
    expect(ok.error).toBeNull();
    const all = stored.flatMap((b) => b.signals.map((s) => s.errorCode));
    expect(all).toEqual(lines.flatMap((_line, i) => (i % 3 === 0 ? [`E_${i}`] : [])));
    expect(stored.reduce((n, b) => n + b.lines, 0)).toBe(300);
    expect(file.committed).toBe(Buffer.byteLength(lines.join("")));
  });
});
