/**
 * The PostgreSQL Store: several ai-monitor replicas share one database and still make one incident, one
 * diagnosis and one delivery per fingerprint and window. Multi-step decisions run in transactions under
 * advisory locks (ingest.ts, transactions.ts); the job queue leases with FOR UPDATE SKIP LOCKED.
 *
 * Reconnects: the store, not its callers, retries work on a fresh connection after the database restarted
 * or ended the session, whenever nothing of that work can have committed: a transaction that failed
 * before its COMMIT was sent, or an idempotent statement. Non-idempotent single writes run as transactions
 * for that reason. Only a COMMIT whose answer was lost surfaces (CommitOutcomeUnknownError).
 */
import { hostname } from "node:os";
import type { ContextBundle, Diagnosis } from "../../domain/types.js";
import type { Logger } from "../../log.js";
import { dedupKeysBefore, pruneCadence, tokensBefore } from "../prune.js";
import { parseId, toIncident, toJob, toOffset } from "../rows.js";
import type { IngestPolicy, LlmSpend, Store } from "../store.js";
import { reserveLlmBudgetTx, settleLlmReservationTx } from "./budget.js";
import { describeTarget } from "./connection.js";
import { reasonOf } from "./errors.js";
import { createGroupIngest } from "./group-ingest.js";
import { postgresIncidentActions } from "./incident-actions.js";
import { ingestGroup } from "./ingest.js";
import { listIncidentsQuery } from "./list-incidents.js";
import { migrateDatabase, openDatabase } from "./open.js";
import type { Db, Sql } from "./pool.js";
import { postgresReportMethods } from "./report-facts.js";
import { SQL } from "./statements.js";
import { resolveTx, saveOffset, takeTokenTx } from "./transactions.js";

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database[?options=...] */
  url: string;
  /** Connections per process (default 10). Replicas x poolMax must stay under the server's max_connections. */
  poolMax?: number;
  /** Server-side limit per statement, lock waits included (default 30 s). */
  statementTimeoutMs?: number;
  /** Limit to open a connection or wait for a free one (default 10 s). */
  connectTimeoutMs?: number;
  /** Schema for every table, created on init when missing (default: the URL's search_path, i.e. public). */
  schema?: string | null;
  /** Host name that keys file offsets: each replica tails its own files (default os.hostname()). */
  host?: string;
  /** application_name shown in pg_stat_activity (default "ai-monitor"). */
  applicationName?: string;
  /** Pauses before each retry on a fresh connection (default 50, 250, 1000 ms). */
  retryDelaysMs?: readonly number[];
  /** Where lost connections, retries and migrations are reported. */
  log?: Logger;
}

