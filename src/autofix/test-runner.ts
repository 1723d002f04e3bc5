/**
 * The gate: run the test command (default `cargo test`) in the worktree, without a shell, with a timeout that
 * kills the whole process group (cargo's test binaries too), the output captured, and ai-monitor's own secrets
 * kept out of the environment (the tests run code an LLM proposal touched).
 */
import { execa } from "execa";
import { formatDurationMs } from "../config/duration.js";

export interface TestRun {
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The last part of stdout and stderr, interleaved. */
  outputTail: string;
  /** One line: "cargo test passed: 3 passed; 0 failed" or why it failed. */
  summary: string;
}

export interface TestRunOptions {
  command: string;
  cwd: string;
  timeoutMs: number;
  /** Extra variables (CARGO_TARGET_DIR). */
  env?: Record<string, string>;
  now?: () => number;
}

/** Characters of output kept for the record and the PR body. */
export const OUTPUT_TAIL_CHARS = 6000;

/** Variables never passed to the test command: ai-monitor's credentials and anything named like one. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|WEBHOOK|DATABASE_URL|CREDENTIAL|PRIVATE/i;

/** Pure: the environment for the tests: the process's, minus secrets, plus `extra`. */
export function testEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base))
    if (value !== undefined && !SECRET_NAME.test(name)) env[name] = value;
  return { ...env, CARGO_TERM_COLOR: "never", ...extra };
}

/** Pure: split a command line on spaces; double or single quotes group words (no shell, no expansion). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** Pure: totals of the `test result:` lines cargo prints per test binary, or null when there are none. */
export function cargoTotals(output: string): { passed: number; failed: number; ignored: number } | null {
  const lines = [...output.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)];
  if (lines.length === 0) return null;
  return lines.reduce(
    (sum, m) => ({
      passed: sum.passed + Number(m[1]),
      failed: sum.failed + Number(m[2]),
      ignored: sum.ignored + Number(m[3]),
    }),
    { passed: 0, failed: 0, ignored: 0 },
  );
}

export async function runTests(options: TestRunOptions): Promise<TestRun> {
  const now = options.now ?? Date.now;
  const [file, ...args] = splitCommand(options.command);
  if (!file) throw new Error("the test command is empty");
  const started = now();
  const child = execa(file, args, {
    cwd: options.cwd,
    env: testEnvironment(process.env, options.env),
    extendEnv: false,
    stdin: "ignore",
    all: true,
    reject: false,
    // Its own process group, so a timeout kills the test binaries cargo started, not only cargo.
    detached: true,
    maxBuffer: 20_000_000,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  }, options.timeoutMs);
  const result = await child.finally(() => clearTimeout(timer));
  const durationMs = now() - started;
  const output = String(result.all ?? "");
  const outputTail = output.length > OUTPUT_TAIL_CHARS ? `…${output.slice(-OUTPUT_TAIL_CHARS)}` : output;
  const totals = cargoTotals(output);
  const counts = totals
    ? `: ${totals.passed} passed; ${totals.failed} failed; ${totals.ignored} ignored`
    : "";
  const exitCode = result.exitCode ?? null;
  const passed = !timedOut && exitCode === 0;
  const seconds = `${(durationMs / 1000).toFixed(1)} s`;
  let summary: string;
  if (timedOut)
    summary = `${options.command} timed out after ${formatDurationMs(options.timeoutMs)}${counts}`;
  else if (result.failed && result.exitCode === undefined)
    summary = `${options.command} could not run: ${String(result.shortMessage ?? result.message).split("\n")[0]}`;
  else
    summary = `${options.command} ${passed ? "passed" : `failed (exit ${exitCode})`} in ${seconds}${counts}`;
  return { passed, exitCode, timedOut, durationMs, outputTail, summary };
}
