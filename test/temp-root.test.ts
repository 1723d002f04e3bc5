/** The suite's private TMPDIR (vitest globalSetup): everything left in it is removed at the end of the run. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { setup, teardown } from "./helpers/temp-root.js";

describe("test temp root", () => {
  it("is in force for this run: the temp folder is a private ai-monitor-test-run- directory", () => {
    expect(tmpdir()).toMatch(/ai-monitor-test-run-[^/]+$/);
  });

  it("removes whatever tests leave and restores TMPDIR", () => {
    const outer = mkdtempSync(join(tmpdir(), "ai-monitor-outer-"));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = outer;
    try {
      setup();
      expect(tmpdir().startsWith(join(outer, "ai-monitor-test-run-"))).toBe(true);
      mkdirSync(join(tmpdir(), "ai-monitor-leaky-"));
      writeFileSync(join(tmpdir(), "ai-monitor-leaky-", "x"), "left behind");
      teardown();
      expect(process.env.TMPDIR).toBe(outer);
      expect(readdirSync(outer)).toEqual([]);
    } finally {
      process.env.TMPDIR = before;
      rmSync(outer, { recursive: true, force: true });
    }
  });
});
