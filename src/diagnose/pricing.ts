/**
 * What a Claude call costs: the published per-million-token rates of known models, and the pure function that
 * turns a call's usage into US dollars. One table, one date: re-check it against the pricing page when a model
 * ships or a price changes, and move PRICING_CHECKED_ON.
 * @see https://platform.claude.com/docs/en/about-claude/pricing
 */

/** The day the table below was last compared with the published prices. */
export const PRICING_CHECKED_ON = "2026-11-26";

/** Per-million-token rates in USD. `cacheWrite` is the 5-minute cache write (the only TTL ai-monitor uses). */
export interface Rates {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** A model's price: its rates, and optionally dearer rates for every token of a request whose prompt is long. */
export interface ModelPrice extends Rates {
  /** Haiku 5.5: a prompt (input + cache reads + cache writes) above `thresholdTokens` bills all tokens at `rates`. */
  longPrompt?: { thresholdTokens: number; rates: Rates };
}

/** Token counts of one call, as the Messages API reports them in `usage` (output includes thinking). */
export interface UsageTokens {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

/**
 * Published rates (input / output / 5-min cache write / cache read), per million tokens.
 * - Sonnet 5.5: cache reads cut from $0.20 to $0.10 on 2026-10-07 (reported by two pricing trackers, and in issue 5).
 * - Haiku 5.5: $0.10 / $0.50 / $0.125 / $0.01 up to 100k prompt tokens, five times that above.
 * - Opus 5.5: $4 / $20 published; cache rates assumed at the usual 1.25x / 0.1x of input (not confirmed).
 * - Sonnet 4.5 and Opus 4.5 are deprecated (end of life 2026-11-30 and 2027-01-22) but still priced, for old configs.
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-sonnet-5-5": { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 },
  "claude-sonnet-5": { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
  "claude-haiku-5-5": {
    input: 0.1,
    output: 0.5,
    cacheWrite: 0.125,
    cacheRead: 0.01,
    longPrompt: {
      thresholdTokens: 100_000,
      rates: { input: 0.5, output: 2.5, cacheWrite: 0.625, cacheRead: 0.05 },
    },
  },
  "claude-haiku-4-5": { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  "claude-opus-5-5": { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.4 },
  "claude-sonnet-4-5": { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  "claude-opus-4-5": { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
};

/**
 * Used for a model with no known price and no override: the highest rate of each kind in the table, so an
 * unknown model over-counts and budgets stop early rather than late. `config check` warns about it.
 */
export const UNKNOWN_MODEL_PRICE: ModelPrice = {
  input: Math.max(...Object.values(MODEL_PRICES).map((p) => p.input)),
  output: Math.max(...Object.values(MODEL_PRICES).map((p) => p.output)),
  cacheWrite: Math.max(...Object.values(MODEL_PRICES).map((p) => p.cacheWrite)),
  cacheRead: Math.max(...Object.values(MODEL_PRICES).map((p) => p.cacheRead)),
};

/** Pure: the table key of a model id: dated snapshots and the `[1m]` suffix price as their base model. */
export function baseModelId(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/\[1m\]$/, "")
    .replace(/-\d{8}$/, "");
}

/** Pure: the price of a model, an override (config `anthropic.pricing`) winning; `known` is false for the fallback. */
export function priceOf(
  model: string,
  overrides: Readonly<Record<string, Rates>> = {},
): { price: ModelPrice; known: boolean } {
  const override = overrides[model] ?? overrides[baseModelId(model)];
  if (override) return { price: override, known: true };
  const listed = MODEL_PRICES[baseModelId(model)];
  return listed ? { price: listed, known: true } : { price: UNKNOWN_MODEL_PRICE, known: false };
}

/** Pure: the rates that apply to one request (the long-prompt tier looks at that request's prompt only). */
export function ratesFor(price: ModelPrice, usage: UsageTokens): Rates {
  const promptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return price.longPrompt && promptTokens > price.longPrompt.thresholdTokens ? price.longPrompt.rates : price;
}

/** Pure: the cost of one call in USD (rounded to a billionth to drop float noise). */
export function costUsd(usage: UsageTokens, price: ModelPrice): number {
  const rates = ratesFor(price, usage);
  const micro =
    usage.inputTokens * rates.input +
    usage.outputTokens * rates.output +
    usage.cacheWriteTokens * rates.cacheWrite +
    usage.cacheReadTokens * rates.cacheRead;
  return Math.round(micro * 1000) / 1e9;
}
