import { appendFile, copyFile, open, rename, truncate, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
});
