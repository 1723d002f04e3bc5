/**
 * Group commit, shared by both stores. Every ingest is one durable transaction whose fixed cost (a WAL flush,
 * on PostgreSQL also the round trips) dwarfs its rows under a webhook storm. Ingests that arrive while a group
 * is being stored queue up and are stored together in the next one, so the fixed cost is paid once per group.
 * Each caller still resolves only after the group holding its signals has committed (durable before 2xx),
 * and gets its own outcomes, as if the group's members had run one after another.
 */
import type { Signal } from "../domain/types.js";
import type { FileOffset, IngestOutcome, IngestPolicy } from "./store.js";

/** One caller's ingest, as the store received it. */
export interface IngestPart {
  signals: Signal[];
  policy: IngestPolicy;
  offset?: FileOffset;
}

/** Store several parts in one transaction; one outcome list per part, in order. */
export type RunGroup = (parts: IngestPart[]) => Promise<IngestOutcome[][]> | IngestOutcome[][];

/** How a backend groups. */
export interface GroupCommitOptions {
  /** Most signals in one group (the oldest part always goes, whatever its size); keeps transactions short. */
  maxSignals?: number;
  /** A failure that says nothing about the data (connection lost, commit outcome unknown): no one-by-one retry. */
  sharedFailure?: (err: unknown) => boolean;
  /**
   * Wait before storing a group. An asynchronous backend needs none (ingests arrive while its group is in
   * flight); a synchronous one (better-sqlite3) blocks the event loop while it stores, so it waits one turn
   * for the requests already read from their sockets to join.
   */
  defer?: () => Promise<void>;
  /**
   * Make a committed group durable (SQLite: flush the WAL off the main thread); the group's callers are answered
   * once it resolves, or get its error. The next group is stored after it settles: the ingests that arrive while
   * the disk flushes join that one group, so a storm pays each group's fixed cost (candidate reads, one update per
   * touched incident, COMMIT's page writes) about half as often as when the next group went in at once. Its
   * callers were answered only after the next flush before as well; they now also wait out their own group's store
   * (under a millisecond), and a flush that never ends holds every later group, as it held their answers.
   */
  durable?: () => Promise<void>;
}

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

/**
 * Build the grouping front of `run`. At most one group transaction is in flight per store; everything that
 * arrives meanwhile joins the next group. When a group fails on its data (a value the database refuses), its
 * members are stored again one by one, so only the offending caller sees the error.
 */
export function createGroupCommit(run: RunGroup, options: GroupCommitOptions = {}) {
  const maxSignals = options.maxSignals ?? 500;
  const sharedFailure = options.sharedFailure ?? (() => false);
  const queue: Waiting[] = [];
  let running = false;

  const durable = options.durable;
  // The durability of the last group stored: the next group waits for it (settled either way).
  let flushed: Promise<void> = Promise.resolve();
  const answer = (group: Waiting[], results: IngestOutcome[][]) => {
    const resolveAll = () => {
      for (const [i, w] of group.entries()) w.resolve(results[i]!);
    };
    if (!durable) return resolveAll();
    flushed = durable().then(resolveAll, (err) => {
      for (const w of group) w.reject(err);
    });
  };

  const settle = async (group: Waiting[]) => {
    try {
      answer(group, await run(group.map((w) => w.part)));
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
          .then((r) => answer([w], r), w.reject);
      }
    }
  };

  const drain = async () => {
    running = true;
    try {
      while (queue.length > 0) {
        // Without a durable step nothing is awaited here: an asynchronous backend takes its first group at once.
        if (durable) await flushed;
        if (options.defer) await options.defer();
        await settle(takeGroup(queue, maxSignals));
      }
    } finally {
      running = false;
    }
  };

  let draining: Promise<void> = Promise.resolve();
  const ingest = (signals: Signal[], policy: IngestPolicy, offset?: FileOffset): Promise<IngestOutcome[]> =>
    new Promise((resolve, reject) => {
      queue.push({ part: { signals, policy, offset }, resolve, reject });
      if (!running) draining = drain();
    });
  /**
   * Resolves once every ingest queued so far has been stored (or refused): closing the store waits for it, as an
   * ingest queued behind a flush would otherwise find the database closed.
   */
  const idle = async (): Promise<void> => {
    while (running) await draining;
  };
  return Object.assign(ingest, { idle });
}
