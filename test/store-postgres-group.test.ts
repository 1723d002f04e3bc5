/**
 * Group commit of the PostgreSQL store, on a real server: webhooks arriving at one replica at the same time
 * share transactions, yet each caller gets its own answer, a resent alert is still stored once, and a
 * notification PostgreSQL refuses fails alone instead of taking its neighbours down with it.
 */
import { describe, expect, it } from "vitest";
import { createPostgresStore } from "../src/store/postgres/postgres-store.js";
import { adminQuery, createTestSchema, PG_URL, skipWithoutPostgres } from "./helpers/postgres.js";
import { makeSignal, policyAt, T0 } from "./store-contract-fixtures.js";

const skip = await skipWithoutPostgres("store-postgres-group.test.ts");
const live = { ...policyAt(T0), maxAgeMs: Number.POSITIVE_INFINITY };
const alert = (n: number, extra = {}) =>
  makeSignal({
    fingerprint: `E_${n}:app::x`,
    errorCode: `E_${n}`,
    source: "alertmanager",
    dedupKey: `alertmanager:${n}:${T0}`,
    ...extra,
  });

async function withStore(
  fn: (store: ReturnType<typeof createPostgresStore>, schema: string) => Promise<void>,
) {
  const schema = await createTestSchema("aim_group");
  const store = createPostgresStore({ url: PG_URL, schema: schema.name, poolMax: 4 });
  try {
    await store.init();
    await fn(store, schema.name);
  } finally {
    await store.close();
    await schema.drop();
  }
}

describe.skipIf(skip)("postgres store: group commit", () => {
  it("stores 20 webhooks arriving together in a few transactions, each answered with its own incident", () =>
    withStore(async (store, schema) => {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => store.ingest([alert(i)], live)));
      expect(answers.map((a) => a.map((o) => o.kind))).toEqual(Array(20).fill(["new"]));
      const ids = answers.map((a) => (a[0]!.kind === "new" ? a[0]!.incidentId : ""));
      expect(new Set(ids).size).toBe(20);
      const incidents = await store.listIncidents({ limit: 50 });
      expect(Object.fromEntries(incidents.map((i) => [i.id, i.errorCode]))).toEqual(
        Object.fromEntries(ids.map((id, i) => [id, `E_${i}`])),
      );
      // Rows written by one transaction share its xmin: far fewer transactions than webhooks.
      const [row] = await adminQuery<{ n: number }>(
        `SELECT count(DISTINCT xmin::text)::int AS n FROM ${schema}.incidents`,
      );
      expect(row!.n).toBeLessThanOrEqual(3);
    }));

  it("stores an alert resent in the same group once", () =>
    withStore(async (store) => {
      const answers = await Promise.all(Array.from({ length: 10 }, () => store.ingest([alert(7)], live)));
      const kinds = answers.flat().map((o) => o.kind);
      expect(kinds.filter((k) => k === "new")).toHaveLength(1);
      expect(kinds.filter((k) => k === "resent")).toHaveLength(9);
      expect((await store.listIncidents({ limit: 10 })).map((i) => i.count)).toEqual([1]);
    }));

  it("fails only the webhook PostgreSQL refuses; the others of its group are stored", () =>
    withStore(async (store) => {
      const calls = Array.from({ length: 8 }, (_, i) =>
        store.ingest([alert(i, i === 5 ? { fields: { huge: 10n } } : {})], live),
      );
      const settled = await Promise.allSettled(calls);
      expect(settled.map((s) => s.status)).toEqual([
        ...Array(5).fill("fulfilled"),
        "rejected",
        "fulfilled",
        "fulfilled",
      ]);
      const stored = (await store.listIncidents({ limit: 10 })).map((i) => i.errorCode).sort();
      expect(stored).toEqual(["E_0", "E_1", "E_2", "E_3", "E_4", "E_6", "E_7"]);
      expect((await store.queueStats(T0)).depth).toBe(7);
    }));
});
