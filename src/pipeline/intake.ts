/**
 * Intake: the single door every source uses. Stores signals durably (dedup + job in one transaction),
 * counts them, and wakes the worker so a new incident is processed without waiting for the next poll.
 */
import { isSaneTimeMs } from "../domain/timestamp.js";
import type { Signal } from "../domain/types.js";
import type { Metrics } from "../metrics.js";
import type { FileOffset, IncidentStore, IngestOutcome } from "../store/store.js";

/** Windows of the dedup policy, in milliseconds. */
export interface DedupPolicy {
  windowMs: number;
  maxAgeMs: number;
}

/** What sources call. Resolves only once everything is durable. */
export interface Intake {
  ingest(signals: Signal[], offset?: FileOffset): Promise<IngestOutcome[]>;
  resolve(fingerprint: string, resolvedAt: number): Promise<string | null>;
}

/** Build the intake over a store; `wake` nudges the worker after new jobs. */
export function createIntake(deps: {
  store: IncidentStore;
  policy: DedupPolicy;
  metrics: Metrics;
  now: () => number;
  wake: () => void;
}): Intake {
  const { store, policy, metrics, now, wake } = deps;
  return {
    async ingest(given, offset) {
      if (given.length === 0 && !offset) return [];
      const at = now();
      // A clock that says 1970, year 57892 or tomorrow-week cannot date an incident: the receive time does.
      const signals = given.map((s) => {
        if (isSaneTimeMs(s.timestampMs, at)) return s;
        metrics.timestampsReplaced.inc({ source: s.source });
        return { ...s, timestampMs: at };
      });
      // An alert is live by definition (Alertmanager only notifies while it fires), even when it started
      // long ago: only lines found late in files can be a backfill.
      const live = signals.every((s) => s.source !== "file");
      const maxAgeMs = live ? Number.POSITIVE_INFINITY : policy.maxAgeMs;
      const outcomes = await store.ingest(signals, { ...policy, maxAgeMs, now: at }, offset);
      let fresh = 0;
      outcomes.forEach((outcome, i) => {
        const signal = signals[i]!;
        metrics.signals.inc({ source: signal.source, outcome: outcome.kind });
        if (outcome.kind === "new") {
          fresh++;
          metrics.detectionSeconds.observe(Math.max(0, at - signal.timestampMs) / 1000);
        }
      });
      if (fresh > 0) wake();
      return outcomes;
    },
    async resolve(fingerprint, resolvedAt) {
      const id = await store.resolve(fingerprint, resolvedAt, now());
      if (id) wake();
      return id;
    },
  };
}
