/**
 * Rows written by an older version, by hand, or by a source whose clock said anything: on both stores, a row
 * whose times are out of Date's range (nanoseconds stored as ms, a float, text in SQLite's loose column) still
 * reads, and `incidents`, `/api/incidents` and every sink still work on it.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import type { Incident } from "../src/domain/types.js";
import { createApp } from "../src/http/app.js";
import { silentLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { formatIncidentTable } from "../src/report/incident-table.js";
import { formatIncidentCard } from "../src/sinks/console-card.js";
import { buildDiscordMessage } from "../src/sinks/discord/payload.js";
import { issueBody } from "../src/sinks/github/issue-body.js";
import { occurrenceComment } from "../src/sinks/github/issue-comments.js";
import { createJsonlSink } from "../src/sinks/jsonl.js";
import { createPostgresStore } from "../src/store/postgres/postgres-store.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { adminQuery, createTestSchema, PG_URL, skipWithoutPostgres } from "./helpers/postgres.js";
import { makeSignal, T0 } from "./store-contract-fixtures.js";

// What JSON.parse makes of a nanosecond timestamp (a double: not exact, as in real life).
const NS = Number("1764755672123456789");
const US = 1_764_755_672_123_456;
const skipPg = await skipWithoutPostgres("poison-rows.test.ts");

/** Everything a user reads the incident through must work, and show believable ISO times. */
async function expectReadable(store: Store, dir: string) {
  const [incident] = await store.listIncidents({ limit: 10 });
  expect(incident).toBeDefined();
  const one = (await store.getIncident(incident!.id)) as Incident;
  for (const ms of [one.firstSeen, one.lastSeen, one.createdAt, ...one.deliveries.map((d) => d.updatedAt)])
    expect(() => new Date(ms).toISOString()).not.toThrow();
  expect(new Date(one.firstSeen).toISOString()).toBe("2025-12-03T09:54:32.123Z");

  expect(formatIncidentTable([one])).toContain("2025-12-03T");
  const config = configSchema.parse({});
  const metrics = createMetrics();
  const intake = createIntake({
    store,
    policy: { windowMs: 300_000, maxAgeMs: 3_600_000 },
    metrics,
    now: () => T0,
    wake: () => {},
  });
  const app = createApp({ intake, store, config, log: silentLogger(), metrics, now: () => T0 });
  const list = await app.request("/api/incidents");
  expect(list.status).toBe(200);
  const body = (await list.json()) as { incidents?: { firstSeen: string }[] } | { firstSeen: string }[];
  expect(JSON.stringify(body)).toContain("2025-12-03T09:54:32.123Z");
  expect((await app.request(`/api/incidents/${one.id}`)).status).toBe(200);

  expect(buildDiscordMessage(one, { exploreUrl: null }).embeds?.[0]?.timestamp).toBe(
    "2025-12-03T09:54:32.123Z",
  );
  expect(issueBody(one, null)).toContain("2025-12-03");
  expect(() => occurrenceComment(one, null, T0)).not.toThrow();
  expect(formatIncidentCard(one, "opened", false)).toContain("2025-12-03");
  const jsonl = createJsonlSink({ path: path.join(dir, "out.jsonl"), now: () => T0 });
  expect(await jsonl.send(one, "opened")).toMatchObject({ ok: true });
  await jsonl.close();
}

async function seeded(store: Store) {
  await store.init();
  await store.ingest([makeSignal()], { windowMs: 300_000, maxAgeMs: 3_600_000, now: T0 });
  const [incident] = await store.listIncidents({ limit: 1 });
  return Number(incident!.id);
}

describe("poison rows stay readable", () => {
  it("on SQLite: nanoseconds, a float out of range and text in the time columns", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-poison-"));
    const file = path.join(dir, "db.sqlite");
    const store = createSqliteStore({ path: file });
    try {
      const id = await seeded(store);
      const db = new Database(file);
      db.prepare("UPDATE incidents SET first_seen = ?, last_seen = ?, created_at = ? WHERE id = ?").run(
        BigInt(NS),
        String(US),
        1e300,
        id,
      );
      db.prepare(
        "INSERT INTO deliveries (incident_id, sink, state, attempts, updated_at) VALUES (?, 'discord', 'sent', 1, ?)",
      ).run(id, "yesterday");
      db.close();
      await expectReadable(store, dir);
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(skipPg)("on PostgreSQL: nanoseconds and microseconds in the BIGINT time columns", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-poison-"));
    const schema = await createTestSchema("aim_poison");
    const store = createPostgresStore({ url: PG_URL, schema: schema.name, poolMax: 2 });
    try {
      const id = await seeded(store);
      const table = (name: string) => `"${schema.name}".${name}`;
      await adminQuery(`UPDATE ${table("incidents")} SET first_seen = $1, last_seen = $2 WHERE id = $3`, [
        String(NS),
        String(US),
        id,
      ]);
      await adminQuery(
        `INSERT INTO ${table("deliveries")} (incident_id, sink, state, attempts, updated_at) VALUES ($1, 'discord', 'sent', 1, $2)`,
        [id, "-9000000000000000000"],
      );
      await expectReadable(store, dir);
    } finally {
      await store.close();
      await schema.drop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
