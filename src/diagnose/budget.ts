/**
 * LLM spending budgets: a daily and a monthly ceiling in USD over the call ledger. Over either, no call is made
 * and the basic alert says why. Days and months are UTC, as the Anthropic console bills them.
 * The check is made before each diagnosis, so concurrent jobs may overshoot by at most one call each.
 */
import type { LlmSpend, Store } from "../store/store.js";

/** Ceilings in USD; null means no ceiling. */
export interface BudgetLimits {
  dailyUsd: number | null;
  monthlyUsd: number | null;
}

/** Spend so far and what is left. */
export interface BudgetStatus extends BudgetLimits {
  todayUsd: number;
  monthUsd: number;
  /** null when there is no ceiling. */
  dailyLeftUsd: number | null;
  monthlyLeftUsd: number | null;
}

/** The decision for one diagnosis. */
export type BudgetDecision = { ok: true } | { ok: false; reason: string };

/** Pure: midnight UTC of the day of `nowMs`. */
export function startOfUtcDayMs(nowMs: number): number {
  const d = new Date(nowMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Pure: the first instant of the UTC month of `nowMs`. */
export function startOfUtcMonthMs(nowMs: number): number {
  const d = new Date(nowMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Pure: total cost of ledger rows (rounded to a billionth, dropping float noise from the sum). */
export function totalUsd(rows: readonly LlmSpend[]): number {
  return Math.round(rows.reduce((sum, row) => sum + row.costUsd, 0) * 1e9) / 1e9;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** Pure: spend and ceilings to a status. */
export function budgetStatus(limits: BudgetLimits, todayUsd: number, monthUsd: number): BudgetStatus {
  return {
    ...limits,
    todayUsd,
    monthUsd,
    dailyLeftUsd: limits.dailyUsd === null ? null : Math.max(0, limits.dailyUsd - todayUsd),
    monthlyLeftUsd: limits.monthlyUsd === null ? null : Math.max(0, limits.monthlyUsd - monthUsd),
  };
}

/** Pure: may one more call be made? The monthly ceiling is named first when both are reached. */
export function budgetDecision(status: BudgetStatus): BudgetDecision {
  if (status.monthlyUsd !== null && status.monthUsd >= status.monthlyUsd) {
    return {
      ok: false,
      reason: `diagnosis skipped: the monthly LLM budget of ${usd(status.monthlyUsd)} is spent (${usd(status.monthUsd)} this month); basic alert only`,
    };
  }
  if (status.dailyUsd !== null && status.todayUsd >= status.dailyUsd) {
    return {
      ok: false,
      reason: `diagnosis skipped: the daily LLM budget of ${usd(status.dailyUsd)} is spent (${usd(status.todayUsd)} today, UTC); basic alert only`,
    };
  }
  return { ok: true };
}

/** Reads the ledger to answer budget questions. */
export interface BudgetGuard {
  readonly limits: BudgetLimits;
  status(): Promise<BudgetStatus>;
  check(): Promise<BudgetDecision>;
}

/** Create the guard over the store's ledger. */
export function createBudgetGuard(deps: {
  store: Pick<Store, "llmSpend">;
  limits: BudgetLimits;
  now: () => number;
  /** Told every computed status: wire the spent/budget gauges here. */
  observe?: (status: BudgetStatus) => void;
}): BudgetGuard {
  async function status(): Promise<BudgetStatus> {
    const now = deps.now();
    // One query when the day starts the month; otherwise the month's rows include the day's.
    const monthRows = await deps.store.llmSpend(startOfUtcMonthMs(now));
    const dayStart = startOfUtcDayMs(now);
    const dayRows = dayStart === startOfUtcMonthMs(now) ? monthRows : await deps.store.llmSpend(dayStart);
    const result = budgetStatus(deps.limits, totalUsd(dayRows), totalUsd(monthRows));
    deps.observe?.(result);
    return result;
  }
  return {
    limits: deps.limits,
    status,
    async check() {
      if (deps.limits.dailyUsd === null && deps.limits.monthlyUsd === null) return { ok: true };
      return budgetDecision(await status());
    },
  };
}
