/**
 * Intake: the single door every source uses. Stores signals durably (dedup + job in one transaction),
 * counts them, and wakes the worker so a new incident is processed without waiting for the next poll.
 */

import { type RedactExtras, redactFields, redactText } from "../domain/redact.js";
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
  /** The deployment's own patterns and field names (config `redact`); built-in rules ran at parse time. */
  redact?: RedactExtras;
}): Intake {
  const { store, policy, metrics, now, wake } = deps;
  const extras = deps.redact;
  const custom = extras && ((extras.patterns?.length ?? 0) > 0 || (extras.fields?.length ?? 0) > 0);
  return {
    async ingest(raw, offset) {
      if (raw.length === 0 && !offset) return [];
      const at = now();
      // A clock that says 1970, year 57892 or tomorrow-week cannot date an incident: the receive time does.
      const redacted = custom ? raw.map((s) => redactSignal(s, extras)) : raw;
      const signals = redacted.map((s) => {
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
      // Counted per label pair, then added once each: a labelled inc costs more than the addition.
      const counted = new Map<
        string,
        { source: Signal["source"]; outcome: IngestOutcome["kind"]; n: number }
      >();
      outcomes.forEach((outcome, i) => {
        const signal = signals[i]!;
        const key = `${signal.source}\n${outcome.kind}`;
        const entry = counted.get(key) ?? { source: signal.source, outcome: outcome.kind, n: 0 };
        entry.n++;
        counted.set(key, entry);
        if (outcome.kind === "new") {
          fresh++;
          metrics.detectionSeconds.observe(Math.max(0, at - signal.timestampMs) / 1000);
        }
      });
      for (const { source, outcome, n } of counted.values()) metrics.signals.inc({ source, outcome }, n);
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

/** Pure: a signal with the deployment's own patterns and field names applied to every text it carries. */
export function redactSignal(signal: Signal, extras: RedactExtras): Signal {
  const text = (s: string) => redactText(s, extras);
  const orNull = (s: string | null) => (s === null ? null : text(s));
  return {
    ...signal,
    fingerprint: text(signal.fingerprint),
    errorCode: orNull(signal.errorCode),
    target: text(signal.target),
    message: text(signal.message),
    requestId: orNull(signal.requestId),
    fields: redactFields(signal.fields, extras),
    ...(signal.url ? { url: text(signal.url) } : {}),
    ...(signal.filename ? { filename: text(signal.filename) } : {}),
  };
}
