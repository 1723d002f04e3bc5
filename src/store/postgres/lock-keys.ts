/**
 * Advisory lock keys. PostgreSQL's two-int form `pg_advisory_xact_lock(namespace, key)` keeps our locks apart
 * from other applications' and from each other; a hash collision only serialises two unrelated names.
 */
import { createHash } from "node:crypto";

/** Lock namespaces ("aim" + a letter, so a DBA reading pg_locks can tell them apart). */
export const LOCK_NS = {
  /** Schema migrations: one replica migrates, the others wait and then find nothing to do. */
  migrate: 0x61696d4d,
  /** One fingerprint's dedup windows. */
  fingerprint: 0x61696d46,
  /** One rate-limit bucket. */
  bucket: 0x61696d42,
  /** The LLM budget: every reservation and settlement of LLM spend (one key, 0). */
  budget: 0x61696d4c,
} as const;

/** Pure: a stable signed 32-bit key for a name. */
export function lockKey(name: string): number {
  return createHash("sha1").update(name).digest().readInt32BE(0);
}

/**
 * Pure: the distinct keys of several names in ascending order. Every transaction takes its locks in this one
 * order, so two replicas locking overlapping batches wait for each other instead of deadlocking.
 */
export function orderedLockKeys(names: readonly string[]): number[] {
  return [...new Set(names.map(lockKey))].sort((a, b) => a - b);
}
