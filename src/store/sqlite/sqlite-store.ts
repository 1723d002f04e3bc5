/**
 * The SQLite Store (default backend, one host). better-sqlite3 is synchronous, so each method runs to the
 * end without yielding; every read-modify-write is a BEGIN IMMEDIATE transaction so that two processes on
 * the same file serialise on the write lock instead of both deciding from the same snapshot.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { ContextBundle } from "../../domain/types.js";
import type { FileOffset, JobKind, LlmCall, Store } from "../store.js";
import { bindBudgetOperations } from "./budget.js";
import { createGroupCommit, type GroupCommit, type Grouped, grouped } from "./group-commit.js";
import { bindIncidentActions } from "./incident-actions.js";
import { bindIngestOperations } from "./ingest.js";
import { migrate } from "./migrations.js";
import { bindReportOperations, reportStoreMethods } from "./report-facts.js";
import { parseId, toIncident, toJob, toOffset } from "./rows.js";
import { prepareStatements } from "./statements.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Pruning is housekeeping: at most once a minute (of the caller's clock) per kind of row. */
const PRUNE_EVERY_MS = 60_000;

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /** Database file; its parent directory is created on init. ":memory:" works for throwaway stores. */
  path: string;
  /** How long to wait for another process's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
  /** Commit the operations of one event-loop turn together (default true; false: one commit each, as before). */
  groupCommit?: boolean;
}

/** The synchronous operations over one open database; the Store wraps them in promises. */
function bindOperations(db: Database.Database) {
  const s = prepareStatements(db);
  const tokensPrunedAt = new Map<string, number>();

  const saveOffset = (o: FileOffset) => void s.upsertOffset.run({ ...o });
  const requireIncident = (incidentId: string): number => {
    const id = parseId(incidentId);
    if (id === null || !s.incidentExists.get(id)) throw new Error(`incident not found: ${incidentId}`);
    return id;
  };

  return {
    ping: () => void s.ping.get(),

    ...bindIngestOperations(db, s),
    ...bindBudgetOperations(db),
    ...bindReportOperations(db),
    ...bindIncidentActions(db),

    getOffset: (dev: number, ino: number) => {
      const row = s.getOffset.get(dev, ino);
      return row ? toOffset(row) : null;
    },
    saveOffset,
    hasOffsets: () => s.anyOffset.get() !== undefined,

    claimJobs: db.transaction((owner: string, leaseMs: number, limit: number, now: number) => {
      const due = s.dueJobs.all({ now, limit: Math.max(0, Math.floor(limit)) });
      return due.map(({ id }) => toJob(s.leaseJob.get(owner, now + leaseMs, id)));
    }).immediate,
    extendLease: (jobId: string, owner: string, leaseMs: number, now: number) =>
      s.extendLease.run(now + leaseMs, parseId(jobId), owner).changes === 1,
    completeJob: (jobId: string, owner: string) => void s.completeJob.run(parseId(jobId), owner),
    retryJob: (jobId: string, owner: string, runAt: number, error: string) =>
      void s.retryJob.run(runAt, error, parseId(jobId), owner),
    releaseLeases: (owner: string) => s.releaseLeases.run(owner).changes,
    leaseOwners: () => s.leaseOwners.all().map((row) => row.owner),
    queueStats: (now: number) => {
      const { depth, oldest } = s.queueStats.get()!;
      return { depth, oldestAgeMs: oldest === null ? 0 : Math.max(0, now - oldest) };
    },

    takeToken: db.transaction((bucket: string, key: string, limit: number, windowMs: number, now: number) => {
      const asked = s.getToken.get(bucket, key);
      if (asked) return asked.granted === 1;
      if (now - (tokensPrunedAt.get(bucket) ?? Number.NEGATIVE_INFINITY) >= PRUNE_EVERY_MS) {
        // Keep a day at least: a key must stay answered the same way while it can still be retried.
        s.pruneTokens.run(bucket, now - Math.max(windowMs, DAY_MS));
        tokensPrunedAt.set(bucket, now);
      }
      const granted = limit > 0 && s.countGranted.get(bucket, now - windowMs, now)!.n < limit;
      s.addToken.run(bucket, key, granted ? 1 : 0, now);
      return granted;
    }).immediate,

    saveDiagnosis: (incidentId: string, d: { severity: string; costUsd: number }) => {
      const { changes } = s.saveDiagnosis.run(JSON.stringify(d), d.severity, d.costUsd, parseId(incidentId));
      if (changes === 0) throw new Error(`incident not found: ${incidentId}`);
    },
    saveContext: (incidentId: string, bundle: ContextBundle) => {
      const { changes } = s.saveContext.run(JSON.stringify(bundle), parseId(incidentId));
      if (changes === 0) throw new Error(`incident not found: ${incidentId}`);
    },
    enqueueJob: (incidentId: string, kind: JobKind, runAt: number, now: number) =>
      String(s.insertJob.run(requireIncident(incidentId), kind, runAt, now).lastInsertRowid),
    recordLlmCall: (call: LlmCall) =>
      void s.insertLlmCall.run({
        ...call,
        incidentId: call.incidentId === null ? null : parseId(call.incidentId),
      }),
    llmSpend: (sinceMs: number) => s.llmSpend.all(sinceMs),
    ensureDeliveries: db.transaction((incidentId: string, sinks: string[], now: number) => {
      const id = requireIncident(incidentId);
      for (const sink of sinks) s.ensureDelivery.run(id, sink, now);
    }).immediate,
    updateDelivery: db.transaction(
      (
        incidentId: string,
        sink: string,
        patch: { state: string; remoteRef?: string | null; lastError?: string | null; attempt?: boolean },
        now: number,
      ) => {
        s.updateDelivery.run({
          id: requireIncident(incidentId),
          sink,
          state: patch.state,
          attempts: patch.attempt ? 1 : 0,
          remoteRef: patch.remoteRef ?? null,
          lastError: patch.lastError ?? null,
          keepRef: patch.remoteRef === undefined ? 1 : 0,
          keepError: patch.lastError === undefined ? 1 : 0,
          now,
        });
      },
    ).immediate,

    // Deferred (read) transaction: the incident and its deliveries come from one snapshot.
    getIncident: db.transaction((incidentId: string) => {
      const id = parseId(incidentId);
      const row = id === null ? undefined : s.getIncident.get(id);
      return row ? toIncident(row, s.deliveries.all(id)) : null;
    }).deferred,
    listIncidents: db.transaction((limit: number, beforeId?: string) => {
      const before = beforeId === undefined ? Number.MAX_SAFE_INTEGER : parseId(beforeId);
      if (before === null) return [];
      const rows = s.listIncidents.all(before, Math.max(0, Math.floor(limit))) as { id: number }[];
      return rows.map((row) => toIncident(row, s.deliveries.all(row.id)));
    }).deferred,
  };
}

