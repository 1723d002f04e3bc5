/**
 * The ingest decisions, pure and shared by both backends. Each backend reads what the batch needs inside its
 * transaction (which idempotency keys are new, each fingerprint's incidents near the batch's times), asks
 * `planIngest` what to do, and only executes the answer: insert, bump, reopen, save the offset. So SQLite and
 * PostgreSQL cannot drift apart on resent keys, window choice, backfill or bumps. A busy log repeats the same
 * few fingerprints thousands of times per batch: repeats add up in memory, one UPDATE per touched incident.
 */
import { initialSeverity } from "../domain/severity.js";
import type { Signal } from "../domain/types.js";
import type { IngestOutcome, IngestPolicy } from "./store.js";
import { pickWindow, windowBounds } from "./window.js";

/** An incident that can hold an occurrence: id and the first time seen. */
export interface Candidate {
  id: number;
  firstSeen: number;
}

/** The repeats a batch adds to one incident, applied in one UPDATE per incident instead of one per repeat. */
export interface PendingBump {
  id: number;
  count: number;
  minT: number;
  maxT: number;
  /** Some occurrence is older than the incident's first_seen as read (a backend may update fewer columns when not). */
  earlier: boolean;
}

/** The firstSeen range (both bounds exclusive) of one fingerprint's incidents the plan may need. */
export interface CandidateRange {
  fingerprint: string;
  fromMs: number;
  toMs: number;
}

/** What the backend read for the batch, in its transaction. */
export interface IngestReads {
  /** The batch's idempotency keys that were not stored before (the backend stores them now). */
  freshKeys: ReadonlySet<string>;
  /** Each fingerprint's incidents inside its `candidateRanges` range, in id order. */
  candidates: ReadonlyMap<string, readonly Candidate[]>;
}

/** An incident the plan names: one stored before (`id`), or the plan's insert at index `insert`. */
export type IncidentRef = { id: number } | { insert: number };

/** A new incident to insert; with no backfill, its "incident" job too. */
export interface PlannedInsert {
  signal: Signal;
  backfill: boolean;
  /** When its signal was received (the policy's `now`, or the signal's own in a grouped plan). */
  now: number;
}

/** What one signal became, with incidents named by reference until the inserts have ids. */
export type PlannedOutcome =
  | { kind: "resent" }
  | { kind: "duplicate"; incident: IncidentRef }
  | { kind: "new" | "backfill"; insert: number };

/** Repeats to add to one incident (stored before or inserted by this plan). */
export interface PlannedBump extends Omit<PendingBump, "id"> {
  incident: IncidentRef;
}

/** Everything one batch does, in signal order. */
export interface IngestPlan {
  inserts: PlannedInsert[];
  bumps: PlannedBump[];
  outcomes: PlannedOutcome[];
}

/** The ids the backend got for the plan's inserts, in insert order (`jobId` null for a backfill). */
export interface InsertedIncident {
  incidentId: number;
  jobId: number | null;
}

/** Pure: the distinct idempotency keys of a batch, in first-seen order. */
export function batchKeys(signals: readonly Signal[]): string[] {
  const keys = new Set<string>();
  for (const { dedupKey } of signals) if (dedupKey) keys.add(dedupKey);
  return [...keys];
}

/** Pure: per fingerprint, the one firstSeen range that holds every incident a window of the batch can pick. */
export function candidateRanges(signals: readonly Signal[], policy: IngestPolicy): CandidateRange[] {
  const ranges = new Map<string, CandidateRange>();
  for (const { fingerprint, timestampMs: t } of signals) {
    const { fromMs, toMs } = windowBounds(t, policy.windowMs);
    const range = ranges.get(fingerprint);
    if (!range) ranges.set(fingerprint, { fingerprint, fromMs, toMs });
    else {
      range.fromMs = Math.min(range.fromMs, fromMs);
      range.toMs = Math.max(range.toMs, toMs);
    }
  }
  return [...ranges.values()];
}

// Inside the plan, an incident inserted by it carries the placeholder id -(index + 1): stored ids are >= 1.
const refOf = (id: number): IncidentRef => (id < 0 ? { insert: -id - 1 } : { id });

/**
 * Pure: dedup each signal into its fingerprint's window. A key already stored, or used earlier in the batch,
 * is a resend; a repeat inside a window bumps that incident; otherwise a new incident, suppressed (backfill,
 * no job) when older than maxAge. Incidents created earlier in the batch take later repeats.
 */
