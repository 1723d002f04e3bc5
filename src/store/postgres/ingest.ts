/**
 * The ingest transaction of the PostgreSQL store. All fingerprints of the batch are locked first (advisory
 * transaction locks, in one global order), so two replicas ingesting the same fingerprint at the same moment
 * take turns and the second one finds the first one's incident: one incident per window, however many
 * replicas receive the alert. The window decisions are the SQLite store's: the shared `BatchWindows`.
 */
import { initialSeverity } from "../../domain/severity.js";
import type { Signal } from "../../domain/types.js";
import { type BatchCandidate, BatchWindows } from "../batch-windows.js";
import type { IngestOutcome, IngestPolicy } from "../store.js";
import type { IngestPart } from "./group-ingest.js";
import { LOCK_NS, orderedLockKeys } from "./lock-keys.js";
import { type Db, pgText, type Sql } from "./pool.js";
import { SQL } from "./statements.js";
import { saveOffset } from "./transactions.js";

/** How far past a window candidates are fetched (BatchWindows asks within this of each occurrence). */
const SLACK_MS = 60 * 60_000;

/** What the batch needs to decide: the keys not stored before, and each fingerprint's candidates. */
interface Known {
  fresh: Set<string>;
  stored: Map<string, BatchCandidate[]>;
}

/**
 * Remember the batch's idempotency keys (each consumed by its first signal) and fetch the candidates of every
 * fingerprint over a range that covers whatever BatchWindows asks, in one statement.
 */
async function keysAndCandidates(sql: Sql, signals: Signal[], policy: IngestPolicy): Promise<Known> {
  const keys = [...new Set(signals.flatMap((s) => (s.dedupKey ? [s.dedupKey] : [])))];
  const ranges = new Map<string, { fromMs: number; toMs: number }>();
  for (const { fingerprint, timestampMs: t } of signals) {
    const range = ranges.get(fingerprint);
    const fromMs = t - policy.windowMs - SLACK_MS;
    const toMs = t + policy.windowMs + SLACK_MS;
    ranges.set(
      fingerprint,
      range ? { fromMs: Math.min(range.fromMs, fromMs), toMs: Math.max(range.toMs, toMs) } : { fromMs, toMs },
    );
  }
  const names = [...ranges.keys()];
  // Waits for a concurrent transaction inserting the same key, then skips it if that one committed.
  const { rows } = await sql<BatchCandidate & { fingerprint: string; key: string | null }>(
    SQL.keysAndCandidates,
    [keys, policy.now, names, names.map((n) => ranges.get(n)!.fromMs), names.map((n) => ranges.get(n)!.toMs)],
  );
  const fresh = new Set<string>();
  const stored = new Map<string, BatchCandidate[]>(names.map((n) => [n, []]));
  // Candidates in id order: on equal firstSeen the older incident wins (pickWindow).
  for (const row of rows.sort((x, y) => (x.id ?? 0) - (y.id ?? 0))) {
    if (row.key !== null) fresh.add(row.key);
    else stored.get(row.fingerprint)!.push({ id: row.id, firstSeen: row.firstSeen });
  }
  return { fresh, stored };
}

async function insertIncident(sql: Sql, signal: Signal, policy: IngestPolicy, backfill: boolean) {
  const { rows } = await sql<{ incidentId: number; jobId: number | null }>(SQL.insertIncident, [
    signal.fingerprint,
    signal.errorCode ?? null,
    signal.target,
    signal.level,
    initialSeverity(signal.level, signal.severityHint),
    signal.count,
    signal.timestampMs,
    policy.now,
    signal.source,
    signal.message,
    signal.requestId ?? null,
    signal.filename ?? null,
    signal.lineNumber ?? null,
    // Throws on values JSON cannot hold (BigInt, cycles): the whole batch then rolls back.
    JSON.stringify(signal.fields ?? {}),
    signal.url ?? null,
    backfill ? "backfill" : null,
    !backfill,
  ]);
  return rows[0]!;
}

/**
 * The statement sent with BEGIN (one round trip, simple protocol: literals only, and lock keys are int32):
 * it locks every fingerprint of the group, in the one global order, before anything is read.
 */
