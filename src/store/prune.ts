/** How long the stores keep idempotency rows, and how often they prune them: one rule for both backends. */

const DAY_MS = 24 * 60 * 60 * 1000;
/** Pruning is housekeeping: at most once a minute (of the caller's clock) per kind of row. */
const PRUNE_EVERY_MS = 60_000;

/** Webhook dedup keys older than this are forgotten (a resend arrives within minutes, not days). */
export const dedupKeysBefore = (now: number): number => now - DAY_MS;

/** Keep a day at least: a token key must stay answered the same way while it can still be retried. */
export const tokensBefore = (now: number, windowMs: number): number => now - Math.max(windowMs, DAY_MS);

/** A cadence per kind of row: `due(kind, now)` is true at most once per PRUNE_EVERY_MS for each kind. */
export function pruneCadence(): (kind: string, now: number) => boolean {
  const prunedAt = new Map<string, number>();
  return (kind, now) => {
    if (now - (prunedAt.get(kind) ?? Number.NEGATIVE_INFINITY) < PRUNE_EVERY_MS) return false;
    prunedAt.set(kind, now);
    return true;
  };
}
