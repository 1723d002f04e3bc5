/**
 * The ingest transaction of the PostgreSQL store. All fingerprints of the batch are locked first (advisory
 * transaction locks, in one global order), so two replicas ingesting the same fingerprint at the same moment
 * take turns and the second one finds the first one's incident: one incident per window, however many
 * replicas receive the alert. The decisions are the shared ingest plan (ingest-plan.ts).
 */
import type { Signal } from "../../domain/types.js";
import * as plan from "../ingest-plan.js";
import type { IngestOutcome, IngestPolicy } from "../store.js";
import type { IngestPart } from "./group-ingest.js";
import { LOCK_NS, orderedLockKeys } from "./lock-keys.js";
import { type Db, pgText, type Sql } from "./pool.js";
import { SQL } from "./statements.js";
import { saveOffset } from "./transactions.js";

/**
 * Remember the batch's idempotency keys and fetch every fingerprint's candidates over the plan's ranges, in one
 * statement: what `planIngest` needs.
 */
async function readForPlan(sql: Sql, signals: Signal[], policy: IngestPolicy): Promise<plan.IngestReads> {
  const ranges = plan.candidateRanges(signals, policy);
  const names = ranges.map((r) => r.fingerprint);
  // Waits for a concurrent transaction inserting the same key, then skips it if that one committed.
  const { rows } = await sql<plan.Candidate & { fingerprint: string; key: string | null }>(
    SQL.keysAndCandidates,
    [plan.batchKeys(signals), policy.now, names, ranges.map((r) => r.fromMs), ranges.map((r) => r.toMs)],
  );
  const freshKeys = new Set<string>();
  const candidates = new Map<string, plan.Candidate[]>(names.map((n) => [n, []]));
  // Candidates in id order: on equal firstSeen the older incident wins (pickWindow).
  for (const row of rows.sort((x, y) => (x.id ?? 0) - (y.id ?? 0))) {
    if (row.key !== null) freshKeys.add(row.key);
    else candidates.get(row.fingerprint)!.push({ id: row.id, firstSeen: row.firstSeen });
  }
  return { freshKeys, candidates };
}

async function insertIncident(sql: Sql, planned: plan.PlannedInsert) {
  // $1..$16 in the row's own order; $17: enqueue its "incident" job too.
  const values = [...Object.values(plan.newIncidentRow(planned)), !planned.backfill];
  return (await sql<plan.InsertedIncident>(SQL.insertIncident, values)).rows[0]!;
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
  const signals = parts.flatMap((p) => p.signals);
  const all = await dedupTx(sql, signals, { ...first.policy, now });
  let at = 0;
  const outcomes = parts.map((p) => {
    at += p.signals.length;
    return all.slice(at - p.signals.length, at);
  });
  for (const { offset } of parts) if (offset) await saveOffset(sql, host, offset);
  return outcomes;
}

/** Execute the shared ingest plan for the batch (incidents, jobs, repeats), in the caller's transaction. */
async function dedupTx(sql: Sql, batch: Signal[], policy: IngestPolicy): Promise<IngestOutcome[]> {
  if (batch.length === 0) return [];
  // Fingerprints key maps below and come back from the database: compare them as stored.
  const signals = batch.map((s) =>
    s.fingerprint.includes("\0") ? { ...s, fingerprint: pgText(s.fingerprint) } : s,
  );
  // The fingerprints are locked already (lockStatement, sent with BEGIN): this snapshot sees every
  // incident committed before, by any replica.
  const decided = plan.planIngest(signals, policy, await readForPlan(sql, signals, policy));
  const inserted: plan.InsertedIncident[] = [];
  for (const ins of decided.inserts) inserted.push(await insertIncident(sql, ins));
  const { bumps, outcomes } = plan.settlePlan(decided, inserted);
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
  return outcomes;
}
