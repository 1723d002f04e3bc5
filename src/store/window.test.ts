import { describe, expect, it } from "vitest";
import { pickWindow, windowBounds } from "./window.js";

const MIN = 60_000;
const WINDOW = 5 * MIN;
const T = 1_700_000_000_000;
const at = (id: string, firstSeen: number) => ({ id, firstSeen });

describe("pickWindow", () => {
  it("returns null when there is no incident", () => {
    expect(pickWindow([], T, WINDOW)).toBeNull();
  });

  it.each([
    ["same instant", 0, "a"],
    ["4 minutes later", 4 * MIN, "a"],
    ["just inside the window", WINDOW - 1, "a"],
    ["exactly one window later", WINDOW, null],
    ["6 minutes later", 6 * MIN, null],
    ["4 minutes earlier (out of order)", -4 * MIN, "a"],
    ["exactly one window earlier", -WINDOW, null],
  ])("occurrence %s than the incident's first sighting -> %s", (_name, deltaMs, expected) => {
    expect(pickWindow([at("a", T)], T + deltaMs, WINDOW)?.id ?? null).toBe(expected);
  });

  it("prefers the latest window that started at or before the occurrence", () => {
    const candidates = [at("a", T), at("b", T + 6 * MIN)];
    // 3 minutes from both: the one already running wins over the one starting later.
    expect(pickWindow(candidates, T + 3 * MIN, WINDOW)?.id).toBe("a");
    expect(pickWindow(candidates, T + 7 * MIN, WINDOW)?.id).toBe("b");
    expect(pickWindow([at("b", T + 6 * MIN), at("a", T)], T + 9 * MIN, WINDOW)?.id).toBe("b");
  });

  it("falls back to the earliest window that starts after an out-of-order occurrence", () => {
    const candidates = [at("late", T + 4 * MIN), at("early", T + 2 * MIN)];
    expect(pickWindow(candidates, T, WINDOW)?.id).toBe("early");
  });

  it("keeps the first of two candidates with the same firstSeen", () => {
    expect(pickWindow([at("a", T), at("b", T)], T, WINDOW)?.id).toBe("a");
  });
});

describe("windowBounds", () => {
  it("spans one window either side of the occurrence", () => {
    expect(windowBounds(T, WINDOW)).toEqual({ fromMs: T - WINDOW, toMs: T + WINDOW });
  });
});