export function planIngest(
  signals: readonly Signal[],
  policy: IngestPolicy,
  reads: IngestReads,
  /** Each signal's receive time when they came in several ingests planned as one (default: policy.now). */
  nows?: readonly number[],
): IngestPlan {
  const fresh = new Set(reads.freshKeys);
  // Copies: a repeat may move an incident's firstSeen earlier, and later decisions of the batch must see it.
  const candidates = new Map([...reads.candidates].map(([fp, list]) => [fp, list.map((c) => ({ ...c }))]));
  const pending = new Map<number, PendingBump>();
  // Each bumped incident's firstSeen before this batch moved it.
  const firstSeenBefore = new Map<number, number>();
  const inserts: PlannedInsert[] = [];
  const outcomes: PlannedOutcome[] = [];
  for (const [index, signal] of signals.entries()) {
    if (signal.dedupKey && !fresh.delete(signal.dedupKey)) {
      outcomes.push({ kind: "resent" });
      continue;
    }
    const t = signal.timestampMs;
    const list =
      candidates.get(signal.fingerprint) ?? candidates.set(signal.fingerprint, []).get(signal.fingerprint)!;
    const found = pickWindow(list, t, policy.windowMs);
    if (found) {
      if (!firstSeenBefore.has(found.id)) firstSeenBefore.set(found.id, found.firstSeen);
      const bump = pending.get(found.id) ?? { id: found.id, count: 0, minT: t, maxT: t, earlier: false };
      const minT = Math.min(bump.minT, t);
      pending.set(found.id, {
        id: found.id,
        count: bump.count + signal.count,
        minT,
        maxT: Math.max(bump.maxT, t),
        earlier: minT < firstSeenBefore.get(found.id)!,
      });
      found.firstSeen = Math.min(found.firstSeen, t);
      outcomes.push({ kind: "duplicate", incident: refOf(found.id) });
      continue;
    }
    const now = nows?.[index] ?? policy.now;
    const backfill = now - t > policy.maxAgeMs;
    const placeholder = -inserts.push({ signal, backfill, now });
    list.push({ id: placeholder, firstSeen: t });
    outcomes.push({ kind: backfill ? "backfill" : "new", insert: -placeholder - 1 });
  }
  const bumps = [...pending.values()].map(({ id, ...rest }) => ({ incident: refOf(id), ...rest }));
  return { inserts, bumps, outcomes };
}

/**
 * Pure: the columns of a new incident row, named as SQLite's INSERT names them and in the order PostgreSQL's
 * numbers them ($1..$16), so both backends store the same row.
 */
export function newIncidentRow({ signal, backfill, now }: PlannedInsert) {
  return {
    fingerprint: signal.fingerprint,
    errorCode: signal.errorCode ?? null,
    target: signal.target,
    level: signal.level,
    severity: initialSeverity(signal.level, signal.severityHint),
    count: signal.count,
    t: signal.timestampMs,
    now,
    source: signal.source,
    message: signal.message,
    requestId: signal.requestId ?? null,
    filename: signal.filename ?? null,
    lineNumber: signal.lineNumber ?? null,
    // Throws on values JSON cannot hold (BigInt, cycles): the whole batch then rolls back.
    fields: JSON.stringify(signal.fields ?? {}),
    url: signal.url ?? null,
    suppressed: backfill ? "backfill" : null,
  };
}

/** Pure: the plan's bumps and outcomes with the ids the inserts got. */
export function settlePlan(
  plan: IngestPlan,
  inserted: readonly InsertedIncident[],
): { bumps: PendingBump[]; outcomes: IngestOutcome[] } {
  const idOf = (ref: IncidentRef) => ("id" in ref ? ref.id : inserted[ref.insert]!.incidentId);
  const bumps = plan.bumps.map(({ incident, ...rest }) => ({ id: idOf(incident), ...rest }));
  const outcomes = plan.outcomes.map((o): IngestOutcome => {
    if (o.kind === "resent") return o;
    if (o.kind === "duplicate") return { kind: "duplicate", incidentId: String(idOf(o.incident)) };
    const { incidentId, jobId } = inserted[o.insert]!;
    return o.kind === "backfill"
      ? { kind: "backfill", incidentId: String(incidentId) }
      : { kind: "new", incidentId: String(incidentId), jobId: String(jobId) };
  });
  return { bumps, outcomes };
}
