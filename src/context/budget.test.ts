import { describe, expect, it } from "vitest";
import {
  allocate,
  cutLines,
  type DraftItem,
  estimateTokens,
  fitBudget,
  itemTokens,
  priorityOf,
} from "./budget.js";

const lines = (n: number, width = 40) =>
  Array.from({ length: n }, (_, i) => `line ${String(i + 1).padStart(4, "0")} ${"x".repeat(width)}`).join(
    "\n",
  );

const draft = (
  id: string,
  text: string,
  kind: DraftItem["kind"] = "logs",
  focusLine?: number,
): DraftItem => ({
  id,
  kind,
  title: id,
  text,
  ...(focusLine === undefined ? {} : { focusLine }),
});

describe("token estimate", () => {
  it("is ceil(chars / 4)", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcd")).toBe(1);
    expect(estimateTokens("abcde")).toBe(2);
  });

  it("ranks the error line, the trail, source, commits, then other occurrences", () => {
    const ids = ["logs:occurrences", "git:repo", "source:a.rs#X", "logs:request", "logs:error", "note:x"];
    expect([...ids].sort((a, b) => priorityOf(a) - priorityOf(b))).toEqual([
      "logs:error",
      "logs:request",
      "source:a.rs#X",
      "git:repo",
      "logs:occurrences",
      "note:x",
    ]);
  });
});

describe("cutLines", () => {
  it("returns text that fits unchanged", () => {
    expect(cutLines("a\nb", 100)).toEqual({ text: "a\nb", omittedLines: 0 });
  });

  it("keeps a run around the focus line and marks both cuts", () => {
    const { text, omittedLines } = cutLines(lines(200), 300, 100);
    const out = text.split("\n");
    expect(out[0]).toMatch(/^\[\.\.\. \d+ lines omitted\]$/);
    expect(out.at(-1)).toMatch(/^\[\.\.\. \d+ lines omitted\]$/);
    expect(text).toContain("line 0101 ");
    const kept = out.length - 2;
    expect(kept + omittedLines).toBe(200);
    expect(estimateTokens(text)).toBeLessThanOrEqual(300);
  });

  it("from the top when there is no focus: one marker at the end", () => {
    const { text } = cutLines(lines(200), 200);
    expect(text.startsWith("line 0001 ")).toBe(true);
    expect(text).toMatch(/\n\[\.\.\. \d+ lines omitted\]$/);
  });

  it("cuts a single huge line by characters", () => {
    const { text } = cutLines("y".repeat(10_000), 100);
    expect(text).toMatch(/^y+ \[\.\.\. \d+ chars omitted\]$/);
    expect(estimateTokens(text)).toBeLessThanOrEqual(100);
  });
});

describe("fitBudget", () => {
  it("keeps everything that fits, in priority order", () => {
    const result = fitBudget(
      [draft("logs:occurrences", "o"), draft("git:repo", "g", "git"), draft("logs:error", "e")],
      1000,
    );
    expect(result.items.map((i) => i.id)).toEqual(["logs:error", "git:repo", "logs:occurrences"]);
    expect(result.cuts).toEqual([]);
    expect(result.usedTokens).toBe(result.items.reduce((n, i) => n + itemTokens(i), 0));
  });

  it("guarantees each item a share, so a long trail cannot crowd out the source; the rest goes by priority", () => {
    const result = fitBudget(
      [
        draft("logs:occurrences", lines(50)),
        draft("source:a.rs", lines(100), "source", 60),
        draft("logs:request", lines(300), "logs", 150),
        draft("logs:error", "the error"),
      ],
      1500,
    );
    expect(result.usedTokens).toBeLessThanOrEqual(1500);
    expect(result.items.map((i) => i.id)).toEqual([
      "logs:error",
      "logs:request",
      "source:a.rs",
      "logs:occurrences",
    ]);
    const [, trail, source, occurrences] = result.items.map((i) => itemTokens(i));
    expect(trail).toBeGreaterThan(source!);
    expect(source).toBeGreaterThanOrEqual(0.2 * 1500 - 40);
    expect(occurrences).toBeGreaterThanOrEqual(0.12 * 1500 - 40);
    expect(result.items[1]!.text).toContain("line 0151 ");
    expect(result.items[2]!.text).toContain("line 0061 ");
    expect(result.cuts).toEqual([
      expect.stringMatching(/^budget: logs:request cut, \d+ lines omitted$/),
      expect.stringMatching(/^budget: source:a\.rs cut, \d+ lines omitted$/),
      expect.stringMatching(/^budget: logs:occurrences cut, \d+ lines omitted$/),
    ]);
  });

  it("when even the shares do not fit, priority decides and the last items are dropped, saying so", () => {
    const many = Array.from({ length: 8 }, (_, i) => draft(`source:f${i}.rs`, lines(100), "source"));
    const result = fitBudget([draft("logs:occurrences", lines(50)), ...many], 1000);
    expect(result.usedTokens).toBeLessThanOrEqual(1000);
    expect(result.items.map((i) => i.id)).toEqual([
      "source:f0.rs",
      "source:f1.rs",
      "source:f2.rs",
      "source:f3.rs",
      "source:f4.rs",
    ]);
    expect(result.cuts.filter((c) => c.includes("dropped"))).toEqual([
      expect.stringMatching(/^budget: source:f5\.rs dropped \(~\d+ tokens, 0 granted of 1000\)$/),
      expect.stringMatching(/^budget: source:f6\.rs dropped/),
      expect.stringMatching(/^budget: source:f7\.rs dropped/),
      expect.stringMatching(/^budget: logs:occurrences dropped/),
    ]);
  });

  it("allocate: shares first, then priority order; never more than asked", () => {
    expect(allocate([10, 10], [0, 1], 1000)).toEqual([10, 10]);
    expect(allocate([1000, 1000, 1000], [1, 2, 4], 1000)).toEqual([300 + 380, 200, 120]);
  });

  it("never returns focusLine (it is not part of what is sent)", () => {
    const [item] = fitBudget([draft("logs:request", "a", "logs", 0)], 100).items;
    expect(item).toEqual({ id: "logs:request", kind: "logs", title: "logs:request", text: "a" });
  });
});
