// bench/ingest: time `ai-monitor scan` over a generated tracing-JSON log against `grep -c` over the same file.
// Usage: npm run bench:ingest -- [--size-mib 1024] [--error-ratio 0.01] [--fingerprints 50] [--runs 3] [--keep]
//        [--baseline DIR]
// With several runs, grep and scan alternate over the same file (each scan on a fresh store): medians printed.
// --baseline DIR: also scan with DIR/dist/cli.js (another build, e.g. `git archive main | tar -x -C DIR` with a
// node_modules symlink and `npx tsc -p tsconfig.build.json`), alternated with this build over the same file.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flag, run } from "./lib.mjs";

const sizeMiB = Number(flag("size-mib", "1024"));
const errorRatio = Number(flag("error-ratio", "0.01"));
const fingerprints = Number(flag("fingerprints", "50"));
const runs = Math.max(1, Number(flag("runs", "1")));
const keep = process.argv.includes("--keep");
const baselineDir = flag("baseline", "");

const dir = await mkdtemp(join(tmpdir(), "ai-monitor-bench-ingest-"));
const logFile = join(dir, "server.log");

/** Write `sizeMiB` of realistic lines; timestamps span the last hour so windows and ages behave as in life. */
async function generate() {
  const target = sizeMiB * 1024 * 1024;
  const out = createWriteStream(logFile, { highWaterMark: 8 << 20 });
  const endMs = Date.now();
  const spanMs = 55 * 60_000;
  const approxLines = target / 260;
  let written = 0;
  let line = 0;
  let errors = 0;
  while (written < target) {
    let block = "";
    for (let i = 0; i < 4000; i++, line++) {
      const ts = new Date(endMs - spanMs + Math.floor((line / approxLines) * spanMs)).toISOString();
      const req = `req_${((line * 2654435761) % 0xffffff).toString(16)}`;
      if (Math.random() < errorRatio) {
        const fp = errors++ % fingerprints;
        block += `{"timestamp":"${ts}","level":"ERROR","fields":{"message":"operation ${fp} failed after ${line % 5000}ms","error_code":"E_${String(fp).padStart(3, "0")}","request_id":"${req}","duration_ms":${line % 5000}},"target":"server::domain::module_${fp}::service","span":{"request_id":"${req}","name":"http_request"},"spans":[{"request_id":"${req}","name":"http_request"}]}\n`;
      } else {
        block += `{"timestamp":"${ts}","level":"INFO","fields":{"message":"request finished","request_id":"${req}","status":200,"latency_ms":${line % 300}},"target":"server::global::middleware","span":{"request_id":"${req}","name":"http_request"},"spans":[{"request_id":"${req}","name":"http_request"}]}\n`;
      }
    }
    written += Buffer.byteLength(block);
    if (!out.write(block)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise((r) => out.end(r));
  return { lines: line, errors };
}

process.stderr.write(`generating ${sizeMiB} MiB in ${dir} ...\n`);
const generated = await generate();
const bytes = (await stat(logFile)).size;
const config = join(dir, "bench.yaml");
await writeFile(
  config,
  `store:\n  sqlitePath: ${join(dir, "bench.db")}\nsinks:\n  console: false\n  jsonl: ${join(dir, "incidents.jsonl")}\n`,
);

// Warm the page cache once so both contestants read from memory, then measure each in the same run.
await run("cat", [logFile], { stdio: ["ignore", "ignore", "ignore"] });
const greps = [];
const scans = [];
const baselines = [];
/** One scan by the build whose CLI is `cli`, on a fresh store and sink (kept offsets would read nothing). */
async function scanWith(cli) {
  for (const f of ["bench.db", "bench.db-wal", "bench.db-shm", "incidents.jsonl"]) {
    await unlink(join(dir, f)).catch(() => {});
  }
  const one = await run(process.execPath, [cli, "scan", logFile, "--config", config], {
    env: { ...process.env, LOG_LEVEL: "warn" },
  });
  if (one.code !== 0) {
    process.stderr.write(one.stderr);
    process.exit(1);
  }
  return one;
}
for (let i = 0; i < runs; i++) {
  greps.push(await run("grep", ["-c", '"level":"ERROR"', logFile]));
  // Alternate which build goes first, so neither always meets a warmer machine.
  if (baselineDir && i % 2 === 1) baselines.push(await scanWith(join(baselineDir, "dist", "cli.js")));
  const one = await scanWith("dist/cli.js");
  scans.push(one);
  if (baselineDir && i % 2 === 0) baselines.push(await scanWith(join(baselineDir, "dist", "cli.js")));
  if (runs > 1) {
    const base = baselineDir ? `, baseline scan ${baselines[i].seconds.toFixed(3)} s` : "";
    process.stderr.write(
      `run ${i + 1}: grep ${greps[i].seconds.toFixed(3)} s, scan ${one.seconds.toFixed(3)} s${base}, RSS ${one.peakRssMiB.toFixed(1)} MiB\n`,
    );
  }
}
const median = (xs, key) => [...xs].sort((a, b) => a[key] - b[key])[Math.floor(xs.length / 2)][key];
const grep = { seconds: median(greps, "seconds"), stdout: greps[0].stdout };
const scan = {
  seconds: median(scans, "seconds"),
  peakRssMiB: median(scans, "peakRssMiB"),
  stderr: scans[0].stderr,
};
const grepCount = Number(grep.stdout.trim());
const summary = scan.stderr.trim().split("\n").at(-1);
// Median scan over median grep (with one run: that run's ratio).
const ratio = scan.seconds / grep.seconds;
const mibps = (s) => (bytes / 1024 / 1024 / s).toFixed(0);

console.log(
  `file            ${(bytes / 1024 / 1024).toFixed(0)} MiB, ${generated.lines} lines, ${generated.errors} ERROR lines, ${fingerprints} fingerprints`,
);
if (runs > 1) console.log(`runs            ${runs} (medians below)`);
console.log(
  `grep -c         ${grep.seconds.toFixed(3)} s (${mibps(grep.seconds)} MiB/s), counted ${grepCount}`,
);
console.log(
  `ai-monitor scan ${scan.seconds.toFixed(3)} s (${mibps(scan.seconds)} MiB/s), peak RSS ${scan.peakRssMiB.toFixed(1)} MiB`,
);
console.log(`ratio           ${ratio.toFixed(2)}x grep (target <= 2x), RSS target < 150 MiB`);
if (baselineDir) {
  const base = median(baselines, "seconds");
  console.log(
    `baseline scan   ${base.toFixed(3)} s (${baselineDir}); this build ${((scan.seconds / base - 1) * 100).toFixed(1)}% vs baseline`,
  );
}
console.log(`scan said       ${summary}`);
if (grepCount !== generated.errors)
  console.log(`WARNING: grep counted ${grepCount}, generated ${generated.errors}`);
if (!summary?.includes(`${generated.errors} error(s)`))
  console.log("WARNING: scan did not report every ERROR line");
if (!keep) await rm(dir, { recursive: true, force: true });
