/**
 * User-facing text speaks the user's language: no "the seed", "seed section 8" (the internal name of the design
 * document) in the CLI's help and report, the README, the docs, or the example configuration.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli-process.js";

const JARGON = /\bthe seed\b|\bseed's\b|\bseed design\b|\bseed section\b/i;
const COMMANDS = [
  "serve",
  "scan",
  "demo",
  "incidents",
  "context",
  "cost",
  "report",
  "feedback",
  "eval",
  "config",
];

describe("user-facing text", () => {
  it("README, docs and the example configuration", () => {
    const files = [
      "README.md",
      "ai-monitor.example.yaml",
      ...readdirSync("docs").map((f) => join("docs", f)),
    ];
    for (const file of files.filter((f) => /\.(md|yaml)$/.test(f))) {
      const hits = readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => JARGON.test(line));
      expect(hits, file).toEqual([]);
    }
  });

  it("the help of every command", async () => {
    const helps = await Promise.all([[], ...COMMANDS.map((c) => [c])].map((c) => runCli([...c, "--help"])));
    for (const help of helps) {
      expect(help.code).toBe(0);
      expect(help.stdout).not.toMatch(JARGON);
    }
  });
});
