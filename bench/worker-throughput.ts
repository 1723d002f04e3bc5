// bench/worker-throughput: N new incidents (distinct fingerprints) stored at once, then drained by the worker to
// console + JSONL on SQLite with the offline diagnoser, as `serve` wires them. Prints incidents per second (wall
// time) and per CPU-second of this process (what a busy machine cannot inflate), for the same-run baseline
// (one commit per store operation, 4 jobs at a time: the worker before issue 13) and for the current settings.
// Usage: npm run bench:worker-throughput -- [--incidents 5000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createContextGatherer } from "../src/context/context.js";
import { loadCatalog } from "../src/diagnose/catalog.js";
import { createOfflineDiagnoser } from "../src/diagnose/offline.js";
import type { Signal } from "../src/domain/types.js";
import { silentLogger } from "../src/log.js";
import { WORKER_CONCURRENCY } from "../src/main.js";
import { createMetrics } from "../src/metrics.js";
import { createWorker } from "../src/pipeline/worker.js";
import { createConsoleSink } from "../src/sinks/console.js";
import { createJsonlSink } from "../src/sinks/jsonl.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";

const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const incidents = Number(flag("incidents", "5000"));

async function drainRun(groupCommit: boolean, concurrency: number) {
  const dir = mkdtempSync(join(tmpdir(), "ai-monitor-bench-worker-"));
  const store = createSqliteStore({ path: join(dir, "db.sqlite"), groupCommit });
  await store.init();
  const now = Date.now();
  const signal = (i: number): Signal => ({
    fingerprint: `E_${i}:server::bench`,
    errorCode: `E_${i}`,
    target: "server::bench",
    level: "ERROR",
    message: `bench error ${i}`,
    timestampMs: now - 1000,
    requestId: null,
    fields: {},
    source: "file",
    count: 1,
  });
  for (let i = 0; i < incidents; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, incidents - i) }, (_, j) => signal(i + j));
    await store.ingest(batch, { windowMs: 300_000, maxAgeMs: 3_600_000, now });
  }
  const out = new Writable({ write: (_chunk, _encoding, done) => done() });
  const log = silentLogger();
  const jsonl = createJsonlSink({ path: join(dir, "incidents.jsonl"), now: Date.now });
  const catalog = await loadCatalog(null);
  const worker = createWorker(
    {
      store,
      sinks: [createConsoleSink({ out, colour: false }), jsonl],
      metrics: createMetrics(),
      log,
      now: Date.now,
      catalog,
      diagnoser: createOfflineDiagnoser({ catalog }),
      context: createContextGatherer({ providers: [], timeoutMs: 1000, log }),
      ratePerHour: 10,
    },
    { owner: "bench", leaseMs: 30_000, pollMs: 250, maxAttempts: 8, concurrency },
  );
  const started = performance.now();
  const cpu = process.cpuUsage();
  const jobs = await worker.drain();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  await jsonl.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { jobs, seconds, cpuSeconds };
}

const line = (name: string, r: Awaited<ReturnType<typeof drainRun>>) =>
  `${name.padEnd(44)} ${(incidents / r.seconds).toFixed(0).padStart(6)} incidents/s wall (${r.seconds.toFixed(2)} s)  ` +
  `${(incidents / r.cpuSeconds).toFixed(0).padStart(6)} per CPU-second (${r.cpuSeconds.toFixed(2)} s)  jobs ${r.jobs}`;

await drainRun(true, WORKER_CONCURRENCY); // warm-up: module loading and JIT are not what we measure
const baseline = await drainRun(false, 4);
const current = await drainRun(true, WORKER_CONCURRENCY);
console.log(`${incidents} new incidents drained to console + JSONL on SQLite, offline diagnosis`);
console.log(line("baseline: one commit per operation, 4 jobs", baseline));
console.log(line(`group commit, ${WORKER_CONCURRENCY} jobs at a time`, current));
console.log(
  `goal >= 1,000 incidents/s: ${incidents / current.seconds >= 1000 ? "met" : "not met"} on wall time`,
);
