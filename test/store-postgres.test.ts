/**
 * The store contract on PostgreSQL (each store in its own fresh schema, dropped afterwards; `second()` is
 * another pool on the same schema, as another replica would have), plus what only replicas sharing one
 * database can show: one incident when several ingest the same fingerprint at once, migrations applied
 * once, offsets per host, and clear start-up errors.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { Signal } from "../src/domain/types.js";
import { LOCK_NS, lockKey } from "../src/store/postgres/lock-keys.js";
import { MIGRATIONS } from "../src/store/postgres/migrations.js";
import { createPostgresStore, type PostgresStoreOptions } from "../src/store/postgres/postgres-store.js";
import type { Store } from "../src/store/store.js";
import { adminQuery, createTestSchema, PG_URL, skipWithoutPostgres } from "./helpers/postgres.js";
import { makeSignal, runStoreContract, type StoreHarness } from "./store-contract.js";

const skip = await skipWithoutPostgres("store-postgres.test.ts");
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const policy = { windowMs: 5 * 60_000, maxAgeMs: 3_600_000, now: T0 };

/** Stores on one fresh schema; `open` makes another pool on it (a replica). */
async function schemaStores(extra: Partial<PostgresStoreOptions> = {}) {
  const schema = await createTestSchema("aim_store");
  const made: Store[] = [];
  const open = async (more: Partial<PostgresStoreOptions> = {}) => {
    const store = createPostgresStore({ url: PG_URL, schema: schema.name, poolMax: 4, ...extra, ...more });
    made.push(store);
    return store;
  };
  const cleanup = async () => {
    for (const store of made) await store.close();
    await schema.drop();
  };
  return { schema, open, cleanup };
}

async function harness(): Promise<StoreHarness> {
  const { open, cleanup } = await schemaStores();
  return { store: await open(), reopen: () => open(), second: () => open(), cleanup };
}

/** Start `n` replicas on one schema, all initialised. */
async function replicas(n: number, extra: Partial<PostgresStoreOptions> = {}) {
  const h = await schemaStores(extra);
  const stores = await Promise.all(Array.from({ length: n }, () => h.open()));
  await Promise.all(stores.map((s) => s.init()));
  return { ...h, stores };
}

