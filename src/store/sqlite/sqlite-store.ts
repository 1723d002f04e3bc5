/**
 * The SQLite Store (default backend, one host). better-sqlite3 is synchronous, so each method runs to the
 * end without yielding; every read-modify-write is a BEGIN IMMEDIATE transaction so that two processes on
 * the same file serialise on the write lock instead of both deciding from the same snapshot.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { ContextBundle } from "../../domain/types.js";
import { createGroupCommit } from "../group-commit.js";
import { pruneCadence, tokensBefore } from "../prune.js";
import { parseId, toIncident, toJob, toOffset } from "../rows.js";
import type { DeliveryPatch, FileOffset, JobKind, LlmCall, Store } from "../store.js";
import { bindBudgetOperations } from "./budget.js";
import { createWalFlusher, type WalFlusher } from "./durable-group.js";
import {
  createGroupCommit as createTurnGroup,
  type GroupCommit,
  type Grouped,
  grouped as throughGroup,
} from "./group-commit.js";
import { bindIncidentActions } from "./incident-actions.js";
import { bindIngestOperations } from "./ingest.js";
import { bindListIncidents } from "./list-incidents.js";
import { migrate } from "./migrations.js";
import { bindReportOperations } from "./report-facts.js";
import { prepareStatements } from "./statements.js";

/** The Store methods the open database's operations answer: all but kind, init and close (the return type checks). */
const FORWARDED = [
  ["ping"],
  ["getOffset", "saveOffset", "hasOffsets"],
  ["resolve", "saveDiagnosis", "saveContext", "getIncident", "listIncidents"],
  ["claimJobs", "extendLease", "completeJob", "retryJob", "releaseLeases", "leaseOwners", "queueStats"],
  ["enqueueJob", "takeToken", "ensureDeliveries", "updateDelivery"],
  ["recordLlmCall", "llmSpend", "reserveLlmBudget", "settleLlmReservation"],
  ["saveAutofixPrs", "listAutofixPrs", "saveDiagnosisFeedback", "listDiagnosisFeedback"],
  ["resolveIncident", "ackIncident", "openAcknowledgement", "resolveQuiet"],
] as const satisfies readonly (readonly (keyof Store)[])[];
type Forwarded = (typeof FORWARDED)[number][number];

/** A Store method as better-sqlite3 answers it: synchronously. */
type Sync<K extends keyof Store> = {
  [M in K]: Store[M] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};
type Call = (...args: unknown[]) => unknown;

export interface SqliteStoreOptions {
  /** Database file; its parent directory is created on init. ":memory:" works for throwaway stores. */
  path: string;
  /** How long to wait for another process's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
  /**
   * What an ingest promises (default FULL): its commit is flushed to disk before it is answered, so a 2xx or a
   * stored file offset survives a power loss or an OS crash. NORMAL answers once committed (survives a crash
   * of ai-monitor, not of the machine). Either way the connection runs WAL + NORMAL, SQLite's recommended
   * pairing: the worker's own bookkeeping (jobs, deliveries) may lose its last steps to a power loss and redo
   * them (a message may then be sent twice); no signal is lost.
   * @see https://www.sqlite.org/pragma.html#pragma_synchronous
   */
  synchronous?: SqliteSynchronous;
  /** Commit the operations of one event-loop turn together (default true; false: one commit each, as before). */
  groupCommit?: boolean;
}

/** The ingest durability levels offered (config `store.sqliteSynchronous`). */
export const SQLITE_SYNCHRONOUS = ["FULL", "NORMAL"] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS)[number];

// better-sqlite3 blocks the event loop while it commits: wait one turn, so requests already read from their
// sockets join the group instead of each paying its own flush.
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Open a connection with the store's settings: WAL + NORMAL, foreign keys, a busy timeout. */
export function openConnection(options: SqliteStoreOptions): Database.Database {
  const db = new Database(options.path);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  db.pragma("journal_mode = WAL");
  // Ingests flush themselves off the event loop (durable-group.ts); everything else commits unflushed.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  return db;
}

