// bench/webhook-storm: 20,000 POSTs of 10 alerts each (100 distinct fingerprints), 50 concurrent, against
// `ai-monitor serve` on SQLite and, in the same run, against a bare Hono route that answers 204.
// --distinct: 10,000 POSTs whose every alert is new (its own Alertmanager fingerprint, so each is stored, none
// is a resend), still 100 incident fingerprints. --synchronous NORMAL compares SQLite's durability levels.
// --rounds N (default 3) alternates the two servers N times, both kept running, and compares the medians: this
// machine's speed drifts by a third from one minute to the next, which a single bare run then ai-monitor run
// turns into the ratio.
// Usage: npm run bench:webhook-storm -- [--distinct] [--requests N] [--connections 50] [--synchronous FULL]
//   [--rounds 3]
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
const rounds = Number(flag("rounds", "3"));
const WARM_UP = 200;
// Distinct mode warms up on alerts of its own, and each round sends alerts never sent before: all are new.
const bodiesOf = (round) =>
  Array.from({ length: requests }, (_, i) =>
    stormBody(distinct ? WARM_UP + round * requests + i : i, distinct),
  );
const warmBodies = distinct ? Array.from({ length: WARM_UP }, (_, i) => stormBody(i, true)) : bodiesOf(0);

const dir = await mkdtemp(join(tmpdir(), "ai-monitor-bench-storm-"));
await writeFile(
  join(dir, "storm.yaml"),
  `listen: 127.0.0.1:0\nstore:\n  sqlitePath: ${join(dir, "storm.db")}\n  sqliteSynchronous: ${synchronous}\nwatch:\n  paths: [${JSON.stringify(join(dir, "none", "*.log"))}]\n` +
    `sinks:\n  console: false\n  jsonl: ${JSON.stringify(join(dir, "incidents.jsonl"))}\nwebhook:\n  token: ${TOKEN}\n`,
);

const bare = await startChild(["bench/bare-hono.mjs"], /listening (http:\/\/\S+)/);
const serve = await startChild(["dist/cli.js", "serve", "--config", join(dir, "storm.yaml")], SERVING, {
  LOG_LEVEL: "info",
});
// Warm-up: JIT and connection set-up are not what we measure. ai-monitor's with the same alerts (repeat mode:
// they become resends, as repeats do) or with alerts of its own.
await storm(bare.url, warmBodies, WARM_UP, connections);
await storm(serve.url, warmBodies, WARM_UP, connections);
const bareRuns = [];
const serveRuns = [];
for (let round = 0; round < rounds; round++) {
  const bodies = bodiesOf(round);
  bareRuns.push(await storm(bare.url, bodies, requests, connections));
  serveRuns.push(await storm(serve.url, bodies, requests, connections));
}
const listed = await (
  await fetch(`${serve.url}/api/incidents?limit=500`, { headers: { authorization: `Bearer ${TOKEN}` } })
).json();
bare.child.kill("SIGTERM");
serve.child.kill("SIGTERM");
await new Promise((r) => serve.child.once("exit", r));
await rm(dir, { recursive: true, force: true });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mode = distinct ? "every alert new" : "alerts repeated";
console.log(
  `${requests} POSTs x 10 alerts (${mode}), 100 fingerprints, ${connections} connections, ${rounds} alternated rounds`,
);
for (let round = 0; round < rounds; round++) {
  console.log(formatRun(`bare Hono 204 #${round + 1}`, bareRuns[round]));
  console.log(formatRun(`ai-monitor (SQLite ${synchronous}) #${round + 1}`, serveRuns[round]));
}
const bareRps = median(bareRuns.map((r) => r.rps));
const serveRps = median(serveRuns.map((r) => r.rps));
const bareP99 = median(bareRuns.map((r) => r.latency.p99));
const serveP99 = median(serveRuns.map((r) => r.latency.p99));
console.log(
  `medians: bare ${bareRps.toFixed(0)} req/s p99 ${bareP99} ms; ai-monitor ${serveRps.toFixed(0)} req/s p99 ${serveP99} ms`,
);
console.log(
  `throughput ratio ${((serveRps / bareRps) * 100).toFixed(0)}% of bare (target >= 40%), p99 ratio ${(serveP99 / Math.max(1, bareP99)).toFixed(2)}x (target <= 2x)`,
);
const incidents = listed.incidents.length;
const failed = serveRuns.reduce((n, r) => n + r.non2xx + r.errors, 0);
console.log(`incidents stored ${incidents} (expected 100); failed requests ${failed}`);
if (incidents !== 100 || failed > 0) process.exit(1);
