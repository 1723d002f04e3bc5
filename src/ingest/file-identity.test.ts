import { createHash } from "node:crypto";
import { mkdir, mkdtemp, open, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FileOffset, Store } from "../store/store.js";
import {
  expandPatterns,
  findRenamedFiles,
  HEAD_BYTES,
  offsetAfterLastNewline,
  patternDirs,
  readHead,
  resumeFrom,
} from "./file-identity.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "file-identity-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

async function withFile<T>(content: string, fn: (fh: Awaited<ReturnType<typeof open>>) => Promise<T>) {
  const path = join(dir, "f.log");
  await writeFile(path, content);
  const fh = await open(path, "r");
  try {
    return await fn(fh);
  } finally {
    await fh.close();
  }
}

function storedFor(content: string, offset: number): FileOffset {
  const head = content.slice(0, HEAD_BYTES);
  return { dev: 1, ino: 1, path: "f.log", offset, headHash: sha1(head), headLen: head.length };
}

describe("file identity", () => {
  it("hashes min(size, 256) leading bytes", async () => {
    await withFile("short\n", async (fh) => {
      expect(await readHead(fh, 6)).toEqual({ hash: sha1("short\n"), len: 6 });
    });
    const long = "z".repeat(1000);
    await withFile(long, async (fh) => {
      expect(await readHead(fh, 1000)).toEqual({ hash: sha1(long.slice(0, 256)), len: 256 });
    });
  });

  it("resumes at a stored offset when the file still starts with the same bytes", async () => {
    const content = "line one\nline two\n";
    await withFile(content, async (fh) => {
      expect(await resumeFrom(fh, content.length, storedFor("line one\n", 9))).toEqual({
        offset: 9,
        reason: "resumed",
      });
    });
  });

  it("starts at 0 when the stored offset is past the end (copytruncate)", async () => {
    await withFile("new\n", async (fh) => {
      expect(await resumeFrom(fh, 4, storedFor("new\nold old old\n", 16))).toEqual({
        offset: 0,
        reason: "truncated",
      });
    });
  });

  it("starts at 0 when the inode came back with other content (deleted and recreated)", async () => {
    const content = `{"timestamp":"2026-11-26T10:00:00Z"}\n`.repeat(20);
    await withFile(content, async (fh) => {
      const stale = storedFor(`{"timestamp":"2026-11-25T10:00:00Z"}\n`.repeat(20), 37);
      expect(await resumeFrom(fh, content.length, stale)).toEqual({ offset: 0, reason: "recreated" });
    });
  });

  it("finds the offset just after the last newline, across read chunks", async () => {
    await withFile("", async (fh) => expect(await offsetAfterLastNewline(fh, 0)).toBe(0));
    await withFile("no newline yet", async (fh) => expect(await offsetAfterLastNewline(fh, 14)).toBe(0));
    await withFile("a\nbc\n", async (fh) => expect(await offsetAfterLastNewline(fh, 5)).toBe(5));
    const content = `first\n${"x".repeat(300)}`;
    await withFile(content, async (fh) => {
      expect(await offsetAfterLastNewline(fh, content.length, 64)).toBe(6);
    });
  });

  it("expands globs to absolute paths and takes plain paths literally", async () => {
    await mkdir(join(dir, "sub"));
    for (const name of ["a.log", "b.txt", "sub/c.log", "app[1].log", "app1.log"])
      await writeFile(join(dir, name), "");
    expect(await expandPatterns(["*.log"], dir)).toEqual(
      ["a.log", "app1.log", "app[1].log"].map((n) => join(dir, n)),
    );
    expect(await expandPatterns([join(dir, "sub/**/*.log"), join(dir, "a.*")])).toEqual([
      join(dir, "a.log"),
      join(dir, "sub/c.log"),
    ]);
    // As a glob, "app[1].log" would match app1.log only.
    expect(await expandPatterns(["app[1].log", "nope.log"], dir)).toEqual([join(dir, "app[1].log")]);
  });

  it("watches each glob's static base and each plain path's directory", () => {
    expect(
      patternDirs(["/var/log/app/*.log", "/srv/x/**/*.log", "/opt/one.log", "logs/*.log"], "/work"),
    ).toEqual(["/var/log/app", "/srv/x", "/opt", "/work/logs"]);
  });

  it("finds renamed logs: regular files with a stored offset short of their size, at most N stat'ed per dir", async () => {
    const rows = new Map<string, FileOffset>();
    const store: Pick<Store, "getOffset"> = {
      getOffset: async (dev, ino) => rows.get(`${dev}:${ino}`) ?? null,
    };
    const track = async (name: string, content: string, offset: number) => {
      const path = join(dir, name);
      await writeFile(path, content);
      const st = await stat(path);
      rows.set(`${st.dev}:${st.ino}`, { ...storedFor(content, offset), dev: st.dev, ino: st.ino });
    };
    await track("app.log.1", "one\ntwo\n", 4);
    await track("done.log.1", "one\n", 4);
    await track("app.log", "live\n", 0);
    await writeFile(join(dir, "app.log.2.gz"), "gz");
    await mkdir(join(dir, "sub.log"));
    await symlink(join(dir, "app.log.1"), join(dir, "link.log"));

    const found = await findRenamedFiles([dir, join(dir, "missing")], new Set([join(dir, "app.log")]), store);
    expect(found.files.map((f) => [f.path, f.stored.offset, f.sizeBytes])).toEqual([
      [join(dir, "app.log.1"), 4, 8],
    ]);
    expect(found.cappedDirs).toEqual([]);

    const capped = await findRenamedFiles([dir], new Set(), store, 1);
    expect(capped.cappedDirs).toEqual([dir]);
    expect(capped.files.length).toBeLessThanOrEqual(1);
  });
});
