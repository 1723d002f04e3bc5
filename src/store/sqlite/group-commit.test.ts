import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createGroupCommit, grouped } from "./group-commit.js";

function setup() {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  const insert = db.prepare("INSERT INTO t (id, v) VALUES (?, ?)");
  const count = () => (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
  return { db, insert, count };
}

describe("SQLite group commit", () => {
  it("runs one turn's operations in call order in one transaction, answering after the commit", async () => {
    const { db, insert, count } = setup();
    const group = createGroupCommit(db);
    const ops = grouped({ add: (id: number) => insert.run(id, "x").changes, count }, group);
    const answers = [ops.add(1), ops.add(2), ops.count()];
    expect(count()).toBe(0); // nothing ran yet: the batch runs at the end of the turn
    expect(await Promise.all(answers)).toEqual([1, 1, 2]);
    expect(db.inTransaction).toBe(false);
  });

  it("rolls back only the operation that failed, and tells only its caller", async () => {
    const { db, insert, count } = setup();
    const group = createGroupCommit(db);
    const both = (id: number) => {
      insert.run(id, "first");
      insert.run(id, "duplicate key"); // throws after the first insert: the savepoint undoes both
    };
    const results = await Promise.allSettled([
      group.run(() => insert.run(1, "a")),
      group.run(() => both(2)),
      group.run(() => insert.run(3, "c")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(count()).toBe(2);
  });

  it("flush runs and commits what is queued at once (close)", async () => {
    const { db, insert, count } = setup();
    const group = createGroupCommit(db);
    const pending = group.run(() => insert.run(1, "a"));
    group.flush();
    expect(count()).toBe(1);
    await pending;
  });
});
