import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, expect, it } from "vitest";
import { commitThenFlush } from "./durable-group.js";

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

it("commits, then flushes the WAL before answering", async () => {
  const result = await commitThenFlush(`${db.name}-wal`, () => {
    db.prepare("INSERT INTO t VALUES (1)").run();
    return "stored";
  });
  expect(result).toBe("stored");
  expect(fs.statSync(`${db.name}-wal`).size).toBeGreaterThan(0);
});

it("answers with the error, flushing nothing, when the commit fails", async () => {
  await expect(
    commitThenFlush(path.join(dir, "missing-wal"), () => {
      throw new Error("constraint failed");
    }),
  ).rejects.toThrow("constraint failed");
});

it("fails when the WAL cannot be flushed, so no caller is told its signals are stored", async () => {
  await expect(commitThenFlush(path.join(dir, "missing-wal"), () => "stored")).rejects.toThrow(/ENOENT/);
});
