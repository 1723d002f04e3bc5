/**
 * Ingest and resolve on SQLite: the dedup-window decisions, each batch in one BEGIN IMMEDIATE transaction so
 * two processes on the same file never both open an incident for one fingerprint and window.
 */
import type Database from "better-sqlite3";
import { initialSeverity } from "../../domain/severity.js";
import type { Signal } from "../../domain/types.js";
import { BatchWindows } from "../batch-windows.js";
import type { IngestPart } from "../group-commit.js";
import type { FileOffset, IngestOutcome, IngestPolicy } from "../store.js";
import type { prepareStatements } from "./statements.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Pruning is housekeeping: at most once a minute (of the caller's clock). */
const PRUNE_EVERY_MS = 60_000;

/** The ingest and resolve operations over the store's prepared statements. */
export function bindIngestOperations(db: Database.Database, s: ReturnType<typeof prepareStatements>) {
  let keysPrunedAt = Number.NEGATIVE_INFINITY;

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

  const ingestOne = (signal: Signal, policy: IngestPolicy, windows: BatchWindows): IngestOutcome => {
    if (signal.dedupKey) {
      if (s.findKey.get(signal.dedupKey)) return { kind: "resent" };
      s.addKey.run(signal.dedupKey, policy.now);
    }
    const t = signal.timestampMs;
    const found = windows.find(signal.fingerprint, t);
    if (found) {
      windows.bump(found, t, signal.count);
      return { kind: "duplicate", incidentId: String(found.id) };
    }
    const backfill = policy.now - t > policy.maxAgeMs;
    const { lastInsertRowid } = s.insertIncident.run({
      fingerprint: signal.fingerprint,
      errorCode: signal.errorCode ?? null,
      target: signal.target,
      level: signal.level,
      severity: initialSeverity(signal.level, signal.severityHint),
      count: signal.count,
      t,
      now: policy.now,
      source: signal.source,
      message: signal.message,
      requestId: signal.requestId ?? null,
      filename: signal.filename ?? null,
      lineNumber: signal.lineNumber ?? null,
      // Throws on values JSON cannot hold (BigInt, cycles): the whole batch then rolls back.
      fields: JSON.stringify(signal.fields ?? {}),
      url: signal.url ?? null,
      suppressed: backfill ? "backfill" : null,
    });
    const incidentId = String(lastInsertRowid);
    windows.created(signal.fingerprint, Number(lastInsertRowid), t);
    if (backfill) return { kind: "backfill", incidentId };
    const job = s.insertJob.run(lastInsertRowid, "incident", policy.now, policy.now);
    return { kind: "new", incidentId, jobId: String(job.lastInsertRowid) };
  };

  const ingestPart = (signals: Signal[], policy: IngestPolicy, offset?: FileOffset): IngestOutcome[] => {
    if (policy.now - keysPrunedAt >= PRUNE_EVERY_MS) {
      s.pruneKeys.run(policy.now - DAY_MS);
      keysPrunedAt = policy.now;
    }
    const windows = new BatchWindows((fp, from, to) => s.candidates.all(fp, from, to), policy.windowMs);
    const outcomes = signals.map((signal) => ingestOne(signal, policy, windows));
    const bumps = windows.bumps();
    const reopened = bumps.length === 0 ? [] : s.resolvedAmong.all(JSON.stringify(bumps.map((b) => b.id)));
    for (const bump of bumps) {
      s.bumpIncident.run({ count: bump.count, minT: bump.minT, maxT: bump.maxT, id: bump.id });
    }
    for (const { id } of reopened) reopen(id, policy.now);
    if (offset) s.upsertOffset.run({ ...offset });
    return outcomes;
  };

  return {
    /** Several callers' ingests in one transaction and one commit (group commit), each as if run alone. */
    ingestGroup: db.transaction((parts: IngestPart[]) =>
      parts.map((part) => ingestPart(part.signals, part.policy, part.offset)),
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
