import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createFileTailer } from "../src/ingest/file-tailer.js";
import { error, info, memoryStore, useTailerWorld } from "./helpers/tailer-harness.js";
import { until } from "./helpers/wait.js";

const { world, harness } = useTailerWorld();

describe("file tailer: where it starts", () => {
  it("starts a file existing at the first start at its end, and follows appends", async () => {
    const path = join(world.dir, "app.log");
    await writeFile(path, error("OLD") + info);
    const h = harness();
    await h.tailer.start();
    await h.tailer.settled();
    expect(h.codes()).toEqual([]);
    expect(h.logged(/^first start/)).toEqual([expect.objectContaining({ firstStart: true })]);
    expect(h.logged(/starting at its end/)[0]).toMatchObject({ path, start: "end" });
    // The chosen start is stored, so lines appended while the service is down are not skipped next time.
    expect(h.store.fileRows()[0]?.offset).toBe(Buffer.byteLength(error("OLD") + info));

    await appendFile(path, error("NEW"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["NEW"]);
  });

  it("restart: reads a file that appeared while the service was down from its beginning", async () => {
    const store = memoryStore();
    await writeFile(join(world.dir, "a.log"), error("BEFORE_FIRST_START"));
    const first = harness({ store });
    await first.tailer.start();
    await first.tailer.settled();
    await first.tailer.stop();
    expect(first.codes()).toEqual([]);

    await appendFile(join(world.dir, "a.log"), error("A_WHILE_DOWN"));
    await writeFile(join(world.dir, "b.log"), error("B_1") + info + error("B_2"));
    const second = harness({ store });
    await second.tailer.start();
    await second.tailer.settled();
    expect(second.codes()).toEqual(["A_WHILE_DOWN", "B_1", "B_2"]);
    expect(second.logged(/^restart/)).toEqual([expect.objectContaining({ firstStart: false })]);
    expect(second.logged(/appeared while stopped/)).toEqual([
      expect.objectContaining({ path: join(world.dir, "b.log"), offset: 0, start: "beginning" }),
    ]);
  });

  it("restart: fromBeginning does not re-read files that already have a stored offset", async () => {
    const store = memoryStore();
    const first = harness({ store });
    await first.tailer.start();
    await writeFile(join(world.dir, "a.log"), error("A_1"));
    await first.tailer.settled();
    await first.tailer.stop();

    await appendFile(join(world.dir, "a.log"), error("A_2"));
    const second = harness({ store, fromBeginning: true });
    await second.tailer.start();
    await second.tailer.settled();
    expect(second.codes()).toEqual(["A_2"]);
  });

  it("first start with an empty file: its end is stored, so a restart reads what was written while down", async () => {
    const store = memoryStore();
    const path = join(world.dir, "app.log");
    await writeFile(path, "");
    const first = harness({ store });
    await first.tailer.start();
    await first.tailer.settled();
    await first.tailer.stop();
    expect(store.fileRows().map((r) => r.offset)).toEqual([0]);

    await appendFile(path, error("WHILE_DOWN"));
    const second = harness({ store });
    await second.tailer.start();
    await second.tailer.settled();
    expect(second.codes()).toEqual(["WHILE_DOWN"]);
  });

  it("first start in an empty directory: a file created while down is read from its beginning", async () => {
    const store = memoryStore();
    const first = harness({ store });
    await first.tailer.start();
    await first.tailer.settled();
    await first.tailer.stop();

    await writeFile(join(world.dir, "app.log"), error("CREATED_WHILE_DOWN"));
    const second = harness({ store });
    await second.tailer.start();
    await second.tailer.settled();
    expect(second.logged(/^restart/)).toEqual([expect.objectContaining({ firstStart: false })]);
    expect(second.codes()).toEqual(["CREATED_WHILE_DOWN"]);
  });

  it("reads an existing file from 0 with fromBeginning", async () => {
    await writeFile(join(world.dir, "app.log"), error("OLD"));
    const h = harness({ fromBeginning: true });
    await h.tailer.start();
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD"]);
    expect(h.logged(/^first start/)[0]).toMatchObject({ firstStart: true, fromBeginning: true });
    expect(h.logged(/from its beginning/)[0]).toMatchObject({ start: "beginning" });
  });

  it("reads a file that appears after the start from its beginning", async () => {
    const h = harness();
    await h.tailer.start();
    await writeFile(join(world.dir, "late.log"), error("A") + info + error("B"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["A", "B"]);
  });

  it("picks up an append through fs.watch, without waiting for a poll", async () => {
    const path = join(world.dir, "app.log");
    await writeFile(path, "");
    const h = harness({ pollIntervalMs: 600_000 });
    await h.tailer.start();
    await h.tailer.settled();
    await appendFile(path, error("FAST"));
    await until("the watched append", () => h.codes().length === 1 || undefined, {
      timeoutMs: 5000,
      intervalMs: 5,
    });
    expect(h.codes()).toEqual(["FAST"]);
  });

  it("resumes after a restart with only the new lines, a line cut by the stop read once", async () => {
    const path = join(world.dir, "app.log");
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
    const path = join(world.dir, "app.log");
    const h = harness();
    await h.tailer.start();
    await writeFile(path, error("AI_003").slice(0, 50));
    await h.tailer.settled();
    // Only the start of the file is stored: no line yet.
    expect(h.batches.map((b) => [b.lines, b.signals.length, b.offset.offset])).toEqual([[0, 0, 0]]);
    await appendFile(path, error("AI_003").slice(50));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["AI_003"]);
    expect(h.junk()).toBe(0);
  });

  it("skips a 2 MiB line between two ERRORs: both found, one oversize", async () => {
    const h = harness();
    await h.tailer.start();
    const huge = `{"level":"ERROR","fields":{"message":"${"x".repeat(2 * 1024 * 1024)}"}}\n`;
    await writeFile(join(world.dir, "app.log"), error("BEFORE") + huge + error("AFTER"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["BEFORE", "AFTER"]);
    expect(h.batches.reduce((n, b) => n + b.junk.oversize, 0)).toBe(1);
  });

  it("reports lag (size - offset) while catching up, 0 once caught up", async () => {
    const h = harness({ bufferBytes: 4096, maxLineBytes: 1024 });
    await h.tailer.start();
    await writeFile(join(world.dir, "app.log"), error("E").repeat(200));
    await h.tailer.settled();
    expect(h.codes()).toHaveLength(200);
    expect(h.batches[0]!.lagBytes).toBeGreaterThan(0);
    expect(h.batches.at(-1)!.lagBytes).toBe(0);
  });

  it("retries a batch that could not be stored from the same offset: no line lost or read twice", async () => {
    let failures = 2;
    const h = harness({ fail: (b) => b.lines > 0 && failures-- > 0 });
    await h.tailer.start();
    await writeFile(join(world.dir, "app.log"), error("A") + error("B"));
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
      patterns: [join(world.dir, "*.log")],
      store,
      onBatch: async (batch) => {
        if (batch.lines > 0) {
          entered = true;
          await gate;
        }
        await store.saveOffset(batch.offset);
      },
      levels: ["ERROR"],
      log: pino({ level: "silent" }),
      now: () => world.clock,
      pollIntervalMs: 50,
    });
    await tailer.start();
    await writeFile(join(world.dir, "app.log"), error("A"));
    await until("the batch to start", () => entered || undefined, { timeoutMs: 5000, intervalMs: 5 });
    let stopped = false;
    const stopping = tailer.stop().then(() => {
      stopped = true;
    });
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(store.fileRows()[0]?.offset).toBe(Buffer.byteLength(error("A")));
  });
});
