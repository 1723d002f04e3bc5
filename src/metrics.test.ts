import { describe, expect, it } from "vitest";
import { BUDGET_PERIODS, createMetrics, LLM_CALL_OUTCOMES, LLM_TOKEN_KINDS } from "./metrics.js";

/** The exposition lines of one metric family (samples only, no HELP/TYPE). */
async function samples(metrics: ReturnType<typeof createMetrics>, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split("\n").filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe("createMetrics", () => {
  it("creates the LLM series at zero for the configured models, so dashboards show 0, not 'no data'", async () => {
    const metrics = createMetrics({ llmModels: ["claude-x"] });
    expect(await samples(metrics, "ai_monitor_llm_cost_usd_total")).toEqual([
      'ai_monitor_llm_cost_usd_total{model="claude-x"} 0',
    ]);
    expect(await samples(metrics, "ai_monitor_llm_tokens_total")).toHaveLength(LLM_TOKEN_KINDS.length);
    expect(await samples(metrics, "ai_monitor_llm_calls_total")).toHaveLength(LLM_CALL_OUTCOMES.length);
  });

  it("creates budget and spend gauges per period, and both skip reasons, with no options at all", async () => {
    const metrics = createMetrics();
    for (const name of ["ai_monitor_llm_budget_usd", "ai_monitor_llm_spent_usd"])
      expect(await samples(metrics, name)).toEqual(BUDGET_PERIODS.map((p) => `${name}{period="${p}"} 0`));
    expect(await samples(metrics, "ai_monitor_diagnosis_skipped_total")).toEqual([
      'ai_monitor_diagnosis_skipped_total{reason="rate_limited"} 0',
      'ai_monitor_diagnosis_skipped_total{reason="over_budget"} 0',
    ]);
    expect(await samples(metrics, "ai_monitor_llm_cost_usd_total")).toEqual([]);
  });

  it("creates delivery series for the enabled sinks", async () => {
    const metrics = createMetrics({ sinks: ["console"] });
    expect(await samples(metrics, "ai_monitor_deliveries_total")).toEqual([
      'ai_monitor_deliveries_total{sink="console",outcome="ok"} 0',
      'ai_monitor_deliveries_total{sink="console",outcome="retry"} 0',
      'ai_monitor_deliveries_total{sink="console",outcome="failed"} 0',
    ]);
  });

  it("counts what the diagnoser reports: tokens by kind, cost by model, calls by outcome", async () => {
    const metrics = createMetrics({ llmModels: ["claude-x"] });
    metrics.llmCalls.inc({ model: "claude-x", outcome: "ok" });
    metrics.llmTokens.inc({ model: "claude-x", kind: "cache_read" }, 1200);
    metrics.llmCostUsd.inc({ model: "claude-x" }, 0.0123);
    metrics.llmSpentUsd.set({ period: "day" }, 0.0123);
    const text = await metrics.registry.metrics();
    expect(text).toContain('ai_monitor_llm_calls_total{model="claude-x",outcome="ok"} 1');
    expect(text).toContain('ai_monitor_llm_tokens_total{model="claude-x",kind="cache_read"} 1200');
    expect(text).toContain('ai_monitor_llm_cost_usd_total{model="claude-x"} 0.0123');
    expect(text).toContain('ai_monitor_llm_spent_usd{period="day"} 0.0123');
  });

  it("two registries are independent (no global state)", async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.queueDepth.set(5);
    expect(await samples(b, "ai_monitor_queue_depth")).toEqual(["ai_monitor_queue_depth 0"]);
  });
});
