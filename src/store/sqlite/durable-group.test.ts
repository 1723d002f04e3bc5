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
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE t (x INTEGER)");
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("commits without the in-line flush, flushes the WAL, and keeps FULL for every other transaction", async () => {
  const seen: unknown[] = [];
  const result = await commitThenFlush(db, `${db.name}-wal`, "FULL", () => {
    seen.push(db.pragma("synchronous", { simple: true }));
    db.prepare("INSERT INTO t VALUES (1)").run();
    return "stored";
  });
  expect(result).toBe("stored");
  expect(seen).toEqual([1]);
  expect(db.pragma("synchronous", { simple: true })).toBe(2);
  expect(fs.statSync(`${db.name}-wal`).size).toBeGreaterThan(0);
});

it("restores FULL and answers with the error when the commit fails", async () => {
  await expect(
    commitThenFlush(db, `${db.name}-wal`, "FULL", () => {
      throw new Error("constraint failed");
    }),
  ).rejects.toThrow("constraint failed");
  expect(db.pragma("synchronous", { simple: true })).toBe(2);
});
