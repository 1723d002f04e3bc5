import { describe, expect, it } from "vitest";
import type { LlmSpend } from "../store/store.js";
import {
  budgetDecision,
  budgetStatus,
  createBudgetGuard,
  startOfUtcDayMs,
  startOfUtcMonthMs,
} from "./budget.js";

const NOW = Date.parse("2026-11-26T10:30:00Z");

describe("UTC periods", () => {
  it("starts days and months at UTC midnight", () => {
    expect(new Date(startOfUtcDayMs(NOW)).toISOString()).toBe("2026-11-26T00:00:00.000Z");
    expect(new Date(startOfUtcMonthMs(NOW)).toISOString()).toBe("2026-11-01T00:00:00.000Z");
  });
});

describe("budgetDecision", () => {
  const limits = { dailyUsd: 2, monthlyUsd: 30 };
  it("allows a call below both ceilings", () => {
    expect(budgetDecision(budgetStatus(limits, 1.99, 29.99))).toEqual({ ok: true });
  });
  it("refuses at the daily ceiling and says so", () => {
    const d = budgetDecision(budgetStatus(limits, 2, 5));
    expect(d).toEqual({ ok: false, reason: expect.stringMatching(/daily LLM budget of \$2\.00 is spent/) });
  });
  it("names the monthly ceiling first when both are reached", () => {
    const d = budgetDecision(budgetStatus(limits, 3, 30.5));
    expect(d.ok === false && d.reason).toMatch(
      /monthly LLM budget of \$30\.00 is spent \(\$30\.50 this month\)/,
    );
  });
  it("null removes a ceiling; what is left never goes negative", () => {
    const status = budgetStatus({ dailyUsd: null, monthlyUsd: 30 }, 100, 31);
    expect(status).toMatchObject({ dailyLeftUsd: null, monthlyLeftUsd: 0 });
    expect(budgetDecision(budgetStatus({ dailyUsd: null, monthlyUsd: null }, 100, 1000))).toEqual({
      ok: true,
    });
  });
});

describe("createBudgetGuard", () => {
  it("sums the ledger since the start of the day and of the month", async () => {
    const asked: number[] = [];
    const spend = (costUsd: number): LlmSpend[] => [
      {
        model: "m",
        calls: 1,
        inputTokens: 0,
        outputTokens: 0,
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
        costUsd,
      },
    ];
    const store = {
      llmSpend: async (since: number) => {
        asked.push(since);
        return since === startOfUtcDayMs(NOW) ? spend(0.5) : spend(12);
      },
      reserveLlmBudget: async () => ({ granted: true, spentUsd: [], reservedUsd: 0 }),
      settleLlmReservation: async () => {},
    };
    const guard = createBudgetGuard({ store, limits: { dailyUsd: 2, monthlyUsd: 30 }, now: () => NOW });
    expect(await guard.status()).toMatchObject({
      todayUsd: 0.5,
      monthUsd: 12,
      dailyLeftUsd: 1.5,
      monthlyLeftUsd: 18,
    });
    expect(await guard.check()).toEqual({ ok: true });
    expect(asked).toContain(startOfUtcMonthMs(NOW));
  });
});