/** Create the PostgreSQL store; nothing connects until `init()`. */
export function createPostgresStore(options: PostgresStoreOptions): Store {
  const host = options.host ?? hostname();
  const target = describeTarget(options.url);
  let db: Db | null = null;
  let opening: Promise<Db> | null = null;
  const pruneDue = pruneCadence();

  const use = (): Db => {
    if (!db) throw new Error(`postgres store ${target} is not open: call init() first`);
    return db;
  };
  const q: Sql = (text, params) => use().query(text, params);
  const tx = <T>(fn: (sql: Sql) => Promise<T>) => use().tx(fn);
  const id = (value: string) => parseId(value) ?? 0; // 0 names no row: BIGSERIAL starts at 1.
  // Ingests arriving while one is being stored share the next transaction (group commit).
  const grouped = createGroupIngest((parts) => ingestGroup(use(), parts, host));
  const requireChange = (rowCount: number | null, incidentId: string) => {
    if (!rowCount) throw new Error(`incident not found: ${incidentId}`);
  };

  return {
    kind: "postgres",
    async init() {
      if (db) {
        await migrateDatabase(db, options);
        return;
      }
      // Two overlapping init() calls share one pool instead of leaking the first.
      opening ??= openDatabase(options).finally(() => {
        opening = null;
      });
      db = await opening;
    },
    async close() {
      const closing = db;
      db = null;
      await closing?.end();
    },
    async ping() {
      await q(SQL.ping);
    },

    async ingest(signals, policy: IngestPolicy, offset) {
      if (pruneDue("dedup_keys", policy.now)) {
        // Outside the ingest transaction: row locks of a big delete must not stall other replicas' ingests.
        await q(SQL.pruneKeys, [dedupKeysBefore(policy.now)]).catch((err) =>
          options.log?.warn({ reason: reasonOf(err) }, "pruning old dedup keys failed"),
        );
      }
      return grouped(signals, policy, offset);
    },
    resolve: (fingerprint, resolvedAt, now) => tx((sql) => resolveTx(sql, fingerprint, resolvedAt, now)),

    async getOffset(dev, ino) {
      const { rows } = await q(SQL.getOffset, [host, dev, ino]);
      return rows[0] ? toOffset(rows[0]) : null;
    },
    saveOffset: (offset) => saveOffset(q, host, offset),
    async hasOffsets() {
      return ((await q(SQL.anyOffset, [host])).rowCount ?? 0) > 0;
    },

    async claimJobs(owner, leaseMs, limit, now) {
      const n = Math.max(0, Math.floor(limit));
      if (n === 0) return [];
      // Retried like an idempotent statement: if a lost answer hid a claim that did commit, those jobs stay
      // leased to this owner until the lease runs out or the worker stops; they run late, never twice.
      const { rows } = await q(SQL.claimJobs, [owner, now, now + leaseMs, n]);
      return rows.map(toJob);
    },
    async extendLease(jobId, owner, leaseMs, now) {
      return (await q(SQL.extendLease, [id(jobId), owner, now + leaseMs])).rowCount === 1;
    },
    async completeJob(jobId, owner) {
      await q(SQL.completeJob, [id(jobId), owner]);
    },
    async retryJob(jobId, owner, runAt, error) {
      await q(SQL.retryJob, [id(jobId), owner, runAt, error]);
    },
    async releaseLeases(owner) {
      return (await q(SQL.releaseLeases, [owner])).rowCount ?? 0;
    },
    async leaseOwners() {
      return (await q<{ owner: string }>(SQL.leaseOwners)).rows.map((row) => row.owner);
    },
    async queueStats(now) {
      const { rows } = await q<{ depth: number; oldest: number | null }>(SQL.queueStats);
      const { depth, oldest } = rows[0]!;
      return { depth, oldestAgeMs: oldest === null ? 0 : Math.max(0, now - oldest) };
    },

    takeToken(bucket, key, limit, windowMs, now) {
      const pruneBefore = pruneDue(`tokens:${bucket}`, now) ? tokensBefore(now, windowMs) : null;
      return tx((sql) => takeTokenTx(sql, { bucket, key, limit, windowMs, now, pruneBefore }));
    },

    async saveDiagnosis(incidentId, d: Diagnosis) {
      const args = [id(incidentId), JSON.stringify(d), d.severity, d.costUsd];
      // A transaction, not a retried statement: the cost adds up and must not be added twice.
      requireChange((await tx((sql) => sql(SQL.saveDiagnosis, args))).rowCount, incidentId);
    },
    async saveContext(incidentId, bundle: ContextBundle) {
      requireChange(
        (await q(SQL.saveContext, [id(incidentId), JSON.stringify(bundle)])).rowCount,
        incidentId,
      );
    },
    async enqueueJob(incidentId, kind, runAt, now) {
      const { rows } = await tx((sql) =>
        sql<{ id: number }>(SQL.insertJob, [id(incidentId), kind, runAt, now]),
      );
      requireChange(rows.length, incidentId);
      return String(rows[0]!.id);
    },
    async recordLlmCall(call) {
      const incidentId = call.incidentId === null ? null : id(call.incidentId);
      const args = [incidentId, call.model, call.at, call.inputTokens, call.outputTokens];
      args.push(call.cacheWriteTokens, call.cacheReadTokens, call.costUsd);
      await tx((sql) => sql(SQL.insertLlmCall, args));
    },
    async llmSpend(sinceMs) {
      return (await q<LlmSpend & Record<string, unknown>>(SQL.llmSpend, [sinceMs])).rows;
    },
    reserveLlmBudget: (request) => tx((sql) => reserveLlmBudgetTx(sql, request)),
    settleLlmReservation: (key, call) => tx((sql) => settleLlmReservationTx(sql, key, call)),
    async ensureDeliveries(incidentId, sinks, now) {
      const { rows } = await q<{ found: number }>(SQL.ensureDeliveries, [id(incidentId), sinks, now]);
      requireChange(rows[0]?.found ?? 0, incidentId);
    },
    async updateDelivery(incidentId, sink, patch, now) {
      const { rowCount } = await q(SQL.updateDelivery, [
        id(incidentId),
        sink,
        patch.state,
        patch.attempt ? 1 : 0,
        patch.remoteRef ?? null,
        patch.lastError ?? null,
        now,
        patch.remoteRef === undefined,
        patch.lastError === undefined,
      ]);
      requireChange(rowCount, incidentId);
    },

    async getIncident(incidentId) {
      const key = parseId(incidentId);
      if (key === null) return null;
      const { rows } = await q<{ delivery_rows: string | null }>(SQL.getIncident, [key]);
      return rows[0] ? toIncident(rows[0], JSON.parse(rows[0].delivery_rows ?? "[]")) : null;
    },
    listIncidents: (options) => listIncidentsQuery(q, options),
    ...postgresReportMethods(q),
    ...postgresIncidentActions(q, tx),
  };
}
