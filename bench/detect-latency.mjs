// bench/detect-latency: append ERROR lines to a tailed file at a steady rate and measure the time from the
// append to the JSONL sink receiving the incident. Baseline in the same run: how long the OS takes to tell a
// plain fs.watch listener in this process about the same append (the floor any tailer sits on).
// Usage: npm run bench:detect-latency -- [--count 200] [--rate 20]
import { spawn } from "node:child_process";
import { appendFileSync, watch, writeFileSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flag, percentile } from "./lib.mjs";

const count = Number(flag("count", "200"));
const rate = Number(flag("rate", "20"));
const dir = await mkdtemp(join(tmpdir(), "ai-monitor-bench-latency-"));
const logFile = join(dir, "app.log");
const jsonl = join(dir, "incidents.jsonl");
writeFileSync(logFile, "");
writeFileSync(jsonl, "");
writeFileSync(
  join(dir, "bench.yaml"),
  [
    "listen: 127.0.0.1:0",
    `store:\n  sqlitePath: ${join(dir, "bench.db")}`,
    `watch:\n  paths: [${JSON.stringify(logFile)}]`,
    `sinks:\n  console: false\n  jsonl: ${JSON.stringify(jsonl)}`,
    "diagnosis:\n  ratePerHour: 100000",
  ].join("\n"),
);

const server = spawn(process.execPath, ["dist/cli.js", "serve", "--config", join(dir, "bench.yaml")], {
  stdio: ["ignore", "ignore", "pipe"],
  env: { ...process.env, LOG_LEVEL: "info" },
});
let serverLog = "";
await new Promise((resolve, reject) => {
  server.stderr.on("data", (d) => {
    serverLog += d;
    if (serverLog.includes("ai-monitor serving")) resolve();
  });
  server.on("exit", (code) => reject(new Error(`serve exited ${code}:\n${serverLog}`)));
});

const appendedAt = new Map();
const seenByWatch = [];
const latencies = [];
let lastWatchIndex = -1;
const baseline = watch(logFile, () => {
  const at = performance.now();
  // Attribute the event to the newest append not yet seen (one append per event at this rate).
  const i = appendedAt.size - 1;
  if (i > lastWatchIndex) {
    lastWatchIndex = i;
    seenByWatch.push(at - appendedAt.get(i));
  }
});

const sink = await open(jsonl, "r");
let sinkOffset = 0;
let partial = "";
async function readSink() {
  const buf = Buffer.alloc(1 << 20);
  for (;;) {
    const { bytesRead } = await sink.read(buf, 0, buf.length, sinkOffset);
    if (bytesRead === 0) return;
    sinkOffset += bytesRead;
    const text = partial + buf.subarray(0, bytesRead).toString("utf8");
    const lines = text.split("\n");
    partial = lines.pop();
    const at = performance.now();
    for (const line of lines) {
      const code = JSON.parse(line).errorCode;
      const i = Number(code?.slice(4));
      if (appendedAt.has(i)) latencies.push(at - appendedAt.get(i));
    }
  }
}
// One reader at a time: the watcher and the poller would otherwise read the same bytes twice.
let reading = Promise.resolve();
const kick = () => {
  reading = reading.then(readSink);
};
const sinkWatcher = watch(jsonl, kick);
const poller = setInterval(kick, 2);

for (let i = 0; i < count; i++) {
  const line = JSON.stringify({
    timestamp: new Date().toISOString(),
    level: "ERROR",
    fields: { message: `latency probe ${i}`, error_code: `LAT_${i}`, request_id: `req_${i}` },
    target: "server::bench::latency",
  });
  appendedAt.set(i, performance.now());
  appendFileSync(logFile, `${line}\n`);
  await new Promise((r) => setTimeout(r, 1000 / rate));
}
const deadline = Date.now() + 15_000;
while (latencies.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
clearInterval(poller);
sinkWatcher.close();
baseline.close();
server.kill("SIGTERM");
await new Promise((r) => server.on("exit", r));
await sink.close();

const sorted = latencies.sort((a, b) => a - b);
const base = seenByWatch.sort((a, b) => a - b);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(`appended        ${count} ERROR lines at ${rate}/s, each a new incident`);
console.log(`delivered       ${sorted.length}/${count} to the JSONL sink`);
console.log(
  `ai-monitor      p50 ${fmt(percentile(sorted, 50))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1) ?? Number.NaN)} (target p99 < 500 ms)`,
);
console.log(
  `fs.watch floor  p50 ${fmt(percentile(base, 50))}  p99 ${fmt(percentile(base, 99))} (baseline: the OS event alone)`,
);
await rm(dir, { recursive: true, force: true });
if (sorted.length < count) process.exit(1);
