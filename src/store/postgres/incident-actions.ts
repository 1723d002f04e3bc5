/**
 * Resolve, acknowledge and the quiet-period sweep on PostgreSQL. Each decision runs in a transaction under the
 * fingerprint's advisory lock, the one ingest and Alertmanager resolutions take, so a replica reopening the
 * incident and another resolving it take turns. The schema step also ranks jobs by severity for the claim
 * order: triggers keep `jobs.priority` equal to its incident's severity rank, so the ingest statements (a plan
 * shared with SQLite) need not know about it. Row shapes are SQLite's (sqlite/incident-actions.ts).
 */
import { SEVERITY_ORDER } from "../../domain/severity.js";
import { ackRefusal, severityRankSql } from "../incident-actions.js";
import { parseId } from "../rows.js";
import type { Store } from "../store.js";
import { LOCK_NS, lockKey } from "./lock-keys.js";
import type { Migration } from "./migrations.js";
import type { Sql } from "./pool.js";

const rank = (column: string) => severityRankSql(column, SEVERITY_ORDER);

/**
 * Schema step: who resolved or acknowledged an incident, job priority by severity, quiet-period indexes.
 * The priority trigger runs after the statement (transition table): ingest inserts an incident and its job in
 * one statement, and only then is the incident visible to look its severity up.
 */
export const INCIDENT_ACTIONS_MIGRATION: Migration = {
  version: 4,
  name: "acknowledgement, manual resolution, job priority, quiet period",
  sql: `
    ALTER TABLE incidents ADD COLUMN resolved_by TEXT, ADD COLUMN resolution_note TEXT,
      ADD COLUMN acknowledged_at BIGINT, ADD COLUMN acknowledged_by TEXT;
    ALTER TABLE jobs ADD COLUMN priority SMALLINT NOT NULL DEFAULT ${SEVERITY_ORDER.length};
    UPDATE jobs j SET priority = ${rank("i.severity")} FROM incidents i WHERE i.id = j.incident_id;
    DROP INDEX jobs_order;
    CREATE INDEX jobs_claim ON jobs (priority, created_at, id);

    CREATE FUNCTION ai_monitor_jobs_priority() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE jobs j SET priority = ${rank("i.severity")} FROM inserted n JOIN incidents i ON i.id = n.incident_id
      WHERE j.id = n.id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER jobs_priority AFTER INSERT ON jobs REFERENCING NEW TABLE AS inserted
      FOR EACH STATEMENT EXECUTE FUNCTION ai_monitor_jobs_priority();

    CREATE FUNCTION ai_monitor_severity_priority() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE jobs SET priority = ${rank("NEW.severity")} WHERE incident_id = NEW.id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER incidents_severity_priority AFTER UPDATE OF severity ON incidents FOR EACH ROW
      WHEN (OLD.severity IS DISTINCT FROM NEW.severity) EXECUTE FUNCTION ai_monitor_severity_priority();

    CREATE FUNCTION ai_monitor_reopen_forgets() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.acknowledged_at := NULL;
      NEW.acknowledged_by := NULL;
      NEW.resolved_by := NULL;
      NEW.resolution_note := NULL;
      RETURN NEW;
    END $$;
    CREATE TRIGGER incidents_reopen_forgets BEFORE UPDATE OF status ON incidents FOR EACH ROW
      WHEN (OLD.status = 'resolved' AND NEW.status = 'open') EXECUTE FUNCTION ai_monitor_reopen_forgets();

    CREATE INDEX incidents_open_last_seen ON incidents (last_seen) WHERE status = 'open';
    CREATE INDEX incidents_fingerprint_last_seen ON incidents (fingerprint, last_seen);
  `,
};

