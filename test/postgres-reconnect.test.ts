/**
 * The PostgreSQL store when the database ends its connections (pg_terminate_backend, as a restart or a
 * failover does): the process survives, work that cannot have committed is retried by the store on a fresh
 * connection, and no incident is lost. Only the store's own backends are terminated (by application_name),
 * so parallel suites on the same server are not disturbed.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { CommitOutcomeUnknownError } from "../src/store/postgres/errors.js";
import { LOCK_NS, lockKey } from "../src/store/postgres/lock-keys.js";
import { createPostgresStore } from "../src/store/postgres/postgres-store.js";
import type { Store } from "../src/store/store.js";
import { adminQuery, createTestSchema, PG_URL, skipWithoutPostgres } from "./helpers/postgres.js";
import { until } from "./helpers/wait.js";
import { makeSignal } from "./store-contract.js";

const skip = await skipWithoutPostgres("postgres-reconnect.test.ts");
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const policy = { windowMs: 5 * 60_000, maxAgeMs: 3_600_000, now: T0 };

/** A store on a fresh schema with a unique application_name, and a way to kill its backends. */
async function setup() {
  const schema = await createTestSchema("aim_reconnect");
  const app = `aim-reconnect-${randomBytes(4).toString("hex")}`;
  const logs: string[] = [];
  const log = pino({ level: "warn" }, { write: (line: string) => void logs.push(line) });
  const store = createPostgresStore({
    url: PG_URL,
    schema: schema.name,
    applicationName: app,
    log,
    poolMax: 6,
  });
  await store.init();
  const terminate = async () =>
    (
      await adminQuery<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1",
        [app],
      )
    )[0]!.n;
  const cleanup = async () => {
    await store.close();
    await schema.drop();
  };
  return { store, app, logs, terminate, cleanup };
}

const alert = (i: number) =>
  makeSignal({ fingerprint: `E${i}:app`, source: "alertmanager", dedupKey: `alertmanager:${i}:${T0}` });

/** Poll a boolean check every 20 ms for at most 10 s. */
const poll = { timeoutMs: 10_000, intervalMs: 20 };

describe.skipIf(skip)("postgres store: reconnects", () => {
  it("survives its idle connections being terminated and carries on with fresh ones", async () => {
    const t = await setup();
    try {
      await Promise.all([t.store.ingest([alert(1)], policy), t.store.listIncidents({ limit: 5 })]);
      expect(await t.terminate()).toBeGreaterThan(0);
      // The idle clients get the server's FATAL: without the pool's error handler this process would die.
      await until(
        "the pool error",
        () => t.logs.some((l) => l.includes("idle PostgreSQL connection lost")) || undefined,
        poll,
      );
      await expect(t.store.ping()).resolves.toBeUndefined();
      expect((await t.store.ingest([alert(2)], policy)).map((o) => o.kind)).toEqual(["new"]);
      expect(await t.store.listIncidents({ limit: 5 })).toHaveLength(2);
    } finally {
      await t.cleanup();
    }
  });

  it("retries an ingest whose connection was terminated inside its transaction", async () => {
    const t = await setup();
    // Hold the fingerprint's lock so the store's ingest waits inside its transaction, then kill its backend.
    const admin = new pg.Client({ connectionString: PG_URL });
    admin.on("error", () => {});
    await admin.connect();
    try {
      await admin.query("SELECT pg_advisory_lock($1::int, $2::int)", [
        LOCK_NS.fingerprint,
        lockKey("E7:app"),
      ]);
      const pending = t.store.ingest([alert(7)], policy);
      await until(
        "the ingest to wait for the lock",
        async () => {
          const rows = await adminQuery(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
            [t.app],
          );
          return rows.length > 0 || undefined;
        },
        poll,
      );
      expect(await t.terminate()).toBeGreaterThan(0);
      await admin.query("SELECT pg_advisory_unlock_all()");
      expect((await pending).map((o) => o.kind)).toEqual(["new"]);
      expect(t.logs.some((l) => l.includes("retrying on a fresh connection"))).toBe(true);
      const [only] = await t.store.listIncidents({ limit: 5 });
      expect(only).toMatchObject({ fingerprint: "E7:app", count: 1 });
    } finally {
      await admin.end();
      await t.cleanup();
    }
  });

  it("loses no incident when every backend is terminated again and again during a run of ingests", async () => {
    const t = await setup();
    try {
      const surfaced: unknown[] = [];
      /** The caller's side, as Alertmanager does: retry what was not acknowledged (the dedup key makes it safe). */
      const deliver = async (store: Store, i: number) => {
        for (;;) {
          try {
            return await store.ingest([alert(i)], policy);
          } catch (err) {
            surfaced.push(err);
          }
        }
      };
      // Like a restart or failover: five rounds of terminating every backend of the store, 100 ms apart.
      let kills = 0;
      let killing = true;
      const killer = (async () => {
        for (let round = 0; round < 5; round++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          kills += await t.terminate();
        }
        killing = false;
      })();
      let sent = 0;
      const writers = Array.from({ length: 4 }, async () => {
        while (killing || sent < 400) await deliver(t.store, sent++);
      });
      await Promise.all([killer, ...writers]);

      expect(kills).toBeGreaterThan(0);
      // The store retried everything that could not have committed; at most a lost COMMIT answer surfaces.
      expect(surfaced.filter((err) => !(err instanceof CommitOutcomeUnknownError))).toEqual([]);
      const all = [];
      for (let before: string | undefined; ; ) {
        const page = await t.store.listIncidents({ limit: 500, beforeId: before });
        if (page.length === 0) break;
        all.push(...page);
        before = page.at(-1)!.id;
      }
      expect(all).toHaveLength(sent);
      expect(new Set(all.map((i) => i.fingerprint)).size).toBe(sent);
      expect(all.every((i) => i.count === 1)).toBe(true);
      expect((await t.store.queueStats(T0)).depth).toBe(sent);
    } finally {
      await t.cleanup();
    }
  });
});
