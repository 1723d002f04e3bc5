/** Run the built CLI (`node dist/cli.js ...`) as a user would: a child process, or under a pseudo-terminal. */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const CLI = join(import.meta.dirname, "..", "..", "dist", "cli.js");

/** What a finished command left: exit code and both streams. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a run: no outer DATABASE_URL or config file, logs at info, plus `env`. */
export function cliEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, AI_MONITOR_CONFIG: _config, NO_COLOR: _colour, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: "info", ...env };
}

/** Run `node dist/cli.js ...args` to the end (killed after `timeoutMs`: a hang fails the test, not the run). */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: cliEnv(options.env), cwd: options.cwd, timeout: options.timeoutMs ?? 20_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** True when util-linux `script` is here to give a child a pseudo-terminal. */
export function hasScript(): boolean {
  return spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Pure: terminal text without colour codes and carriage returns. */
export function plainTerminal(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is removed
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
}

/** A CLI run under a pseudo-terminal (`script`): what a person sees, stdout and stderr together. */
export interface TtyRun {
  child: ChildProcess;
  screen: () => string;
  /** SIGTERM the whole session and wait for it to end. */
  stop(): Promise<void>;
}

/** Start `node dist/cli.js ...args` with stdin, stdout and stderr on a pseudo-terminal. */
export function startInTty(args: string[], env: Record<string, string> = {}, cwd?: string): TtyRun {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    env: { ...cliEnv(env), TERM: "xterm-256color" },
    cwd,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    screen += chunk.toString();
  });
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    screen: () => plainTerminal(screen),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, "SIGTERM");
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
}
