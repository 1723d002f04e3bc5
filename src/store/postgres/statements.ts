/**
 * The SQL of the PostgreSQL store. Row shapes match the SQLite store's, so both share `store/rows.ts`
 * (BIGINT parses to number, JSON stays text). Text sorts use COLLATE "C": byte order, as SQLite sorts.
 */

/** Deliveries of an incident as one JSON array (one statement: the incident and its outbox share a snapshot). */
export const DELIVERIES = `(SELECT json_agg(d ORDER BY d.sink COLLATE "C") FROM (
    SELECT sink, state, attempts, remote_ref, last_error, updated_at FROM deliveries WHERE incident_id = i.id
  ) d) AS delivery_rows`;

/** Every statement, named by what it does. */
export const SQL = {
  ping: "SELECT 1",
  lockOne: "SELECT pg_advisory_xact_lock($1::int, $2::int)",

  /**
   * Remember the batch's idempotency keys ($1, at $2) and fetch the candidates of several fingerprints, each
   * in its own range of firstSeen ($3..$5, both exclusive), in one round trip. Rows with a `key` are the keys
   * that were new (a key seen before is a resend); the others are candidates, in no particular order.
   */
  keysAndCandidates: `WITH fresh AS (
      INSERT INTO dedup_keys (key, seen_at) SELECT DISTINCT unnest($1::text[]), $2::bigint
      ON CONFLICT (key) DO NOTHING RETURNING key)
    SELECT NULL::bigint AS id, NULL::text AS fingerprint, NULL::bigint AS "firstSeen", key FROM fresh
    UNION ALL
    SELECT i.id, i.fingerprint, i.first_seen, NULL FROM incidents i
    JOIN unnest($3::text[], $4::bigint[], $5::bigint[]) AS r (fingerprint, from_ms, to_ms)
      ON i.fingerprint = r.fingerprint AND i.first_seen > r.from_ms AND i.first_seen < r.to_ms`,
  pruneKeys: "DELETE FROM dedup_keys WHERE seen_at < $1",
  /**
   * The repeats a batch added to each touched incident, applied at once. An incident this reopens (it was
   * resolved) gets an "update" job at $5 so sinks show it open again, loses a resolution still queued, and
   * forgets the previous resolution's deliveries so the next one is announced again. Every part of one
   * statement reads the same snapshot: `reopened` sees the statuses from before the bump.
   */
  bumpIncidents: `WITH b AS (
      SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS b (id, count, min_t, max_t)),
    reopened AS (SELECT i.id FROM incidents i JOIN b ON i.id = b.id WHERE i.status = 'resolved'),
    bumped AS (
      UPDATE incidents i SET count = i.count + b.count, first_seen = LEAST(i.first_seen, b.min_t),
      last_seen = GREATEST(i.last_seen, b.max_t), status = 'open', resolved_at = NULL
      FROM b WHERE i.id = b.id)
    SELECT id FROM reopened ORDER BY id`,
  /** Only for incidents a bump reopened ($1): drop stale resolutions, queue an "update" at $2. */
  reopenIncidents: `WITH stale AS (DELETE FROM jobs WHERE incident_id = ANY($1::bigint[]) AND kind = 'resolved'),
    announced AS (
      DELETE FROM deliveries WHERE incident_id = ANY($1::bigint[]) AND right(sink, 9) = ':resolved')
    INSERT INTO jobs (incident_id, kind, attempts, run_at, created_at)
    SELECT id, 'update', 0, $2::bigint, $2::bigint FROM unnest($1::bigint[]) AS id ORDER BY id`,
  /** $1..$16 are the incident's columns; $17 says whether to enqueue its "incident" job too. */
  insertIncident: `WITH inc AS (
      INSERT INTO incidents (fingerprint, error_code, target, level, severity, status, count, first_seen,
        last_seen, created_at, source, message, request_id, filename, line_number, fields, url, suppressed,
        cost_usd)
      VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0)
      RETURNING id),
    job AS (
      INSERT INTO jobs (incident_id, kind, attempts, run_at, created_at)
      SELECT id, 'incident', 0, $8::bigint, $8::bigint FROM inc WHERE $17::boolean RETURNING id)
    SELECT inc.id AS "incidentId", (SELECT id FROM job) AS "jobId" FROM inc`,
  insertJob: `INSERT INTO jobs (incident_id, kind, attempts, run_at, created_at)
    SELECT id, $2::text, 0, $3::bigint, $4::bigint FROM incidents WHERE id = $1 RETURNING id`,

  getOffset: `SELECT dev, ino, path, byte_offset AS "offset", head_hash, head_len FROM file_offsets
    WHERE host = $1 AND dev = $2 AND ino = $3`,
  anyOffset: "SELECT 1 FROM file_offsets WHERE host = $1 LIMIT 1",
  upsertOffset: `INSERT INTO file_offsets (host, dev, ino, path, byte_offset, head_hash, head_len)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (host, dev, ino) DO UPDATE SET path = excluded.path, byte_offset = excluded.byte_offset,
    head_hash = excluded.head_hash, head_len = excluded.head_len`,

  /** The open incident to resolve, or the one already resolved at this very time (a resent resolution). */
  toResolve: `SELECT id, status FROM incidents WHERE fingerprint = $1 AND (status = 'open' OR resolved_at = $2)
    ORDER BY status = 'resolved' DESC, first_seen DESC, id DESC LIMIT 1`,
  markResolved: "UPDATE incidents SET status = 'resolved', resolved_at = $2 WHERE id = $1",

  /**
   * Most severe first, then oldest (jobs.priority, see incident-actions.ts). SKIP LOCKED: replicas claiming at
   * once each get other rows instead of queueing behind one another. Answered in claim order.
   */
  claimJobs: `WITH due AS (
      SELECT id FROM jobs WHERE run_at <= $2 AND (lease_owner IS NULL OR lease_until <= $2)
      ORDER BY priority, created_at, id LIMIT $4 FOR UPDATE SKIP LOCKED),
    leased AS (
      UPDATE jobs SET lease_owner = $1, lease_until = $3, attempts = jobs.attempts + 1 FROM due
      WHERE jobs.id = due.id RETURNING jobs.id, jobs.incident_id, jobs.kind, jobs.attempts, jobs.run_at,
      jobs.created_at, jobs.priority)
    SELECT * FROM leased ORDER BY priority, created_at, id`,
  extendLease: "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND lease_owner = $2",
  completeJob: "DELETE FROM jobs WHERE id = $1 AND lease_owner = $2",
  retryJob: `UPDATE jobs SET lease_owner = NULL, lease_until = NULL, run_at = $3, last_error = $4
    WHERE id = $1 AND lease_owner = $2`,
  releaseLeases: "UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1",
  leaseOwners: `SELECT DISTINCT lease_owner COLLATE "C" AS owner FROM jobs WHERE lease_owner IS NOT NULL
    ORDER BY owner`,
  queueStats: "SELECT count(*) AS depth, min(created_at) AS oldest FROM jobs",

  tokenState: `SELECT (SELECT granted FROM tokens WHERE bucket = $1 AND key = $2) AS asked,
    (SELECT count(*) FROM tokens WHERE bucket = $1 AND granted AND at > $3 AND at <= $4) AS used`,
  addToken: "INSERT INTO tokens (bucket, key, granted, at) VALUES ($1, $2, $3, $4)",
  pruneTokens: "DELETE FROM tokens WHERE bucket = $1 AND at < $2",

  saveDiagnosis: "UPDATE incidents SET diagnosis = $2, severity = $3, cost_usd = cost_usd + $4 WHERE id = $1",
  saveContext: "UPDATE incidents SET context = $2 WHERE id = $1",
  ensureDeliveries: `WITH inc AS (SELECT id FROM incidents WHERE id = $1),
    ins AS (INSERT INTO deliveries (incident_id, sink, state, attempts, updated_at)
      SELECT inc.id, s.sink, 'pending', 0, $3::bigint FROM inc, (SELECT DISTINCT unnest($2::text[]) AS sink) s
      ON CONFLICT (incident_id, sink) DO NOTHING)
    SELECT count(*) AS found FROM inc`,
  updateDelivery: `INSERT INTO deliveries (incident_id, sink, state, attempts, remote_ref, last_error, updated_at)
    SELECT id, $2::text, $3::text, $4::int, $5::text, $6::text, $7::bigint FROM incidents WHERE id = $1
    ON CONFLICT (incident_id, sink) DO UPDATE SET state = excluded.state,
    attempts = deliveries.attempts + excluded.attempts, updated_at = excluded.updated_at,
    remote_ref = CASE WHEN $8::boolean THEN deliveries.remote_ref ELSE excluded.remote_ref END,
    last_error = CASE WHEN $9::boolean THEN deliveries.last_error ELSE excluded.last_error END`,

  getIncident: `SELECT i.*, ${DELIVERIES} FROM incidents i WHERE i.id = $1`,

  insertLlmCall: `INSERT INTO llm_calls (incident_id, model, at, input_tokens, output_tokens, cache_write_tokens,
    cache_read_tokens, cost_usd) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  llmSpend: `SELECT model, count(*) AS calls, sum(input_tokens)::bigint AS "inputTokens",
    sum(output_tokens)::bigint AS "outputTokens", sum(cache_write_tokens)::bigint AS "cacheWriteTokens",
    sum(cache_read_tokens)::bigint AS "cacheReadTokens", sum(cost_usd) AS "costUsd"
    FROM llm_calls WHERE at >= $1 GROUP BY model ORDER BY model COLLATE "C"`,
} as const;
