/**
 * Group commit for the SQLite store. The operations issued in one turn of the event loop run together at its end,
 * in call order, inside one BEGIN IMMEDIATE transaction, each in its own SAVEPOINT (one failing rolls back only
 * itself), and commit once; each caller's promise settles only after that COMMIT, so "resolved" still means
 * durable. A worker running a dozen small writes per job for many jobs at once paid one commit
 * (WAL append, lock round trip, fsync with synchronous=FULL) per write; now it pays one per turn.
 * The write lock is held only while the batch runs.
 */
import type Database from "better-sqlite3";

interface Queued {
  op: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** The group: `run` an operation (synchronous, on this connection); `flush` runs and commits what is queued. */
export interface GroupCommit {
  run<T>(op: () => T): Promise<T>;
  flush(): void;
}

/** Create the group over one open connection. */
export function createGroupCommit(db: Database.Database): GroupCommit {
  let queue: Queued[] = [];
  // Prepared once: creating a db.transaction() wrapper per call cost more than the work it wrapped.
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const savepoint = db.prepare("SAVEPOINT grouped_op");
  const release = db.prepare("RELEASE grouped_op");
  const rollbackTo = db.prepare("ROLLBACK TO grouped_op");

  /**
   * Run the queued operations in one transaction and commit. The write lock is taken and released inside this
   * one synchronous call, never held across turns: another connection of the same process (which would wait
   * for it synchronously, blocking the very turn that commits) can never deadlock on it.
   */
  function flush(): void {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const results: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      begin.run();
    } catch (err) {
      for (const q of batch) q.reject(err);
      return;
    }
    for (const { op } of batch) {
      savepoint.run();
      try {
        // The operation's own db.transaction(), nested here, becomes a SAVEPOINT of its own.
        results.push({ ok: true, value: op() });
        release.run();
      } catch (err) {
        rollbackTo.run();
        release.run();
        results.push({ ok: false, err });
      }
    }
    try {
      commit.run();
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      for (const q of batch) q.reject(err);
      return;
    }
    batch.forEach((q, i) => {
      const r = results[i]!;
      if (r.ok) q.resolve(r.value);
      else q.reject(r.err);
    });
  }

  return {
    run<T>(op: () => T): Promise<T> {
      if (queue.length === 0) setImmediate(flush);
      return new Promise<T>((resolve, reject) => {
        queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      });
    },
    flush,
  };
}

/** `T` with every function answering a promise of its result. */
export type Grouped<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : T[K];
};

/** Wrap every function of `ops` so it runs through `group` and answers once committed. */
export function grouped<T extends Record<string, unknown>>(ops: T, group: GroupCommit): Grouped<T> {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(ops)) {
    out[name] =
      typeof fn === "function"
        ? (...args: unknown[]) => group.run(() => (fn as (...a: unknown[]) => unknown)(...args))
        : fn;
  }
  return out as Grouped<T>;
}
