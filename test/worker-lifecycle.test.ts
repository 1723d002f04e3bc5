/** The worker's own rules: a stopped worker claims no more jobs, and a job that keeps throwing is dropped. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../src/diagnose/catalog.js";
import type { Sink } from "../src/sinks/sink.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { codeSignal, wirePipeline } from "./helpers/in-process-pipeline.js";

const T0 = Date.parse("2026-11-26T09:00:00Z");

async function openStore(): Promise<Store> {
  const store = createSqliteStore({
    path: join(mkdtempSync(join(tmpdir(), "ai-monitor-worker-")), "db.sqlite"),
  });
  await store.init();
  return store;
}

describe("worker lifecycle", () => {
  it("stops claiming at shutdown: jobs not started stay queued, leases are released", async () => {
    const store = await openStore();
    let sent = 0;
    const slow: Sink = {
      name: "slow",
      accepts: () => true,
      async send() {
        sent++;
        await new Promise((r) => setTimeout(r, 100));
        return { ok: true, remoteRef: null };
      },
    };
    const { worker, intake } = wirePipeline(
      { store, sinks: [slow], now: () => T0, catalog: await loadCatalog(null), ratePerHour: 100 },
      { owner: "test:1:stop", maxAttempts: 3, concurrency: 2 },
    );
    await intake.ingest(Array.from({ length: 20 }, (_, i) => codeSignal(`S_${i}`, T0)));
    worker.start();
    await new Promise((r) => setTimeout(r, 50)); // the first two jobs are running
    await worker.stop();
    expect(sent).toBeLessThan(20);
    expect(await store.leaseOwners()).toEqual([]);
    expect((await store.queueStats(T0)).depth).toBe(20 - sent);
  });

  it("drops a job that fails with an error on every attempt, after maxAttempts", async () => {
    const real = await openStore();
    let now = T0;
    const broken: Store = {
      ...real,
      getIncident: async () => Promise.reject(new Error("row does not parse")),
    };
    const { worker, intake } = wirePipeline(
      { store: broken, sinks: [], now: () => now, catalog: await loadCatalog(null), ratePerHour: 100 },
      { owner: "test:1:drop", maxAttempts: 3, concurrency: 1 },
    );
    await intake.ingest([codeSignal("BROKEN_1", T0)]);
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await worker.drain()).toBe(1);
      now += 10 * 60_000; // past any backoff
    }
    expect((await real.queueStats(now)).depth).toBe(0);
    expect(await worker.drain()).toBe(0);
  });
});
