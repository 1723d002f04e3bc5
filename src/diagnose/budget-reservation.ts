/**
 * What a diagnosis reserves against the LLM budgets before its call: the worst case of that call (the prompt's
 * estimated tokens with the system prompt as a cache write, plus `max_tokens` of output, at the model's rates),
 * so the ceiling holds even when every replica spends at once. Pure, except the ledger wrapper at the end.
 */
import { roundUsd } from "../store/budget-rule.js";
import type { LlmCall, LlmReservation, Store } from "../store/store.js";
import type { BudgetDecision, BudgetLimits } from "./budget.js";
import type { Catalog } from "./catalog.js";
import type { DiagnoseInput } from "./diagnoser.js";
import { costUsd, type ModelPrice } from "./pricing.js";
import { buildUserPrompt, estimateTokens, type PromptLimits, SYSTEM_PROMPT } from "./prompt.js";

const usd = (n: number) => `$${n.toFixed(2)}`;

/** Pure: the worst-case cost of one call with this prompt (a cold prompt cache, every output token used). */
export function worstCaseCallUsd(input: {
  userPrompt: string;
  maxOutputTokens: number;
  price: ModelPrice;
}): number {
  return costUsd(
    {
      inputTokens: estimateTokens(input.userPrompt),
      cacheWriteTokens: estimateTokens(SYSTEM_PROMPT),
      cacheReadTokens: 0,
      outputTokens: input.maxOutputTokens,
    },
    input.price,
  );
}

/** The estimator the Claude diagnoser's settings imply: builds the same user message the call will send. */
export function createCallEstimator(settings: {
  catalog: Catalog;
  price: ModelPrice;
  maxOutputTokens: number;
  limits?: PromptLimits;
}): (input: DiagnoseInput) => number {
  return ({ incident, context }) => {
    const catalogEntry = incident.errorCode ? settings.catalog.get(incident.errorCode) : undefined;
    const prompt = buildUserPrompt({ incident, context, catalogEntry, limits: settings.limits });
    return worstCaseCallUsd({ userPrompt: prompt.text, ...settings });
  };
}

/**
 * Pure: how long an unsettled reservation counts. Longer than the slowest diagnosis (every SDK attempt of the
 * call and of its repair timing out, plus a minute of backoff), so a live one never lapses mid-call.
 */
export function reservationLeaseMs(settings: { timeoutMs: number; maxRetries: number }): number {
  return 2 * (settings.maxRetries + 1) * settings.timeoutMs + 60_000;
}

/** Pure: the store's answer as a decision, naming the first ceiling (of `ceilingsAt`'s order) that refused and why. */
export function reservationDecision(
  limits: BudgetLimits,
  answer: LlmReservation,
  estimateUsd: number,
): BudgetDecision {
  if (answer.granted) return { ok: true };
  const periods = [
    ...(limits.monthlyUsd === null
      ? []
      : [{ name: "monthly", span: "this month", limit: limits.monthlyUsd }]),
    ...(limits.dailyUsd === null ? [] : [{ name: "daily", span: "today, UTC", limit: limits.dailyUsd }]),
  ];
  for (const [i, p] of periods.entries()) {
    const spent = answer.spentUsd[i] ?? 0;
    const used = spent + answer.reservedUsd;
    if (spent >= p.limit) {
      return {
        ok: false,
        reason: `diagnosis skipped: the ${p.name} LLM budget of ${usd(p.limit)} is spent (${usd(spent)} ${p.span}); basic alert only`,
      };
    }
    if (roundUsd(used) >= p.limit || roundUsd(used + estimateUsd) > p.limit) {
      const held = answer.reservedUsd > 0 ? `; ${usd(answer.reservedUsd)} held by diagnoses in progress` : "";
      return {
        ok: false,
        reason:
          `diagnosis skipped: the ${p.name} LLM budget of ${usd(p.limit)} has ${usd(Math.max(0, p.limit - used))} ` +
          `left (${usd(spent)} spent ${p.span}${held}), less than this call may cost (${usd(estimateUsd)}); basic alert only`,
      };
    }
  }
  return { ok: false, reason: "diagnosis skipped: the LLM budget is spent; basic alert only" };
}

/**
 * The ledger to give the Claude diagnoser: each call is appended and, in the same transaction, its incident's
 * reservation dropped, so the real cost replaces the estimate with no moment where neither counts.
 */
export function settlingLedger(store: Pick<Store, "recordLlmCall" | "settleLlmReservation">) {
  return {
    recordLlmCall: (call: LlmCall) =>
      call.incidentId === null
        ? store.recordLlmCall(call)
        : store.settleLlmReservation(call.incidentId, call),
  };
}
