/** Spawn the built `ai-monitor serve` as a real child process, for crash and end-to-end tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { until } from "./wait.js";

const CLI = join(import.meta.dirname, "..", "..", "dist", "cli.js");

/** A running serve process and its base URL. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  logs: () => string;
  /** SIGKILL, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit; resolves with the exit code. */
  terminate(): Promise<number | null>;
}

/** Start `node dist/cli.js serve` with args and env; resolves once it logs that it is serving. */
export async function startServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [CLI, "serve", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: "info", ...env },
  });
  let logs = "";
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 15 s:\n${logs}`)), 15_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      logs += chunk.toString();
      const match = /"url":"([^"]+)"[^\n]*"msg":"ai-monitor serving on /.exec(logs);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before serving:\n${logs}`));
    });
  });
  return {
    child,
    url,
    logs: () => logs,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async terminate() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/** The JSON objects of a JSONL file (empty when it does not exist yet). */
export function readJsonl(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.endsWith("}"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Poll `check` every 20 ms until it returns true or `timeoutMs` passes: `until` for a boolean check. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  await until(what, () => check() || undefined, { timeoutMs, intervalMs: 20 });
}

/**
 * POST a JSON body on a connection of its own and resolve with the status, or 0 when the connection is refused,
 * reset or silent for `timeoutMs`. Used where the server goes away mid-request: undici's pooled fetch can leave
 * such a request pending for ever (seen under CPU load), which would hang the test instead of failing it.
 */
export function postOnce(url: string, body: string, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode ?? 0));
        res.once("error", () => resolve(0));
      },
    );
    req.once("timeout", () => req.destroy(new Error("no answer")));
    req.once("error", () => resolve(0));
    req.end(body);
  });
}
