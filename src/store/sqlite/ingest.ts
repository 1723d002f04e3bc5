/**
 * Ingest and resolve on SQLite: each batch in one BEGIN IMMEDIATE transaction, so two processes on the same
 * file never both open an incident for one fingerprint and window. The decisions are the shared ingest plan;
 * this file reads what the plan needs and executes it.
 */
import type Database from "better-sqlite3";
import type { Signal } from "../../domain/types.js";
import {
  batchKeys,
  candidateRanges,
  type InsertedIncident,
  newIncidentRow,
  type PlannedInsert,
  planIngest,
  settlePlan,
} from "../ingest-plan.js";
import { dedupKeysBefore } from "../prune.js";
import type { FileOffset, IngestOutcome, IngestPolicy } from "../store.js";
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

  const insert = (planned: PlannedInsert, now: number): InsertedIncident => {
    const incidentId = Number(s.insertIncident.run(newIncidentRow(planned, now)).lastInsertRowid);
    if (planned.backfill) return { incidentId, jobId: null };
    return { incidentId, jobId: Number(s.insertJob.run(incidentId, "incident", now, now).lastInsertRowid) };
  };

  return {
    ingest: db.transaction(
      (signals: Signal[], policy: IngestPolicy, offset?: FileOffset): IngestOutcome[] => {
        if (pruneDue("dedup_keys", policy.now)) s.pruneKeys.run(dedupKeysBefore(policy.now));
        const freshKeys = new Set(batchKeys(signals).filter((key) => !s.findKey.get(key)));
        for (const key of freshKeys) s.addKey.run(key, policy.now);
        const candidates = new Map(
          candidateRanges(signals, policy).map((r) => [
            r.fingerprint,
            s.candidates.all(r.fingerprint, r.fromMs, r.toMs),
          ]),
        );
        const plan = planIngest(signals, policy, { freshKeys, candidates });
        const { bumps, outcomes } = settlePlan(
          plan,
          plan.inserts.map((ins) => insert(ins, policy.now)),
        );
        const reopened =
          bumps.length === 0 ? [] : s.resolvedAmong.all(JSON.stringify(bumps.map((b) => b.id)));
        for (const bump of bumps) {
          s.bumpIncident.run({ count: bump.count, minT: bump.minT, maxT: bump.maxT, id: bump.id });
        }
        for (const { id } of reopened) reopen(id, policy.now);
        if (offset) s.upsertOffset.run({ ...offset });
        return outcomes;
      },
    ).immediate,

    resolve: db.transaction((fingerprint: string, resolvedAt: number, now: number): string | null => {
      // Same rule as PostgreSQL's resolveTx: a repeated resolution must not close older open incidents too.
      const target = s.toResolve.get({ fingerprint, resolvedAt });
      if (target?.status !== "open") return null;
      s.markResolved.run(resolvedAt, target.id);
      return String(s.insertJob.run(target.id, "resolved", now, now).lastInsertRowid);
    }).immediate,
  };
}
