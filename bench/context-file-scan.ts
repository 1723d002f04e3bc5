/**
 * bench/context-file-scan: the file context provider (request trail + occurrences read backwards from the end
 * of the tailed file) on a generated tracing-JSON log with the error near its end, next to the baseline
 * measured in the same run: load the whole file, split it into lines and filter them.
 *   npx tsx bench/context-file-scan.ts [--size-mib 256]
 * Each variant runs in its own child process so its peak RSS (VmHWM) is its own.
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const END_MS = Date.parse("2026-11-26T10:00:00Z");
const REQUEST = "req_bench_target";

function peakRssMiB(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

async function generate(file: string, sizeMiB: number) {
  const out = createWriteStream(file, { highWaterMark: 8 << 20 });
  const target = sizeMiB * 1024 * 1024;
  let written = 0;
  for (let n = 0; written < target; ) {
    let block = "";
    // One hour of logs ending at END_MS; the request of interest writes a few lines in its last 2 MiB.
    const ts = new Date(END_MS - 3_600_000 + Math.floor((written / target) * 3_600_000)).toISOString();
    const near = target - written < 2 * 1024 * 1024;
    for (let i = 0; i < 4000; i++, n++) {
      const mine = near && n % 1000 === 0;
      const req = mine ? REQUEST : `req_${(n * 2654435761) % 0xffffff}`;
      block +=
        n % 97 === 0 || mine
          ? `{"timestamp":"${ts}","level":"${mine && n % 2000 ? "INFO" : "ERROR"}","fields":{"message":"Claude API timeout after 30000ms","error_code":"AI_003","request_id":"${req}"},"target":"server::domain::ai::service"}\n`
          : `{"timestamp":"${ts}","level":"INFO","fields":{"message":"request finished","request_id":"${req}","status":200},"target":"server::global::middleware"}\n`;
    }
    written += Buffer.byteLength(block);
    if (!out.write(block)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

const incident = {
  id: "b",
  fingerprint: "AI_003:server::domain::ai::service",
  errorCode: "AI_003",
  target: "server::domain::ai::service",
  level: "ERROR",
  message: "Claude API timeout after 30000ms",
  requestId: REQUEST,
  firstSeen: END_MS - 1000,
  lastSeen: END_MS - 1000,
};

async function child(mode: string, file: string) {
  const started = process.hrtime.bigint();
  let found = 0;
  if (mode === "backward") {
    const { createFileContextProvider } = await import("../src/context/file-context.js");
    const provider = createFileContextProvider({
      paths: [file],
      requestWindowMs: 300_000,
      occurrencesLookbackMs: 3_600_000,
      requestLines: 200,
      occurrences: 20,
      scanBytes: 8 * 1024 * 1024,
      maxLineBytes: 1024 * 1024,
    });
    const out = await provider.gather(incident as never, new AbortController().signal);
    const items = Array.isArray(out) ? out : out.items;
    found = items.reduce((n, item) => n + item.text.split("\n").length, 0);
  } else {
    const text = await readFile(file, "utf8");
    const lines = text.split("\n");
    const trail = lines.filter((l) => l.includes(REQUEST));
    const occurrences = lines.filter((l) => l.includes("AI_003")).slice(-20);
    found = trail.length + occurrences.length;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ mode, ms: Math.round(ms), peakRssMiB: peakRssMiB(), lines: found }));
}

async function main() {
  const sizeMiB = Number(arg("size-mib", "256"));
  const dir = await mkdtemp(join(tmpdir(), "ai-monitor-bench-ctx-"));
  const file = join(dir, "server.log");
  try {
    await generate(file, sizeMiB);
    const self = fileURLToPath(import.meta.url);
    const results = ["backward", "whole-file"].map((mode) => {
      const run = spawnSync(process.execPath, ["--import", "tsx", self, "--child", mode, file], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      if (run.status !== 0) return { mode, error: run.stderr.trim().split("\n").slice(-3).join(" ") };
      return JSON.parse(run.stdout) as Record<string, unknown>;
    });
    console.log(
      `context file scan over a ${sizeMiB} MiB log (error near the end), ${new Date().toISOString()}`,
    );
    for (const r of results) console.log(JSON.stringify(r));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf("--child");
if (childAt >= 0) await child(process.argv[childAt + 1]!, process.argv[childAt + 2]!);
else await main();
