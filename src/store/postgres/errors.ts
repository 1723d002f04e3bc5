/**
 * Pure classification of PostgreSQL and node-postgres errors: which ones mean "the connection is gone"
 * (retry on a fresh one if nothing can have committed), which ones mean "run the transaction again".
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
 */

/** SQLSTATEs sent when the server ends a session: admin_shutdown (pg_terminate_backend, fast shutdown), crash. */
const SESSION_ENDED = new Set(["57P01", "57P02", "57P03"]);
/** Socket errors of a lost or refused TCP connection. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
/** Messages node-postgres uses when the socket closed under a client. */
const LOST_MESSAGE =
  /connection terminated|not queryable|connection error|socket hang up|server closed the connection/i;

/** The connection died after COMMIT was sent: the transaction may or may not be stored, so it is not retried. */
export class CommitOutcomeUnknownError extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(
      `PostgreSQL connection lost during COMMIT: the change may or may not be stored (${reason})`,
      options,
    );
    this.name = "CommitOutcomeUnknownError";
  }
}

const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
};

/** True when the error says the connection (or the server) went away, not that the SQL was wrong. */
export function isConnectionLost(err: unknown): boolean {
  if (err instanceof CommitOutcomeUnknownError) return false;
  if (err instanceof AggregateError) return err.errors.some(isConnectionLost);
  const code = codeOf(err);
  if (code !== undefined && (SESSION_ENDED.has(code) || code.startsWith("08") || SOCKET_CODES.has(code))) {
    return true;
  }
  return err instanceof Error && code === undefined && LOST_MESSAGE.test(err.message);
}

/** True for a transaction PostgreSQL aborted to resolve a conflict: serialization failure or deadlock. */
export function isConflictAbort(err: unknown): boolean {
  const code = codeOf(err);
  return code === "40001" || code === "40P01";
}

/** True when the server refused for lack of privileges (missing GRANT). */
export function isPermissionDenied(err: unknown): boolean {
  return codeOf(err) === "42501";
}

/** A readable one-line reason; Node's happy-eyeballs AggregateError has an empty message of its own. */
export function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return [...new Set(err.errors.map(reasonOf))].join("; ");
  }
  if (err instanceof Error) return err.message || codeOf(err) || err.name;
  return String(err);
}
