/**
 * The connection pool and the two ways the store talks to PostgreSQL: one statement, or one transaction.
 * Both survive a database restart or terminated backends: the pool opens fresh connections on demand, and
 * work is retried on a fresh connection only when nothing of it can have committed (see `tx`).
 */
import pg from "pg";
import type { Logger } from "../../log.js";
import { CommitOutcomeUnknownError, isConflictAbort, isConnectionLost, reasonOf } from "./errors.js";

/** Everything the pool needs; the URL already carries the schema (search_path). */
export interface PoolSettings {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** The server ends a session idle inside a transaction this long (a hung replica must not hold locks). */
  idleInTransactionTimeoutMs: number;
  applicationName: string;
  /** Pauses before each retry; their count is the number of retries. */
  retryDelaysMs: readonly number[];
  log?: Logger;
}

/** Run one statement; `params` are bound, never interpolated. */
export type Sql = <R extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  params?: readonly unknown[],
) => Promise<pg.QueryResult<R>>;

/** The pool as the store uses it. */
export interface Db {
  /** One statement (autocommit), retried on a fresh connection when the connection was lost: idempotent ones. */
  query: Sql;
  /**
   * BEGIN, fn, COMMIT on one connection; fn runs again when the attempt aborted before COMMIT was sent.
   * `begin`: a statement sent with BEGIN in the same round trip (no parameters: literals only).
   */
  tx<T>(fn: (sql: Sql) => Promise<T>, options?: { begin?: string }): Promise<T>;
  end(): Promise<void>;
}

const { builtins } = pg.types;
// BIGINT (ids, epoch ms, counts) as numbers: every value ai-monitor stores fits in 2^53. JSON stays text
// so the row schemas shared with SQLite parse it.
const parsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === builtins.INT8) return (text: string) => Number(text);
    if (oid === builtins.JSON) return (text: string) => text;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/** PostgreSQL text cannot hold U+0000 (a log line can): U+FFFD instead, the same on every write and lookup. */
export const pgText = (value: string): string =>
  value.includes("\0") ? value.replaceAll("\0", "\uFFFD") : value;

const clean = (value: unknown): unknown =>
  typeof value === "string" ? pgText(value) : Array.isArray(value) ? value.map(clean) : value;
const cleanAll = (params?: readonly unknown[]) => params?.map(clean);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Open the pool (lazily: no connection is made before the first query). */
export function createDb(settings: PoolSettings): Db {
  const { log, retryDelaysMs } = settings;
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs,
    application_name: settings.applicationName,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: parsers,
  });
  // An idle connection killed by the server emits "error" on the pool; unhandled, it would end the process.
  pool.on("error", (err) =>
    log?.warn({ reason: reasonOf(err) }, "idle PostgreSQL connection lost; the pool opens a new one"),
  );

  const retrying = async <T>(
    what: string,
    attempt: (n: number) => Promise<T>,
    canRetry: (e: unknown) => boolean,
  ) => {
    for (let n = 0; ; n++) {
      try {
        return await attempt(n);
      } catch (err) {
        const delayMs = retryDelaysMs[n];
        if (delayMs === undefined || !canRetry(err)) throw err;
        log?.warn(
          { reason: reasonOf(err), retryInMs: delayMs, what },
          "PostgreSQL: retrying on a fresh connection",
        );
        await sleep(delayMs);
      }
    }
  };

  async function attemptTx<T>(fn: (sql: Sql) => Promise<T>, begin?: string): Promise<T> {
    let lost: unknown = null;
    const onError = (err: Error) => {
      lost = err;
    };
    // A checked-out client has no "error" listener: without ours, a socket error or a FATAL from the server
    // between two statements would be an unhandled event. It is attached inside the callback, which runs in
    // the same tick the pool hands the client over (an await would leave a gap where the FATAL can land).
    const client = await new Promise<pg.PoolClient>((resolve, reject) =>
      pool.connect((err, handed) => {
        if (err || !handed) return reject(err ?? new Error("no client from the pool"));
        handed.on("error", onError);
        resolve(handed);
      }),
    );
    let committing = false;
    try {
      // Several statements in one simple query run in one round trip; BEGIN makes them part of fn's transaction.
      await client.query(begin ? `BEGIN; ${begin}` : "BEGIN");
      const result = await fn((text, params) => client.query(text, cleanAll(params)));
      committing = true;
      await client.query("COMMIT");
      client.off("error", onError);
      client.release();
      return result;
    } catch (err) {
      let broken = lost !== null || isConnectionLost(err);
      if (!broken) await client.query("ROLLBACK").catch(() => (broken = true));
      client.off("error", onError);
      client.release(broken);
      if (committing && isConnectionLost(err)) {
        throw new CommitOutcomeUnknownError(reasonOf(err), { cause: err });
      }
      throw err;
    }
  }

  return {
    query: (text, params) =>
      retrying(text.slice(0, 40), () => pool.query(text, cleanAll(params)), isConnectionLost),
    tx: (fn, options) =>
      retrying(
        "transaction",
        () => attemptTx(fn, options?.begin),
        // Never after a COMMIT whose answer was lost: the first attempt may be stored.
        (err) =>
          !(err instanceof CommitOutcomeUnknownError) && (isConnectionLost(err) || isConflictAbort(err)),
      ),
    end: () => pool.end(),
  };
}
