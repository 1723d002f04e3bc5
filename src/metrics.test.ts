import { describe, expect, it } from "vitest";
import {
  BUDGET_PERIODS,
  createMetrics,
  LLM_CALL_OUTCOMES,
  LLM_TOKEN_KINDS,
  zeroDeliverySeries,
} from "./metrics.js";

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

  it("reports the build as ai_monitor_build_info = 1 with version, Node.js version and store", async () => {
    const metrics = createMetrics({ build: { version: "1.2.3", store: "postgres" } });
    expect(await samples(metrics, "ai_monitor_build_info")).toEqual([
      `ai_monitor_build_info{version="1.2.3",node="${process.version}",store="postgres"} 1`,
    ]);
  });

  it("times LLM calls by model and outcome, every configured series present from the start", async () => {
    const metrics = createMetrics({ llmModels: ["claude-x"] });
    const counts = async () =>
      (await metrics.registry.metrics())
        .split("\n")
        .filter((l) => l.startsWith("ai_monitor_llm_call_duration_seconds_count{"));
    expect(await counts()).toHaveLength(LLM_CALL_OUTCOMES.length);
    metrics.llmCallSeconds.observe({ model: "claude-x", outcome: "ok" }, 12.5);
    expect(await counts()).toContain(
      'ai_monitor_llm_call_duration_seconds_count{model="claude-x",outcome="ok"} 1',
    );
    expect(await metrics.registry.metrics()).toContain(
      'ai_monitor_llm_call_duration_seconds_bucket{le="20",model="claude-x",outcome="ok"} 1',
    );
  });

  it("creates the delivery series of sinks built after the registry", async () => {
    const metrics = createMetrics();
    zeroDeliverySeries(metrics, ["jsonl"]);
    expect(await samples(metrics, "ai_monitor_deliveries_total")).toHaveLength(3);
  });

  it("exports Node's process metrics under their standard names, without gauges named *_total", async () => {
    const metrics = createMetrics({ defaultMetrics: true });
    const text = await metrics.registry.metrics();
    expect(text).toContain("# TYPE process_cpu_seconds_total counter");
    expect(text).toContain("# TYPE nodejs_active_handles gauge");
    const gaugesNamedTotal = Array.from(text.matchAll(/^# TYPE (\S+_total) (?!counter)/gm), (m) => m[1]);
    expect(gaugesNamedTotal).toEqual([]);
  });
});
