/**
 * Opening the PostgreSQL store: the pool with its settings, a first connection whose failure is reported
 * as a start-up error that says where and why (never the password), then the migrations.
 */
import { connectError, describeTarget, withSearchPath } from "./connection.js";
import { isPermissionDenied, reasonOf } from "./errors.js";
import { migrate } from "./migrations.js";
import { createDb, type Db } from "./pool.js";
import type { PostgresStoreOptions } from "./postgres-store.js";
import { SQL } from "./statements.js";

/** Apply pending migrations on an open pool (in one transaction, under the migration lock). */
export async function migrateDatabase(db: Db, options: PostgresStoreOptions): Promise<number> {
  return db.tx((sql) => migrate(sql, { appliedAtMs: Date.now(), createSchema: options.schema ?? null }));
}

/** Open the pool, check that it connects, migrate; the pool is closed again when any of it fails. */
export async function openDatabase(options: PostgresStoreOptions): Promise<Db> {
  const target = describeTarget(options.url);
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  const db = createDb({
    url: options.schema ? withSearchPath(options.url, options.schema) : options.url,
    poolMax: options.poolMax ?? 10,
    statementTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    idleInTransactionTimeoutMs: Math.max(60_000, 2 * statementTimeoutMs),
    applicationName: options.applicationName ?? "ai-monitor",
    retryDelaysMs: options.retryDelaysMs ?? [50, 250, 1000],
    log: options.log,
  });
  try {
    await db.query(SQL.ping);
  } catch (err) {
    await db.end().catch(() => {});
    // The first statement only fails to connect: refused, unknown host, bad password, no such database.
    throw connectError(options.url, err);
  }
  try {
    const ran = await migrateDatabase(db, options);
    if (ran > 0) options.log?.info({ database: target, migrations: ran }, "PostgreSQL schema migrated");
    return db;
  } catch (err) {
    await db.end().catch(() => {});
    if (isPermissionDenied(err)) {
      throw new Error(
        `PostgreSQL at ${target} refused to set up ai-monitor's tables: ${reasonOf(err)}. Grant the user ` +
          "CREATE (and USAGE) on the schema, or run the first start as the schema's owner",
        { cause: err },
      );
    }
    throw new Error(`cannot set up ai-monitor's tables in PostgreSQL at ${target}: ${reasonOf(err)}`, {
      cause: err,
    });
  }
}
