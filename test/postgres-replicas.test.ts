/**
 * Three `ai-monitor serve` processes (the built CLI) on one PostgreSQL schema, fed the way Alertmanager feeds
 * replicas when it has one webhook URL per replica: every notification reaches all three, in rotating order.
 * 3,000 alerts over 100 fingerprints must make exactly 100 incidents, each delivered once to the shared
 * JSONL file, with diagnoses within the hourly limit in total. Then one replica is SIGKILLed while it holds
 * leased jobs: the others take them over once the lease expires, and nothing is lost or delivered twice.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminQuery,
  createTestSchema,
  PG_URL,
  skipWithoutPostgres,
  type TestSchema,
} from "./helpers/postgres.js";
import { readJsonl, type ServeProcess, startServe } from "./helpers/serve-process.js";
import { until } from "./helpers/wait.js";

const skip = await skipWithoutPostgres("postgres-replicas.test.ts");
const FINGERPRINTS = 100;
const ALERTS_PER_FINGERPRINT = 30;
const ALERTS_PER_NOTIFICATION = 10;
const RATE_PER_HOUR = 10;
const TARGET = "server::replica::probe";
/** Occurrence time of the alerts: live, a minute ago, all within one dedup window per fingerprint. */
const STARTS_AT = Date.now() - 60_000;

let schema: TestSchema;
let dir: string;
let jsonl: string;
const replicas: ServeProcess[] = [];

/** One Alertmanager v4 notification of the group `code` with the given alert numbers. */
function notification(code: string, alerts: number[]) {
  const common = {
    alertname: "ServerErrorLogged",
    app: "server",
    error_code: code,
    severity: "error",
    target: TARGET,
  };
  return {
    receiver: "ai",
    status: "firing",
    alerts: alerts.map((k) => ({
      status: "firing",
      labels: { ...common, instance: `node-${k}` },
      annotations: { summary: `replica probe ${code}` },
      startsAt: new Date(STARTS_AT - k * 1000).toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "",
      fingerprint: createHash("sha1").update(`${code}/${k}`).digest("hex").slice(0, 16),
    })),
    groupLabels: { error_code: code, target: TARGET },
    commonLabels: common,
    commonAnnotations: { summary: `replica probe ${code}` },
    externalURL: "http://alertmanager:9093",
    version: "4",
    groupKey: `{}:{error_code="${code}", target="${TARGET}"}`,
    truncatedAlerts: 0,
  };
}

