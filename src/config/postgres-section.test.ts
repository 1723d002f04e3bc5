import { describe, expect, it } from "vitest";
import { postgresSection, postgresStoreOptions } from "./postgres-section.js";

describe("store.postgres section", () => {
  it("defaults to a pool of 10, 30 s statements, 10 s to connect, the URL's schema", () => {
    expect(postgresStoreOptions(postgresSection.parse(undefined))).toEqual({
      poolMax: 10,
      statementTimeoutMs: 30_000,
      connectTimeoutMs: 10_000,
      schema: null,
    });
  });

  it("reads durations and a schema name", () => {
    const section = postgresSection.parse({
      poolMax: 4,
      statementTimeout: "5s",
      connectTimeout: 2500,
      schema: "ai_monitor",
    });
    expect(postgresStoreOptions(section)).toEqual({
      poolMax: 4,
      statementTimeoutMs: 5000,
      connectTimeoutMs: 2500,
      schema: "ai_monitor",
    });
  });

  it("rejects what the store cannot use", () => {
    for (const bad of [{ poolMax: 0 }, { statementTimeout: "soon" }, { schema: "Team-A" }, { extra: 1 }]) {
      expect(postgresSection.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
