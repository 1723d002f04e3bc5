import { describe, expect, it } from "vitest";
import { autofixSection, DEFAULT_DENY_GLOBS } from "./autofix-section.js";

describe("autofixSection", () => {
  it("has the issue's defaults", () => {
    expect(autofixSection.parse(undefined)).toMatchObject({
      dailyCap: 5,
      maxChangedLines: 10,
      testCommand: "cargo test",
      testTimeout: 600_000,
      remote: "origin",
      baseBranch: null,
      deny: DEFAULT_DENY_GLOBS,
      extraDeny: [],
    });
  });

  it("parses durations and numbers from text, and stays idempotent once parsed", () => {
    const parsed = autofixSection.parse({ dailyCap: "2", testTimeout: "90s", pollInterval: "1h" });
    expect(parsed).toMatchObject({ dailyCap: 2, testTimeout: 90_000, pollInterval: 3_600_000 });
    expect(autofixSection.parse(parsed)).toEqual(parsed);
  });

  it.each([
    [{ dailyCap: -1 }],
    [{ maxChangedLines: 0 }],
    [{ remote: "origin; rm -rf /" }],
    [{ testCommand: "" }],
    [{ unknownKey: 1 }],
  ])("refuses %j", (input) => {
    expect(autofixSection.safeParse(input).success).toBe(false);
  });
});
