/**
 * What a person sees: `serve` on a terminal (a pseudo-terminal through `script`) shows readable start-up lines,
 * no raw JSON; JSON when piped or with --log-format json; a watch pattern that matches nothing is named; the
 * demo leaves nothing in the temp folder unless asked to keep it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hasScript, runCli, startInTty, type TtyRun } from "./helpers/cli-process.js";
import { type ServeProcess, startServe } from "./helpers/serve-process.js";
import { until } from "./helpers/wait.js";

const noScript = !hasScript();
if (noScript && process.env.CI === "true") throw new Error("`script` (util-linux) is required when CI=true");
if (noScript)
  console.warn("cli-terminal.test.ts: no `script` binary (util-linux): pseudo-terminal tests skipped");

let dir = "";
const running: Array<TtyRun | ServeProcess> = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ai-monitor-tty-"));
});
afterEach(async () => {
  for (const p of running.splice(0)) await ("stop" in p ? p.stop() : p.kill());
  rmSync(dir, { recursive: true, force: true });
});

/** The screen up to and including the "serving on" line. */
async function firstScreen(run: TtyRun): Promise<string[]> {
  const screen = await until(
    "serve to say it is serving",
    () => (/serving on http:\/\/127\.0\.0\.1:\d+/.test(run.screen()) ? run.screen() : undefined),
    { timeoutMs: 20_000, intervalMs: 50, context: run.screen },
  );
  return screen.split("\n").filter((line) => line.trim() !== "");
}

describe.skipIf(noScript)("serve on a terminal", () => {
  const args = () => ["serve", "--listen", "127.0.0.1:0", "--watch", join(dir, "logs", "*.log")];
  const env = () => ({ AI_MONITOR_DB: join(dir, "db.sqlite") });

  it("shows one readable line each for store, diagnoser, sinks, tailed files and address; no raw JSON", async () => {
    const run = startInTty(args(), env(), dir);
    running.push(run);
    const lines = await firstScreen(run);
    expect(lines.filter((line) => /^\s*\{/.test(line) || line.includes('"level"'))).toEqual([]);
    const text = lines.join("\n");
    expect(text).toMatch(/INFO: store: SQLite .*db\.sqlite/);
    expect(text).toContain("INFO: diagnosis: offline catalog (set ANTHROPIC_API_KEY for Claude diagnoses)");
    expect(text).toContain("INFO: sinks: console");
    expect(text).toContain(`INFO: tailing ${join(dir, "logs", "*.log")} (0 files match now)`);
    // The directory does not exist: said at once, naming the pattern.
    expect(text).toContain(`WARN: no file has matched ${join(dir, "logs", "*.log")}: directory`);
    expect(text).toMatch(/INFO: ai-monitor serving on http:\/\/127\.0\.0\.1:\d+/);
  });

  it("writes JSON lines with --log-format json, even on a terminal", async () => {
    const run = startInTty([...args(), "--log-format", "json"], env(), dir);
    running.push(run);
    const lines = await firstScreen(run);
    const logs = lines.filter((line) => line.startsWith("{"));
    expect(logs.length).toBeGreaterThanOrEqual(5);
    expect(logs.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain("sinks: console");
  });
});

describe("serve when stdout is not a terminal", () => {
  it("logs JSON, and names a watch pattern whose directory does not exist", async () => {
    const pattern = join(dir, "no-such-dir", "*.log");
    const p = await startServe(["--listen", "127.0.0.1:0", "--watch", pattern], {
      AI_MONITOR_DB: join(dir, "db.sqlite"),
    });
    running.push(p);
    const logs = p
      .logs()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { level: number; msg: string; pattern?: string });
    expect(logs.map((l) => l.msg)).toContain(`tailing ${pattern} (0 files match now)`);
    expect(logs.find((l) => l.level === 40 && l.pattern === pattern)?.msg).toContain(
      `directory ${join(dir, "no-such-dir")} does not exist`,
    );
  });
});

describe("demo", () => {
  it("leaves nothing in the temp folder, and keeps its files only with --keep", async () => {
    const tmp = join(dir, "tmp");
    mkdirSync(tmp);
    const plain = await runCli(["demo"], { cwd: dir, env: { TMPDIR: tmp }, timeoutMs: 90_000 });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain("Temp dir removed");
    expect(plain.stdout).not.toContain("diagnosis skipped");
    expect(readdirSync(tmp)).toEqual([]);

    const kept = await runCli(["demo", "--keep"], { cwd: dir, env: { TMPDIR: tmp }, timeoutMs: 90_000 });
    expect(kept.code, kept.stderr).toBe(0);
    const [left] = readdirSync(tmp);
    expect(left).toMatch(/^ai-monitor-demo-/);
    expect(kept.stdout).toContain(`Kept: ${join(tmp, left!)}`);
    const jsonl = join(tmp, left!, "incidents.jsonl");
    expect(existsSync(jsonl)).toBe(true);
    expect(readFileSync(jsonl, "utf8").split("\n").filter(Boolean).length).toBeGreaterThan(0);
  }, 120_000);
});
