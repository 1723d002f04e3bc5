/**
 * The one rule both backends apply when reserving LLM spend, so SQLite and PostgreSQL decide alike. Pure: the
 * stores gather the sums inside their transaction and ask this.
 */
import type { LlmCeiling } from "./store.js";

/** Pure: a sum of dollars rounded to a billionth, so float noise (0.6 + 0.4) never tips a decision. */
export const roundUsd = (usd: number): number => Math.round(usd * 1e9) / 1e9;

/**
 * Pure: does `estimateUsd` fit every ceiling? Each needs something left (spend plus reservations below the
 * ceiling, so a free estimate is refused once a budget is spent) and room for the whole estimate.
 */
export function fitsCeilings(
  ceilings: readonly LlmCeiling[],
  spentUsd: readonly number[],
  reservedUsd: number,
  estimateUsd: number,
): boolean {
  return ceilings.every((ceiling, i) => {
    const used = roundUsd((spentUsd[i] ?? 0) + reservedUsd);
    return used < ceiling.limitUsd && roundUsd(used + estimateUsd) <= ceiling.limitUsd;
  });
}