describe.skipIf(skip)("postgres store", () => {
  runStoreContract("postgres", harness);

  describe("replicas sharing one database", () => {
    it("makes one incident when three replicas ingest the same fingerprint at the same moment", async () => {
      const { stores, cleanup } = await replicas(3);
      try {
        const outcomes = (
          await Promise.all(
            Array.from({ length: 30 }, (_, i) =>
              stores[i % 3]!.ingest([makeSignal({ timestampMs: T0 + i * 1000 })], policy),
            ),
          )
        ).flat();
        expect(outcomes.filter((o) => o.kind === "new")).toHaveLength(1);
        const incidents = await stores[0]!.listIncidents({ limit: 10 });
        expect(incidents.map((i) => i.count)).toEqual([30]);
        expect((await stores[1]!.queueStats(T0)).depth).toBe(1);
      } finally {
        await cleanup();
      }
    });

    it("stores an alert posted to every replica once, however the batches overlap", async () => {
      const { stores, cleanup } = await replicas(3);
      try {
        const alert = (fp: string) =>
          makeSignal({ fingerprint: fp, source: "alertmanager", dedupKey: `alertmanager:${fp}:${T0}` });
        const fps = ["A:x", "B:x", "C:x", "D:x"];
        // Each replica gets the same notifications in another order: locks are taken in one global order.
        const batches = stores.map((store, r) =>
          store.ingest(
            fps.map((_, i) => alert(fps[(i + r) % fps.length]!)),
            policy,
          ),
        );
        const outcomes = (await Promise.all(batches)).flat();
        expect(outcomes.filter((o) => o.kind === "new")).toHaveLength(4);
        expect(outcomes.filter((o) => o.kind === "resent")).toHaveLength(8);
        const incidents = await stores[2]!.listIncidents({ limit: 10 });
        expect(incidents.map((i) => [i.fingerprint, i.count]).sort()).toEqual(fps.map((fp) => [fp, 1]));
      } finally {
        await cleanup();
      }
    });

    it("resolves once when the same resolution reaches every replica", async () => {
      const { stores, cleanup } = await replicas(3);
      try {
        const [older] = await stores[0]!.ingest([makeSignal({ timestampMs: T0 - 20 * 60_000 })], policy);
        const [newer] = await stores[0]!.ingest([makeSignal()], policy);
        const jobs = await Promise.all(
          stores.map((s) => s.resolve(makeSignal().fingerprint, T0 + 1000, T0 + 2000)),
        );
        expect(jobs.filter((j) => j !== null)).toHaveLength(1);
        const state = async (o: typeof older) =>
          o && o.kind !== "resent" ? (await stores[1]!.getIncident(o.incidentId))?.status : undefined;
        expect([await state(older), await state(newer)]).toEqual(["open", "resolved"]);
      } finally {
        await cleanup();
      }
    });

    it("applies each migration once when replicas start together, creating the schema", async () => {
      const name = `aim_fresh_${randomBytes(5).toString("hex")}`;
      const stores = Array.from({ length: 3 }, () =>
        createPostgresStore({ url: PG_URL, schema: name, poolMax: 2 }),
      );
      try {
        await Promise.all(stores.map((s) => s.init()));
        const rows = await adminQuery<{ version: number }>(`SELECT version FROM ${name}.schema_migrations`);
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      } finally {
        for (const store of stores) await store.close();
        await adminQuery(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      }
    });

    it("keeps file offsets per host: each replica tails its own files", async () => {
      const { open, cleanup } = await schemaStores();
      try {
        const [a, b] = [await open({ host: "node-a" }), await open({ host: "node-b" })];
        await Promise.all([a.init(), b.init()]);
        const offset = { dev: 1, ino: 2, path: "/var/log/app.log", offset: 10, headHash: "x", headLen: 1 };
        await a.ingest([], policy, offset);
        expect(await a.getOffset(1, 2)).toEqual(offset);
        expect([await b.getOffset(1, 2), await b.hasOffsets()]).toEqual([null, false]);
        await b.saveOffset({ ...offset, offset: 99 });
        expect((await a.getOffset(1, 2))?.offset).toBe(10);
      } finally {
        await cleanup();
      }
    });
  });

  describe("postgres specifics", () => {
    it("stores text with NUL characters (which PostgreSQL text cannot hold) and finds it again", async () => {
      const { open, cleanup } = await schemaStores();
      try {
        const store = await open();
        await store.init();
        const odd: Partial<Signal> = { fingerprint: "E\0:x", message: "bad\0byte", fields: { raw: "a\0b" } };
        const [first] = await store.ingest([makeSignal(odd)], policy);
        const [again] = await store.ingest([makeSignal(odd)], policy);
        expect([first?.kind, again?.kind]).toEqual(["new", "duplicate"]);
        const [incident] = await store.listIncidents({ limit: 1 });
        expect(incident).toMatchObject({ message: "bad\uFFFDbyte", fields: { raw: "a\0b" }, count: 2 });
      } finally {
        await cleanup();
      }
    });

    it("gives up waiting for a lock after the statement timeout", async () => {
      const { open, cleanup } = await schemaStores({ statementTimeoutMs: 300 });
      const admin = new pg.Client({ connectionString: PG_URL });
      admin.on("error", () => {});
      try {
        const store = await open();
        await store.init();
        await admin.connect();
        const fp = makeSignal().fingerprint;
        await admin.query("SELECT pg_advisory_lock($1::int, $2::int)", [LOCK_NS.fingerprint, lockKey(fp)]);
        await expect(store.ingest([makeSignal()], policy)).rejects.toThrow(/statement timeout/);
        await admin.query("SELECT pg_advisory_unlock_all()");
        expect((await store.ingest([makeSignal()], policy)).map((o) => o.kind)).toEqual(["new"]);
      } finally {
        await admin.end().catch(() => {});
        await cleanup();
      }
    });

    it("refuses work before init and after close", async () => {
      const { open, cleanup } = await schemaStores();
      try {
        const store = await open();
        await expect(store.ping()).rejects.toThrow(/init/);
        await store.init();
        await store.close();
        await expect(store.listIncidents({ limit: 1 })).rejects.toThrow(/not open/);
      } finally {
        await cleanup();
      }
    });

    it("says where it cannot connect and why, without the password", async () => {
      const wrongPort = createPostgresStore({
        url: "postgres://ai:s3cret-pw@127.0.0.1:1/ai",
        retryDelaysMs: [],
      });
      const error = await wrongPort.init().then(
        () => null,
        (err: Error) => err,
      );
      expect(error?.message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1\/ai: .*ECONNREFUSED/);
      expect(error?.message).not.toContain("s3cret-pw");
      const url = new URL(PG_URL);
      url.pathname = "/no_such_db_for_ai_monitor";
      await expect(createPostgresStore({ url: url.toString(), retryDelaysMs: [] }).init()).rejects.toThrow(
        /cannot connect to PostgreSQL at .*\/no_such_db_for_ai_monitor: .*does not exist/,
      );
    });

    it("names the missing right, and starts with table rights alone once the owner has migrated", async () => {
      const suffix = randomBytes(4).toString("hex");
      const [role, schema] = [`aim_app_${suffix}`, `aim_locked_${suffix}`];
      await adminQuery(`CREATE ROLE ${role} LOGIN`);
      await adminQuery(`CREATE SCHEMA ${schema}`);
      await adminQuery(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      const url = new URL(PG_URL);
      url.username = role;
      url.password = "";
      const app = createPostgresStore({ url: url.toString(), schema, retryDelaysMs: [] });
      try {
        await expect(app.init()).rejects.toThrow(/refused to set up ai-monitor's tables: permission denied/);
        const owner = createPostgresStore({ url: PG_URL, schema });
        await owner.init();
        await owner.close();
        await adminQuery(
          `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role};
           GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
        );
        await app.init();
        expect((await app.ingest([makeSignal()], policy)).map((o) => o.kind)).toEqual(["new"]);
      } finally {
        await app.close();
        await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
        await adminQuery(`DROP ROLE ${role}`);
      }
    });
  });
});
