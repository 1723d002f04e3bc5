/**
 * The CLI as a new user meets it, run as a child process: --version, exit codes (0 ok, 1 runtime failure, 2 usage
 * or configuration error), each fatal error printed once with the culprit named and a hint, never a stack trace.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "./helpers/cli-process.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ai-monitor-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** One message, printed once, for a person: no JSON log line, no stack frame. */
function expectOneMessage(r: CliResult, ...parts: string[]) {
  const printed = r.stderr.split("\n").filter((line) => line.startsWith("ai-monitor: "));
  expect(printed, r.stderr).toHaveLength(1);
  for (const part of parts) expect(r.stderr).toContain(part);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('"level":50');
}

describe("ai-monitor on the command line", () => {
  it("prints its version with --version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    const r = await runCli(["--version"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("exits 2 on usage errors: an unknown command, an unknown flag, a value out of range", async () => {
    for (const args of [
      ["nope"],
      ["serve", "--nope"],
      ["incidents", "--limit", "0"],
      ["--log-format", "xml"],
    ]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^error: /m);
    }
  });

  it("eval: --min-accuracy is a ratio from 0 to 1, --only names a known scenario (exit 2, no stack trace)", async () => {
    const accuracy = await runCli(["eval", "--min-accuracy", "7"], { cwd: dir });
    expect(accuracy.code).toBe(2);
    expect(accuracy.stderr).toContain("expected a number from 0 to 1");
    const only = await runCli(["eval", "--only", "nope"], { cwd: dir });
    expect(only.code).toBe(2);
    expectOneMessage(only, "no evaluation scenario named nope", "tls-certificate-expired");
  });

  it("eval offline says the catalog cannot name root causes", async () => {
    const r = await runCli(["eval", "--only", "tls-certificate-expired"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("cannot name an incident's root cause");
  });

  it("fails at once on a database path under /proc, naming the path and the reason (exit 2)", async () => {
    const db = "/proc/nope/x.db";
    const scan = await runCli(["scan", join(dir, "*.log")], { cwd: dir, env: { AI_MONITOR_DB: db } });
    expect(scan.code).toBe(2);
    expectOneMessage(
      scan,
      `cannot use database ${db}`,
      "cannot create directory /proc/nope",
      "AI_MONITOR_DB",
    );
    // A read-only command finds no database there and says so instead of creating one.
    const incidents = await runCli(["incidents"], { cwd: dir, env: { AI_MONITOR_DB: db } });
    expect(incidents.code).toBe(1);
    expectOneMessage(incidents, `no database at ${db}`);
  });

  it("names a database path whose parent is a file, and one that is a directory", async () => {
    writeFileSync(join(dir, "file"), "x");
    const underFile = await runCli(["scan", join(dir, "*.log")], {
      cwd: dir,
      env: { AI_MONITOR_DB: join(dir, "file", "x.db") },
    });
    expect(underFile.code).toBe(2);
    expectOneMessage(underFile, `cannot use database ${join(dir, "file", "x.db")}`, "is not a directory");
    const isDir = await runCli(["incidents"], { cwd: dir, env: { AI_MONITOR_DB: dir } });
    expect(isDir.code).toBe(2);
    expectOneMessage(isDir, `cannot use database ${dir}: it is a directory`);
  });

  it("incidents, cost and report say there is no database instead of creating an empty one", async () => {
    for (const command of ["incidents", "cost", "report"]) {
      const r = await runCli([command], { cwd: dir });
      expect(r.code, command).toBe(1);
      expectOneMessage(r, `no database at ${join(dir, "data", "ai-monitor.db")}`, "ai-monitor scan");
      expect(r.stdout).toBe("");
    }
    expect(existsSync(join(dir, "data"))).toBe(false);
  });

  it("scan names each pattern that matches no file, and exits 1 when none matched", async () => {
    const missing = join(dir, "no-such", "server.log");
    const r = await runCli(["scan", missing], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `no file has matched ${missing}: directory ${join(dir, "no-such")} does not exist`,
    );
    expect(r.stderr).toContain(`scanned 0 file(s)`);

    writeFileSync(join(dir, "a.log"), "");
    const some = await runCli(["scan", join(dir, "a.log"), join(dir, "*.nope")], { cwd: dir });
    expect(some.code).toBe(0);
    expect(some.stderr).toContain(`no file has matched ${join(dir, "*.nope")}`);
  });

  it("a busy port: one line naming the address, with the --listen hint (exit 1)", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as { port: number };
    try {
      const r = await runCli(["serve", "--listen", `127.0.0.1:${port}`, "--watch", join(dir, "*.log")], {
        cwd: dir,
      });
      expect(r.code).toBe(1);
      expectOneMessage(
        r,
        `cannot listen on 127.0.0.1:${port}: the port is in use`,
        "pass --listen HOST:PORT",
      );
    } finally {
      busy.close();
    }
  });

  it("a non-loopback address without a webhook token is a configuration error (exit 2)", async () => {
    const r = await runCli(["serve", "--listen", "0.0.0.0:0", "--watch", join(dir, "*.log")], { cwd: dir });
    expect(r.code).toBe(2);
    expectOneMessage(r, "refusing to listen on 0.0.0.0:0 without a webhook token");
  });
});
