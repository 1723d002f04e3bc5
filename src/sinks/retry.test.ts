import { describe, expect, it } from "vitest";
import { backoffMs, parseRetryAfter } from "./retry.js";

describe("backoffMs", () => {
  it("grows exponentially and stays within [ceiling/2, ceiling]", () => {
    expect(backoffMs(1, undefined, () => 0)).toBe(500);
    expect(backoffMs(1, undefined, () => 1)).toBe(1000);
    expect(backoffMs(4, undefined, () => 1)).toBe(8000);
  });
  it("caps at the maximum", () => {
    expect(backoffMs(30, undefined, () => 1)).toBe(300_000);
  });
  it("waits at least as long as the provider asked", () => {
    expect(backoffMs(1, 12_000, () => 0)).toBe(12_000);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter("1.5", 0)).toBe(1500);
    expect(parseRetryAfter("Thu, 26 Nov 2026 10:00:10 GMT", Date.parse("2026-11-26T10:00:00Z"))).toBe(10_000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });
});
