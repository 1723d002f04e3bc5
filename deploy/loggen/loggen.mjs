#!/usr/bin/env node
/**
 * Log generator for the local stack: writes what a Rust server using tracing-subscriber's JSON formatter writes
 * (requests, slow-query warnings, the odd error, a panic message now and then) plus a burst of one error every
 * couple of minutes, so the whole path (Alloy -> Loki -> ruler -> Alertmanager -> ai-monitor) has work to do.
 * Dependency-free; runs on any Node >= 20.
 *
 *   node loggen.mjs [--file F] [--rate LINES_PER_S] [--burst-every S] [--burst-lines N] [--seed N]
 *                   [--lines N] [--fast] [--max-bytes N]
 *
 * --lines stops after N lines; --fast does not sleep (timestamps still advance as if it did): for tests.
 * Every flag also reads LOGGEN_<FLAG> from the environment (LOGGEN_FILE, LOGGEN_RATE, ...).
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const FLAGS = {
  file: "/var/log/server/server.log",
  rate: "5",
  "burst-every": "120",
  "burst-lines": "30",
  seed: String(Date.now() % 2 ** 31),
  lines: "0",
  fast: "",
  "max-bytes": String(50 * 1024 * 1024),
};

/** Flags, then LOGGEN_* variables, then defaults. */
function options(argv, env) {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      Object.keys(FLAGS).map((k) => [k, { type: k === "fast" ? "boolean" : "string" }]),
    ),
  });
  const get = (k) => values[k] ?? env[`LOGGEN_${k.toUpperCase().replaceAll("-", "_")}`] ?? FLAGS[k];
  const num = (k) => {
    const n = Number(get(k));
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${k} must be a number >= 0, got ${get(k)}`);
    return n;
  };
  const fast = values.fast ?? ["1", "true", "yes"].includes(String(env.LOGGEN_FAST ?? "").toLowerCase());
  return {
    file: get("file"),
    ratePerS: Math.max(0.1, num("rate")),
    burstEveryS: num("burst-every"),
    burstLines: num("burst-lines"),
    seed: num("seed"),
    lines: num("lines"),
    fast,
    maxBytes: num("max-bytes"),
  };
}

/** mulberry32: a tiny seeded PRNG, so a seed gives the same file every time. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AI = "server::domain::ai::service";
const DB = "server::infra::db::pool";
const AUTH = "server::domain::auth::jwt";
const RETRO = "server::domain::retrospective::service";
const HTTP = "server::global::middleware";

/** The incidents a burst can be made of: error code, target, message(random) and fields. */
const SCENARIOS = [
  {
    code: "AI_003",
    target: AI,
    file: "src/domain/ai/service.rs",
    line: 88,
    message: () => "Claude API timeout after 30000ms",
    fields: (r) => ({ duration_ms: 30000 + Math.floor(r() * 900) }),
  },
  {
    code: "DB_001",
    target: DB,
    file: "src/infra/db/pool.rs",
    line: 41,
    message: () => "failed to acquire connection from pool after 5000ms: pool timed out",
    fields: () => ({ pool_size: 10 }),
  },
  {
    code: "AI_002",
    target: AI,
    file: "src/domain/ai/service.rs",
    line: 102,
    message: () => "Claude API rate limited (429), retry after 20s",
    fields: () => ({ retry_after_s: 20 }),
  },
  {
    code: "AUTH_002",
    target: AUTH,
    file: "src/domain/auth/jwt.rs",
    line: 57,
    message: () => "JWT signature verification failed",
    fields: () => ({ kid: "2026-01" }),
  },
  {
    code: null,
    target: RETRO,
    file: "src/domain/retrospective/service.rs",
    line: 133,
    message: (r) =>
      `user ${1 + Math.floor(r() * 9000)} not found in retrospective ${1 + Math.floor(r() * 99999)}`,
    fields: () => ({}),
  },
];

const PATHS = [
  "/api/retrospectives",
  "/api/retrospectives/42",
  "/api/teams",
  "/api/health",
  "/api/ai/generate",
];

/** One line in the shape a given tracing-subscriber setup writes (default, flatten_event, or the seed's). */
export function formatLine(shape, atMs, level, target, message, fields, requestId, where) {
  // tracing writes microseconds; the fraction of a millisecond supplies the last three digits.
  const micros = String(Math.floor((atMs % 1) * 1000)).padStart(3, "0");
  const timestamp = new Date(Math.floor(atMs)).toISOString().replace("Z", `${micros}Z`);
  const all = requestId ? { ...fields, request_id: requestId } : { ...fields };
  if (shape === "flat") {
    return JSON.stringify({
      timestamp,
      level,
      message,
      ...all,
      target,
      filename: where?.file,
      line_number: where?.line,
    });
  }
  if (shape === "seed") return JSON.stringify({ timestamp, level, target, fields: all, message });
  const span = requestId ? { request_id: requestId, name: "http_request" } : undefined;
  return JSON.stringify({
    timestamp,
    level,
    fields: { message, ...all },
    target,
    span,
    spans: span ? [span] : undefined,
  });
}

/** Pure: the endless sequence of `{ atMs, line }` for these options, starting at `startMs`. */
export function* lines(opts, startMs) {
  const r = prng(opts.seed);
  const stepMs = 1000 / opts.ratePerS;
  let at = startMs;
  let req = 0;
  let burst = null;
  let nextBurstMs = startMs + Math.min(20_000, opts.burstEveryS * 1000);
  const shape = () => (r() < 0.7 ? "default" : r() < 0.8 ? "flat" : "seed");
  for (;;) {
    at += stepMs * (0.5 + r());
    const requestId = `req_${(++req).toString(36).padStart(6, "0")}`;
    if (opts.burstEveryS > 0 && at >= nextBurstMs && !burst) {
      burst = { scenario: SCENARIOS[Math.floor(r() * SCENARIOS.length)], left: opts.burstLines };
      nextBurstMs = at + opts.burstEveryS * 1000;
    }
    if (burst && burst.left > 0 && r() < 0.5) {
      burst.left--;
      const s = burst.scenario;
      const fields = s.code ? { error_code: s.code, ...s.fields(r) } : s.fields(r);
      yield {
        atMs: at,
        line: formatLine(shape(), at, "ERROR", s.target, s.message(r), fields, requestId, s),
      };
      if (burst.left === 0) burst = null;
      continue;
    }
    const p = r();
    const path = PATHS[Math.floor(r() * PATHS.length)];
    if (p < 0.45)
      yield {
        atMs: at,
        line: formatLine(shape(), at, "INFO", HTTP, "request started", { method: "GET", path }, requestId),
      };
    else if (p < 0.9)
      yield {
        atMs: at,
        line: formatLine(
          shape(),
          at,
          "INFO",
          HTTP,
          "request finished",
          { status: 200, duration_ms: Math.floor(r() * 250) },
          requestId,
        ),
      };
    else if (p < 0.97)
      yield {
        atMs: at,
        line: formatLine(
          shape(),
          at,
          "WARN",
          "server::infra::db",
          `slow query: ${800 + Math.floor(r() * 1500)}ms`,
          {},
          requestId,
        ),
      };
    else if (p < 0.995) {
      // A lone error between bursts: real servers have a background of these.
      const s = SCENARIOS[Math.floor(r() * SCENARIOS.length)];
      const fields = s.code ? { error_code: s.code, ...s.fields(r) } : s.fields(r);
      yield {
        atMs: at,
        line: formatLine(shape(), at, "ERROR", s.target, s.message(r), fields, requestId, s),
      };
    } else
      yield { atMs: at, line: `thread 'tokio-runtime-worker' panicked at src/domain/ai/service.rs:120:9:` };
  }
}

/** Append lines to the file, rotating it to `<file>.1` past maxBytes, until `--lines` or a signal. */
async function main() {
  const opts = options(process.argv.slice(2), process.env);
  mkdirSync(dirname(opts.file), { recursive: true });
  let stopped = false;
  for (const signal of ["SIGTERM", "SIGINT"])
    process.once(signal, () => {
      stopped = true;
    });
  let written = 0;
  let size = existsSync(opts.file) ? statSync(opts.file).size : 0;
  // With --fast and --lines the run ends "now": the lines look freshly written, not from the future.
  const started = opts.fast && opts.lines > 0 ? Date.now() - (opts.lines / opts.ratePerS) * 1000 : Date.now();
  for (const { atMs, line } of lines(opts, started)) {
    if (stopped || (opts.lines > 0 && written >= opts.lines)) break;
    if (!opts.fast) {
      const waitMs = atMs - Date.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    if (opts.maxBytes > 0 && size > opts.maxBytes) {
      renameSync(opts.file, `${opts.file}.1`);
      size = 0;
    }
    appendFileSync(opts.file, `${line}\n`);
    size += Buffer.byteLength(line) + 1;
    written++;
  }
  process.stderr.write(`loggen: wrote ${written} lines to ${opts.file}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    process.stderr.write(`loggen: ${err.message}\n`);
    process.exit(1);
  });
}
