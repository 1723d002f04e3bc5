/**
 * Configuration of the PostgreSQL store: `store.postgres`, next to sqlitePath and databaseUrl (which selects
 * the backend).
 */
import { z } from "zod";
import { SCHEMA_NAME } from "../store/postgres/connection.js";
import type { PostgresStoreOptions } from "../store/postgres/postgres-store.js";
import { duration } from "./zod-helpers.js";

/** `store.postgres`: pool size, timeouts and schema of the PostgreSQL store. */
export const postgresSection = z
  .object({
    /** Connections per replica; replicas x poolMax must stay below the server's max_connections. */
    poolMax: z.number().int().min(1).max(1000).default(10),
    /** Server-side limit per statement, lock waits included. */
    statementTimeout: duration("30s", 1),
    /** Limit to open a connection, or to wait for a free one from the pool. */
    connectTimeout: duration("10s", 1),
    /** Schema for ai-monitor's tables, created at start when missing; null = the URL's search_path. */
    schema: z
      .string()
      .regex(SCHEMA_NAME, "use lower-case letters, digits and _ (starting with a letter or _)")
      .nullable()
      .default(null),
  })
  .strict()
  .prefault({});

export type PostgresSection = z.infer<typeof postgresSection>;

/** Pure: the store's option names (durations in ms) for the parsed section. */
export function postgresStoreOptions(
  section: PostgresSection,
): Pick<PostgresStoreOptions, "poolMax" | "statementTimeoutMs" | "connectTimeoutMs" | "schema"> {
  return {
    poolMax: section.poolMax,
    statementTimeoutMs: section.statementTimeout,
    connectTimeoutMs: section.connectTimeout,
    schema: section.schema,
  };
}
