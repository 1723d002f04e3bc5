/**
 * Group commit for the PostgreSQL ingest. Every ingest is one transaction of several round trips and a
 * COMMIT that waits for the WAL flush; under a webhook storm that fixed cost, not the rows, is what the
 * server and the replica spend their CPU on. Ingests that arrive while a group transaction is in flight
 * queue up and are stored together in the next one, so a busy replica pays the round trips and the flush
 * once per group. Each caller still resolves only after the group that holds its signals has committed
 * (durable before 2xx), and gets its own outcomes, as if the group's members had run one after another.
 */
import type { Signal } from "../../domain/types.js";
import type { FileOffset, IngestOutcome, IngestPolicy } from "../store.js";
import { CommitOutcomeUnknownError, isConnectionLost } from "./errors.js";

/** One caller's ingest, as the store received it. */
export interface IngestPart {
  signals: Signal[];
  policy: IngestPolicy;
  offset?: FileOffset;
}

/** Store several parts in one transaction; one outcome list per part, in order. */
export type RunGroup = (parts: IngestPart[]) => Promise<IngestOutcome[][]>;

interface Waiting {
  part: IngestPart;
  resolve: (outcomes: IngestOutcome[]) => void;
  reject: (err: unknown) => void;
}

/** Pure: whether two parts can share a transaction (the same window rules; `now` may differ). */
export const sameRules = (a: IngestPolicy, b: IngestPolicy): boolean =>
  a.windowMs === b.windowMs && a.maxAgeMs === b.maxAgeMs;

/**
 * Pure: take the next group off the front of `queue` (mutated): the oldest part and every later one with
 * the same rules, while the group stays within `maxSignals` (the oldest part always goes, whatever its size).
 */
export function takeGroup<T extends { part: IngestPart }>(queue: T[], maxSignals: number): T[] {
  const first = queue.shift();
  if (!first) return [];
  const group = [first];
  let size = first.part.signals.length;
  for (let i = 0; i < queue.length; ) {
    const next = queue[i]!;
    const n = next.part.signals.length;
    if (sameRules(next.part.policy, first.part.policy) && size + n <= maxSignals) {
      group.push(next);
      size += n;
      queue.splice(i, 1);
    } else {
      i++;
    }
  }
  return group;
}

/** A failure that says nothing about the data: the database went away, or a COMMIT's answer was lost. */
const sharedFailure = (err: unknown) => err instanceof CommitOutcomeUnknownError || isConnectionLost(err);

/**
 * Build the grouping front of `run`. At most one group transaction is in flight per process; everything
 * that arrives meanwhile joins the next group. A group bounded by `maxSignals` keeps transactions (and the
 * advisory locks they hold) short. When a group fails on its data (a value PostgreSQL refuses), its members
 * are stored again one by one, so only the offending caller sees the error.
 */
export function createGroupIngest(run: RunGroup, maxSignals = 500) {
  const queue: Waiting[] = [];
  let running = false;

  const settle = async (group: Waiting[]) => {
    try {
      const results = await run(group.map((w) => w.part));
      for (const [i, w] of group.entries()) w.resolve(results[i]!);
    } catch (err) {
      if (group.length === 1 || sharedFailure(err)) {
        for (const w of group) w.reject(err);
        return;
      }
      // Rolled back as a whole: nothing of the group is stored, so each member alone is a clean retry.
      // Through a promise even if `run` throws synchronously (a closed store): every member gets its answer.
      for (const w of group) {
        await Promise.resolve()
          .then(() => run([w.part]))
          .then((r) => w.resolve(r[0]!), w.reject);
      }
    }
  };

  const drain = async () => {
    running = true;
    try {
      while (queue.length > 0) await settle(takeGroup(queue, maxSignals));
    } finally {
      running = false;
    }
  };

  return (signals: Signal[], policy: IngestPolicy, offset?: FileOffset): Promise<IngestOutcome[]> =>
    new Promise((resolve, reject) => {
      queue.push({ part: { signals, policy, offset }, resolve, reject });
      if (!running) void drain();
    });
}
