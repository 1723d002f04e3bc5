/**
 * Quiet-period resolution (`dedup.resolveAfter`): an open incident whose error had no occurrence for that long
 * resolves by itself, announced exactly as an Alertmanager resolution is (the store queues the same "resolved"
 * job). File-tailed errors have no resolved notification of their own: without this they would stay open forever.
 * A recurrence reopens the incident as it does after any resolution. Safe with replicas: the store decides each
 * incident once.
 */
import type { Logger } from "../log.js";
import type { Store } from "../store/store.js";

/** Incidents resolved per store call (a long quiet after a storm resolves in several calls). */
const BATCH = 500;

/** The running sweep. */
export interface QuietSweep {
  /** One sweep now; returns how many incidents it resolved. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): void;
}

/** Pure: how often to sweep for a quiet period: a tenth of it, between 1 s and 1 min. */
export function sweepIntervalMs(quietMs: number): number {
  return Math.min(60_000, Math.max(1000, Math.floor(quietMs / 10)));
}

/** Create the sweep; `quietMs` is `dedup.resolveAfter` (never null here: null means no sweep at all). */
export function createQuietSweep(deps: {
  store: Store;
  quietMs: number;
  now: () => number;
  log: Logger;
  /** Nudge the worker after resolutions were queued. */
  wake: () => void;
}): QuietSweep {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = deps.now();
      const ids = await deps.store.resolveQuiet(now - deps.quietMs, now, BATCH);
      total += ids.length;
      if (ids.length < BATCH) break;
    }
    if (total > 0) {
      deps.log.info(
        { resolved: total, quietMs: deps.quietMs },
        "incidents resolved after their quiet period",
      );
      deps.wake();
    }
    return total;
  }

  const runOnce = () => {
    running ??= sweep().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    runOnce,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        runOnce().catch((err) => deps.log.error({ err }, "quiet-period sweep failed"));
      }, sweepIntervalMs(deps.quietMs));
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
