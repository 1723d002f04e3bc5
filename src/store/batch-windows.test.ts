import { describe, expect, it } from "vitest";
import { type BatchCandidate, BatchWindows } from "./batch-windows.js";
import { pickWindow } from "./window.js";

const MIN = 60_000;

describe("BatchWindows", () => {
  it("asks the database once per fingerprint while occurrences stay in the fetched range", () => {
    const calls: Array<[string, number, number]> = [];
    const db: BatchCandidate[] = [{ id: 1, firstSeen: 0 }];
    const windows = new BatchWindows((fp, from, to) => {
      calls.push([fp, from, to]);
      return db.filter((c) => c.firstSeen > from && c.firstSeen < to).map((c) => ({ ...c }));
    }, 5 * MIN);
    for (let t = 0; t < 5 * MIN; t += 1000) {
      const found = windows.find("A:x", t);
      expect(found?.id).toBe(1);
      windows.bump(found!, t, 1);
    }
    expect(calls).toHaveLength(1);
    expect(windows.bumps()).toEqual([{ id: 1, count: 300, minT: 0, maxT: 5 * MIN - 1000 }]);
  });

  it("decides exactly as pickWindow row by row, with creations and out-of-order times", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const window = 5 * MIN;
    // Reference: apply pickWindow with immediate row updates.
    const reference: BatchCandidate[] = [];
    const cachedDb: BatchCandidate[] = [];
    const windows = new BatchWindows(
      (_fp, from, to) =>
        cachedDb.filter((c) => c.firstSeen > from && c.firstSeen < to).map((c) => ({ ...c })),
      window,
      10 * MIN,
    );
    let nextId = 1;
    for (let i = 0; i < 2000; i++) {
      const t = Math.floor(i * 20_000 + (random() - 0.7) * 8 * MIN);
      const expected = pickWindow(reference, t, window);
      const got = windows.find("A:x", t);
      expect(got?.id ?? null).toBe(expected?.id ?? null);
      if (expected && got) {
        expected.firstSeen = Math.min(expected.firstSeen, t);
        windows.bump(got, t, 1);
      } else {
        const id = nextId++;
        reference.push({ id, firstSeen: t });
        cachedDb.push({ id, firstSeen: t }); // the INSERT is visible to later fetches
        windows.created("A:x", id, t);
      }
    }
    expect(nextId).toBeGreaterThan(10);
  });
});
