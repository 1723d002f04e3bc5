/**
 * What `config check`, `serve` and `demo` say about the diagnoser. Kept apart from the wiring so printing a
 * summary does not load the Anthropic SDK.
 */
import type { Config } from "../config/schema.js";
import { worstCaseCallUsd } from "./budget-reservation.js";
import { modelWarnings } from "./claude-models.js";
import { priceOf } from "./pricing.js";
import { estimateTokens, SYSTEM_PROMPT } from "./prompt.js";

/** Lines for `config check`: which diagnoser runs, and the model's warnings (deprecation, price, caching). */
export function claudeConfigWarnings(config: Config): string[] {
  if (!config.anthropic.apiKey) return [];
  const settings = config.claude;
  return [
    ...modelWarnings(config.anthropic.model, {
      pricing: settings.pricing,
      systemPromptTokens: estimateTokens(SYSTEM_PROMPT),
    }),
    ...budgetWarnings(config),
  ];
}

/**
 * A call is made only when its worst case fits the budget (reserved before the call), so a ceiling below the
 * worst case of the smallest prompt would silently turn Claude off: say so.
 */
function budgetWarnings(config: Config): string[] {
  const settings = config.claude;
  const floor = worstCaseCallUsd({
    userPrompt: "",
    maxOutputTokens: settings.maxOutputTokens,
    price: priceOf(config.anthropic.model, settings.pricing).price,
  });
  const limits = config.budget;
  const ceilings = [
    ["diagnosis.dailyBudgetUsd", limits.dailyUsd],
    ["diagnosis.monthlyBudgetUsd", limits.monthlyUsd],
  ] as const;
  return ceilings
    .filter(([, limit]) => limit !== null && limit < floor)
    .map(
      ([key, limit]) =>
        `${key} is $${limit?.toFixed(2)}, below one call's worst case with ${config.anthropic.model} ` +
        `($${floor.toFixed(3)}: the system prompt plus ${settings.maxOutputTokens} output tokens): no Claude call will be made`,
    );
}

/** One line saying which diagnoser the configuration selects (for `config check` and the start-up log). */
export function diagnoserSummary(config: Config): string {
  if (!config.anthropic.apiKey)
    return "diagnosis: offline catalog (set ANTHROPIC_API_KEY for Claude diagnoses)";
  const s = config.claude;
  const b = config.budget;
  const ceiling = (n: number | null) => (n === null ? "none" : `$${n.toFixed(2)}`);
  return (
    `diagnosis: ${config.anthropic.model} (effort ${s.effort ?? "model default"}, timeout ${s.timeoutMs} ms, ` +
    `${s.maxRetries} retries; budget ${ceiling(b.dailyUsd)}/day, ${ceiling(b.monthlyUsd)}/month, ` +
    `${config.diagnosis.ratePerHour}/hour)`
  );
}
