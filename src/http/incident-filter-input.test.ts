import { describe, expect, it } from "vitest";
import { filterInputSchema, toIncidentFilter } from "./incident-filter-input.js";

const NOW = Date.parse("2026-12-03T12:00:00Z");
const parse = (input: Record<string, string>) => filterInputSchema.safeParse(input);
const filterOf = (input: Record<string, string>) => {
  const parsed = parse(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return toIncidentFilter(parsed.data, NOW);
};

describe("incident filter input (query string and CLI flags)", () => {
  it("reads status, several severities, a code, ages and ISO times", () => {
    expect(
      filterOf({ status: "open", severity: "critical, HIGH,critical", code: " DB_TIMEOUT ", since: "24h" }),
    ).toEqual({
      status: "open",
      severities: ["critical", "high"],
      errorCode: "DB_TIMEOUT",
      sinceMs: NOW - 24 * 3_600_000,
    });
    expect(filterOf({ since: "2026-12-01", until: "2026-12-02T08:30:00+01:00" })).toEqual({
      sinceMs: Date.parse("2026-12-01T00:00:00Z"),
      untilMs: Date.parse("2026-12-02T07:30:00Z"),
    });
    expect(filterOf({ since: "30m", until: "7d" })).toEqual({
      sinceMs: NOW - 30 * 60_000,
      untilMs: NOW - 7 * 86_400_000,
    });
  });

  it("treats the blank fields an HTML form sends as 'any'", () => {
    expect(filterOf({ status: "", severity: "", code: "  ", since: "", until: "" })).toEqual({});
  });

  it("refuses what it cannot read, naming the field", () => {
    for (const [field, value] of [
      ["status", "closed"],
      ["severity", "urgent"],
      ["severity", "high,,low"],
      ["since", "yesterday"],
      ["since", "12"],
      ["until", "2026-13-45"],
      ["code", "x".repeat(201)],
    ] as const) {
      const parsed = parse({ [field]: value });
      expect(parsed.success, `${field}=${value}`).toBe(false);
      expect(parsed.error?.issues[0]?.path[0]).toBe(field);
    }
    expect(parse({ colour: "red" }).success).toBe(false);
  });
});
