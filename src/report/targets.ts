/** The original design's success indicators (section 8) and how each is judged. Pure data and rules. */

/** Where an indicator stands against its target. */
export type IndicatorStatus = "met" | "not met" | "not enough data";

/** The original design's targets: detection < 5 min, accuracy > 70%, Auto-Fix success > 50%, monthly cost < $50. */
export const DESIGN_TARGETS = {
  detectionMs: 5 * 60_000,
  accuracy: 0.7,
  autofixSuccess: 0.5,
  monthlyUsd: 50,
} as const;

/** Pure: status of a figure that must stay below `limit` (null: nothing measured). */
export function below(value: number | null, limit: number): IndicatorStatus {
  if (value === null) return "not enough data";
  return value < limit ? "met" : "not met";
}

/** Pure: status of a figure that must exceed `limit` (null: nothing measured). */
export function above(value: number | null, limit: number): IndicatorStatus {
  if (value === null) return "not enough data";
  return value > limit ? "met" : "not met";
}

/**
 * Pure: the nearest-rank percentile (`p` in 0..100) of `values`, null when empty. Nearest-rank returns a value
 * that was measured, never an interpolation, so "p95 = 4m58s" is a real incident's time.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
