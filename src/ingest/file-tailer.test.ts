import {
  appendFile,
  copyFile,
  mkdtemp,
  open,
  rename,
  rm,
  truncate,
  unlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FileOffset, Store } from "../store/store.js";
import type { TailBatch } from "./file-reader.js";
import { createFileTailer, type FileTailer, type FileTailerOptions } from "./file-tailer.js";

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

async function waitFor(condition: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let dir: string;
let tailers: FileTailer[];
let clock: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "file-tailer-"));
  tailers = [];
  clock = Date.UTC(2026, 10, 26, 9, 30);
});
afterEach(async () => {
  for (const tailer of tailers) await tailer.stop();
  await rm(dir, { recursive: true, force: true });
});

function harness(options: Partial<FileTailerOptions> & { fail?: (batch: TailBatch) => boolean } = {}) {
  const store = (options.store as ReturnType<typeof memoryStore> | undefined) ?? memoryStore();
  const batches: TailBatch[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const log = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const tailer = createFileTailer({
    patterns: [join(dir, "*.log")],
    store,
    // Stands in for intake.ingest: signals and offset stored together, or neither.
    onBatch: async (batch) => {
      if (options.fail?.(batch)) throw new Error("database is locked");
      batches.push(batch);
      await store.saveOffset(batch.offset);
    },
    levels: ["ERROR"],
    log,
    now: () => clock,
    pollIntervalMs: 50,
    ...options,
  });
  tailers.push(tailer);
  const codes = () => batches.flatMap((b) => b.signals.map((s) => s.errorCode));
  const junk = () => batches.reduce((n, b) => n + b.junk.not_json + b.junk.cut_off + b.junk.oversize, 0);
  const logged = (msg: RegExp) => logs.filter((l) => msg.test(String(l.msg)));
  return { tailer, store, batches, logs, codes, junk, logged };
}

describe("file tailer: where it starts", () => {
  it("starts a file existing at the first start at its end, and follows appends", async () => {
    const path = join(dir, "app.log");
    await writeFile(path, error("OLD") + info);
    const h = harness();
    await h.tailer.start();
    await h.tailer.settled();
    expect(h.codes()).toEqual([]);
    expect(h.logged(/starting at its end/)[0]).toMatchObject({ path, start: "end" });
    // The chosen start is stored, so lines appended while the service is down are not skipped next time.
    expect([...h.store.rows.values()][0]?.offset).toBe(Buffer.byteLength(error("OLD") + info));

    await appendFile(path, error("NEW"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["NEW"]);
  });

  it("reads an existing file from 0 with fromBeginning", async () => {
    await writeFile(join(dir, "app.log"), error("OLD"));
    const h = harness({ fromBeginning: true });
    await h.tailer.start();
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD"]);
    expect(h.logged(/from its beginning/)[0]).toMatchObject({ start: "beginning" });
  });

  it("reads a file that appears after the start from its beginning", async () => {
    const h = harness();
    await h.tailer.start();
    await writeFile(join(dir, "late.log"), error("A") + info + error("B"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["A", "B"]);
  });

  it("picks up an append through fs.watch, without waiting for a poll", async () => {
    const path = join(dir, "app.log");
    await writeFile(path, "");
    const h = harness({ pollIntervalMs: 600_000 });
    await h.tailer.start();
    await h.tailer.settled();
    await appendFile(path, error("FAST"));
    await waitFor(() => h.codes().length === 1, "the watched append");
    expect(h.codes()).toEqual(["FAST"]);
  });

  it("resumes after a restart with only the new lines, a line cut by the stop read once", async () => {
    const path = join(dir, "app.log");
    const store = memoryStore();
    const first = harness({ store });
    await first.tailer.start();
    await writeFile(path, error("A1") + error("A2").slice(0, 30));
    await first.tailer.settled();
    await first.tailer.stop();
    expect(first.codes()).toEqual(["A1"]);

    await appendFile(path, error("A2").slice(30) + error("A3"));
    const second = harness({ store });
    await second.tailer.start();
    await second.tailer.settled();
    expect(second.codes()).toEqual(["A2", "A3"]);
    expect(second.logged(/stored offset/)[0]).toMatchObject({ start: "resumed" });
  });
});

describe("file tailer: lines", () => {
  it("parses a partial line once it is complete: exactly one signal, never junk", async () => {
    const path = join(dir, "app.log");
    const h = harness();
    await h.tailer.start();
    await writeFile(path, error("AI_003").slice(0, 50));
    await h.tailer.settled();
    expect(h.batches).toEqual([]);
    await appendFile(path, error("AI_003").slice(50));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["AI_003"]);
    expect(h.junk()).toBe(0);
  });

  it("skips a 2 MiB line between two ERRORs: both found, one oversize", async () => {
    const h = harness();
    await h.tailer.start();
    const huge = `{"level":"ERROR","fields":{"message":"${"x".repeat(2 * 1024 * 1024)}"}}\n`;
    await writeFile(join(dir, "app.log"), error("BEFORE") + huge + error("AFTER"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["BEFORE", "AFTER"]);
    expect(h.batches.reduce((n, b) => n + b.junk.oversize, 0)).toBe(1);
  });

  it("reports lag (size - offset) while catching up, 0 once caught up", async () => {
    const h = harness({ bufferBytes: 4096, maxLineBytes: 1024 });
    await h.tailer.start();
    await writeFile(join(dir, "app.log"), error("E").repeat(200));
    await h.tailer.settled();
    expect(h.codes()).toHaveLength(200);
    expect(h.batches[0]!.lagBytes).toBeGreaterThan(0);
    expect(h.batches.at(-1)!.lagBytes).toBe(0);
  });

  it("retries a batch that could not be stored from the same offset: no line lost or read twice", async () => {
    let failures = 2;
    const h = harness({ fail: () => failures-- > 0 });
    await h.tailer.start();
    await writeFile(join(dir, "app.log"), error("A") + error("B"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["A", "B"]);
    expect(h.logged(/not stored/)).toHaveLength(2);
  });

  it("lets the batch in flight finish when stopped", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = false;
    const store = memoryStore();
    const tailer = createFileTailer({
      patterns: [join(dir, "*.log")],
      store,
      onBatch: async (batch) => {
        entered = true;
        await gate;
        await store.saveOffset(batch.offset);
      },
      levels: ["ERROR"],
      log: pino({ level: "silent" }),
      now: () => clock,
      pollIntervalMs: 50,
    });
    await tailer.start();
    await writeFile(join(dir, "app.log"), error("A"));
    await waitFor(() => entered, "the batch to start");
    let stopped = false;
    const stopping = tailer.stop().then(() => {
      stopped = true;
    });
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect([...store.rows.values()][0]?.offset).toBe(Buffer.byteLength(error("A")));
  });
});

describe("file tailer: rotation", () => {
  it("rename rotation: reads the old file to its end (lines written after the rename too), then the new one", async () => {
    const path = join(dir, "app.log");
    const h = harness();
    await h.tailer.start();
    await writeFile(path, error("OLD_1"));
    await h.tailer.settled();
    await rename(path, join(dir, "app.log.1"));
    await h.tailer.settled();
    await appendFile(join(dir, "app.log.1"), error("OLD_2"));
    await writeFile(path, error("NEW_1"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "OLD_2", "NEW_1"]);

    // Once the old file stays idle past the grace period it is closed.
    clock += 60_000;
    await h.tailer.settled();
    await h.tailer.settled();
    expect(h.logged(/closed finished file/)).toHaveLength(1);
    await appendFile(path, error("NEW_2"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "OLD_2", "NEW_1", "NEW_2"]);
  });

  it("copytruncate: starts again at 0 and reads only what was written after the truncation", async () => {
    const path = join(dir, "app.log");
    const h = harness();
    await h.tailer.start();
    await writeFile(path, error("OLD_1") + error("OLD_2"));
    await h.tailer.settled();
    await copyFile(path, join(dir, "app.log.1"));
    await truncate(path, 0);
    await h.tailer.settled();
    await appendFile(path, error("NEW_1"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "OLD_2", "NEW_1"]);
    expect(h.logged(/truncated/)).toHaveLength(1);
  });

  it("copytruncate noticed only after the file grew past the old offset: told apart by its head", async () => {
    const path = join(dir, "app.log");
    const h = harness({ pollIntervalMs: 600_000 });
    await h.tailer.start();
    await writeFile(path, error("OLD_1"));
    await h.tailer.settled();
    const fh = await open(path, "r+");
    await fh.truncate(0);
    await fh.write(error("NEW_1") + error("NEW_2"), 0);
    await fh.close();
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "NEW_1", "NEW_2"]);
  });

  it("delete and recreate: finishes the old file, then reads the new one from 0", async () => {
    const path = join(dir, "app.log");
    const h = harness();
    await h.tailer.start();
    await writeFile(path, error("OLD_1"));
    await h.tailer.settled();
    await unlink(path);
    await writeFile(path, error("NEW_1") + error("NEW_2"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "NEW_1", "NEW_2"]);
  });
});