/** POST a notification to one replica; returns its answer. */
async function post(replica: ServeProcess, body: unknown) {
  const response = await fetch(`${replica.url}/webhook/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { accepted: number; duplicates: number };
}

/** Run `tasks` with at most `limit` at a time (Alertmanager dispatches several groups in parallel). */
async function inParallel<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lanes = Array.from({ length: limit }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  });
  await Promise.all(lanes);
  return results;
}

const count = async (sql: string, params: unknown[] = []) =>
  (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;
const openedLines = () => readJsonl(jsonl).filter((line) => line.event === "opened");

describe.skipIf(skip)("three serve replicas sharing one PostgreSQL schema", () => {
  beforeAll(async () => {
    schema = await createTestSchema("aim_replicas");
    dir = mkdtempSync(join(tmpdir(), "ai-monitor-replicas-"));
    jsonl = join(dir, "incidents.jsonl");
    const config = join(dir, "ai-monitor.yaml");
    writeFileSync(
      config,
      [
        "listen: 127.0.0.1:0",
        `store:\n  sqlitePath: ${JSON.stringify(join(dir, "unused.db"))}\n  databaseUrl: ${JSON.stringify(schema.url)}`,
        `watch:\n  paths: [${JSON.stringify(join(dir, "no-logs", "*.log"))}]`,
        `sinks:\n  console: false\n  jsonl: ${JSON.stringify(jsonl)}`,
        `diagnosis:\n  ratePerHour: ${RATE_PER_HOUR}`,
        "worker:\n  lease: 2s\n  poll: 100ms",
        "",
      ].join("\n"),
    );
    // The env wins over the file: pin DATABASE_URL so an outer one cannot point the replicas elsewhere.
    const started = await Promise.all(
      [0, 1, 2].map(() => startServe(["--config", config], { DATABASE_URL: schema.url })),
    );
    replicas.push(...started);
  }, 30_000);

  afterAll(async () => {
    for (const replica of replicas) {
      if (replica.child.exitCode !== null || replica.child.signalCode !== null) continue;
      replica.child.kill("SIGCONT");
      await replica.kill();
    }
    await schema?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("turns 3,000 alerts sent to every replica into 100 incidents, each delivered once", async () => {
    const tasks: Array<() => Promise<Array<{ accepted: number; duplicates: number }>>> = [];
    for (let f = 0; f < FINGERPRINTS; f++) {
      const code = `RP_${String(f).padStart(3, "0")}`;
      for (let first = 0; first < ALERTS_PER_FINGERPRINT; first += ALERTS_PER_NOTIFICATION) {
        const body = notification(
          code,
          Array.from({ length: ALERTS_PER_NOTIFICATION }, (_, k) => first + k),
        );
        const n = tasks.length;
        // Round-robin: notification n reaches replica n % 3 first, then the other two (all three in flight).
        tasks.push(() => Promise.all([0, 1, 2].map((r) => post(replicas[(n + r) % 3]!, body))));
      }
    }
    const answers = (await inParallel(tasks, 12)).flat();
    expect(answers).toHaveLength((3 * (FINGERPRINTS * ALERTS_PER_FINGERPRINT)) / ALERTS_PER_NOTIFICATION);
    const total = FINGERPRINTS * ALERTS_PER_FINGERPRINT;
    expect(answers.reduce((sum, a) => sum + a.accepted, 0)).toBe(total);
    expect(answers.reduce((sum, a) => sum + a.duplicates, 0)).toBe(2 * total);

    await until(
      "every incident to be delivered",
      async () =>
        (openedLines().length >= FINGERPRINTS && (await count(`${schema.name}.jobs`)) === 0) || undefined,
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    const incidents = await adminQuery<{ id: string; fingerprint: string; count: string; diagnosis: string }>(
      `SELECT id, fingerprint, count, diagnosis::text AS diagnosis FROM ${schema.name}.incidents ORDER BY id`,
    );
    expect(incidents).toHaveLength(FINGERPRINTS);
    expect(new Set(incidents.map((i) => i.fingerprint)).size).toBe(FINGERPRINTS);
    expect(incidents.every((i) => Number(i.count) === ALERTS_PER_FINGERPRINT)).toBe(true);

    const lines = openedLines();
    expect(lines).toHaveLength(FINGERPRINTS);
    expect(new Set(lines.map((l) => l.id)).size).toBe(FINGERPRINTS);
    expect(new Set(lines.map((l) => l.id))).toEqual(new Set(incidents.map((i) => String(i.id))));

    // One diagnosis per incident; the offline catalog costs nothing, so the hourly LLM limit skips none of them.
    const diagnoses = incidents.map((i) => JSON.parse(i.diagnosis) as { skippedReason: string | null });
    expect(diagnoses.filter((d) => d.skippedReason === null)).toHaveLength(FINGERPRINTS);
    expect(await count(`${schema.name}.tokens WHERE bucket = 'diagnosis'`)).toBe(0);
    expect(
      await count(`${schema.name}.deliveries WHERE sink = 'jsonl' AND state = 'sent' AND attempts = 1`),
    ).toBe(FINGERPRINTS);
  }, 45_000);

  it("lets the others finish a SIGKILLed replica's leased jobs once the lease expires, once each", async () => {
    const [victim, b, c] = replicas as [ServeProcess, ServeProcess, ServeProcess];
    const owner = `${hostname()}:${victim.child.pid}:%`;
    // Hold the outbox table so the victim's jobs stop right after leasing: they are still its when it dies.
    const blocker = new pg.Client({ connectionString: PG_URL });
    blocker.on("error", () => {});
    await blocker.connect();
    const wave = Array.from({ length: 20 }, (_, i) => notification(`KILL_${i}`, [0, 1, 2]));
    let held: Array<{ id: string; incident_id: string; lease_until: string }> = [];
    try {
      await blocker.query(`BEGIN; LOCK TABLE ${schema.name}.deliveries IN EXCLUSIVE MODE`);
      b.child.kill("SIGSTOP");
      c.child.kill("SIGSTOP");
      for (const body of wave) expect((await post(victim, body)).accepted).toBe(3);
      await until(
        "the victim to lease jobs",
        async () => (await count(`${schema.name}.jobs WHERE lease_owner LIKE $1`, [owner])) > 0 || undefined,
        { timeoutMs: 10_000, intervalMs: 50 },
      );
      held = await adminQuery(
        `SELECT id, incident_id, lease_until FROM ${schema.name}.jobs WHERE lease_owner LIKE $1`,
        [owner],
      );
      await victim.kill();
    } finally {
      await blocker.query("COMMIT").catch(() => {});
      await blocker.end();
      b.child.kill("SIGCONT");
      c.child.kill("SIGCONT");
    }
    expect(held.length).toBeGreaterThan(0);
    // Alertmanager's copies for the other two replicas arrive once they answer again: all resends.
    const late = await Promise.all(wave.flatMap((body) => [post(b, body), post(c, body)]));
    expect(late.every((a) => a.accepted === 0 && a.duplicates === 3)).toBe(true);

    const expected = FINGERPRINTS + wave.length;
    await until(
      "the survivors to finish the victim's work",
      async () =>
        (openedLines().length >= expected && (await count(`${schema.name}.jobs`)) === 0) || undefined,
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    const lines = openedLines();
    expect(lines).toHaveLength(expected);
    expect(new Set(lines.map((l) => l.deliveryId)).size).toBe(expected);
    for (const job of held) {
      const line = lines.find((l) => l.id === String(job.incident_id));
      expect(line, `incident ${job.incident_id} leased by the victim`).toBeDefined();
      // Taken over only after the victim's lease ran out (it heartbeated until the kill, so perhaps later).
      expect(Date.parse(String(line!.deliveredAt))).toBeGreaterThanOrEqual(Number(job.lease_until));
    }
    expect(await count(`${schema.name}.incidents`)).toBe(expected);
    expect(await count(`${schema.name}.tokens WHERE bucket = 'diagnosis'`)).toBe(0);
    expect(await b.terminate()).toBe(0);
    expect(await c.terminate()).toBe(0);
  }, 45_000);
});
