// bench/webhook-storm-replicas: the webhook storm against two ai-monitor replicas sharing PostgreSQL and, in the
// same run, against one replica on SQLite. Alertmanager-style: each replica gets half the connections.
// Usage: npm run bench:webhook-storm-replicas -- [--requests 20000] [--connections 50] [--pg postgres://...]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { flag } from "./lib.mjs";
import { cpuMs, formatRun, SERVING, startChild, storm, stormBody, TOKEN } from "./storm-lib.mjs";

const requests = Number(flag("requests", "20000"));
const connections = Number(flag("connections", "50"));
const pgUrl = flag("pg", process.env.AI_MONITOR_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test");
const bodies = Array.from({ length: requests }, (_, i) => stormBody(i));
const dir = await mkdtemp(join(tmpdir(), "ai-monitor-bench-replicas-"));
const schema = `bench_storm_${process.pid}`;
// The replicas' connections carry the schema as application_name, so their server backends can be found.
const replicaUrl = `${pgUrl}${pgUrl.includes("?") ? "&" : "?"}application_name=${schema}`;
const admin = new pg.Client({ connectionString: pgUrl });
await admin.connect();
/** CPU ms of the given processes and of the replicas' PostgreSQL backends (map pid -> ms). */
async function cpuOf(pids) {
  const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [
    schema,
  ]);
  return {
    replicas: pids.reduce((n, pid) => n + cpuMs(pid), 0),
    backends: new Map(rows.map((r) => [r.pid, cpuMs(r.pid)])),
  };
}
/** CPU ms per request between two `cpuOf` readings (backends new since the first count from zero). */
function perRequest(before, after, amount) {
  let backends = 0;
  for (const [pid, ms] of after.backends) backends += ms - (before.backends.get(pid) ?? 0);
  return { replicas: (after.replicas - before.replicas) / amount, server: backends / amount };
}

async function config(name, store) {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `listen: 127.0.0.1:0\nstore:\n${store}\nwatch:\n  paths: [${JSON.stringify(join(dir, "none", "*.log"))}]\n` +
      `sinks:\n  console: false\n  jsonl: ${JSON.stringify(join(dir, `${name}.jsonl`))}\nwebhook:\n  token: ${TOKEN}\n`,
  );
  return file;
}
const start = async (file) =>
  startChild(["dist/cli.js", "serve", "--config", file], SERVING, { LOG_LEVEL: "info" });
const stop = async (server) => {
  server.child.kill("SIGTERM");
  await new Promise((r) => server.child.once("exit", r));
};

/** Run the storm split over servers (half the connections and requests each), concurrently. */
async function splitStorm(servers, amount) {
  const share = Math.ceil(amount / servers.length);
  const per = Math.max(1, Math.floor(connections / servers.length));
  const started = Date.now();
  const results = await Promise.all(servers.map((s) => storm(s.url, bodies, share, per)));
  const seconds = (Date.now() - started) / 1000;
  const all = results.map((r) => r.latency.p99);
  return {
    rps: results.reduce((n, r) => n + r.requests.total, 0) / seconds,
    latency: { p50: Math.max(...results.map((r) => r.latency.p50)), p99: Math.max(...all) },
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
  };
}

const sqlite = await start(await config("sqlite", `  sqlitePath: ${join(dir, "storm.db")}`));
await storm(sqlite.url, bodies, 200, connections);
const sqliteBefore = await cpuOf([sqlite.child.pid]);
const one = await storm(sqlite.url, bodies, requests, connections);
const sqliteCpu = perRequest(sqliteBefore, await cpuOf([sqlite.child.pid]), requests);
await stop(sqlite);

const pgConfig = await config("pg", `  databaseUrl: ${replicaUrl}\n  postgres:\n    schema: ${schema}`);
const a = await start(pgConfig);
const b = await start(pgConfig);
await splitStorm([a, b], 200);
const pgBefore = await cpuOf([a.child.pid, b.child.pid]);
const two = await splitStorm([a, b], requests);
const pgCpu = perRequest(pgBefore, await cpuOf([a.child.pid, b.child.pid]), requests);
// /api needs the token when one is set.
const listed = await (
  await fetch(`${a.url}/api/incidents?limit=500`, { headers: { authorization: `Bearer ${TOKEN}` } })
).json();
await stop(a);
await stop(b);
await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await admin.end();
await rm(dir, { recursive: true, force: true });

console.log(`${requests} POSTs x 10 alerts, 100 fingerprints, ${connections} connections in all`);
console.log(formatRun("1 replica, SQLite", one));
console.log(formatRun("2 replicas, PostgreSQL", two));
console.log(
  `2 PostgreSQL replicas reach ${((two.rps / one.rps) * 100).toFixed(0)}% of one SQLite replica (target >= 100%)`,
);
// CPU per request does not depend on what else the machine runs, unlike req/s.
console.log(
  `CPU per request: SQLite replica ${sqliteCpu.replicas.toFixed(2)} ms; PostgreSQL replicas ${pgCpu.replicas.toFixed(2)} ms + server backends ${pgCpu.server.toFixed(2)} ms = ${(pgCpu.replicas + pgCpu.server).toFixed(2)} ms`,
);
console.log(
  `incidents on PostgreSQL ${listed.incidents.length} (expected 100); failed ${two.non2xx + two.errors + one.non2xx + one.errors}`,
);
if (listed.incidents.length !== 100) process.exit(1);
