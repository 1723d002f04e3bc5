import { describe, expect, it } from "vitest";
import { changedLineCount, lineDiff, splitLines, unifiedDiff } from "./diff.js";

const lines = (n: number) => `${Array.from({ length: n }, (_v, i) => `line ${i + 1}`).join("\n")}\n`;

describe("lineDiff", () => {
  it.each([
    ["one modified line counts once", "a\nb\nc\n", "a\nB\nc\n", 1],
    ["an inserted line", "a\nc\n", "a\nb\nc\n", 1],
    ["a deleted line", "a\nb\nc\n", "a\nc\n", 1],
    ["two lines for three", "a\nb\nc\nd\n", "a\nx\ny\nz\nd\n", 3],
    ["two separate changes", "a\nb\nc\nd\ne\n", "A\nb\nc\nd\nE\n", 2],
    ["nothing", "a\n", "a\n", 0],
  ])("%s", (_name, before, after, count) => {
    expect(changedLineCount(lineDiff(before, after))).toBe(count);
  });

  it("reports 1-based starts in both texts", () => {
    expect(lineDiff("a\nb\nc\n", "a\nx\nb\nc\n")).toEqual([
      { oldStart: 2, newStart: 2, removed: [], added: ["x"] },
    ]);
  });

  it("splits lines with and without a final newline", () => {
    expect(splitLines("a\nb")).toEqual(["a", "b"]);
    expect(splitLines("a\nb\n")).toEqual(["a", "b"]);
    expect(splitLines("")).toEqual([]);
  });
});

describe("unifiedDiff", () => {
  it("renders hunks with three lines of context, merging close ones", () => {
    const before = lines(20);
    const after = before.replace("line 10\n", "line ten\n").replace("line 12\n", "line twelve\n");
    expect(unifiedDiff("src/a.rs", before, after)).toBe(
      [
        "--- a/src/a.rs",
        "+++ b/src/a.rs",
        "@@ -7,9 +7,9 @@",
        " line 7",
        " line 8",
        " line 9",
        "-line 10",
        "+line ten",
        " line 11",
        "-line 12",
        "+line twelve",
        " line 13",
        " line 14",
        " line 15",
        "",
      ].join("\n"),
    );
  });

  it("counts an insertion at the top", () => {
    expect(unifiedDiff("a.toml", "b = 1\n", "a = 0\nb = 1\n")).toBe(
      "--- a/a.toml\n+++ b/a.toml\n@@ -1,1 +1,2 @@\n+a = 0\n b = 1\n",
    );
  });

  it("is empty when nothing changed", () => {
    expect(unifiedDiff("a", "x\n", "x\n")).toBe("");
  });
});
