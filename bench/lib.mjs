// Shared helpers of the benchmarks: run a command, time it, and sample its peak RSS from /proc.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** Peak resident set (VmHWM) of a live process in KiB, or 0 when it is gone. */
function peakRssKiB(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Run a command; resolve with wall time, exit code, output and peak RSS (sampled every 20 ms). */
export function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let stdout = "";
    let stderr = "";
    let peak = 0;
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    const sampler = setInterval(() => {
      peak = Math.max(peak, peakRssKiB(child.pid));
    }, 20);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code, seconds, stdout, stderr, peakRssMiB: peak / 1024 });
    });
  });
}

/** Percentile of a sorted array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Read --name value flags. */
export function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