export function lockStatement(parts: IngestPart[]): string | undefined {
  const names = new Set(parts.flatMap((p) => p.signals.map((s) => pgText(s.fingerprint))));
  if (names.size === 0) return undefined;
  const keys = orderedLockKeys([...names]).map((k) => k | 0);
  return `SELECT pg_advisory_xact_lock(${LOCK_NS.fingerprint}, k) FROM unnest('{${keys.join(",")}}'::int[]) AS k`;
}

/**
 * Store several callers' ingests in one transaction (group commit, see group-ingest.ts): their signals are
 * decided in arrival order as one batch, at the group's latest `now`, and their offsets saved in order.
 * Parts must share windowMs and maxAgeMs. Returns each part's outcomes.
 */
export function ingestGroup(db: Db, parts: IngestPart[], host: string): Promise<IngestOutcome[][]> {
  return db.tx((sql) => ingestGroupTx(sql, parts, host), { begin: lockStatement(parts) });
}

/** The group's work, inside the transaction `ingestGroup` began with the fingerprint locks held. */
async function ingestGroupTx(sql: Sql, parts: IngestPart[], host: string): Promise<IngestOutcome[][]> {
  const [first] = parts;
  if (!first) return [];
  const now = Math.max(...parts.map((p) => p.policy.now));
  const all = await dedupTx(
    sql,
    parts.flatMap((p) => p.signals),
    { ...first.policy, now },
  );
  let at = 0;
  const outcomes = parts.map((p) => {
    at += p.signals.length;
    return all.slice(at - p.signals.length, at);
  });
  for (const { offset } of parts) if (offset) await saveOffset(sql, host, offset);
  return outcomes;
}

/** Dedup every signal into its window (incidents, jobs, repeats), in the caller's transaction. */
async function dedupTx(sql: Sql, batch: Signal[], policy: IngestPolicy): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  if (batch.length > 0) {
    // Fingerprints key maps below and come back from the database: compare them as stored.
    const signals = batch.map((s) =>
      s.fingerprint.includes("\0") ? { ...s, fingerprint: pgText(s.fingerprint) } : s,
    );
    // The fingerprints are locked already (lockStatement, sent with BEGIN): this snapshot sees every
    // incident committed before, by any replica.
    const { fresh, stored } = await keysAndCandidates(sql, signals, policy);
    const windows = new BatchWindows(
      (fp, fromMs, toMs) =>
        (stored.get(fp) ?? [])
          .filter((c) => c.firstSeen > fromMs && c.firstSeen < toMs)
          .map((c) => ({ ...c })),
      policy.windowMs,
      SLACK_MS,
    );
    for (const signal of signals) {
      if (signal.dedupKey && !fresh.delete(signal.dedupKey)) {
        outcomes.push({ kind: "resent" });
        continue;
      }
      const t = signal.timestampMs;
      const found = windows.find(signal.fingerprint, t);
      if (found) {
        windows.bump(found, t, signal.count);
        outcomes.push({ kind: "duplicate", incidentId: String(found.id) });
        continue;
      }
      const backfill = policy.now - t > policy.maxAgeMs;
      const row = await insertIncident(sql, signal, policy, backfill);
      windows.created(signal.fingerprint, row.incidentId, t);
      stored.get(signal.fingerprint)!.push({ id: row.incidentId, firstSeen: t });
      const incidentId = String(row.incidentId);
      outcomes.push(
        backfill ? { kind: "backfill", incidentId } : { kind: "new", incidentId, jobId: String(row.jobId) },
      );
    }
    const bumps = windows.bumps();
    if (bumps.length > 0) {
      const { rows } = await sql<{ id: string }>(SQL.bumpIncidents, [
        bumps.map((b) => b.id),
        bumps.map((b) => b.count),
        bumps.map((b) => b.minT),
        bumps.map((b) => b.maxT),
      ]);
      // Touching jobs and deliveries only when something reopened keeps the common path to one statement.
      if (rows.length > 0) await sql(SQL.reopenIncidents, [rows.map((r) => r.id), policy.now]);
    }
  }
  return outcomes;
}
