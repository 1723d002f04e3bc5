import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWalFlusher } from "./durable-group.js";

let dir: string;
let db: Database.Database;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-monitor-durable-"));
  db = new Database(path.join(dir, "db.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE t (x INTEGER)");
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A sync whose flushes the test finishes by hand, recording when each began. */
function manualSync() {
  const flushes: Array<{ finish: () => void; fail: (err: Error) => void }> = [];
  const sync = () => new Promise<void>((resolve, reject) => flushes.push({ finish: resolve, fail: reject }));
  return { sync, flushes };
}

describe("the WAL flusher", () => {
  it("flushes the real WAL file after a commit", async () => {
    db.prepare("INSERT INTO t VALUES (1)").run();
    await createWalFlusher(`${db.name}-wal`).flush();
    expect(fs.statSync(`${db.name}-wal`).size).toBeGreaterThan(0);
  });

  it("fails when the WAL cannot be flushed, so no caller is told its signals are stored", async () => {
    await expect(createWalFlusher(path.join(dir, "missing-wal")).flush()).rejects.toThrow(/ENOENT/);
  });

  it("answers a commit made during a flush only after a flush that began after it", async () => {
    const { sync, flushes } = manualSync();
    const { flush, settled } = createWalFlusher("wal", sync);
    const answered: string[] = [];
    void flush().then(() => answered.push("first"));
    expect(flushes).toHaveLength(1);
    // Two more commits while the first flush runs: they share one later flush, not the running one.
    void flush().then(() => answered.push("second"));
    void flush().then(() => answered.push("third"));
    expect(flushes).toHaveLength(1);
    flushes[0]!.finish();
    await new Promise((r) => setImmediate(r));
    expect(answered).toEqual(["first"]);
    expect(flushes).toHaveLength(2);
    let idle = false;
    void settled().then(() => {
      idle = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false); // closing the database now would remove the WAL under the flush
    flushes[1]!.finish();
    await new Promise((r) => setImmediate(r));
    expect(answered).toEqual(["first", "second", "third"]);
    expect(idle).toBe(true);
  });

  it("rejects only the callers of the flush that failed; the next commit flushes again", async () => {
    const { sync, flushes } = manualSync();
    const { flush } = createWalFlusher("wal", sync);
    const first = flush();
    const second = flush();
    flushes[0]!.fail(new Error("EIO"));
    await expect(first).rejects.toThrow("EIO");
    await new Promise((r) => setImmediate(r));
    flushes[1]!.finish();
    await expect(second).resolves.toBeUndefined();
    const third = flush();
    expect(flushes).toHaveLength(3);
    flushes[2]!.finish();
    await expect(third).resolves.toBeUndefined();
  });
});
