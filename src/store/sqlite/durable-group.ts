/**
 * Group commit that does not stop the event loop for the disk. With synchronous=FULL, SQLite fsyncs the WAL
 * inside COMMIT, and better-sqlite3 runs COMMIT on the main thread: every request waits out the flush and no
 * new one is even read meanwhile, so groups stay small. Instead, an ingest group commits with NORMAL (WAL
 * frames written, not flushed) and the WAL file is then fsynced on libuv's thread pool; callers are answered
 * only after that flush, so a 2xx still means the signals are on disk (what FULL promises), while the next
 * group gathers. fsync acts on the file, not the descriptor, so a descriptor of our own flushes SQLite's
 * writes. A checkpoint in between needs nothing: NORMAL syncs the WAL before checkpointing.
 * @see https://www.sqlite.org/pragma.html#pragma_synchronous
 * @see https://www.sqlite.org/wal.html#durability
 */
import { open } from "node:fs/promises";
import type Database from "better-sqlite3";

/** Run `commit` without an in-line flush, then flush the WAL off the main thread before returning its result. */
export async function commitThenFlush<T>(
  db: Database.Database,
  walPath: string,
  synchronous: string,
  commit: () => T,
): Promise<T> {
  db.pragma("synchronous = NORMAL");
  let result: T;
  try {
    result = commit();
  } finally {
    db.pragma(`synchronous = ${synchronous}`);
  }
  const fh = await open(walPath, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return result;
}
