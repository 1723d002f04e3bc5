/**
 * kill -9 in the middle of work, then restart: every incident reaches the JSONL sink exactly once.
 * Runs the real built CLI against a real SQLite file and real log files.
 */
import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { firingBody } from "./helpers/alertmanager-body.js";
import { readJsonl, type ServeProcess, startServe, waitFor } from "./helpers/serve-process.js";

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) await p.kill();
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "ai-monitor-crash-"));
  const log = join(dir, "server.log");
  const jsonl = join(dir, "incidents.jsonl");
  writeFileSync(log, "");
  writeFileSync(
    join(dir, "ai-monitor.yaml"),
    `listen: 127.0.0.1:0\nstore:\n  sqlitePath: ${join(dir, "db.sqlite")}\nwatch:\n  paths: [${JSON.stringify(log)}]\n` +
      `  pollInterval: 100ms\nsinks:\n  console: false\n  jsonl: ${JSON.stringify(jsonl)}\ndiagnosis:\n  ratePerHour: 1000\n`,
  );
  const errorLine = (i: number) =>
    `${JSON.stringify({
      timestamp: new Date().toISOString(),
      level: "ERROR",
      fields: { message: `crash probe ${i}`, error_code: `CR_${i}`, request_id: `req_${i}` },
      target: "server::crash::probe",
    })}\n`;
  const start = async () => {
    const p = await startServe(["--config", join(dir, "ai-monitor.yaml")]);
    running.push(p);
    return p;
  };
  const codes = () => readJsonl(jsonl).map((r) => r.errorCode as string);
  return { log, jsonl, errorLine, start, codes };
}

describe("crash recovery (serve killed with SIGKILL)", () => {
  it("delivers every incident exactly once across two kills", async () => {
    const t = setup();
    let p = await t.start();
    for (let i = 0; i < 40; i++) appendFileSync(t.log, t.errorLine(i));
    await waitFor(() => t.codes().length >= 3, 15_000, "first deliveries");
    await p.kill(); // mid-run: some of the 40 are delivered, some queued, some maybe not read yet
    const atFirstKill = t.codes().length;

    for (let i = 40; i < 60; i++) appendFileSync(t.log, t.errorLine(i)); // written while it is down
    p = await t.start();
    const writer = (async () => {
      for (let i = 60; i < 100; i++) {
        appendFileSync(t.log, t.errorLine(i));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(() => t.codes().length >= 50, 15_000, "deliveries after the first restart");
    await p.kill(); // while lines are still being appended
    const atSecondKill = t.codes().length;
    await writer;

    p = await t.start();
    await waitFor(() => t.codes().length >= 100, 20_000, "all 100 incidents");
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would show up now
    expect(await p.terminate()).toBe(0);

    const codes = t.codes();
    console.info(`delivered at the first kill: ${atFirstKill}/40, at the second: ${atSecondKill}/100`);
    expect(new Set(codes).size).toBe(100);
    expect(codes.length).toBe(100);
  }, 60_000);

  it("processes an alert after a SIGKILL that followed its 2xx", async () => {
    const t = setup();
    const p = await t.start();
    const body = firingBody({
      errorCode: "DB_001",
      target: "server::infra::db",
      summary: "pool timed out",
      fingerprint: "83381b6e88ec0d0c",
    });
    const response = await fetch(`${p.url}/webhook/alertmanager`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status).toBeLessThan(300);
    p.child.kill("SIGKILL"); // right after the 2xx, before the worker had a fair chance
    await new Promise((r) => p.child.once("exit", r));

    const again = await t.start();
    await waitFor(() => t.codes().includes("DB_001"), 15_000, "the alert's incident after restart");
    expect(await again.terminate()).toBe(0);
    expect(t.codes().filter((c) => c === "DB_001")).toHaveLength(1);
  }, 60_000);

  it("finishes a log renamed out of the pattern while it was killed, then reads the new one", async () => {
    const t = setup();
    const dir = join(t.log, "..");
    const app = join(dir, "app.log");
    // Watch *.log: the rotated name app.log.1 is not matched, so only the stored offsets can find it.
    writeFileSync(
      join(dir, "ai-monitor.yaml"),
      `listen: 127.0.0.1:0\nstore:\n  sqlitePath: ${join(dir, "db.sqlite")}\nwatch:\n  paths: [${JSON.stringify(join(dir, "*.log"))}]\n` +
        `  pollInterval: 100ms\nsinks:\n  console: false\n  jsonl: ${JSON.stringify(t.jsonl)}\ndiagnosis:\n  ratePerHour: 1000\n`,
    );
    let p = await t.start();
    for (let i = 0; i < 30; i++) appendFileSync(app, t.errorLine(i));
    await waitFor(() => t.codes().length >= 1, 15_000, "a first delivery");
    await p.kill();

    for (let i = 30; i < 40; i++) appendFileSync(app, t.errorLine(i)); // written just before the rotation
    renameSync(app, join(dir, "app.log.1"));
    for (let i = 40; i < 50; i++) appendFileSync(app, t.errorLine(i));
    p = await t.start();
    await waitFor(() => t.codes().length >= 50, 20_000, "all 50 incidents");
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would show up now
    expect(await p.terminate()).toBe(0);
    expect(new Set(t.codes()).size).toBe(50);
    expect(t.codes()).toHaveLength(50);
  }, 60_000);
});