const SQL = {
  lock: "SELECT pg_advisory_xact_lock($1::int, $2::int)",
  state: "SELECT fingerprint, status, acknowledged_at FROM incidents WHERE id = $1",
  resolve: `UPDATE incidents SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolution_note = $4
    WHERE id = $1 AND status = 'open'`,
  insertResolvedJob: `INSERT INTO jobs (incident_id, kind, attempts, run_at, created_at)
    VALUES ($1, 'resolved', 0, $2, $2)`,
  ack: `UPDATE incidents SET acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1
    AND acknowledged_at IS NULL`,
  openAck: `SELECT id, acknowledged_at AS at, acknowledged_by AS by FROM incidents
    WHERE fingerprint = $1 AND status = 'open' AND acknowledged_at IS NOT NULL AND id <> $2
    ORDER BY acknowledged_at, id LIMIT 1`,
  /**
   * One statement: of the quiet incidents (no occurrence of their fingerprint after $1), resolve at $2 those
   * still open when their row lock is granted (SKIP LOCKED: a replica sweeping at once takes others), and
   * queue a resolution for each that alerted someone. A concurrent bump re-checks last_seen on the new row.
   */
  resolveQuiet: `WITH quiet AS (
      SELECT i.id FROM incidents i WHERE i.status = 'open' AND i.source = 'file' AND i.last_seen <= $1
      AND NOT EXISTS (SELECT 1 FROM incidents j WHERE j.fingerprint = i.fingerprint AND j.last_seen > $1)
      ORDER BY i.last_seen, i.id LIMIT $3 FOR UPDATE SKIP LOCKED),
    done AS (
      UPDATE incidents i SET status = 'resolved', resolved_at = $2, resolved_by = NULL, resolution_note = NULL
      FROM quiet WHERE i.id = quiet.id AND i.status = 'open' AND i.last_seen <= $1
      RETURNING i.id, i.suppressed, i.last_seen),
    queued AS (
      INSERT INTO jobs (incident_id, kind, attempts, run_at, created_at)
      SELECT id, 'resolved', 0, $2, $2 FROM done WHERE suppressed IS NULL ORDER BY last_seen, id)
    SELECT id FROM done ORDER BY last_seen, id`,
};

type ActionMethods = Pick<Store, "resolveIncident" | "ackIncident" | "openAcknowledgement" | "resolveQuiet">;

/** The Store's incident actions over `q` (one retried statement) and `tx` (a transaction). */
export function postgresIncidentActions(
  q: Sql,
  tx: <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>,
): ActionMethods {
  /** Lock the incident's fingerprint, then read its state again under the lock. */
  const lockedState = async (sql: Sql, id: number) => {
    type Row = { fingerprint: string; status: string; acknowledged_at: number | null };
    const first = (await sql<Row>(SQL.state, [id])).rows[0];
    if (!first) return null;
    await sql(SQL.lock, [LOCK_NS.fingerprint, lockKey(first.fingerprint)]);
    return (await sql<Row>(SQL.state, [id])).rows[0] ?? null;
  };
  return {
    resolveIncident: (id, input) =>
      tx(async (sql) => {
        const row = await lockedState(sql, id);
        if (!row) return "not-found" as const;
        if (row.status !== "open") return "already-resolved" as const;
        await sql(SQL.resolve, [id, input.at, input.by ?? null, input.note ?? null]);
        await sql(SQL.insertResolvedJob, [id, input.at]);
        return "resolved" as const;
      }),
    ackIncident: (id, input) =>
      tx(async (sql) => {
        const row = await lockedState(sql, id);
        if (!row) return "not-found" as const;
        const refusal = ackRefusal(row);
        if (refusal) return refusal;
        await sql(SQL.ack, [id, input.at, input.by ?? null]);
        return "acked" as const;
      }),
    async openAcknowledgement(fingerprint, exceptId) {
      const { rows } = await q<{ id: number; at: number; by: string | null }>(SQL.openAck, [
        fingerprint,
        parseId(exceptId) ?? 0,
      ]);
      const row = rows[0];
      return row ? { incidentId: String(row.id), at: row.at, by: row.by } : null;
    },
    async resolveQuiet(quietSince, now, limit) {
      const n = Math.max(0, Math.floor(limit));
      if (n === 0) return [];
      // A transaction, not a retried statement: a lost answer must not hide which incidents it resolved.
      const { rows } = await tx((sql) => sql<{ id: number }>(SQL.resolveQuiet, [quietSince, now, n]));
      return rows.map((row) => String(row.id));
    },
  };
}
