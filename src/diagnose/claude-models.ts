/**
 * What ai-monitor knows about Claude models besides their price: which are deprecated (the SDK's list, so
 * `config check` says what the SDK would warn at the first call) and the minimum prompt length each will cache.
 */
import { baseModelId, priceOf, type Rates } from "./pricing.js";

/** The default model, and the documented cheap choice. */
export const DEFAULT_MODEL = "claude-sonnet-5-5";
export const CHEAP_MODEL = "claude-haiku-5-5";

/**
 * Model -> end-of-life date, as @anthropic-ai/sdk 1.14 warns about them on every `messages.create`. The SDK keeps
 * its list internal, so this is a copy; claude-models.test.ts compares it with the installed SDK's, so an
 * upgrade that changes the list fails the tests instead of drifting.
 */
const DEPRECATED_MODELS: Readonly<Record<string, string>> = {
  "claude-mythos-preview": "June 30th, 2026",
  "claude-opus-4-5": "January 22nd, 2027",
  "claude-opus-4-5-20251101": "January 22nd, 2027",
  "claude-sonnet-4-5": "November 30th, 2026",
  "claude-sonnet-4-5-20250929": "November 30th, 2026",
};

/** Model -> end-of-life date of the deprecated models. */
export function deprecatedModels(): Readonly<Record<string, string>> {
  return DEPRECATED_MODELS;
}

/**
 * Minimum cacheable prompt length (tokens) per model family; shorter prefixes are silently not cached.
 * Opus 5 512, Sonnet 5 / Sonnet 4.x / Opus 4.8 1024, Opus 4.7 2048, Haiku 4.5 / Opus 4.5-4.6 4096 are published.
 * No figure was found for the 5.5 models: Sonnet 5.5 and Opus 5.5 are assumed to match their 5.0 siblings and
 * Haiku 5.5 to match Haiku 4.5 (the conservative guess). Unknown models get 4096.
 * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 */
const MIN_CACHEABLE: ReadonlyArray<readonly [RegExp, number]> = [
  [/^claude-(opus|fable|mythos)-5(-\d+)?$/, 512],
  [/^claude-sonnet-5(-5)?$/, 1024],
  [/^claude-sonnet-4-[56]$/, 1024],
  [/^claude-opus-4-(8|1)$/, 1024],
  [/^claude-opus-4-7$/, 2048],
  [/^claude-haiku-[45]-5$/, 4096],
  [/^claude-opus-4-[56]$/, 4096],
];

/** Pure: the minimum cacheable prompt length of a model, in tokens. */
export function minCacheableTokens(model: string): number {
  const id = baseModelId(model);
  for (const [pattern, tokens] of MIN_CACHEABLE) if (pattern.test(id)) return tokens;
  return 4096;
}

/**
 * Warnings `config check` prints about the configured model: deprecation (the SDK's message), no known price,
 * and a system prompt too short to be cached on that model.
 */
export function modelWarnings(
  model: string,
  options: { pricing?: Readonly<Record<string, Rates>>; systemPromptTokens?: number } = {},
): string[] {
  const warnings: string[] = [];
  const deprecated = deprecatedModels();
  const endOfLife = deprecated[model] ?? deprecated[baseModelId(model)];
  if (endOfLife) {
    warnings.push(
      `model '${model}' is deprecated and will reach end-of-life on ${endOfLife}: switch anthropic.model ` +
        `(AI_MONITOR_MODEL) to ${DEFAULT_MODEL}, or ${CHEAP_MODEL} for the cheapest diagnoses`,
    );
  }
  if (!priceOf(model, options.pricing).known) {
    warnings.push(
      `no price is known for model '${model}': costs are counted at the highest known rates until you set ` +
        `anthropic.pricing.${model} (input, output, cacheWrite, cacheRead in USD per million tokens)`,
    );
  }
  const minimum = minCacheableTokens(model);
  if (options.systemPromptTokens !== undefined && options.systemPromptTokens < minimum) {
    warnings.push(
      `the system prompt (~${options.systemPromptTokens} tokens) is shorter than the ${minimum} tokens ` +
        `'${model}' caches: every call pays full input price for it`,
    );
  }
  return warnings;
}
