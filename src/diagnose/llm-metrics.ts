/** Feed the diagnoser's call and budget events into the LLM metrics (kept out of the diagnoser itself). */
import type { Metrics } from "../metrics.js";
import type { BudgetStatus } from "./budget.js";
import type { ClaudeCallEvent } from "./claude.js";

/** Hooks for `createDiagnoserFromConfig`: count and time calls, count tokens and cost; publish budget and spend. */
export function llmMetricHooks(metrics: Metrics) {
  return {
    observeCall(event: ClaudeCallEvent): void {
      const { model } = event;
      metrics.llmCalls.inc({ model, outcome: event.outcome });
      metrics.llmCallSeconds.observe({ model, outcome: event.outcome }, event.durationSeconds);
      metrics.llmTokens.inc({ model, kind: "input" }, event.inputTokens);
      metrics.llmTokens.inc({ model, kind: "output" }, event.outputTokens);
      metrics.llmTokens.inc({ model, kind: "cache_write" }, event.cacheWriteTokens);
      metrics.llmTokens.inc({ model, kind: "cache_read" }, event.cacheReadTokens);
      metrics.llmCostUsd.inc({ model }, event.costUsd);
    },
    observeBudget(status: BudgetStatus): void {
      metrics.llmBudgetUsd.set({ period: "day" }, status.dailyUsd ?? 0);
      metrics.llmBudgetUsd.set({ period: "month" }, status.monthlyUsd ?? 0);
      metrics.llmSpentUsd.set({ period: "day" }, status.todayUsd);
      metrics.llmSpentUsd.set({ period: "month" }, status.monthUsd);
    },
  };
}
