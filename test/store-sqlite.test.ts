import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, migrate } from "../src/store/sqlite/migrations.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { runStoreContract } from "./store-contract.js";
import { diagnosis, T0 } from "./store-contract-fixtures.js";

/**
 * Runs in a worker thread with its own connection, as another process would: claims jobs one at a time and
 * asks for tokens, then reports what it won. tsx is registered so the worker can import the TypeScript store.
 */
const CONTENDER = `
const { workerData, parentPort } = require("node:worker_threads");
(async () => {
  const { register } = await import("tsx/esm/api");
  register();
  const { createSqliteStore } = await import(workerData.storeModule);
  const store = createSqliteStore({ path: workerData.file, busyTimeoutMs: 20000 });
  await store.init();
  // Barrier: start together, so the connections really contend instead of running one after another.
  const gate = new Int32Array(workerData.gate);
  Atomics.add(gate, 0, 1);
  while (Atomics.load(gate, 0) < workerData.parties) Atomics.wait(gate, 0, Atomics.load(gate, 0), 50);
  const claimed = [];
  const granted = [];
  for (let i = 0; i < workerData.rounds; i++) {
    for (const job of await store.claimJobs(workerData.owner, 60000, 1, workerData.now)) claimed.push(job.id);
    if (await store.takeToken("llm", workerData.owner + "-" + i, workerData.limit, 3600000, workerData.now)) {
      granted.push(i);
    }
  }
  await store.close();
  parentPort.postMessage({ claimed, granted });
})();
`;

function contend(workerData: Record<string, unknown>): Promise<{ claimed: string[]; granted: number[] }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CONTENDER, { eval: true, workerData });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => code !== 0 && reject(new Error(`contender exited with ${code}`)));
  });
}

/** A store on a fresh file in a temp dir (in a subdirectory that does not exist yet). */
async function tempStore() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-store-"));
  const file = path.join(dir, "nested", "ai-monitor.db");
  const made: Store[] = [];
  const open = async () => {
    const store = createSqliteStore({ path: file, busyTimeoutMs: 2000 });
    made.push(store);
    return store;
  };
  return {
    dir,
    file,
    store: await open(),
    reopen: open,
    second: open,
    cleanup: async () => {
      for (const store of made) await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

runStoreContract("sqlite", tempStore);

describe("sqlite store specifics", () => {
  it("creates the parent directory, uses WAL and records the migration", async () => {
    const h = await tempStore();
    try {
      await h.store.init();
      await h.store.close();
      const db = new Database(h.file, { readonly: true });
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      const versions = db.prepare("SELECT version FROM schema_migrations").pluck().all();
      expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
      db.close();
    } finally {
      await h.cleanup();
    }
  });

  it("records each migration once however often it starts", async () => {
    const h = await tempStore();
    try {
      await h.store.init();
      const other = await h.second();
      await Promise.all([other.init(), h.store.init()]);
      await h.store.close();
      await other.close();
      const db = new Database(h.file, { readonly: true });
      expect(db.prepare("SELECT count(*) FROM schema_migrations").pluck().get()).toBe(MIGRATIONS.length);
      db.close();
    } finally {
      await h.cleanup();
    }
  });

  it("keeps the diagnoses and contexts of a database made before they moved beside the incident", async () => {
    const h = await tempStore();
    try {
      await fs.mkdir(path.dirname(h.file), { recursive: true });
      const before = new Database(h.file);
      migrate(
        before,
        T0,
        MIGRATIONS.filter((m) => m.version < 6),
      );
      // As the previous release stored them: in the incident's own row.
      const stored = diagnosis({ title: "Pool exhausted before the upgrade" });
      const bundle = { items: [{ id: "logs:request", kind: "logs", title: "t", text: "line" }], partial: [] };
      before
        .prepare(`INSERT INTO incidents (fingerprint, error_code, target, level, severity, status, count, first_seen,
          last_seen, created_at, source, message, fields, diagnosis, context)
          VALUES ('DB_001:db', 'DB_001', 'db', 'ERROR', 'critical', 'open', 3, ?, ?, ?, 'file', 'pool', '{}', ?, ?)`)
        .run(T0, T0, T0, JSON.stringify(stored), JSON.stringify(bundle));
      before.close();
      await h.store.init();
      const [incident] = await h.store.listIncidents({ limit: 10 });
      expect(incident).toMatchObject({
        fingerprint: "DB_001:db",
        count: 3,
        diagnosis: stored,
        context: bundle,
      });
      expect(await h.store.getIncident(incident!.id)).toMatchObject({ diagnosis: stored, context: bundle });
      // Repeats no longer rewrite them: the incident row holds neither (its old columns stay, emptied, so a
      // previous release still running on the file reads NULL instead of failing on a missing column).
      const columns = new Database(h.file, { readonly: true });
      expect(columns.prepare("SELECT diagnosis, context FROM incidents").all()).toEqual([
        { diagnosis: null, context: null },
      ]);
      columns.close();
    } finally {
      await h.cleanup();
    }
  });

  it("never lets two connections win the same job or token, even in parallel threads", async () => {
    const h = await tempStore();
    try {
      await h.store.init();
      const now = Date.UTC(2025, 0, 15, 12);
      const signals = Array.from({ length: 200 }, (_, i) => ({
        fingerprint: `E${i}:app`,
        errorCode: `E${i}`,
        target: "app",
        level: "ERROR" as const,
        message: "boom",
        timestampMs: now,
        requestId: null,
        fields: {},
        source: "file" as const,
        count: 1,
      }));
      await h.store.ingest(signals, { windowMs: 300_000, maxAgeMs: 3_600_000, now });
      const storeModule = new URL("../src/store/sqlite/sqlite-store.ts", import.meta.url).href;
      const gate = new SharedArrayBuffer(4);
      const results = await Promise.all(
        ["w1", "w2", "w3", "w4"].map((owner) =>
          contend({ storeModule, gate, parties: 4, file: h.file, owner, now, rounds: 60, limit: 100 }),
        ),
      );
      const claimed = results.flatMap((r) => r.claimed);
      expect(claimed).toHaveLength(200);
      expect(new Set(claimed).size).toBe(200);
      expect(results.reduce((sum, r) => sum + r.granted.length, 0)).toBe(100);
    } finally {
      await h.cleanup();
    }
  });

  it("refuses work before init and after close", async () => {
    const h = await tempStore();
    try {
      await expect(h.store.ping()).rejects.toThrow(/init/);
      await h.store.init();
      await h.store.close();
      await expect(h.store.listIncidents({ limit: 1 })).rejects.toThrow(/not open/);
    } finally {
      await h.cleanup();
    }
  });
});