type Ops = ReturnType<typeof bindOperations>;

/** Create the SQLite store; nothing touches the disk until `init()`. */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  let db: Database.Database | null = null;
  let ops: Grouped<Ops> | null = null;
  let group: GroupCommit | null = null;
  const use = () => {
    if (!ops) throw new Error(`sqlite store ${options.path} is not open: call init() first`);
    return ops;
  };

  return {
    kind: "sqlite",
    async init() {
      if (!db) {
        if (options.path !== ":memory:")
          fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
        db = new Database(options.path);
        db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
        // WAL + NORMAL: a commit survives a process kill -9 (only an OS crash may lose the last commits).
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
        db.pragma("foreign_keys = ON");
      }
      migrate(db, Date.now());
      // Every operation answers once its turn's transaction committed (group-commit.ts).
      if (options.groupCommit !== false) group ??= createGroupCommit(db);
      ops ??= group ? grouped(bindOperations(db), group) : (bindOperations(db) as unknown as Grouped<Ops>);
    },
    async close() {
      group?.flush();
      group = null;
      ops = null;
      db?.close();
      db = null;
    },
    ping: async () => use().ping(),
    ingest: async (signals, policy, offset) => use().ingest(signals, policy, offset),
    resolve: async (fingerprint, resolvedAt, now) => use().resolve(fingerprint, resolvedAt, now),
    getOffset: async (dev, ino) => use().getOffset(dev, ino),
    saveOffset: async (offset) => use().saveOffset(offset),
    hasOffsets: async () => use().hasOffsets(),
    claimJobs: async (owner, leaseMs, limit, now) => use().claimJobs(owner, leaseMs, limit, now),
    extendLease: async (jobId, owner, leaseMs, now) => use().extendLease(jobId, owner, leaseMs, now),
    completeJob: async (jobId, owner) => use().completeJob(jobId, owner),
    retryJob: async (jobId, owner, runAt, error) => use().retryJob(jobId, owner, runAt, error),
    releaseLeases: async (owner) => use().releaseLeases(owner),
    leaseOwners: async () => use().leaseOwners(),
    queueStats: async (now) => use().queueStats(now),
    takeToken: async (bucket, key, limit, windowMs, now) =>
      use().takeToken(bucket, key, limit, windowMs, now),
    saveDiagnosis: async (incidentId, diagnosis) => use().saveDiagnosis(incidentId, diagnosis),
    ensureDeliveries: async (incidentId, sinks, now) => use().ensureDeliveries(incidentId, sinks, now),
    updateDelivery: async (incidentId, sink, patch, now) =>
      use().updateDelivery(incidentId, sink, patch, now),
    saveContext: async (incidentId, bundle) => use().saveContext(incidentId, bundle),
    enqueueJob: async (incidentId, kind, runAt, now) => use().enqueueJob(incidentId, kind, runAt, now),
    recordLlmCall: async (call) => use().recordLlmCall(call),
    llmSpend: async (sinceMs) => use().llmSpend(sinceMs),
    reserveLlmBudget: async (request) => use().reserveLlmBudget(request),
    settleLlmReservation: async (key, call) => use().settleLlmReservation(key, call),
    getIncident: async (id) => use().getIncident(id),
    listIncidents: async ({ limit, beforeId }) => use().listIncidents(limit, beforeId),
    // Its methods are `async` and await what `use()` answers: a promise (group commit) is as good as a value.
    ...reportStoreMethods(use as unknown as () => ReturnType<typeof bindReportOperations>),
    resolveIncident: async (id, input) => use().resolveIncident(id, input),
    ackIncident: async (id, input) => use().ackIncident(id, input),
    openAcknowledgement: async (fingerprint, exceptId) =>
      use().openAcknowledgement(fingerprint, parseId(exceptId) ?? 0),
    resolveQuiet: async (quietSince, now, limit) => use().resolveQuiet(quietSince, now, limit),
  };
}
