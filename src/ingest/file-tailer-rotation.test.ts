import { appendFile, copyFile, open, rename, truncate, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { error, useTailerWorld } from "../../test/helpers/tailer-harness.js";

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
});
