/**
 * The ingest transaction of the PostgreSQL store. All fingerprints of the batch are locked first (advisory
 * transaction locks, in one global order), so two replicas ingesting the same fingerprint at the same moment
 * take turns and the second one finds the first one's incident: one incident per window, however many
 * replicas receive the alert. The window decisions are the SQLite store's: the shared `BatchWindows`.
 */
import { initialSeverity } from "../../domain/severity.js";
import type { Signal } from "../../domain/types.js";
import { type BatchCandidate, BatchWindows } from "../batch-windows.js";
import type { FileOffset, IngestOutcome, IngestPolicy } from "../store.js";
import { LOCK_NS, orderedLockKeys } from "./lock-keys.js";
import { pgText, type Sql } from "./pool.js";
import { SQL } from "./statements.js";
import { saveOffset } from "./transactions.js";

/** How far past a window candidates are fetched (BatchWindows asks within this of each occurrence). */
const SLACK_MS = 60 * 60_000;

/** The idempotency keys of the batch that were not stored before (each consumed by its first signal). */
async function newKeys(sql: Sql, signals: Signal[], now: number): Promise<Set<string>> {
  const keys = signals.flatMap((s) => (s.dedupKey ? [s.dedupKey] : []));
  if (keys.length === 0) return new Set();
  // Waits for a concurrent transaction inserting the same key, then skips it if that one committed.
  const { rows } = await sql<{ key: string }>(SQL.addKeys, [keys, now]);
  return new Set(rows.map((row) => row.key));
}

/** Candidates of every fingerprint of the batch, over a range that covers whatever BatchWindows asks. */
async function prefetch(
  sql: Sql,
  signals: Signal[],
  windowMs: number,
): Promise<Map<string, BatchCandidate[]>> {
  const ranges = new Map<string, { fromMs: number; toMs: number }>();
  for (const { fingerprint, timestampMs: t } of signals) {
    const range = ranges.get(fingerprint);
    const fromMs = t - windowMs - SLACK_MS;
    const toMs = t + windowMs + SLACK_MS;
    ranges.set(
      fingerprint,
      range ? { fromMs: Math.min(range.fromMs, fromMs), toMs: Math.max(range.toMs, toMs) } : { fromMs, toMs },
    );
  }
  const names = [...ranges.keys()];
  const { rows } = await sql<BatchCandidate & { fingerprint: string }>(SQL.candidates, [
    names,
    names.map((n) => ranges.get(n)!.fromMs),
    names.map((n) => ranges.get(n)!.toMs),
  ]);
  const byFingerprint = new Map<string, BatchCandidate[]>(names.map((n) => [n, []]));
  for (const row of rows) byFingerprint.get(row.fingerprint)!.push({ id: row.id, firstSeen: row.firstSeen });
  return byFingerprint;
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

/** Dedup every signal into its window and save the offset, in the caller's transaction. */
export async function ingestTx(
  sql: Sql,
  batch: Signal[],
  policy: IngestPolicy,
  host: string,
  offset?: FileOffset,
): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  if (batch.length > 0) {
    // Fingerprints key maps below and come back from the database: compare them as stored.
    const signals = batch.map((s) =>
      s.fingerprint.includes("\0") ? { ...s, fingerprint: pgText(s.fingerprint) } : s,
    );
    await sql(SQL.lockMany, [LOCK_NS.fingerprint, orderedLockKeys(signals.map((s) => s.fingerprint))]);
    const fresh = await newKeys(sql, signals, policy.now);
    const stored = await prefetch(sql, signals, policy.windowMs);
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
  if (offset) await saveOffset(sql, host, offset);
  return outcomes;
}
