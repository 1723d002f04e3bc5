/**
 * Group commit that does not stop the event loop for the disk. SQLite's synchronous=FULL fsyncs the WAL inside
 * COMMIT, and better-sqlite3 runs COMMIT on the main thread: every request would wait out the flush with no new
 * one even read meanwhile, so groups would stay small. Instead the connection runs NORMAL (WAL frames written,
 * not flushed) and, after an ingest group commits, the WAL file is fsynced on libuv's thread pool; the group's
 * callers are answered only after that flush, so a 2xx still means the signals are on disk (FULL's promise)
 * while the next group gathers. fsync acts on the file, not the descriptor, so a descriptor of our own flushes
 * SQLite's writes; a checkpoint in between needs nothing, as NORMAL syncs the WAL before checkpointing.
 * @see https://www.sqlite.org/pragma.html#pragma_synchronous
 * @see https://www.sqlite.org/wal.html#durability
 */
import { open } from "node:fs/promises";

/** Run `commit`, then flush the WAL at `walPath` off the main thread before returning its result. */
export async function commitThenFlush<T>(walPath: string, commit: () => T): Promise<T> {
  const result = commit();
  const fh = await open(walPath, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return result;
}
