/**
 * LLM spending budgets: a daily and a monthly ceiling in USD over the call ledger. Over either, no call is made
 * and the basic alert says why. Days and months are UTC, as the Anthropic console bills them.
 * Reading the ledger (`check`) only spares work once a budget is spent; what holds the ceiling is `reserve`:
 * before its call, a diagnosis atomically reserves the call's worst-case cost in the store, shared by replicas.
 */
import type { LlmCeiling, LlmSpend, Store } from "../store/store.js";
import { reservationDecision } from "./budget-reservation.js";
import type { DiagnoseInput } from "./diagnoser.js";

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

/** Pure: the ceilings of `limits` at `now`, monthly first (its reason is given first, as in `budgetDecision`). */
export function ceilingsAt(limits: BudgetLimits, now: number): LlmCeiling[] {
  return [
    ...(limits.monthlyUsd === null ? [] : [{ sinceMs: startOfUtcMonthMs(now), limitUsd: limits.monthlyUsd }]),
    ...(limits.dailyUsd === null ? [] : [{ sinceMs: startOfUtcDayMs(now), limitUsd: limits.dailyUsd }]),
  ];
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

/** Answers budget questions from the ledger, and holds spend for a diagnosis about to call the LLM. */
export interface BudgetGuard {
  readonly limits: BudgetLimits;
  status(): Promise<BudgetStatus>;
  /** Cheap early refusal from the ledger alone (a budget already spent). */
  check(): Promise<BudgetDecision>;
  /** Atomically reserve the worst case of the incident's call (keyed by incident id), or refuse with the reason. */
  reserve(input: DiagnoseInput): Promise<BudgetDecision>;
  /** Drop what is still held for the incident (its calls, billed, already replaced it; or it failed). */
  release(incidentId: string): Promise<void>;
}

/** Create the guard over the store's ledger and reservations. */
export function createBudgetGuard(deps: {
  store: Pick<Store, "llmSpend" | "reserveLlmBudget" | "settleLlmReservation">;
  limits: BudgetLimits;
  now: () => number;
  /** Worst-case cost of the call a diagnosis is about to make (`createCallEstimator`); 0 when absent. */
  estimate?: (input: DiagnoseInput) => number;
  /** How long an unsettled reservation counts (`reservationLeaseMs`; default 10 minutes). */
  leaseMs?: number;
  /** Told every computed status: wire the spent/budget gauges here. */
  observe?: (status: BudgetStatus) => void;
}): BudgetGuard {
  const unlimited = deps.limits.dailyUsd === null && deps.limits.monthlyUsd === null;
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
      if (unlimited) return { ok: true };
      return budgetDecision(await status());
    },
    async reserve(input) {
      if (unlimited) return { ok: true };
      const now = deps.now();
      const estimateUsd = deps.estimate?.(input) ?? 0;
      const answer = await deps.store.reserveLlmBudget({
        key: input.incident.id,
        estimateUsd,
        ceilings: ceilingsAt(deps.limits, now),
        leaseMs: deps.leaseMs ?? 600_000,
        now,
      });
      return reservationDecision(deps.limits, answer, estimateUsd);
    },
    async release(incidentId) {
      if (!unlimited) await deps.store.settleLlmReservation(incidentId, null);
    },
  };
}
