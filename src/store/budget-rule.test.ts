import { describe, expect, it } from "vitest";
import { fitsCeilings } from "./budget-rule.js";

const day = { sinceMs: 0, limitUsd: 1 };
const month = { sinceMs: -1, limitUsd: 30 };

describe("fitsCeilings", () => {
  it("fits an estimate that lands exactly on the ceiling, despite float noise", () => {
    expect(fitsCeilings([day], [0.6], 0, 0.4)).toBe(true);
    expect(fitsCeilings([day], [0.1], 0.2, 0.7)).toBe(true);
    expect(fitsCeilings([day], [0.1], 0.2, 0.7000001)).toBe(false);
  });
  it("counts reservations against every ceiling", () => {
    expect(fitsCeilings([month, day], [5, 0.5], 0.4, 0.2)).toBe(false);
    expect(fitsCeilings([month, day], [29.5, 0.5], 0.3, 0.2)).toBe(true);
    expect(fitsCeilings([month, day], [29.6, 0.1], 0.3, 0.2)).toBe(false);
  });
  it("refuses even a free call once a ceiling is reached", () => {
    expect(fitsCeilings([day], [1], 0, 0)).toBe(false);
    expect(fitsCeilings([day], [0.99], 0, 0)).toBe(true);
  });
  it("no ceiling: anything fits", () => {
    expect(fitsCeilings([], [], 100, 100)).toBe(true);
  });
});
