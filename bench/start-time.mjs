// Time from `npm start` to a 200 from /healthz, against the same-run baseline of the old start (a tsc build
// before every start) and the floor (`node dist/cli.js serve` with nothing in front).
// Run from the repository root: `npm run bench:start -- --runs 3`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flag, percentile } from "./lib.mjs";

const runs = Number(flag("runs", "3"));
const root = new URL("..", import.meta.url).pathname;

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function healthy(url) {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/** Start `cmd` in its own process group, wait for /healthz, stop the group; resolves with the seconds taken. */
async function timeToHealthy(cmd, args) {
  const dir = mkdtempSync(join(tmpdir(), "ai-monitor-bench-start-"));
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, {
    cwd: root,
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      AI_MONITOR_LISTEN: `127.0.0.1:${port}`,
      AI_MONITOR_DB: join(dir, "db.sqlite"),
      AI_MONITOR_WATCH: join(dir, "*.log"),
    },
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let seconds = Number.NaN;
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await healthy(`http://127.0.0.1:${port}/healthz`)) {
      seconds = Number(process.hrtime.bigint() - started) / 1e9;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  if (child.exitCode === null) process.kill(-child.pid, "SIGTERM");
  await exited;
  rmSync(dir, { recursive: true, force: true });
  if (Number.isNaN(seconds)) throw new Error(`${cmd} ${args.join(" ")} never became healthy:\n${stderr}`);
  return seconds;
}

const variants = [
  [
    "before: build + serve (old prestart)",
    "sh",
    ["-c", "npm run build --silent && exec node dist/cli.js serve"],
  ],
  ["after: npm start (dist/ current)", "npm", ["start"]],
  ["floor: node dist/cli.js serve", process.execPath, ["dist/cli.js", "serve"]],
];
const times = variants.map(() => []);
for (let i = 0; i < runs; i++) {
  for (const [v, [, cmd, args]] of variants.entries()) times[v].push(await timeToHealthy(cmd, args));
}
console.log(`npm start -> /healthz 200, ${runs} run(s) each, alternated (Node ${process.version})`);
for (const [v, [name]] of variants.entries()) {
  const sorted = [...times[v]].sort((a, b) => a - b);
  const each = times[v].map((s) => s.toFixed(2)).join(" / ");
  console.log(`${name.padEnd(40)} median ${percentile(sorted, 50).toFixed(2)} s  (${each})`);
}
