// bench/storm-priority: 20,000 new warning alerts through the Alertmanager webhook, then one critical alert.
// Prints the critical alert's time to the JSONL sink and to a strict fake Discord (Discord's webhook bucket, 5 per
// 2 s), the Discord messages sent during the flood and in the 20 s after it; then 40 simultaneous incidents on
// Discord against the rate-limit floor. The same-run baseline is the floor itself (what Discord allows) and,
// for the critical alert, the flood's own duration (how long a first-in first-out queue would have made it wait).
// Usage: npm run bench:storm-priority -- [--alerts 20000]
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { configSchema } from "../src/config/schema.js";
import { createApp } from "../src/http/app.js";
import { silentLogger } from "../src/log.js";
import { createRuntime } from "../src/main.js";
import { startFakeDiscord } from "../test/helpers/fake-discord.js";

const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const alerts = Number(flag("alerts", "20000"));
const PER_POST = 10;
const TOKEN = "storm-priority-bench-token";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An Alertmanager notification of `n` firing alerts named by `name(j)`, with severity label `severity`. */
function body(i: number, n: number, severity: string, code: (j: number) => string): string {
  const startsAt = new Date().toISOString();
  return JSON.stringify({
    version: "4",
    status: "firing",
    receiver: "ai",
    groupKey: `{}:{storm="${severity}-${i}"}`,
    truncatedAlerts: 0,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://am:9093",
    alerts: Array.from({ length: n }, (_, j) => ({
      status: "firing",
      labels: {
        alertname: "ServerErrorLogged",
        error_code: code(j),
        target: `server::${code(j).toLowerCase()}`,
        severity,
      },
      annotations: { summary: `${code(j)} fired` },
      startsAt,
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "",
      fingerprint: `${severity}-${i}-${j}`,
    })),
  });
}

async function world(digestThreshold: number) {
  const discord = await startFakeDiscord({ rateLimit: { requests: 5, windowMs: 2000 } });
  const dir = await mkdtemp(join(tmpdir(), "ai-monitor-bench-priority-"));
  const config = configSchema.parse({
    store: { sqlitePath: join(dir, "db.sqlite") },
    sinks: {
      console: false,
      jsonl: join(dir, "incidents.jsonl"),
      discord: { webhookUrl: discord.webhookUrl },
    },
    webhook: { token: TOKEN },
    dispatch: { digest: { threshold: digestThreshold } },
  });
  const out = new Writable({ write: (_c, _e, done) => done() });
  const runtime = await createRuntime(config, { log: silentLogger(), out });
  const app = createApp({ ...runtime, config });
  runtime.worker.start();
  const post = async (text: string) => {
    const res = await app.request("/webhook/alertmanager", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: text,
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  };
  const close = async () => {
    await runtime.close();
    await discord.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { discord, runtime, post, close, jsonlPath: join(dir, "incidents.jsonl") };
}

/** Wait until `found()` holds (polling), or give up after `limitMs`; returns ms waited or null. */
async function until(found: () => boolean, from: number, limitMs: number): Promise<number | null> {
  while (performance.now() - from < limitMs) {
    if (found()) return performance.now() - from;
    await sleep(20);
  }
  return null;
}

// Part 1: the flood, then one critical alert.
const flood = await world(10);
const posts = Math.ceil(alerts / PER_POST);
const started = performance.now();
const messagesBefore = () => flood.discord.requests.filter((r) => r.method === "POST").length;
for (let i = 0; i < posts; i += 20) {
  await Promise.all(
    Array.from({ length: Math.min(20, posts - i) }, (_, k) =>
      flood.post(body(i + k, PER_POST, "warning", (j) => `WARN_${(i + k) * PER_POST + j}`)),
    ),
  );
}
const floodEnd = performance.now();
const duringFlood = messagesBefore();
await flood.post(body(0, 1, "critical", () => "CRIT_1"));
const postedAt = performance.now();
const queuedAhead = (await flood.runtime.store.queueStats(Date.now())).depth - 1;
const inJsonl = await until(
  () => readFileSync(flood.jsonlPath, "utf8").includes('"errorCode":"CRIT_1"'),
  postedAt,
  120_000,
);
const onDiscord = await until(
  () => [...flood.discord.messages.values()].some((m) => m.message.embeds[0]?.title?.includes("CRIT_1")),
  postedAt,
  120_000,
);
await until(() => false, floodEnd, 20_000);
const after20s = messagesBefore() - duringFlood;
const limited = flood.discord.rateLimited();
await flood.close();

// Part 2: 40 simultaneous incidents, digests off, against the rate-limit floor.
const burst = await world(0);
const burstStart = performance.now();
await burst.post(body(1, 40, "error", (j) => `BURST_${j}`));
const all40 = await until(() => burst.discord.messages.size >= 40, burstStart, 120_000);
const burstLimited = burst.discord.rateLimited();
await burst.close();
const floorMs = (Math.ceil(40 / 5) - 1) * 2000;

const s = (ms: number | null) => (ms === null ? "not within 120 s" : `${(ms / 1000).toFixed(1)} s`);
console.log(
  `${alerts} new warning alerts (${posts} POSTs of ${PER_POST}) through the webhook in ${s(floodEnd - started)}`,
);
console.log(
  `critical alert after the flood: JSONL ${s(inJsonl)} (goal <= 10 s), Discord ${s(onDiscord)} (goal <= 15 s)`,
);
console.log(
  `  baseline: first in, first out, it would have waited behind the ${queuedAhead} jobs still queued when it came`,
);
console.log(
  `Discord messages: ${duringFlood} during the flood, ${after20s} in the 20 s after it (goal <= 40); 429 answers ${limited}`,
);
console.log(
  `40 simultaneous incidents on Discord: ${s(all40)}; rate-limit floor ${s(floorMs)}; ratio ${all40 === null ? "-" : (all40 / floorMs).toFixed(2)} (goal <= 1.5); 429 answers ${burstLimited}`,
);
