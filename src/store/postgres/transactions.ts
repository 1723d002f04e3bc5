/**
 * Read-modify-write operations of the PostgreSQL store (besides ingest), each run inside one transaction.
 * Decisions other replicas could make at the same moment are serialised by advisory transaction locks.
 * READ COMMITTED takes a fresh snapshot per statement, so whatever runs after a lock is granted sees
 * everything committed before it.
 */
import type { FileOffset } from "../store.js";
import { LOCK_NS, lockKey } from "./lock-keys.js";
import type { Sql } from "./pool.js";
import { SQL } from "./statements.js";

/** Store the offset of `host`'s file. */
export async function saveOffset(sql: Sql, host: string, o: FileOffset): Promise<void> {
  await sql(SQL.upsertOffset, [host, o.dev, o.ino, o.path, o.offset, o.headHash, o.headLen]);
}

/**
 * Resolve the newest open incident of a fingerprint and enqueue its "resolved" job. A resolution at the very
 * time one was already recorded is the same notification reaching another replica (or resent): no-op.
 */
export async function resolveTx(
  sql: Sql,
  fingerprint: string,
  resolvedAt: number,
  now: number,
): Promise<string | null> {
  await sql(SQL.lockOne, [LOCK_NS.fingerprint, lockKey(fingerprint)]);
  const { rows } = await sql<{ id: number; status: string }>(SQL.toResolve, [fingerprint, resolvedAt]);
  const target = rows[0];
  if (target?.status !== "open") return null;
  await sql(SQL.markResolved, [target.id, resolvedAt]);
  const job = await sql<{ id: number }>(SQL.insertJob, [target.id, "resolved", now, now]);
  return String(job.rows[0]!.id);
}

/** The sliding-window limiter decision for one key, under the bucket's lock. */
export async function takeTokenTx(
  sql: Sql,
  args: {
    bucket: string;
    key: string;
    limit: number;
    windowMs: number;
    now: number;
    pruneBefore: number | null;
  },
): Promise<boolean> {
  const { bucket, key, limit, windowMs, now, pruneBefore } = args;
  await sql(SQL.lockOne, [LOCK_NS.bucket, lockKey(bucket)]);
  const { rows } = await sql<{ asked: boolean | null; used: number }>(SQL.tokenState, [
    bucket,
    key,
    now - windowMs,
    now,
  ]);
  const state = rows[0]!;
  if (state.asked !== null) return state.asked;
  if (pruneBefore !== null) await sql(SQL.pruneTokens, [bucket, pruneBefore]);
  const granted = limit > 0 && state.used < limit;
  await sql(SQL.addToken, [bucket, key, granted, now]);
  return granted;
}
