import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FatalError } from "../../fatal.js";
import { prepareSqlitePath } from "./path-check.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ai-monitor-dbpath-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function failure(file: string, create: boolean): FatalError {
  try {
    prepareSqlitePath(file, { create });
  } catch (err) {
    if (err instanceof FatalError) return err;
    throw err;
  }
  throw new Error("expected a FatalError");
}

describe("prepareSqlitePath", () => {
  it("creates the missing directories of a new database, one by one", () => {
    const file = join(dir, "a", "b", "db.sqlite");
    prepareSqlitePath(file, { create: true });
    expect(existsSync(join(dir, "a", "b"))).toBe(true);
    expect(existsSync(file)).toBe(false); // SQLite creates the file itself
  });

  it("refuses a path under /proc at once, naming the path and the directory it cannot create", () => {
    const e = failure("/proc/nope/x.db", true);
    expect(e.message).toBe(
      "cannot use database /proc/nope/x.db: cannot create directory /proc/nope: the file system does not allow creating it",
    );
    expect(e.exitCode).toBe(2);
    expect(e.hint).toContain("AI_MONITOR_DB");
  });

  it("refuses a path under a file and a path that is a directory", () => {
    writeFileSync(join(dir, "f"), "");
    expect(failure(join(dir, "f", "x.db"), true).message).toBe(
      `cannot use database ${join(dir, "f", "x.db")}: ${join(dir, "f")} is not a directory`,
    );
    expect(failure(dir, false).message).toBe(`cannot use database ${dir}: it is a directory`);
  });

  it("for a read-only command, says there is no database and creates nothing", () => {
    const file = join(dir, "data", "db.sqlite");
    const e = failure(file, false);
    expect(e.message).toBe(`no database at ${file}: nothing has been recorded there yet`);
    expect(e.exitCode).toBe(1);
    expect(existsSync(join(dir, "data"))).toBe(false);
  });

  it("accepts an existing database and in-memory ones", () => {
    writeFileSync(join(dir, "db.sqlite"), "");
    prepareSqlitePath(join(dir, "db.sqlite"), { create: false });
    prepareSqlitePath(":memory:", { create: false });
  });
});
