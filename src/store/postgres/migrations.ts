/**
 * Versioned PostgreSQL schema migrations. All of them run in one transaction under an advisory lock, so of
 * several replicas starting at once one migrates and the others wait, then find nothing left to do.
 */
import { LLM_RESERVATIONS_MIGRATION } from "./budget.js";
import { SCHEMA_NAME } from "./connection.js";
import { INCIDENT_ACTIONS_MIGRATION } from "./incident-actions.js";
import { LOCK_NS } from "./lock-keys.js";
import type { Sql } from "./pool.js";

/** One schema step. Versions only grow; never edit a released migration, add a new one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Schema step: autofix PR facts (keyed by URL) and one current verdict per (incident, reviewer). */
export const REPORT_FACTS_MIGRATION: Migration = {
  version: 3,
  name: "autofix PR facts and diagnosis feedback",
  sql: `
    CREATE TABLE autofix_prs (
      url TEXT PRIMARY KEY,
      number BIGINT NOT NULL,
      incident_id TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      state TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      merged_at BIGINT,
      closed_at BIGINT,
      seen_at BIGINT NOT NULL
    );
    CREATE INDEX autofix_prs_created_at ON autofix_prs (created_at);

    CREATE TABLE diagnosis_feedback (
      incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
      reviewer TEXT NOT NULL,
      verdict TEXT NOT NULL,
      note TEXT,
      at BIGINT NOT NULL,
      PRIMARY KEY (incident_id, reviewer)
    );
    CREATE INDEX diagnosis_feedback_at ON diagnosis_feedback (at);
  `,
};

/**
 * Every migration, in order. Times are epoch milliseconds (BIGINT) as in the domain types; JSON columns are
 * `json`, not `jsonb`: it keeps the text as written and accepts the \u0000 escapes a log line can carry.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    sql: `
      CREATE TABLE incidents (
        id BIGSERIAL PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        error_code TEXT,
        target TEXT NOT NULL,
        level TEXT NOT NULL,
        severity TEXT NOT NULL,
        status TEXT NOT NULL,
        count BIGINT NOT NULL,
        first_seen BIGINT NOT NULL,
        last_seen BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        resolved_at BIGINT,
        source TEXT NOT NULL,
        message TEXT NOT NULL,
        request_id TEXT,
        filename TEXT,
        line_number BIGINT,
        fields JSON NOT NULL,
        url TEXT,
        suppressed TEXT,
        diagnosis JSON,
        context JSON,
        cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0
      );
      CREATE INDEX incidents_fingerprint_first_seen ON incidents (fingerprint, first_seen);
      CREATE INDEX incidents_fingerprint_open ON incidents (fingerprint, first_seen) WHERE status = 'open';

      CREATE TABLE jobs (
        id BIGSERIAL PRIMARY KEY,
        incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        run_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        lease_owner TEXT,
        lease_until BIGINT,
        last_error TEXT
      );
      CREATE INDEX jobs_order ON jobs (created_at, id);
      CREATE INDEX jobs_lease_owner ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;
      CREATE INDEX jobs_incident ON jobs (incident_id);

      CREATE TABLE deliveries (
        incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        sink TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        remote_ref TEXT,
        last_error TEXT,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (incident_id, sink)
      );

      -- Offsets are per host: each replica tails its own files, and device + inode only mean something there.
      CREATE TABLE file_offsets (
        host TEXT NOT NULL,
        dev BIGINT NOT NULL,
        ino BIGINT NOT NULL,
        path TEXT NOT NULL,
        byte_offset BIGINT NOT NULL,
        head_hash TEXT NOT NULL,
        head_len INTEGER NOT NULL,
        PRIMARY KEY (host, dev, ino)
      );

      CREATE TABLE dedup_keys (
        key TEXT PRIMARY KEY,
        seen_at BIGINT NOT NULL
      );
      CREATE INDEX dedup_keys_seen_at ON dedup_keys (seen_at);

      CREATE TABLE tokens (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        granted BOOLEAN NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (bucket, key)
      );
      CREATE INDEX tokens_window ON tokens (bucket, at) WHERE granted;

      CREATE TABLE llm_calls (
        id BIGSERIAL PRIMARY KEY,
        incident_id BIGINT REFERENCES incidents (id) ON DELETE SET NULL,
        model TEXT NOT NULL,
        at BIGINT NOT NULL,
        input_tokens BIGINT NOT NULL,
        output_tokens BIGINT NOT NULL,
        cache_write_tokens BIGINT NOT NULL,
        cache_read_tokens BIGINT NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL
      );
      CREATE INDEX llm_calls_at ON llm_calls (at);
    `,
  },
  LLM_RESERVATIONS_MIGRATION,
  REPORT_FACTS_MIGRATION,
  INCIDENT_ACTIONS_MIGRATION,
];

/** How to migrate. */
export interface MigrateOptions {
  appliedAtMs: number;
  /** Create this schema first when it does not exist (it must be the one the search_path names). */
  createSchema?: string | null;
  migrations?: readonly Migration[];
}

/**
 * Apply the migrations not yet recorded in `schema_migrations` of the current schema (the first of the
 * search_path); returns how many ran. `sql` must be a transaction: the lock is released at its end.
 */
export async function migrate(sql: Sql, options: MigrateOptions): Promise<number> {
  const { appliedAtMs, createSchema, migrations = MIGRATIONS } = options;
  // A migration may rewrite a big table: no statement timeout for this transaction (SET LOCAL ends with it).
  await sql("SET LOCAL statement_timeout = 0");
  await sql(SQL_LOCK, [LOCK_NS.migrate]);
  if (createSchema) {
    if (!SCHEMA_NAME.test(createSchema))
      throw new Error(`invalid schema name ${JSON.stringify(createSchema)}`);
    const exists = await sql("SELECT 1 FROM pg_namespace WHERE nspname = $1", [createSchema]);
    // SCHEMA_NAME allows plain lower-case identifiers only, so the name is safe in the statement text.
    if (exists.rowCount === 0) await sql(`CREATE SCHEMA ${createSchema}`);
  }
  const { rows } = await sql<{ schema: string | null }>("SELECT current_schema() AS schema");
  if (!rows[0]?.schema) {
    throw new Error(
      "the search_path names no existing schema: create it first (CREATE SCHEMA ...) or set the store's schema",
    );
  }
  // Checked first: CREATE ... IF NOT EXISTS needs the CREATE right even when the table exists, and a user
  // with only SELECT/INSERT/UPDATE/DELETE must be able to start once an owner has migrated.
  const known = await sql<{ found: string | null }>("SELECT to_regclass('schema_migrations')::text AS found");
  if (!known.rows[0]?.found) {
    await sql(`CREATE TABLE schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
  }
  const done = await sql<{ version: number }>("SELECT version FROM schema_migrations");
  const applied = new Set(done.rows.map((row) => row.version));
  let count = 0;
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    await sql(migration.sql);
    await sql("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
      migration.version,
      migration.name,
      appliedAtMs,
    ]);
    count++;
  }
  return count;
}

// One lock for every schema of the database: migrating is rare and quick, and a per-schema key would need
// the schema before it is known to exist.
const SQL_LOCK = "SELECT pg_advisory_xact_lock($1::int, 0)";
