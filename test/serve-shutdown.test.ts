/**
 * SIGTERM while webhooks are in flight: the server stops accepting, answers what it accepted, releases its job
 * leases and exits 0; every alert it said yes to is stored and delivered after the restart.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { firingBody } from "./helpers/alertmanager-body.js";
import { postOnce, readJsonl, type ServeProcess, startServe, waitFor } from "./helpers/serve-process.js";

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) await p.kill();
});

const alertBody = (i: number) =>
  firingBody({
    errorCode: `SD_${i}`,
    target: "server::shutdown",
    summary: `shutdown probe ${i}`,
    fingerprint: `f${i}`,
  });

describe("graceful shutdown", () => {
  it("finishes accepted webhooks, releases leases, exits 0, and loses none of what it accepted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ai-monitor-shutdown-"));
    const db = join(dir, "db.sqlite");
    const jsonl = join(dir, "incidents.jsonl");
    writeFileSync(
      join(dir, "c.yaml"),
      `listen: 127.0.0.1:0\nstore:\n  sqlitePath: ${JSON.stringify(db)}\nwatch:\n  paths: [${JSON.stringify(join(dir, "*.log"))}]\n` +
        `sinks:\n  console: false\n  jsonl: ${JSON.stringify(jsonl)}\ndiagnosis:\n  ratePerHour: 1000\n`,
    );
    const p = await startServe(["--config", join(dir, "c.yaml")]);
    running.push(p);

    // Each request on its own connection: a refused or reset one resolves as 0 instead of hanging the test.
    const requests = Array.from({ length: 60 }, (_, i) =>
      postOnce(`${p.url}/webhook/alertmanager`, alertBody(i)).then((status) => ({ i, status })),
    );
    await Promise.race(requests); // SIGTERM once the first is answered, with the rest still in flight
    const exit = p.terminate();
    const answers = await Promise.all(requests);
    expect(await exit).toBe(0);

    const accepted = answers.filter((a) => a.status === 200).map((a) => `SD_${a.i}`);
    // never a 5xx; 0 is a connection refused after close, or cut by the exit: only accepted ones must be kept
    expect(answers.every((a) => a.status === 200 || a.status === 0)).toBe(true);
    expect(accepted.length).toBeGreaterThan(0);
    console.info(
      `SIGTERM with 60 webhooks in flight: ${accepted.length} accepted, ${60 - accepted.length} refused`,
    );

    const store = createSqliteStore({ path: db });
    await store.init();
    expect(await store.leaseOwners()).toEqual([]);
    const stored = new Set((await store.listIncidents({ limit: 500 })).map((i) => i.errorCode));
    await store.close();
    for (const code of accepted) expect(stored.has(code)).toBe(true);

    const again = await startServe(["--config", join(dir, "c.yaml")]);
    running.push(again);
    await waitFor(() => readJsonl(jsonl).length >= stored.size, 15_000, "every stored incident delivered");
    expect(await again.terminate()).toBe(0);
    const delivered = readJsonl(jsonl).map((r) => r.errorCode);
    expect(new Set(delivered).size).toBe(delivered.length);
    for (const code of accepted) expect(delivered).toContain(code);
  }, 60_000);
});
