import { appendFile, mkdtemp, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../log.js";
import type { FileOffset, Store } from "../store/store.js";
import { scanOnce } from "./scan-once.js";
import type { TailBatch } from "./tailed-file.js";

const codesOf = (seen: TailBatch[]) => seen.flatMap((b) => b.signals.map((s) => s.errorCode));

const now = () => Date.UTC(2026, 10, 26, 9, 30);
const error = (code: string) =>
  `${JSON.stringify({ timestamp: "2026-11-26T09:14:32.620117Z", level: "ERROR", fields: { message: `failed ${code}`, error_code: code }, target: "server::x" })}\n`;
const info = `${JSON.stringify({ timestamp: "2026-11-26T09:14:32Z", level: "INFO", fields: { message: "ok" }, target: "server::x" })}\n`;

function memoryStore(): Pick<Store, "getOffset" | "saveOffset"> & { rows: Map<string, FileOffset> } {
  const rows = new Map<string, FileOffset>();
  return {
    rows,
    getOffset: async (dev, ino) => rows.get(`${dev}:${ino}`) ?? null,
    saveOffset: async (offset) => void rows.set(`${offset.dev}:${offset.ino}`, { ...offset }),
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "scan-once-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("scanOnce", () => {
  function run(store: ReturnType<typeof memoryStore>, seen: TailBatch[] = []) {
    return scanOnce({
      patterns: [join(dir, "*.log")],
      store,
      // Stands in for intake.ingest: signals and offset stored together.
      onBatch: async (batch) => {
        seen.push(batch);
        await store.saveOffset(batch.offset);
      },
      levels: ["ERROR"],
      log: silentLogger(),
      now,
    });
  }

  it("reads new files from 0, then only what was appended since, leaving a partial line for the next run", async () => {
    const store = memoryStore();
    const path = join(dir, "app.log");
    const partial = error("DB_001");
    await writeFile(path, info + error("AI_003") + partial.slice(0, 25));
    await writeFile(join(dir, "other.log"), "panic: not json\n");

    const first = await run(store);
    const upTo = Buffer.byteLength(info + error("AI_003"));
    expect(first.files).toEqual([
      {
        path,
        fromOffset: 0,
        toOffset: upTo,
        lines: 2,
        signals: 1,
        junk: { not_json: 0, cut_off: 0, oversize: 0, bom: 0, nul_padding: 0, too_deep: 0 },
      },
      expect.objectContaining({
        path: join(dir, "other.log"),
        signals: 0,
        junk: expect.objectContaining({ not_json: 1 }),
      }),
    ]);
    expect(first.totals).toMatchObject({ files: 2, lines: 3, signals: 1, junk: { not_json: 1 } });

    await appendFile(path, partial.slice(25) + error("AI_004"));
    const seen: TailBatch[] = [];
    const second = await run(store, seen);
    expect(seen.flatMap((b) => b.signals.map((s) => s.errorCode))).toEqual(["DB_001", "AI_004"]);
    expect(second.files[0]).toMatchObject({
      fromOffset: upTo,
      signals: 2,
      junk: { cut_off: 0, not_json: 0 },
    });
    expect(second.totals.signals).toBe(2);

    const third = await run(store);
    expect(third.totals).toMatchObject({ lines: 0, signals: 0 });
  });

  it("skips a deeply nested line as too_deep and still stores the next ERROR line", async () => {
    const store = memoryStore();
    const path = join(dir, "app.log");
    const depth = 10_000;
    const deep = `{"timestamp":"2026-11-26T09:14:00Z","level":"ERROR","fields":{"message":"m","error_code":"DEEP","d":${"[".repeat(depth)}${"]".repeat(depth)}},"target":"t"}\n`;
    await writeFile(path, deep + error("AFTER"));
    const seen: TailBatch[] = [];
    const summary = await run(store, seen);
    expect(codesOf(seen)).toEqual(["AFTER"]);
    expect(summary.totals.junk).toMatchObject({ too_deep: 1 });
    expect(store.rows.get([...store.rows.keys()][0]!)?.offset).toBe(Buffer.byteLength(deep + error("AFTER")));
  });

  it("starts again at 0 after copytruncate (stored offset past the end)", async () => {
    const store = memoryStore();
    const path = join(dir, "app.log");
    await writeFile(path, error("OLD_1") + error("OLD_2"));
    await run(store);
    await writeFile(path, error("NEW_1"));
    const seen: TailBatch[] = [];
    const summary = await run(store, seen);
    expect(summary.files[0]).toMatchObject({ fromOffset: 0, signals: 1 });
    // The start at 0 is stored first (before any line is read), then the line.
    expect(seen.flatMap((b) => b.signals.map((x) => x.errorCode))).toEqual(["NEW_1"]);
    expect(seen[0]).toMatchObject({ lines: 0, offset: { offset: 0 } });
  });

  it("starts at 0 when the stored offset of this inode belongs to other content", async () => {
    const store = memoryStore();
    const path = join(dir, "app.log");
    await writeFile(path, error("NEW_1") + error("NEW_2"));
    const st = await stat(path);
    store.rows.set(`${st.dev}:${st.ino}`, {
      dev: st.dev,
      ino: st.ino,
      path,
      offset: Buffer.byteLength(error("NEW_1")),
      headHash: "0".repeat(40),
      headLen: 256,
    });
    const summary = await run(store);
    expect(summary.files[0]).toMatchObject({ fromOffset: 0, signals: 2 });
  });

  it("finishes a log renamed out of the pattern (logrotate) before reading the new one", async () => {
    const store = memoryStore();
    const path = join(dir, "app.log");
    await writeFile(path, error("E_1"));
    await run(store);
    await appendFile(path, error("E_2"));
    await rename(path, join(dir, "app.log.1"));
    await writeFile(path, error("E_3"));

    const seen: TailBatch[] = [];
    const summary = await run(store, seen);
    expect(codesOf(seen)).toEqual(["E_2", "E_3"]);
    const oneLine = Buffer.byteLength(error("E_1"));
    expect(summary.files).toEqual([
      expect.objectContaining({
        path: join(dir, "app.log.1"),
        renamedFrom: path,
        fromOffset: oneLine,
        toOffset: 2 * oneLine,
      }),
      expect.objectContaining({ path, fromOffset: 0, toOffset: oneLine, signals: 1 }),
    ]);
    expect(summary.files[1]).not.toHaveProperty("renamedFrom");

    const again: TailBatch[] = [];
    expect((await run(store, again)).totals).toMatchObject({ files: 1, lines: 0, signals: 0 });
    expect(again).toEqual([]);
  });

  it("never reads unmatched files that have no stored offset (compressed copies, unrelated files)", async () => {
    const store = memoryStore();
    await writeFile(join(dir, "app.log"), error("E_1"));
    // Readable JSON on purpose: were they read, their lines would become signals.
    await writeFile(join(dir, "app.log.2.gz"), error("GZ_1"));
    await writeFile(join(dir, "notes.txt"), error("NOTE_1"));
    const seen: TailBatch[] = [];
    const summary = await run(store, seen);
    await appendFile(join(dir, "notes.txt"), error("NOTE_2"));
    await run(store, seen);
    expect(codesOf(seen)).toEqual(["E_1"]);
    expect(summary.files.map((f) => f.path)).toEqual([join(dir, "app.log")]);
  });

  it("does not read an unmatched file whose inode has a stored offset for other content", async () => {
    const store = memoryStore();
    const path = join(dir, "app.log.1");
    await writeFile(path, error("REUSED_1") + error("REUSED_2"));
    const st = await stat(path);
    store.rows.set(`${st.dev}:${st.ino}`, {
      dev: st.dev,
      ino: st.ino,
      path: join(dir, "app.log"),
      offset: 10,
      headHash: "0".repeat(40),
      headLen: 256,
    });
    const seen: TailBatch[] = [];
    expect((await run(store, seen)).files).toEqual([]);
    expect(seen).toEqual([]);
  });

  it("copytruncate between runs: the truncated file is read from 0, the copy is not read", async () => {
    const store = memoryStore();
    const path = join(dir, "app.log");
    await writeFile(path, error("E_1") + error("E_2"));
    await run(store);
    await writeFile(join(dir, "app.log.1"), error("E_1") + error("E_2"));
    await truncate(path, 0);
    await appendFile(path, error("E_3"));
    const seen: TailBatch[] = [];
    const summary = await run(store, seen);
    expect(codesOf(seen)).toEqual(["E_3"]);
    expect(summary.files).toEqual([expect.objectContaining({ path, fromOffset: 0, signals: 1 })]);
  });

  it("rejects when a batch cannot be stored, leaving the offset where it was", async () => {
    const store = memoryStore();
    await writeFile(join(dir, "app.log"), error("AI_003"));
    const failing = scanOnce({
      patterns: [join(dir, "*.log")],
      store,
      onBatch: async () => {
        throw new Error("disk full");
      },
      levels: ["ERROR"],
      log: silentLogger(),
      now,
    });
    await expect(failing).rejects.toThrow(/could not store a batch/);
    expect(store.rows.size).toBe(0);
    expect((await run(store)).totals.signals).toBe(1);
  });
});

describe("scanOnce on the scan thread", () => {
  const noTimestamp = `${JSON.stringify({ level: "ERROR", fields: { message: "no time", error_code: "NT_1" }, target: "server::y" })}\n`;
  /** Many small reads: every chunk boundary, carried line and oversize skip crosses the thread. */
  function run(
    store: ReturnType<typeof memoryStore>,
    scanThread: boolean,
    seen: TailBatch[] = [],
    failAt = -1,
  ) {
    let calls = 0;
    return scanOnce({
      patterns: [join(dir, "*.log")],
      store,
      onBatch: async (batch) => {
        if (calls++ === failAt) throw new Error("disk full");
        seen.push(batch);
        await store.saveOffset(batch.offset);
      },
      levels: ["ERROR"],
      maxLineBytes: 1024,
      bufferBytes: 4096,
      log: silentLogger(),
      now,
      scanThread,
    });
  }
  async function writeMixedLog(): Promise<string[]> {
    const codes: string[] = [];
    let text = "";
    for (let i = 0; i < 400; i++) {
      if (i % 7 === 0) {
        codes.push(`E_${i}`);
        text += error(`E_${i}`);
      } else if (i === 50) text += "panic: not json\n";
      else if (i === 90) text += `{"level":"ERROR","x":"${"y".repeat(3000)}"}\n`;
      else if (i === 130) {
        codes.push("NT_1");
        text += noTimestamp;
      } else text += info;
    }
    await writeFile(join(dir, "app.log"), text + error("PARTIAL").slice(0, 30));
    return codes;
  }

  it("hands out the same batches, offsets and counts as a scan on the calling thread", async () => {
    await writeMixedLog();
    const [here, there] = [memoryStore(), memoryStore()];
    const seenHere: TailBatch[] = [];
    const seenThere: TailBatch[] = [];
    const inThread = await run(here, false, seenHere);
    const onThread = await run(there, true, seenThere);
    expect(seenThere.length).toBeGreaterThan(10);
    expect(seenThere).toEqual(seenHere);
    expect(onThread).toEqual(inThread);
    expect(onThread.totals.junk).toEqual({
      not_json: 1,
      cut_off: 0,
      oversize: 1,
      bom: 0,
      nul_padding: 0,
      too_deep: 0,
    });
    expect(seenThere.flatMap((b) => b.signals).find((s) => s.errorCode === "NT_1")?.timestampMs).toBe(now());
  });

  it("after a batch that could not be stored, the next run stores every line exactly once", async () => {
    const codes = await writeMixedLog();
    const store = memoryStore();
    const seen: TailBatch[] = [];
    await expect(run(store, true, seen, 5)).rejects.toThrow(/could not store a batch/);
    const stored = [...store.rows.values()][0]?.offset;
    expect(stored).toBe(seen.at(-1)?.offset.offset);
    await run(store, true, seen);
    expect(codesOf(seen)).toEqual(codes);
  });
});
