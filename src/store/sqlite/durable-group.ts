/**
 * Durable ingests without stopping the event loop for the disk. SQLite's synchronous=FULL fsyncs the WAL inside
 * COMMIT, and better-sqlite3 runs COMMIT on the main thread: every request would wait out the flush with no new
 * one even read meanwhile. Instead the connection runs NORMAL (WAL frames written, not flushed) and, after an
 * ingest group commits, the WAL file is fsynced on libuv's thread pool; the group's callers are answered only
 * after a flush that began after their commit, so a 2xx still means the signals are on disk (FULL's promise).
 * The event loop reads requests while the disk flushes, and they make up the next group (group-commit.ts); a
 * commit made while a flush runs shares the one flush that follows. fsync acts on the file, not the descriptor,
 * so a descriptor of our own flushes SQLite's writes; frames are flushed in the order they were written, and
 * WAL recovery stops at the first frame whose checksum fails, so a later commit never survives an earlier one.
 * A checkpoint in between needs nothing, as NORMAL syncs the WAL before checkpointing.
 * @see https://www.sqlite.org/pragma.html#pragma_synchronous
 * @see https://www.sqlite.org/wal.html#durability
 */
import { open } from "node:fs/promises";

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Flushes of one WAL file. */
export interface WalFlusher {
  /**
   * Call right after a commit: resolves once a flush that began after the call is done (or rejects with its
   * error). At most one flush runs; calls made while it runs share the next one.
   */
  flush(): Promise<void>;
  /** Resolves when no flush runs or waits (before closing the database, which removes the WAL file). */
  settled(): Promise<void>;
}

export function createWalFlusher(
  walPath: string,
  sync: (path: string) => Promise<void> = fsyncFile,
): WalFlusher {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const flush = sync(walPath).finally(() => {
      if (running === flush) running = null;
    });
    running = flush;
    return flush;
  };
  const flush = (): Promise<void> => {
    if (queued) return queued;
    if (!running) return start();
    // The running flush may have begun before this commit: wait for it, then flush again.
    queued = running
      .catch(() => {})
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  };
  const settled = async (): Promise<void> => {
    while (queued || running) await (queued ?? running)?.catch(() => {});
  };
  return { flush, settled };
}
