/**
 * Resolve, acknowledge and the quiet-period sweep on SQLite, each one BEGIN IMMEDIATE transaction. The schema
 * step also ranks jobs by severity for the claim order: triggers keep `jobs.priority` equal to the rank of its
 * incident's severity, so the ingest statements (shared with the other backend's plan) need not know about it.
 */
import type Database from "better-sqlite3";
import { SEVERITY_ORDER } from "../../domain/severity.js";
import {
  type AckInput,
  type Acknowledgement,
  ackRefusal,
  type ResolveInput,
  severityRankSql,
} from "../incident-actions.js";
import { parseId } from "../rows.js";
import type { Migration } from "./migrations.js";

const rank = (column: string) => severityRankSql(column, SEVERITY_ORDER);

/** Schema step: who resolved or acknowledged an incident, job priority by severity, quiet-period indexes. */
export const INCIDENT_ACTIONS_MIGRATION: Migration = {
  version: 5,
  name: "acknowledgement, manual resolution, job priority, quiet period",
  sql: `
    ALTER TABLE incidents ADD COLUMN resolved_by TEXT;
    ALTER TABLE incidents ADD COLUMN resolution_note TEXT;
    ALTER TABLE incidents ADD COLUMN acknowledged_at INTEGER;
    ALTER TABLE incidents ADD COLUMN acknowledged_by TEXT;
    ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT ${SEVERITY_ORDER.length};
    UPDATE jobs SET priority = (SELECT ${rank("severity")} FROM incidents WHERE id = jobs.incident_id);
    DROP INDEX jobs_due;
    CREATE INDEX jobs_claim ON jobs (priority, created_at, id);
    CREATE TRIGGER jobs_priority AFTER INSERT ON jobs BEGIN
      UPDATE jobs SET priority = (SELECT ${rank("severity")} FROM incidents WHERE id = NEW.incident_id)
      WHERE id = NEW.id;
    END;
    CREATE TRIGGER incidents_severity_priority AFTER UPDATE OF severity ON incidents
    WHEN NEW.severity IS NOT OLD.severity BEGIN
      UPDATE jobs SET priority = ${rank("NEW.severity")} WHERE incident_id = NEW.id;
    END;
    CREATE TRIGGER incidents_reopen_forgets AFTER UPDATE OF status ON incidents
    WHEN OLD.status = 'resolved' AND NEW.status = 'open' BEGIN
      UPDATE incidents SET acknowledged_at = NULL, acknowledged_by = NULL, resolved_by = NULL,
        resolution_note = NULL WHERE id = NEW.id;
    END;
    CREATE INDEX incidents_open_last_seen ON incidents (last_seen) WHERE status = 'open';
    CREATE INDEX incidents_fingerprint_last_seen ON incidents (fingerprint, last_seen);
  `,
};

/** The synchronous operations (better-sqlite3 is synchronous). */
export function bindIncidentActions(db: Database.Database) {
  const s = {
    state: db.prepare<[number], { status: string; acknowledged_at: number | null }>(
      "SELECT status, acknowledged_at FROM incidents WHERE id = ?",
    ),
    resolve: db.prepare(`UPDATE incidents SET status = 'resolved', resolved_at = @at, resolved_by = @by,
      resolution_note = @note WHERE id = @id AND status = 'open'`),
    ack: db.prepare("UPDATE incidents SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ?"),
    insertResolvedJob: db.prepare(
      "INSERT INTO jobs (incident_id, kind, attempts, run_at, created_at) VALUES (?, 'resolved', 0, ?, ?)",
    ),
    openAck: db.prepare<[string, number], { id: number; at: number; by: string | null }>(
      `SELECT id, acknowledged_at AS at, acknowledged_by AS by FROM incidents
       WHERE fingerprint = ? AND status = 'open' AND acknowledged_at IS NOT NULL AND id <> ?
       ORDER BY acknowledged_at, id LIMIT 1`,
    ),
    // No occurrence of the fingerprint after @since, in this incident or any other of its windows.
    quiet: db.prepare<[{ since: number; limit: number }], { id: number; suppressed: string | null }>(
      `SELECT i.id, i.suppressed FROM incidents i WHERE i.status = 'open' AND i.source = 'file' AND i.last_seen <= @since
       AND NOT EXISTS (SELECT 1 FROM incidents j WHERE j.fingerprint = i.fingerprint AND j.last_seen > @since)
       ORDER BY i.last_seen, i.id LIMIT @limit`,
    ),
  };

  return {
    resolveIncident: db.transaction((id: number, input: ResolveInput) => {
      const row = s.state.get(id);
      if (!row) return "not-found" as const;
      if (row.status !== "open") return "already-resolved" as const;
      s.resolve.run({ id, at: input.at, by: input.by ?? null, note: input.note ?? null });
      s.insertResolvedJob.run(id, input.at, input.at);
      return "resolved" as const;
    }).immediate,

    ackIncident: db.transaction((id: number, input: AckInput) => {
      const row = s.state.get(id);
      if (!row) return "not-found" as const;
      const refusal = ackRefusal(row);
      if (refusal) return refusal;
      s.ack.run(input.at, input.by ?? null, id);
      return "acked" as const;
    }).immediate,

    openAcknowledgement: (fingerprint: string, exceptId: string): Acknowledgement | null => {
      const row = s.openAck.get(fingerprint, parseId(exceptId) ?? 0);
      return row ? { incidentId: String(row.id), at: row.at, by: row.by } : null;
    },

    resolveQuiet: db.transaction((quietSince: number, now: number, limit: number) => {
      const resolved: string[] = [];
      for (const row of s.quiet.all({ since: quietSince, limit: Math.max(0, Math.floor(limit)) })) {
        s.resolve.run({ id: row.id, at: now, by: null, note: null });
        // A backfill alerted no one: nothing to announce.
        if (row.suppressed === null) s.insertResolvedJob.run(row.id, now, now);
        resolved.push(String(row.id));
      }
      return resolved;
    }).immediate,
  };
}
