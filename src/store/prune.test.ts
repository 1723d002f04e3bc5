import { describe, expect, it } from "vitest";
import { dedupKeysBefore, pruneCadence, tokensBefore } from "./prune.js";

const DAY = 24 * 60 * 60_000;

describe("pruneCadence", () => {
  it("is due once a minute per kind of row, on the caller's clock", () => {
    const due = pruneCadence();
    expect(due("dedup_keys", 0)).toBe(true);
    expect(due("dedup_keys", 59_999)).toBe(false);
    expect(due("tokens:discord", 59_999)).toBe(true);
    expect(due("dedup_keys", 60_000)).toBe(true);
    expect(due("tokens:discord", 60_000)).toBe(false);
  });
});

describe("retention", () => {
  it("keeps dedup keys a day and tokens at least a day, longer when their window is longer", () => {
    expect(dedupKeysBefore(DAY * 3)).toBe(DAY * 2);
    expect(tokensBefore(DAY * 3, 60_000)).toBe(DAY * 2);
    expect(tokensBefore(DAY * 3, 2 * DAY)).toBe(DAY);
  });
});
