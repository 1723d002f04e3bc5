/**
 * PostgreSQL for tests: the server on this machine (AI_MONITOR_TEST_PG_URL, default postgres://postgres@
 * 127.0.0.1:5432/test), one fresh schema per store or scenario, dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describeTarget, withSearchPath } from "../../src/store/postgres/connection.js";
import { reasonOf } from "../../src/store/postgres/errors.js";

/** The test server; CI runs PostgreSQL on the same machine. */
export const PG_URL = process.env.AI_MONITOR_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Null when PostgreSQL answers at PG_URL, else why not. */
export async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (err) {
    const reason = reasonOf(err);
    return `PostgreSQL not reachable at ${describeTarget(PG_URL)} (${reason}); set AI_MONITOR_TEST_PG_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Whether a PostgreSQL suite skips: when the server is missing, outside CI. Prints the reason; under CI=true
 * the suite runs and fails instead.
 */
export async function skipWithoutPostgres(file: string): Promise<boolean> {
  const reason = await probePostgres();
  if (reason === null) return false;
  if (process.env.CI === "true") {
    console.error(`${file}: ${reason} (CI=true: failing instead of skipping)`);
    return false;
  }
  console.warn(`${file}: skipping, ${reason}`);
  return true;
}

/** Run SQL as the test's admin connection (one connection per call, closed after). */
export async function adminQuery<R extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, empty schema and a URL whose connections use it. */
export interface TestSchema {
  name: string;
  /** PG_URL with `options=-c search_path=<name>`. */
  url: string;
  drop(): Promise<void>;
}

/** Create a uniquely named schema (`prefix_<random>`). */
export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await adminQuery(`CREATE SCHEMA ${name}`);
  return {
    name,
    url: withSearchPath(PG_URL, name),
    drop: async () => void (await adminQuery(`DROP SCHEMA IF EXISTS ${name} CASCADE`)),
  };
}
