import { describe, expect, it } from "vitest";
import { epochToMs, isSaneTimeMs, parseRfc3339Ms, readableTimeMs } from "./timestamp.js";

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

describe("parseRfc3339Ms", () => {
  it.each([
    ["2024-02-29T10:00:00Z", Date.UTC(2024, 1, 29, 10)],
    ["2000-02-29T00:00:00Z", Date.UTC(2000, 1, 29)],
    ["2026-12-31T23:59:60Z", Date.UTC(2027, 0, 1)],
    ["2026-12-03T15:00:00+23:59", Date.UTC(2026, 11, 2, 15, 1)],
    ["2026-12-03T15:00:00-0130", Date.UTC(2026, 11, 3, 16, 30)],
    ["2026-11-26t09:15:12,25+02:00", Date.UTC(2026, 10, 26, 7, 15, 12, 250)],
    ["2026-11-26T09:15:12.999999999Z", Date.UTC(2026, 10, 26, 9, 15, 12, 999)],
  ])("%s", (text, expected) => {
    expect(parseRfc3339Ms(text)).toBe(expected);
  });

  // Each of these used to roll over into another day (2026-02-30 read as 2026-03-02).
  it.each([
    "2026-02-30T10:00:00Z",
    "2026-02-29T10:00:00Z",
    "1900-02-29T10:00:00Z",
    "2026-04-31T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "2026-00-10T10:00:00Z",
    "2026-12-00T10:00:00Z",
    "2026-12-03T24:00:00Z",
    "2026-12-03T15:60:00Z",
    "2026-12-03T15:00:61Z",
    "2026-12-03T15:00:00+25:00",
    "2026-12-03T15:00:00+23:60",
    "garbage",
    "",
  ])("%j is not a time (NaN)", (text) => {
    expect(parseRfc3339Ms(text)).toBeNaN();
  });
});
