import { describe, expect, it } from "vitest";
import { budgetSection, claudeSection } from "./claude-section.js";
import { configSchema } from "./schema.js";

const load = (raw: object) => configSchema.parse(raw);

describe("claude config section", () => {
  it("has the issue's defaults", () => {
    const config = load({});
    expect(config.claude).toEqual({
      effort: "medium",
      timeoutMs: 60_000,
      maxRetries: 2,
      maxOutputTokens: 8000,
      pricing: {},
      limits: { maxContextChars: 32_000, maxItemChars: 12_000 },
    });
    expect(config.budget).toEqual({ dailyUsd: 2, monthlyUsd: 30 });
  });

  it("reads values as YAML or the environment writes them, and ignores the keys it does not own", () => {
    const config = load({
      anthropic: { apiKey: "k", effort: "low", timeout: "90s", maxRetries: "3" },
      diagnosis: { ratePerHour: 10, dailyBudgetUsd: "0.5", monthlyBudgetUsd: null },
    });
    expect(config.claude).toMatchObject({ effort: "low", timeoutMs: 90_000, maxRetries: 3 });
    expect(config.budget).toEqual({ dailyUsd: 0.5, monthlyUsd: null });
  });

  it("is idempotent over an already resolved config (durations in ms)", () => {
    const once = claudeSection.parse({ timeout: "2m" });
    expect(claudeSection.parse(once).timeout).toBe(120_000);
  });

  it("rejects nonsense with the key's path", () => {
    expect(() => claudeSection.parse({ effort: "extreme" })).toThrow(/effort/);
    expect(() => claudeSection.parse({ pricing: { m: { input: 1 } } })).toThrow(/output/);
    expect(() => budgetSection.parse({ dailyBudgetUsd: -1 })).toThrow();
  });
});
