/**
 * Configuration of the Claude diagnoser: its keys under `anthropic:` (next to apiKey, baseUrl, model) and the
 * LLM budgets under `diagnosis:` (next to ratePerHour). The schema turns them into `config.claude` and
 * `config.budget` once, at load.
 */
import { z } from "zod";
import type { BudgetLimits } from "../diagnose/budget.js";
import type { Effort } from "../diagnose/claude.js";
import type { Rates } from "../diagnose/pricing.js";
import type { PromptLimits } from "../diagnose/prompt.js";
import { duration, numberish as number } from "./zod-helpers.js";

const duration1 = (fallback: string) => duration(fallback, 1);
const usd = number.pipe(z.number().min(0));
const rate = number.pipe(z.number().min(0).max(1000));

/** Per-million-token USD rates of one model (an override of, or an addition to, the built-in table). */
const ratesSchema = z.object({ input: rate, output: rate, cacheWrite: rate, cacheRead: rate }).strict();

/** Keys added under `anthropic:`. */
export const claudeSection = z.object({
  /** output_config.effort: low | medium | high | xhigh | max; null sends none (models without the parameter). */
  effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullable().default("medium"),
  /** Per request attempt. */
  timeout: duration1("60s"),
  /** SDK retries of timeouts, 429, 529 and 5xx. */
  maxRetries: number.pipe(z.number().int().min(0).max(10)).default(2),
  /** max_tokens of a call (answer plus thinking): the worst case of one call's output cost. */
  maxOutputTokens: number.pipe(z.number().int().min(1024).max(128_000)).default(8000),
  /** Rates for models the built-in table lacks, or corrections to it, keyed by model id. */
  pricing: z.record(z.string().min(1), ratesSchema).default({}),
  /** Bounds of the context text sent per call (characters). */
  maxContextChars: number.pipe(z.number().int().min(1000)).default(32_000),
  maxItemChars: number.pipe(z.number().int().min(500)).default(12_000),
});

/** Keys added under `diagnosis:`; null removes a ceiling. */
export const budgetSection = z.object({
  dailyBudgetUsd: usd.nullable().default(2),
  monthlyBudgetUsd: usd.nullable().default(30),
});

/** Environment variables of the keys above. */
export const CLAUDE_ENV_KEYS: Readonly<Record<string, string>> = {
  AI_MONITOR_EFFORT: "anthropic.effort",
  AI_MONITOR_DAILY_BUDGET_USD: "diagnosis.dailyBudgetUsd",
  AI_MONITOR_MONTHLY_BUDGET_USD: "diagnosis.monthlyBudgetUsd",
};

export interface ClaudeSettings {
  effort: Effort | null;
  timeoutMs: number;
  maxRetries: number;
  maxOutputTokens: number;
  pricing: Record<string, Rates>;
  limits: PromptLimits;
}

/** Pure: the runtime shape of the parsed `anthropic:` keys. */
export function claudeSettings(s: z.output<typeof claudeSection>): ClaudeSettings {
  return {
    effort: s.effort,
    timeoutMs: s.timeout,
    maxRetries: s.maxRetries,
    maxOutputTokens: s.maxOutputTokens,
    pricing: s.pricing,
    limits: { maxContextChars: s.maxContextChars, maxItemChars: Math.min(s.maxItemChars, s.maxContextChars) },
  };
}

export function budgetLimits(s: z.output<typeof budgetSection>): BudgetLimits {
  return { dailyUsd: s.dailyBudgetUsd, monthlyUsd: s.monthlyBudgetUsd };
}
