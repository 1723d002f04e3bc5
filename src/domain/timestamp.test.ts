import { describe, expect, it } from "vitest";
import { epochToMs, isSaneTimeMs, readableTimeMs } from "./timestamp.js";

const MS = Date.UTC(2025, 11, 3, 9, 54, 32, 123);
const NOW = Date.UTC(2026, 0, 1);

describe("epochToMs", () => {
  it.each([
    ["seconds", 1_764_755_672.123, MS],
    ["milliseconds", MS, MS],
    ["microseconds", MS * 1000 + 456, MS],
    ["nanoseconds", Number("1764755672123456789"), MS],
  ])("tells %s apart by magnitude", (_unit, input, expected) => {
    expect(epochToMs(input)).toBe(expected);
  });

  it("gives NaN for what is not a finite number", () => {
    expect(epochToMs(Number.NaN)).toBeNaN();
    expect(epochToMs(Number.POSITIVE_INFINITY)).toBeNaN();
  });
});

describe("isSaneTimeMs", () => {
  it("believes 2000 up to a day ahead of the receive time", () => {
    expect(isSaneTimeMs(Date.UTC(2000, 0, 1), NOW)).toBe(true);
    expect(isSaneTimeMs(NOW + 23 * 3_600_000, NOW)).toBe(true);
  });

  it.each([
    ["1999", Date.UTC(1999, 11, 31)],
    ["two days ahead", NOW + 48 * 3_600_000],
    ["zero", 0],
    ["NaN", Number.NaN],
    ["year 57892", 1_764_755_672_123_456],
  ])("does not believe %s", (_what, ms) => {
    expect(isSaneTimeMs(ms, NOW)).toBe(false);
  });
});

describe("readableTimeMs", () => {
  it("keeps every value a Date takes below year 5138, small test clocks included", () => {
    for (const ms of [0, 1_000, -5, MS]) expect(readableTimeMs(ms)).toBe(ms);
  });

  it("reads micro- and nanoseconds back as milliseconds", () => {
    expect(readableTimeMs(1_764_755_672_123_456)).toBe(MS);
    expect(readableTimeMs(Number("1764755672123456789"))).toBe(MS);
  });

  it("gives 0 for what no unit makes a date", () => {
    for (const bad of [1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY])
      expect(new Date(readableTimeMs(bad)).toISOString()).toBe("1970-01-01T00:00:00.000Z");
  });
});
