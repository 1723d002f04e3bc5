/** Versioned SQLite schema migrations: each applied once, in its own transaction, safe on every start. */
import type { Database } from "better-sqlite3";
import { LLM_RESERVATIONS_MIGRATION } from "./budget.js";
import { INCIDENT_ACTIONS_MIGRATION } from "./incident-actions.js";

/** One schema step. Versions only grow; never edit a released migration, add a new one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Schema step: autofix PR facts (keyed by URL) and one current verdict per (incident, reviewer). */
export const REPORT_FACTS_MIGRATION: Migration = {
  version: 4,
  name: "autofix PR facts and diagnosis feedback",
  sql: `
    CREATE TABLE autofix_prs (
      url TEXT PRIMARY KEY,
      number INTEGER NOT NULL,
      incident_id TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      state TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      merged_at INTEGER,
      closed_at INTEGER,
      seen_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX autofix_prs_created_at ON autofix_prs (created_at);

    CREATE TABLE diagnosis_feedback (
      incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
      reviewer TEXT NOT NULL,
      verdict TEXT NOT NULL,
      note TEXT,
      at INTEGER NOT NULL,
      PRIMARY KEY (incident_id, reviewer)
    ) WITHOUT ROWID;
    CREATE INDEX diagnosis_feedback_at ON diagnosis_feedback (at);
  `,
};

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    sql: `
      CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        error_code TEXT,
        target TEXT NOT NULL,
        level TEXT NOT NULL,
        severity TEXT NOT NULL,
        status TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        resolved_at INTEGER,
        source TEXT NOT NULL,
        message TEXT NOT NULL,
        request_id TEXT,
        filename TEXT,
        line_number INTEGER,
        fields TEXT NOT NULL,
        url TEXT,
        suppressed TEXT,
        diagnosis TEXT,
        cost_usd REAL NOT NULL DEFAULT 0
      );
      CREATE INDEX incidents_fingerprint_first_seen ON incidents (fingerprint, first_seen);
      CREATE INDEX incidents_fingerprint_open ON incidents (fingerprint, first_seen) WHERE status = 'open';

      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        run_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        last_error TEXT
      );
      CREATE INDEX jobs_due ON jobs (run_at, created_at);
      CREATE INDEX jobs_lease_owner ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;
      CREATE INDEX jobs_incident ON jobs (incident_id);

      CREATE TABLE deliveries (
        incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        sink TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        remote_ref TEXT,
        last_error TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (incident_id, sink)
      ) WITHOUT ROWID;

      CREATE TABLE file_offsets (
        dev INTEGER NOT NULL,
        ino INTEGER NOT NULL,
        path TEXT NOT NULL,
        offset INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        head_len INTEGER NOT NULL,
        PRIMARY KEY (dev, ino)
      ) WITHOUT ROWID;

      CREATE TABLE dedup_keys (
        key TEXT PRIMARY KEY,
        seen_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX dedup_keys_seen_at ON dedup_keys (seen_at);

      CREATE TABLE tokens (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        granted INTEGER NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (bucket, key)
      ) WITHOUT ROWID;
      CREATE INDEX tokens_window ON tokens (bucket, granted, at);
    `,
  },
  {
    version: 2,
    name: "context bundle and LLM call ledger",
    sql: `
      ALTER TABLE incidents ADD COLUMN context TEXT;
      CREATE TABLE llm_calls (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER REFERENCES incidents (id) ON DELETE SET NULL,
        model TEXT NOT NULL,
        at INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        cost_usd REAL NOT NULL
      );
      CREATE INDEX llm_calls_at ON llm_calls (at);
    `,
  },
  LLM_RESERVATIONS_MIGRATION,
  REPORT_FACTS_MIGRATION,
  INCIDENT_ACTIONS_MIGRATION,
  {
    // SQLite rewrites a whole row to change one column: every repeat of an incident (count, last_seen) rewrote
    // its diagnosis and context too, and a storm's group touches all of its incidents. Those two, the only
    // large columns, move to a table of their own. The old columns stay, emptied (one pass over the table,
    // not the two rebuilds DROP COLUMN makes): a previous release still running on this file keeps working
    // instead of failing on a missing column (it no longer sees diagnoses stored from now on).
    version: 6,
    name: "diagnosis and context beside the incident",
    sql: `
      CREATE TABLE incident_documents (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
        diagnosis TEXT,
        context TEXT
      );
      INSERT INTO incident_documents (incident_id, diagnosis, context)
        SELECT id, diagnosis, context FROM incidents WHERE diagnosis IS NOT NULL OR context IS NOT NULL;
      UPDATE incidents SET diagnosis = NULL, context = NULL WHERE diagnosis IS NOT NULL OR context IS NOT NULL;
    `,
  },
];

/**
 * Apply the migrations not yet recorded in `schema_migrations`; returns how many ran. Each runs in a
 * BEGIN IMMEDIATE transaction that re-checks the version, so two processes starting together apply it once.
 */
export function migrate(db: Database, appliedAtMs: number, migrations = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const isApplied = db.prepare<[number], { version: number }>(
    "SELECT version FROM schema_migrations WHERE version = ?",
  );
  const record = db.prepare<[number, string, number]>(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  let applied = 0;
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const apply = db.transaction(() => {
      if (isApplied.get(migration.version)) return false;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, appliedAtMs);
      return true;
    });
    if (apply.immediate()) applied++;
  }
  return applied;
}
