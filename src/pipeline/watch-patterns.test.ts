import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeMatches, matchPatterns, startWatchCheck } from "./watch-patterns.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ai-monitor-patterns-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A real pino logger whose lines are kept. */
function capture() {
  const lines: Array<{ level: number; msg: string; pattern?: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: "info" }, stream), lines };
}
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("watch patterns", () => {
  it("counts the files each pattern matches now and notes a missing directory", async () => {
    writeFileSync(join(dir, "a.log"), "");
    writeFileSync(join(dir, "b.log"), "");
    const matches = await matchPatterns([join(dir, "*.log"), join(dir, "gone", "*.log"), join(dir, "a.log")]);
    expect(matches).toEqual([
      { pattern: join(dir, "*.log"), files: 2, missingDir: null },
      { pattern: join(dir, "gone", "*.log"), files: 0, missingDir: join(dir, "gone") },
      { pattern: join(dir, "a.log"), files: 1, missingDir: null },
    ]);
    expect(describeMatches(matches.slice(2))).toBe(`tailing ${join(dir, "a.log")} (1 file match now)`);
  });

  it("warns once, naming the pattern, when it still matches nothing after the grace period", async () => {
    const { log, lines } = capture();
    const pattern = join(dir, "*.log");
    const stop = await startWatchCheck({ patterns: [pattern], log, graceMs: 50 });
    await wait(300);
    stop();
    expect(lines.map((l) => l.msg)).toEqual([
      `tailing ${pattern} (0 files match now)`,
      `no file has matched ${pattern} for a minute; check --watch or watch.paths (AI_MONITOR_WATCH)`,
    ]);
    expect(lines[1]).toMatchObject({ level: 40, pattern });
  });

  it("says nothing more when a file appears within the grace period", async () => {
    const { log, lines } = capture();
    mkdirSync(join(dir, "logs"));
    const stop = await startWatchCheck({ patterns: [join(dir, "logs", "*.log")], log, graceMs: 150 });
    writeFileSync(join(dir, "logs", "server.log"), "");
    await wait(400);
    stop();
    expect(lines).toHaveLength(1);
  });
});
