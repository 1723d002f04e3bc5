/** The SQL of the SQLite store, prepared once per connection. */
import type Database from "better-sqlite3";
import { incidentRowSchema } from "../rows.js";
import type { LlmSpend } from "../store.js";

// The row's columns named one by one (the incidents table still has emptied diagnosis and context columns,
// migration 6): those the row mapping reads, the two documents from their own table.
const DOCUMENTS = new Set(["diagnosis", "context"]);
const OWN_COLUMNS = Object.keys(incidentRowSchema.shape)
  .filter((column) => !DOCUMENTS.has(column))
  .map((column) => `incidents.${column}`)
  .join(", ");

/** An incident row whole, as `SELECT` and `FROM` (filters may name the table `incidents`). */
export const INCIDENT_COLUMNS = `${OWN_COLUMNS}, documents.diagnosis, documents.context
  FROM incidents LEFT JOIN incident_documents AS documents ON documents.incident_id = incidents.id`;

/** Prepare every statement of the store once per connection. */
export function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    ping: p("SELECT 1"),
    // Candidates and bumps take JSON arrays: one statement per batch rather than one per fingerprint or incident.
    // Keys stay one statement each: measured faster than one INSERT ... SELECT FROM json_each ... RETURNING.
    /** Store a key unless it is there: `changes` is 1 for a fresh key, 0 for a resend. */
    addKey: p("INSERT INTO dedup_keys (key, seen_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
    pruneKeys: p("DELETE FROM dedup_keys WHERE seen_at < ?"),
    /** The incidents of each [fingerprint, fromMs, toMs] range (bounds exclusive), in id order. */
    candidatesIn: db.prepare<[string], { fingerprint: string; id: number; firstSeen: number }>(
      `SELECT i.fingerprint AS fingerprint, i.id AS id, i.first_seen AS firstSeen
       FROM json_each(?) AS r CROSS JOIN incidents AS i
       WHERE i.fingerprint = r.value ->> 0 AND i.first_seen > r.value ->> 1 AND i.first_seen < r.value ->> 2
       ORDER BY i.id`,
    ),
    /** Add each [id, count, maxT] of a JSON array to its open incident (no occurrence before its first_seen). */
    bumpCounts:
      p(`UPDATE incidents SET count = count + b.value ->> 1, last_seen = max(last_seen, b.value ->> 2)
       FROM json_each(?) AS b WHERE incidents.id = b.value ->> 0`),
    /** Add each [id, count, minT, maxT] of a JSON array to its incident, which is open again. */
    bumpIncidents: p(`UPDATE incidents SET count = count + b.value ->> 1,
       first_seen = min(first_seen, b.value ->> 2), last_seen = max(last_seen, b.value ->> 3),
       status = 'open', resolved_at = NULL
       FROM json_each(?) AS b WHERE incidents.id = b.value ->> 0`),
    /** Of the incidents a batch bumps (ids as a JSON array), those resolved so far: the bump reopens them. */
    resolvedAmong: db.prepare<[string], { id: number }>(
      "SELECT id FROM incidents WHERE status = 'resolved' AND id IN (SELECT value FROM json_each(?)) ORDER BY id",
    ),
    /** Forget that a resolution was announced (exact suffix, case-sensitive: as PostgreSQL's right()). */
    dropResolvedDeliveries: p(
      "DELETE FROM deliveries WHERE incident_id = ? AND substr(sink, -9) = ':resolved'",
    ),
    dropResolvedJobs: p("DELETE FROM jobs WHERE incident_id = ? AND kind = 'resolved'"),
    insertIncident: p(`INSERT INTO incidents (fingerprint, error_code, target, level, severity, status, count,
       first_seen, last_seen, created_at, source, message, request_id, filename, line_number, fields, url,
       suppressed, cost_usd)
       VALUES (@fingerprint, @errorCode, @target, @level, @severity, 'open', @count, @t, @t, @now, @source,
       @message, @requestId, @filename, @lineNumber, @fields, @url, @suppressed, 0)`),
    insertJob: p("INSERT INTO jobs (incident_id, kind, attempts, run_at, created_at) VALUES (?, ?, 0, ?, ?)"),
    getOffset: p("SELECT * FROM file_offsets WHERE dev = ? AND ino = ?"),
    anyOffset: p("SELECT 1 FROM file_offsets LIMIT 1"),
    upsertOffset: p(`INSERT INTO file_offsets (dev, ino, path, offset, head_hash, head_len)
       VALUES (@dev, @ino, @path, @offset, @headHash, @headLen)
       ON CONFLICT (dev, ino) DO UPDATE SET path = excluded.path, offset = excluded.offset,
       head_hash = excluded.head_hash, head_len = excluded.head_len`),
    /**
     * The incident a resolution applies to: one already resolved at that same instant wins (the resolution was
     * delivered twice, e.g. to several replicas, and is then ignored), else the newest open one.
     */
    toResolve: db.prepare<[{ fingerprint: string; resolvedAt: number }], { id: number; status: string }>(
      `SELECT id, status FROM incidents WHERE fingerprint = @fingerprint
       AND (status = 'open' OR resolved_at = @resolvedAt)
       ORDER BY status = 'resolved' DESC, first_seen DESC, id DESC LIMIT 1`,
    ),
    markResolved: p("UPDATE incidents SET status = 'resolved', resolved_at = ? WHERE id = ?"),
    dueJobs: db.prepare<[{ now: number; limit: number }], { id: number }>(
      `SELECT id FROM jobs WHERE run_at <= @now AND (lease_owner IS NULL OR lease_until <= @now)
       ORDER BY priority, created_at, id LIMIT @limit`,
    ),
    leaseJob: p(`UPDATE jobs SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?
       RETURNING id, incident_id, kind, attempts, run_at, created_at`),
    extendLease: p("UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?"),
    completeJob: p("DELETE FROM jobs WHERE id = ? AND lease_owner = ?"),
    retryJob: p(`UPDATE jobs SET lease_owner = NULL, lease_until = NULL, run_at = ?, last_error = ?
       WHERE id = ? AND lease_owner = ?`),
    releaseLeases: p("UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?"),
    leaseOwners: db.prepare<[], { owner: string }>(
      "SELECT DISTINCT lease_owner AS owner FROM jobs WHERE lease_owner IS NOT NULL ORDER BY owner",
    ),
    queueStats: db.prepare<[], { depth: number; oldest: number | null }>(
      "SELECT count(*) AS depth, min(created_at) AS oldest FROM jobs",
    ),
    getToken: db.prepare<[string, string], { granted: number }>(
      "SELECT granted FROM tokens WHERE bucket = ? AND key = ?",
    ),
    countGranted: db.prepare<[string, number, number], { n: number }>(
      "SELECT count(*) AS n FROM tokens WHERE bucket = ? AND granted = 1 AND at > ? AND at <= ?",
    ),
    addToken: p("INSERT INTO tokens (bucket, key, granted, at) VALUES (?, ?, ?, ?)"),
    pruneTokens: p("DELETE FROM tokens WHERE bucket = ? AND at < ?"),
    diagnosed: p("UPDATE incidents SET severity = ?, cost_usd = cost_usd + ? WHERE id = ?"),
    saveDiagnosis: p(`INSERT INTO incident_documents (incident_id, diagnosis) VALUES (?, ?)
       ON CONFLICT (incident_id) DO UPDATE SET diagnosis = excluded.diagnosis`),
    incidentExists: p("SELECT 1 FROM incidents WHERE id = ?"),
    ensureDelivery: p(`INSERT INTO deliveries (incident_id, sink, state, attempts, updated_at)
       VALUES (?, ?, 'pending', 0, ?) ON CONFLICT (incident_id, sink) DO NOTHING`),
    updateDelivery:
      p(`INSERT INTO deliveries (incident_id, sink, state, attempts, remote_ref, last_error, updated_at)
       VALUES (@id, @sink, @state, @attempts, @remoteRef, @lastError, @now)
       ON CONFLICT (incident_id, sink) DO UPDATE SET state = excluded.state,
       attempts = attempts + excluded.attempts, updated_at = excluded.updated_at,
       remote_ref = CASE WHEN @keepRef THEN remote_ref ELSE excluded.remote_ref END,
       last_error = CASE WHEN @keepError THEN last_error ELSE excluded.last_error END`),
    getIncident: p(`SELECT ${INCIDENT_COLUMNS} WHERE incidents.id = ?`),
    deliveries: p(
      "SELECT sink, state, attempts, remote_ref, last_error, updated_at FROM deliveries WHERE incident_id = ? ORDER BY sink",
    ),
    saveContext: p(`INSERT INTO incident_documents (incident_id, context) VALUES (?, ?)
       ON CONFLICT (incident_id) DO UPDATE SET context = excluded.context`),
    insertLlmCall:
      p(`INSERT INTO llm_calls (incident_id, model, at, input_tokens, output_tokens, cache_write_tokens,
       cache_read_tokens, cost_usd) VALUES (@incidentId, @model, @at, @inputTokens, @outputTokens, @cacheWriteTokens,
       @cacheReadTokens, @costUsd)`),
    llmSpend: db.prepare<[number], LlmSpend>(
      `SELECT model, count(*) AS calls, sum(input_tokens) AS inputTokens, sum(output_tokens) AS outputTokens,
       sum(cache_write_tokens) AS cacheWriteTokens, sum(cache_read_tokens) AS cacheReadTokens,
       sum(cost_usd) AS costUsd FROM llm_calls WHERE at >= ? GROUP BY model ORDER BY model`,
    ),
  };
}
