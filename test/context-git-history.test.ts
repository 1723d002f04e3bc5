import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  formatCommits,
  gitLog,
  gitTopLevel,
  MAX_FILES_PER_COMMIT,
  parseGitLog,
  runGit,
} from "../src/context/git-history.js";
import { makeRustFixtureRepo } from "./helpers/rust-fixture-repo.js";

describe("parseGitLog", () => {
  it("reads hash, author, date, subject and files of each record", () => {
    const out =
      "\x1eabc1234def\x1fAda\x1f2026-11-11T10:00:00+00:00\x1fai: fix | pipes\n\nsrc/a.rs\nsrc/b.rs\n" +
      "\x1e0123456789\x1fBob\x1f2026-11-10T10:00:00+00:00\x1fmerge\n";
    expect(parseGitLog(out)).toEqual([
      {
        hash: "abc1234def",
        author: "Ada",
        date: "2026-11-11T10:00:00+00:00",
        subject: "ai: fix | pipes",
        files: ["src/a.rs", "src/b.rs"],
      },
      { hash: "0123456789", author: "Bob", date: "2026-11-10T10:00:00+00:00", subject: "merge", files: [] },
    ]);
  });

  it("ignores output that is not a commit record", () => {
    expect(parseGitLog("warning: something\n")).toEqual([]);
  });
});

describe("formatCommits", () => {
  it("shows a short hash, date, author, subject and a bounded file list", () => {
    const files = Array.from({ length: MAX_FILES_PER_COMMIT + 3 }, (_, i) => `f${i}.rs`);
    const text = formatCommits([
      { hash: "a".repeat(40), author: "Ada", date: "2026-11-11", subject: "s", files },
    ]);
    expect(text).toBe(`aaaaaaaaaaaa 2026-11-11 Ada: s\n  files: ${files.slice(0, 10).join(", ")} (+3 more)`);
  });
});

describe("git CLI", () => {
  let repo: string;
  beforeAll(async () => {
    repo = await makeRustFixtureRepo();
  });

  it("lists the last commits touching given files, newest first", async () => {
    const commits = await gitLog(runGit, repo, { count: 5, paths: ["src/domain/ai/service.rs"] });
    expect(commits.map((c) => c.subject)).toEqual([
      "ai: stop retrying timed-out Claude calls",
      "Initial server skeleton",
    ]);
    expect(commits[0]).toMatchObject({
      author: "Ada Lovelace",
      date: "2026-11-11T10:00:00+00:00",
      files: ["src/domain/ai/service.rs"],
    });
  });

  it("lists the last n commits of the repository", async () => {
    const commits = await gitLog(runGit, repo, { count: 2 });
    expect(commits).toHaveLength(2);
    expect(commits[1]!.subject).toBe("errors: document AUTH_002");
  });

  it("tells a work tree from a plain directory", async () => {
    expect(await gitTopLevel(runGit, join(repo, "src"))).toBe(repo);
    expect(await gitTopLevel(runGit, await mkdtemp(join(tmpdir(), "ai-monitor-nogit-")))).toBeNull();
  });
});
