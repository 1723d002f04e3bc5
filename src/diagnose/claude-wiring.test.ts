import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { silentLogger } from "../log.js";
import type { Store } from "../store/store.js";
import { loadCatalog } from "./catalog.js";
import { claudeConfigWarnings, diagnoserSummary } from "./claude-summary.js";
import { createDiagnoserFromConfig } from "./claude-wiring.js";

const store = { llmSpend: async () => [], recordLlmCall: async () => {} } as unknown as Store;

describe("createDiagnoserFromConfig", async () => {
  const catalog = await loadCatalog(null);
  const deps = { catalog, store, log: silentLogger(), now: () => 0 };

  it("is offline without an API key, with no budget to check", () => {
    const { diagnoser, budget } = createDiagnoserFromConfig(configSchema.parse({}), deps);
    expect(diagnoser.name).toBe("offline");
    expect(budget).toBeNull();
    expect(diagnoserSummary(configSchema.parse({}))).toMatch(/offline catalog/);
  });

  it("is Claude with the configured model and the default budgets when a key is set", async () => {
    const config = configSchema.parse({ anthropic: { apiKey: "sk-ant-x", model: "claude-haiku-5-5" } });
    const { diagnoser, budget } = createDiagnoserFromConfig(config, deps);
    expect(diagnoser.name).toBe("claude-haiku-5-5");
    expect(budget?.limits).toEqual({ dailyUsd: 2, monthlyUsd: 30 });
    expect(diagnoserSummary(config)).toBe(
      "diagnosis: claude-haiku-5-5 (effort medium, timeout 60000 ms, 2 retries; budget $2.00/day, $30.00/month, 10/hour)",
    );
  });
});

describe("claudeConfigWarnings", () => {
  it("passes the SDK's deprecation warning on to config check", () => {
    const config = configSchema.parse({ anthropic: { apiKey: "sk-ant-x", model: "claude-sonnet-4-5" } });
    expect(claudeConfigWarnings(config).join("\n")).toMatch(/end-of-life on November 30th, 2026/);
    expect(claudeConfigWarnings(configSchema.parse({ anthropic: { apiKey: "sk-ant-x" } }))).toEqual([]);
    expect(claudeConfigWarnings(configSchema.parse({}))).toEqual([]);
  });

  it("warns when a budget is below one call's worst case, since no call would ever fit it", () => {
    const tiny = configSchema.parse({
      anthropic: { apiKey: "sk-ant-x" },
      diagnosis: { dailyBudgetUsd: 0.01 },
    });
    expect(claudeConfigWarnings(tiny)).toEqual([
      expect.stringMatching(
        /^diagnosis\.dailyBudgetUsd is \$0\.01, below one call's worst case .*no Claude call will be made$/,
      ),
    ]);
  });
});
