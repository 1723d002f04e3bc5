/**
 * A rate-limit bucket fed by the provider's own answers (Discord's X-RateLimit-* headers and 429 bodies), that
 * every sender waits on before sending, instead of each job sending blind and backing off alone. Most urgent
 * waiter first (then first come). While the limit is unknown (before the first answer), one request at a time.
 * In memory, per process: replicas each learn the shared limit from the headers they see (see README).
 * @see https://discord.com/developers/docs/topics/rate-limits
 */

/** What one answer taught about the limit; null when the request got no answer (network error, timeout). */
export interface RateAnswer {
  /** Requests per window (X-RateLimit-Limit). */
  limit?: number;
  /** Requests left in the current window after this one (X-RateLimit-Remaining). */
  remaining?: number;
  /** Until the window resets, in ms (X-RateLimit-Reset-After). */
  resetAfterMs?: number;
  /** A 429's wait (`retry_after`), in ms: nothing may be sent before it passes. */
  retryAfterMs?: number;
}

/** A granted slot, or how long the caller would have had to wait. */
export type Slot =
  | { ok: true; settle(answer: RateAnswer | null): void }
  | { ok: false; retryAfterMs: number };

/** The bucket of one destination. */
export interface RateBucket {
  /**
   * Wait for a slot; `priority` 0 is served first. A wait longer than `maxWaitMs` is refused at once (the
   * caller's outbox retries later rather than holding a worker). Call `settle` with the answer exactly once.
   */
  acquire(priority: number, maxWaitMs: number): Promise<Slot>;
}

interface Waiter {
  priority: number;
  /** Past this (bucket clock), the waiter is refused and hands the delivery back. */
  deadline: number;
  grant: () => void;
  refuse: (retryAfterMs: number) => void;
}

/** Create a bucket; `now` and `setTimer` come in so tests run it on a fake clock. */
export function createRateBucket(deps: {
  now: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
}): RateBucket {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  let limit: number | null = null;
  let remaining: number | null = null;
  let resetAt = 0;
  let blockedUntil = 0;
  let inFlight = 0;
  let timerAt: number | null = null;
  const queue: Waiter[] = [];

  /** 0 when a request may go now, else ms to wait (Infinity: until an answer arrives). */
  function waitMs(at: number): number {
    if (blockedUntil > at) return blockedUntil - at;
    if (resetAt <= at && limit !== null) {
      // A new window: its end is unknown until an answer reports it.
      remaining = Math.max(0, limit - inFlight);
      resetAt = Number.POSITIVE_INFINITY;
    }
    if (remaining === null) return inFlight === 0 ? 0 : Number.POSITIVE_INFINITY;
    if (remaining > 0) return 0;
    if (Number.isFinite(resetAt) && resetAt > at) return resetAt - at;
    return inFlight === 0 ? 0 : Number.POSITIVE_INFINITY;
  }

  /** A lower bound of the wait of a new waiter behind `ahead` others (known waits only). */
  function estimateMs(at: number, ahead: number): number {
    const first = waitMs(at);
    if (!Number.isFinite(first)) return 0;
    if (limit === null || limit === 0 || !Number.isFinite(resetAt) || resetAt <= at) return first;
    const windows = Math.floor(Math.max(0, ahead - (remaining ?? 0)) / limit);
    return windows === 0 ? first : Math.max(first, (resetAt - at) * windows);
  }

  function pump(): void {
    while (queue.length > 0) {
      const at = deps.now();
      const wait = waitMs(at);
      if (wait === 0) {
        const next = queue.shift()!;
        if (remaining !== null) remaining = Math.max(0, remaining - 1);
        inFlight++;
        next.grant();
        continue;
      }
      if (!Number.isFinite(wait)) return; // An answer in flight will tell; settle() pumps again.
      // Whoever cannot go before their deadline hands the delivery back now rather than hold a worker.
      for (const waiter of queue.filter((w) => w.deadline < at + wait)) {
        queue.splice(queue.indexOf(waiter), 1);
        waiter.refuse(wait);
      }
      if (queue.length > 0 && (timerAt === null || timerAt > at + wait)) {
        timerAt = at + wait;
        // Not unref'd: a one-shot `scan` must stay alive while its last alerts wait for the limit.
        setTimer(() => {
          timerAt = null;
          pump();
        }, wait);
      }
      return;
    }
  }

  function settle(answer: RateAnswer | null): void {
    inFlight = Math.max(0, inFlight - 1);
    const at = deps.now();
    if (answer?.limit !== undefined) limit = answer.limit;
    if (answer?.remaining !== undefined && answer.resetAfterMs !== undefined) {
      // The answer counts this request; the others still in flight will count against what it reports.
      remaining = Math.max(0, answer.remaining - inFlight);
      resetAt = at + answer.resetAfterMs;
    } else if (remaining === null && answer !== null && answer.retryAfterMs === undefined) {
      // Answered without rate-limit headers: nothing to learn, allow the next one.
      remaining = null;
    }
    if (answer?.retryAfterMs !== undefined) {
      blockedUntil = Math.max(blockedUntil, at + answer.retryAfterMs);
      remaining = 0;
      resetAt = Math.max(resetAt, blockedUntil);
    }
    pump();
  }

  return {
    acquire(priority, maxWaitMs) {
      const ahead = queue.filter((w) => w.priority <= priority).length;
      const estimate = estimateMs(deps.now(), ahead);
      if (estimate > maxWaitMs && Number.isFinite(estimate))
        return Promise.resolve({ ok: false, retryAfterMs: Math.ceil(estimate) });
      return new Promise<Slot>((resolve) => {
        let settled = false;
        const slot: Slot = {
          ok: true,
          settle(answer) {
            if (settled) return;
            settled = true;
            settle(answer);
          },
        };
        const waiter: Waiter = {
          priority,
          deadline: deps.now() + maxWaitMs,
          grant: () => resolve(slot),
          refuse: (retryAfterMs) => resolve({ ok: false, retryAfterMs: Math.ceil(retryAfterMs) }),
        };
        const at = queue.findIndex((w) => w.priority > priority);
        queue.splice(at === -1 ? queue.length : at, 0, waiter);
        pump();
      });
    },
  };
}
