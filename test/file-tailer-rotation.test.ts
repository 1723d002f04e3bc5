import { appendFileSync, copyFileSync, truncateSync } from "node:fs";
import { appendFile, copyFile, open, rename, truncate, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TailBatch } from "../src/ingest/tailed-file.js";
import { error, memoryStore, useTailerWorld } from "./helpers/tailer-harness.js";

const { world, harness } = useTailerWorld();

describe("file tailer: rotation", () => {
  it("rename rotation: reads the old file to its end (lines written after the rename too), then the new one", async () => {
    const path = join(world.dir, "app.log");
    const h = harness();
    await h.tailer.start();
    await writeFile(path, error("OLD_1"));
    await h.tailer.settled();
    await rename(path, join(world.dir, "app.log.1"));
    await h.tailer.settled();
    await appendFile(join(world.dir, "app.log.1"), error("OLD_2"));
    await writeFile(path, error("NEW_1"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "OLD_2", "NEW_1"]);

    // Once the old file stays idle past the grace period it is closed.
    world.clock += 60_000;
    await h.tailer.settled();
    await h.tailer.settled();
    expect(h.logged(/closed finished file/)).toHaveLength(1);
    await appendFile(path, error("NEW_2"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "OLD_2", "NEW_1", "NEW_2"]);
  });

  it("copytruncate: starts again at 0 and reads only what was written after the truncation", async () => {
    const path = join(world.dir, "app.log");
    const h = harness();
    await h.tailer.start();
    await writeFile(path, error("OLD_1") + error("OLD_2"));
    await h.tailer.settled();
    await copyFile(path, join(world.dir, "app.log.1"));
    await truncate(path, 0);
    await h.tailer.settled();
    await appendFile(path, error("NEW_1"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "OLD_2", "NEW_1"]);
    expect(h.logged(/truncated/)).toHaveLength(1);
  });

  it("copytruncate noticed only after the file grew past the old offset: told apart by its head", async () => {
    const path = join(world.dir, "app.log");
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
    const path = join(world.dir, "app.log");
    const h = harness();
    await h.tailer.start();
    await writeFile(path, error("OLD_1"));
    await h.tailer.settled();
    await unlink(path);
    await writeFile(path, error("NEW_1") + error("NEW_2"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "NEW_1", "NEW_2"]);
  });

  it("restart: finishes a log renamed while stopped before the new file, then stops reading it", async () => {
    const store = memoryStore();
    const path = join(world.dir, "app.log");
    const old = join(world.dir, "app.log.1");
    const first = harness({ store });
    await first.tailer.start();
    await writeFile(path, error("E_1"));
    await first.tailer.settled();
    await first.tailer.stop();

    await appendFile(path, error("E_2"));
    await rename(path, old);
    await writeFile(path, error("E_3"));
    // No stored offset: never read, whatever it holds.
    await writeFile(join(world.dir, "notes.txt"), error("OTHER"));
    let failures = 1;
    const second = harness({ store, fail: () => failures-- > 0 });
    await second.tailer.start();
    await second.tailer.settled();
    // The first batch (E_2) failed once: E_3 still waited for it.
    expect(second.codes()).toEqual(["E_2", "E_3"]);
    expect(second.logged(/^finished renamed file/)).toEqual([
      expect.objectContaining({ path: old, renamedFrom: path, fromOffset: error("E_1").length }),
    ]);

    await appendFile(old, error("LATE"));
    await appendFile(path, error("E_4"));
    await second.tailer.settled();
    expect(second.codes()).toEqual(["E_2", "E_3", "E_4"]);
  });

  it("restart: a file at a renamed log's inode with other first bytes is not read", async () => {
    const store = memoryStore();
    const path = join(world.dir, "app.log");
    const first = harness({ store });
    await first.tailer.start();
    await writeFile(path, error("E_1"));
    await first.tailer.settled();
    await first.tailer.stop();

    // Same inode, other head: as if the rotated log was deleted and its inode reused by another file.
    await rename(path, join(world.dir, "app.log.1"));
    const fh = await open(join(world.dir, "app.log.1"), "r+");
    await fh.write(error("X_1") + error("X_2"), 0);
    await fh.close();
    const second = harness({ store });
    await second.tailer.start();
    await second.tailer.settled();
    expect(second.codes()).toEqual([]);
    expect(second.logged(/renamed/)).toEqual([]);
  });

  it("two renames while a backlog drains: the file rotated in between is read whole (100 of 100 lines)", async () => {
    const path = join(world.dir, "app.log");
    const store = memoryStore();
    const seen: string[] = [];
    // Batch n of the backlog waits for the test at `holds[n]`: rotations happen between batches.
    const holds = new Map<number, { arrived: () => void; release: Promise<void>; go: () => void }>();
    const arrivals = new Map<number, Promise<void>>();
    for (const n of [2, 5]) {
      let arrived = () => {};
      let go = () => {};
      arrivals.set(n, new Promise((r) => (arrived = r)));
      holds.set(n, { arrived: () => arrived(), release: new Promise((r) => (go = r)), go: () => go() });
    }
    let dataBatches = 0;
    const h = harness({
      store,
      maxLineBytes: 1024,
      bufferBytes: 4096,
      onBatch: async (batch: TailBatch) => {
        if (batch.lines > 0) {
          const hold = holds.get(++dataBatches);
          if (hold) {
            hold.arrived();
            await hold.release;
          }
        }
        for (const s of batch.signals) seen.push(s.errorCode ?? "");
        await store.saveOffset(batch.offset);
      },
    });
    await h.tailer.start();
    await writeFile(path, Array.from({ length: 200 }, (_, i) => error(`A_${i}`)).join(""));
    await arrivals.get(2);
    await rename(path, join(world.dir, "app.log.1"));
    await writeFile(path, Array.from({ length: 100 }, (_, i) => error(`B_${i}`)).join(""));
    holds.get(2)!.go();
    await arrivals.get(5);
    await rename(join(world.dir, "app.log.1"), join(world.dir, "app.log.2"));
    await rename(path, join(world.dir, "app.log.1"));
    await writeFile(path, error("C_0"));
    holds.get(5)!.go();
    await h.tailer.settled();
    expect(seen.filter((c) => c.startsWith("A_"))).toHaveLength(200);
    expect(seen.filter((c) => c.startsWith("B_"))).toHaveLength(100);
    expect(seen.filter((c) => c.startsWith("C_"))).toHaveLength(1);
  });

  it("kill -9 after a file was opened, before any batch of it was stored: a restart finds it renamed", async () => {
    const store = memoryStore();
    const path = join(world.dir, "app.log");
    let attempts = 0;
    // Every batch with lines fails, as if the process died while storing it: only the start is recorded.
    const first = harness({ store, fail: (b) => b.lines > 0 && ++attempts > 0 });
    await first.tailer.start();
    await writeFile(path, error("E_1") + error("E_2") + error("E_3"));
    while (attempts === 0) await new Promise((r) => setTimeout(r, 20));
    await first.tailer.stop();

    await rename(path, join(world.dir, "app.log.1"));
    await writeFile(path, error("E_4"));
    const second = harness({ store });
    await second.tailer.start();
    await second.tailer.settled();
    expect(second.codes()).toEqual(["E_1", "E_2", "E_3", "E_4"]);
  });

  it("copytruncate: the lines written after the last read and before the copy are read from the copy", async () => {
    const path = join(world.dir, "app.log");
    const h = harness({ pollIntervalMs: 600_000 });
    await h.tailer.start();
    await writeFile(path, error("OLD_1"));
    await h.tailer.settled();
    // In one tick, so the tailer cannot read OLD_2 before the truncation: written, copied, truncated.
    appendFileSync(path, error("OLD_2"));
    copyFileSync(path, join(world.dir, "app.log.1"));
    truncateSync(path, 0);
    appendFileSync(path, error("NEW_1") + error("NEW_2"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "OLD_2", "NEW_1", "NEW_2"]);
    expect(h.logged(/unread end from its copy/)).toHaveLength(1);

    // The copy is finished, then closed: a line appended to it later is not read.
    appendFileSync(join(world.dir, "app.log.1"), error("LATE"));
    await h.tailer.settled();
    expect(h.codes()).toEqual(["OLD_1", "OLD_2", "NEW_1", "NEW_2"]);
  });
});