/** The synchronous operations over one open database; the Store wraps them in promises. */
function bindOperations(db: Database.Database) {
  const s = prepareStatements(db);
  const pruneDue = pruneCadence();

  const saveOffset = (o: FileOffset) => void s.upsertOffset.run({ ...o });
  const requireIncident = (incidentId: string): number => {
    const id = parseId(incidentId);
    if (id === null || !s.incidentExists.get(id)) throw new Error(`incident not found: ${incidentId}`);
    return id;
  };

  return {
    ping: () => void s.ping.get(),

    ...bindIngestOperations(db, s, pruneDue),
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
      if (pruneDue(`tokens:${bucket}`, now)) s.pruneTokens.run(bucket, tokensBefore(now, windowMs));
      const granted = limit > 0 && s.countGranted.get(bucket, now - windowMs, now)!.n < limit;
      s.addToken.run(bucket, key, granted ? 1 : 0, now);
      return granted;
    }).immediate,

    saveDiagnosis: db.transaction((incidentId: string, d: { severity: string; costUsd: number }) => {
      const id = requireIncident(incidentId);
      s.diagnosed.run(d.severity, d.costUsd, id);
      s.saveDiagnosis.run(id, JSON.stringify(d));
    }).immediate,
    saveContext: db.transaction((incidentId: string, bundle: ContextBundle) => {
      s.saveContext.run(requireIncident(incidentId), JSON.stringify(bundle));
    }).immediate,
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
    updateDelivery: db.transaction((incidentId: string, sink: string, patch: DeliveryPatch, now: number) => {
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
    }).immediate,

    // Deferred (read) transaction: the incident and its deliveries come from one snapshot.
    getIncident: db.transaction((incidentId: string) => {
      const id = parseId(incidentId);
      const row = id === null ? undefined : s.getIncident.get(id);
      return row ? toIncident(row, s.deliveries.all(id)) : null;
    }).deferred,
    listIncidents: db.transaction(bindListIncidents(db, s.deliveries)).deferred,
  };
}

type Ops = ReturnType<typeof bindOperations>;

/** Create the SQLite store; nothing touches the disk until `init()`. */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  let db: Database.Database | null = null;
  let ops: Grouped<Ops> | null = null;
  let group: GroupCommit | null = null;
  let raw: Ops | null = null;
  const open = () => {
    if (!raw) throw new Error(`sqlite store ${options.path} is not open: call init() first`);
    return raw;
  };
  // The operations through the per-turn group: every forwarded call answers once its turn's COMMIT is done.
  const opsNow = () => {
    if (!ops) throw new Error(`sqlite store ${options.path} is not open: call init() first`);
    return ops;
  };
  // Compile-time only: the synchronous operations answer every forwarded Store method.
  void ((o: Ops): Sync<Forwarded> => o);
  // Each call finds the operations of the database open at that moment.
  const forwarded = Object.fromEntries(
    FORWARDED.flat().map((name) => [name, async (...args: unknown[]) => (opsNow()[name] as Call)(...args)]),
  ) as unknown as Pick<Store, Forwarded>;
  const synchronous = options.synchronous ?? "FULL";
  if (!SQLITE_SYNCHRONOUS.includes(synchronous))
    throw new Error(`unknown sqlite synchronous: ${synchronous}`);
  // Ingests arriving while one group is being stored share the next transaction (group commit); with FULL,
  // each group is answered after the WAL flush that follows its commit (durable-group.ts).
  let wal: WalFlusher | null = null;
  const grouped = createGroupCommit((parts) => open().ingestGroup(parts), {
    defer: nextTurn,
    durable: () => wal?.flush() ?? Promise.resolve(),
  });

  return {
    kind: "sqlite",
    async init() {
      if (!db) {
        if (options.path !== ":memory:")
          fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
        db = openConnection(options);
      }
      migrate(db, Date.now());
      raw ??= bindOperations(db);
      if (synchronous === "FULL" && options.path !== ":memory:") wal ??= createWalFlusher(`${db.name}-wal`);
      // Every operation answers once its turn's transaction committed (group-commit.ts).
      if (options.groupCommit !== false) group ??= createTurnGroup(db);
      ops ??= group ? throughGroup(raw, group) : (raw as unknown as Grouped<Ops>);
    },
    async close() {
      await grouped.idle();
      group?.flush();
      // Closing removes the WAL file: let the flushes that callers wait on finish first.
      await wal?.settled();
      wal = null;
      group = null;
      ops = null;
      raw = null;
      db?.close();
      db = null;
    },
    ingest: (signals, policy, offset) => grouped(signals, policy, offset),
    ...forwarded,
  };
}
