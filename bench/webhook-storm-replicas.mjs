// bench/webhook-storm-replicas: the webhook storm against two ai-monitor replicas sharing PostgreSQL and, in the
// same run, against one replica on SQLite. Alertmanager-style: each replica gets half the connections.
// Usage: npm run bench:webhook-storm-replicas -- [--requests 20000] [--connections 50] [--pg postgres://...]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { flag } from "./lib.mjs";
import { formatRun, SERVING, startChild, storm, stormBody, TOKEN } from "./storm-lib.mjs";

const requests = Number(flag("requests", "20000"));
const connections = Number(flag("connections", "50"));
const pgUrl = flag("pg", process.env.AI_MONITOR_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test");
const bodies = Array.from({ length: requests }, (_, i) => stormBody(i));
const dir = await mkdtemp(join(tmpdir(), "ai-monitor-bench-replicas-"));
const schema = `bench_storm_${process.pid}`;

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
const one = await storm(sqlite.url, bodies, requests, connections);
await stop(sqlite);

const pgConfig = await config("pg", `  databaseUrl: ${pgUrl}\n  postgres:\n    schema: ${schema}`);
const a = await start(pgConfig);
const b = await start(pgConfig);
await splitStorm([a, b], 200);
const two = await splitStorm([a, b], requests);
const listed = await (await fetch(`${a.url}/api/incidents?limit=500`)).json();
await stop(a);
await stop(b);
const client = new pg.Client({ connectionString: pgUrl });
await client.connect();
await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await client.end();
await rm(dir, { recursive: true, force: true });

console.log(`${requests} POSTs x 10 alerts, 100 fingerprints, ${connections} connections in all`);
console.log(formatRun("1 replica, SQLite", one));
console.log(formatRun("2 replicas, PostgreSQL", two));
console.log(
  `2 PostgreSQL replicas reach ${((two.rps / one.rps) * 100).toFixed(0)}% of one SQLite replica (target >= 100%)`,
);
console.log(
  `incidents on PostgreSQL ${listed.incidents.length} (expected 100); failed ${two.non2xx + two.errors + one.non2xx + one.errors}`,
);
if (listed.incidents.length !== 100) process.exit(1);
