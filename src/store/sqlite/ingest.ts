/**
 * Ingest and resolve on SQLite: each batch in one BEGIN IMMEDIATE transaction, so two processes on the same
 * file never both open an incident for one fingerprint and window. The decisions are the shared ingest plan;
 * this file reads what the plan needs and executes it.
 */
import type Database from "better-sqlite3";
import type { Signal } from "../../domain/types.js";
import type { IngestPart } from "../group-commit.js";
import * as plan from "../ingest-plan.js";
import { dedupKeysBefore } from "../prune.js";
import type { IngestOutcome } from "../store.js";
import type { prepareStatements } from "./statements.js";

/** The ingest and resolve operations over the store's prepared statements. */
export function bindIngestOperations(
  db: Database.Database,
  s: ReturnType<typeof prepareStatements>,
  pruneDue: (kind: string, now: number) => boolean,
) {
  /**
   * A repeat inside its window reopened a resolved incident: sinks must show it open again (an "update" job
   * re-renders their messages), a resolution still queued no longer holds, and the next one must be
   * announced anew, so the records of the previous announcement go.
   */
  const reopen = (id: number, now: number) => {
    s.dropResolvedJobs.run(id);
    s.dropResolvedDeliveries.run(id);
    s.insertJob.run(id, "update", now, now);
  };

  const insert = (planned: plan.PlannedInsert): plan.InsertedIncident => {
    const { now } = planned;
    const incidentId = Number(s.insertIncident.run(plan.newIncidentRow(planned)).lastInsertRowid);
    if (planned.backfill) return { incidentId, jobId: null };
    return { incidentId, jobId: Number(s.insertJob.run(incidentId, "incident", now, now).lastInsertRowid) };
  };

  /** Store each part's keys at its own time; the group's signals in order, with each one's time and part. */
  const gather = (parts: IngestPart[]) => {
    const freshKeys = new Set<string>();
    const signals: Signal[] = [];
    const nows: number[] = [];
    const partOf: number[] = [];
    for (const [k, part] of parts.entries()) {
      for (const key of plan.batchKeys(part.signals))
        if (s.addKey.run(key, part.policy.now).changes === 1) freshKeys.add(key);
      for (const signal of part.signals) {
        signals.push(signal);
        nows.push(part.policy.now);
        partOf.push(k);
      }
    }
    return { freshKeys, signals, nows, partOf };
  };

  /**
   * Part by part, the inserts of each and then its reopen jobs (a resolved incident is reopened by the first part
   * that repeats it): job ids and times come out as if the parts had run one after another.
   */
  const insertInTurn = (
    parts: IngestPart[],
    decided: plan.IngestPlan,
    partOf: number[],
    resolved: ReadonlySet<number>,
  ): plan.InsertedIncident[] => {
    const insertPart: number[] = [];
    const reopenIn = new Map<number, number>();
    for (const [i, o] of decided.outcomes.entries()) {
      if (o.kind === "new" || o.kind === "backfill") insertPart[o.insert] = partOf[i]!;
      else if (o.kind === "duplicate" && "id" in o.incident && resolved.has(o.incident.id))
        if (!reopenIn.has(o.incident.id)) reopenIn.set(o.incident.id, partOf[i]!);
    }
    // Inserts come in signal order, so in part order: one pass takes each part's share.
    const inserted: plan.InsertedIncident[] = [];
    const reopening = [...reopenIn].sort(([a], [b]) => a - b);
    for (const [k, part] of parts.entries()) {
      while (inserted.length < decided.inserts.length && insertPart[inserted.length] === k)
        inserted.push(insert(decided.inserts[inserted.length]!));
      for (const [id, first] of reopening) if (first === k) reopen(id, part.policy.now);
    }
    return inserted;
  };

  /**
   * The parts of a group planned as one batch: the plan decides each signal in order with what the earlier ones
   * did, exactly as the parts run one after another would, while the group reads its candidates once and updates
   * each touched incident once (a storm's group touches each of its incidents many times).
   */
  const ingestGroup = (parts: IngestPart[]): IngestOutcome[][] => {
    const policy = parts[0]?.policy;
    if (!policy) return [];
    if (pruneDue("dedup_keys", policy.now)) s.pruneKeys.run(dedupKeysBefore(policy.now));
    const { freshKeys, signals, nows, partOf } = gather(parts);
    const ranges = plan.candidateRanges(signals, policy);
    const candidates = new Map<string, plan.Candidate[]>(ranges.map((r) => [r.fingerprint, []]));
    const rows = s.candidatesIn.all(JSON.stringify(ranges.map((r) => [r.fingerprint, r.fromMs, r.toMs])));
    for (const { fingerprint, id, firstSeen } of rows) candidates.get(fingerprint)?.push({ id, firstSeen });
    const decided = plan.planIngest(signals, policy, { freshKeys, candidates }, nows);
    const stored = decided.bumps.flatMap((b) => ("id" in b.incident ? [b.incident.id] : []));
    const resolved = new Set(
      stored.length === 0 ? [] : s.resolvedAmong.all(JSON.stringify(stored)).map((r) => r.id),
    );
    const { bumps, outcomes } = plan.settlePlan(decided, insertInTurn(parts, decided, partOf, resolved));
    // Most repeats only add to count and last_seen: those rows skip the first_seen and status indexes.
    const full = bumps.filter((b) => b.earlier || resolved.has(b.id));
    const counts = full.length === 0 ? bumps : bumps.filter((b) => !b.earlier && !resolved.has(b.id));
    if (counts.length > 0) s.bumpCounts.run(JSON.stringify(counts.map((b) => [b.id, b.count, b.maxT])));
    if (full.length > 0)
      s.bumpIncidents.run(JSON.stringify(full.map((b) => [b.id, b.count, b.minT, b.maxT])));
    for (const part of parts) if (part.offset) s.upsertOffset.run({ ...part.offset });
    const split: IngestOutcome[][] = [];
    let at = 0;
    for (const part of parts) {
      split.push(outcomes.slice(at, at + part.signals.length));
      at += part.signals.length;
    }
    return split;
  };

  return {
    /** Several callers' ingests in one transaction and one commit (group commit), each as if run alone. */
    ingestGroup: db.transaction(ingestGroup).immediate,

    resolve: db.transaction((fingerprint: string, resolvedAt: number, now: number): string | null => {
      // Same rule as PostgreSQL's resolveTx: a repeated resolution must not close older open incidents too.
      const target = s.toResolve.get({ fingerprint, resolvedAt });
      if (target?.status !== "open") return null;
      s.markResolved.run(resolvedAt, target.id);
      return String(s.insertJob.run(target.id, "resolved", now, now).lastInsertRowid);
    }).immediate,
  };
}
