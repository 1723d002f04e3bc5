// bench/webhook-storm: 20,000 POSTs of 10 alerts each (100 distinct fingerprints), 50 concurrent, against
// `ai-monitor serve` on SQLite and, in the same run, against a bare Hono route that answers 204.
// --distinct: 10,000 POSTs whose every alert is new (its own Alertmanager fingerprint, so each is stored, none
// is a resend), still 100 incident fingerprints. --synchronous NORMAL compares SQLite's durability levels.
// Usage: npm run bench:webhook-storm -- [--distinct] [--requests N] [--connections 50] [--synchronous FULL]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flag } from "./lib.mjs";
import { formatRun, SERVING, startChild, storm, stormBody, TOKEN } from "./storm-lib.mjs";

const distinct = process.argv.includes("--distinct");
// 20,000 as in the reference measurement: 1,000 finish inside one autocannon sampling second.
const requests = Number(flag("requests", distinct ? "10000" : "20000"));
const connections = Number(flag("connections", "50"));
const synchronous = flag("synchronous", "FULL");
const WARM_UP = 200;
// Distinct mode warms up on alerts of its own, so the measured ones are all new.
const bodies = Array.from({ length: requests }, (_, i) => stormBody(i + (distinct ? WARM_UP : 0), distinct));
const warmBodies = distinct ? Array.from({ length: WARM_UP }, (_, i) => stormBody(i, true)) : bodies;

const dir = await mkdtemp(join(tmpdir(), "ai-monitor-bench-storm-"));
await writeFile(
  join(dir, "storm.yaml"),
  `listen: 127.0.0.1:0\nstore:\n  sqlitePath: ${join(dir, "storm.db")}\n  sqliteSynchronous: ${synchronous}\nwatch:\n  paths: [${JSON.stringify(join(dir, "none", "*.log"))}]\n` +
    `sinks:\n  console: false\n  jsonl: ${JSON.stringify(join(dir, "incidents.jsonl"))}\nwebhook:\n  token: ${TOKEN}\n`,
);

const bare = await startChild(["bench/bare-hono.mjs"], /listening (http:\/\/\S+)/);
await storm(bare.url, warmBodies, WARM_UP, connections); // warm-up: JIT and connection set-up are not what we measure
const bareResult = await storm(bare.url, bodies, requests, connections);
bare.child.kill("SIGTERM");

const serve = await startChild(["dist/cli.js", "serve", "--config", join(dir, "storm.yaml")], SERVING, {
  LOG_LEVEL: "info",
});
// Warm-up: with the same alerts (repeat mode: they become resends, as repeats do), or with alerts of its own.
await storm(serve.url, warmBodies, WARM_UP, connections);
const serveResult = await storm(serve.url, bodies, requests, connections);
const listed = await (
  await fetch(`${serve.url}/api/incidents?limit=500`, { headers: { authorization: `Bearer ${TOKEN}` } })
).json();
serve.child.kill("SIGTERM");
await new Promise((r) => serve.child.once("exit", r));
await rm(dir, { recursive: true, force: true });

const mode = distinct ? "every alert new" : "alerts repeated";
console.log(`${requests} POSTs x 10 alerts (${mode}), 100 fingerprints, ${connections} connections`);
console.log(formatRun("bare Hono 204", bareResult));
console.log(formatRun(`ai-monitor (SQLite ${synchronous})`, serveResult));
const throughput = serveResult.rps / bareResult.rps;
const p99 = serveResult.latency.p99 / Math.max(1, bareResult.latency.p99);
console.log(
  `throughput ratio ${(throughput * 100).toFixed(0)}% of bare (target >= 40%), p99 ratio ${p99.toFixed(2)}x (target <= 2x)`,
);
const incidents = listed.incidents.length;
console.log(
  `incidents stored ${incidents} (expected 100); failed requests ${serveResult.non2xx + serveResult.errors}`,
);
if (incidents !== 100 || serveResult.non2xx + serveResult.errors > 0) process.exit(1);
