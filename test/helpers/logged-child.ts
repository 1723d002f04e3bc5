/** A real binary (Prometheus, Alertmanager) run by a test, with its stderr kept for failure messages. */
import { type ChildProcess, spawn } from "node:child_process";

/** The running binary, the tail of its stderr, and a way to stop it. */
export interface LoggedChild {
  child: ChildProcess;
  /** The last 20 000 characters it wrote to stderr. */
  log(): string;
  /** SIGTERM and wait for the exit, SIGKILL after 5 s; nothing if it has already exited. */
  stop(): Promise<void>;
}

/** Spawn `bin` with `args`, stdout ignored and the tail of stderr kept. */
export function spawnLogged(bin: string, args: string[]): LoggedChild {
  const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  });
  return {
    child,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
