/**
 * Resolve and ack by a person, through the API (`POST /api/incidents/:id/resolve|ack`) and the CLI
 * (`ai-monitor resolve|ack`), on SQLite and PostgreSQL; and what an acknowledgement does: recurrences of the
 * error stop paging Discord until the acknowledged incident resolves.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type IncidentActionOptions, runIncidentAction } from "../src/commands/incident-action.js";
import { type Config, configSchema } from "../src/config/schema.js";
import { createApp } from "../src/http/app.js";
import { silentLogger } from "../src/log.js";
import { openStore } from "../src/main.js";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import type { Store } from "../src/store/store.js";
import { signal, world } from "./helpers/dispatch-world.js";
import { codeSignal } from "./helpers/in-process-pipeline.js";
import { createTestSchema, skipWithoutPostgres, type TestSchema } from "./helpers/postgres.js";

const NOW = Date.parse("2026-11-26T10:00:00Z");
const TOKEN = "0123456789abcdef-actions";

const backends: Array<{
  name: string;
  config: () => Promise<{ config: Config; drop: () => Promise<void> }>;
}> = [
  {
    name: "sqlite",
    config: async () => {
      const dir = mkdtempSync(join(tmpdir(), "ai-monitor-actions-"));
      const config = configSchema.parse({
        store: { sqlitePath: join(dir, "db.sqlite") },
        webhook: { token: TOKEN },
      });
      return { config, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "postgres",
    config: async () => {
      const schema: TestSchema = await createTestSchema("actions");
      const config = configSchema.parse({ store: { databaseUrl: schema.url }, webhook: { token: TOKEN } });
      return { config, drop: () => schema.drop() };
    },
  },
];

const skipPostgres = await skipWithoutPostgres("incident-actions.test.ts");

for (const backend of backends) {
  describe.skipIf(backend.name === "postgres" && skipPostgres)(`resolve and ack on ${backend.name}`, () => {
    let config: Config;
    let drop: () => Promise<void>;
    let store: Store;
    let ids: string[];

    beforeAll(async () => {
      ({ config, drop } = await backend.config());
      store = await openStore(config, silentLogger());
      const outcomes = await store.ingest([codeSignal("A_1", NOW - 1000), codeSignal("B_2", NOW - 1000)], {
        windowMs: 300_000,
        maxAgeMs: 3_600_000,
        now: NOW,
      });
      ids = outcomes.map((o) => (o.kind === "new" ? o.incidentId : "?"));
    });
    afterAll(async () => {
      await store.close();
      await drop();
    });

    const app = () => {
      const metrics = createMetrics();
      const now = () => NOW + 60_000;
      const intake = createIntake({
        store,
        policy: { windowMs: 300_000, maxAgeMs: 3_600_000 },
        metrics,
        now,
        wake: () => {},
      });
      return createApp({ intake, store, config, log: silentLogger(), metrics, now });
    };
    const post = (path: string, body?: string, headers: Record<string, string> = {}) =>
      app().request(path, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, ...headers },
        ...(body === undefined ? {} : { body }),
      });
    const json = { "content-type": "application/json" };

    it("API: acknowledges and resolves, once, with the token; names what is wrong otherwise", async () => {
      const [a] = ids;
      const noToken = await app().request(`/api/incidents/${a}/ack`, { method: "POST" });
      expect(noToken.status).toBe(401);

      const acked = await post(`/api/incidents/${a}/ack`, JSON.stringify({ by: "bob" }), json);
      expect(acked.status).toBe(200);
      const ackBody = await acked.json();
      expect(ackBody).toMatchObject({
        outcome: "acked",
        incident: {
          id: a,
          status: "open",
          acknowledgedBy: "bob",
          acknowledgedAt: "2026-11-26T10:01:00.000Z",
        },
      });
      expect((await (await post(`/api/incidents/${a}/ack`)).json()).outcome).toBe("already-acked");

      // No body at all is fine: the note and the name are optional.
      const resolved = await post(`/api/incidents/${a}/resolve`);
      expect(resolved.status).toBe(200);
      expect(await resolved.json()).toMatchObject({
        outcome: "resolved",
        incident: { status: "resolved", resolvedAt: "2026-11-26T10:01:00.000Z", resolvedBy: null },
      });
      expect((await (await post(`/api/incidents/${a}/resolve`)).json()).outcome).toBe("already-resolved");
      // An acknowledgement lasts until the incident resolves: a resolved one cannot take one.
      const late = await post(`/api/incidents/${a}/ack`, JSON.stringify({ by: "dan" }), json);
      expect(late.status).toBe(409);
      expect(await late.json()).toMatchObject({
        outcome: "already-resolved",
        error: expect.stringContaining("already resolved"),
        incident: { status: "resolved", acknowledgedBy: "bob" },
      });

      expect((await post("/api/incidents/99999/resolve")).status).toBe(404);
      expect((await post("/api/incidents/99999/ack")).status).toBe(404);
      const badId = await post("/api/incidents/1%20OR%201=1/ack");
      expect(badId.status).toBe(400);
      expect(await badId.json()).toMatchObject({ path: "id" });
      const badNote = await post(`/api/incidents/${ids[1]}/resolve`, JSON.stringify({ note: 5 }), json);
      expect(badNote.status).toBe(400);
      expect((await badNote.json()).issues).toEqual([expect.objectContaining({ path: "note" })]);
      const extra = await post(`/api/incidents/${ids[1]}/ack`, JSON.stringify({ note: "x" }), json);
      expect(extra.status).toBe(400);
      const ping = await post(`/api/incidents/${ids[1]}/ack`, JSON.stringify({ by: "a\u202eb" }), json);
      expect(ping.status).toBe(400);
      const plain = await post(`/api/incidents/${ids[1]}/ack`, "by=bob", { "content-type": "text/plain" });
      expect(plain.status).toBe(415);
      const broken = await post(`/api/incidents/${ids[1]}/ack`, "{", json);
      expect(broken.status).toBe(400);
      expect((await store.getIncident(ids[1]!))?.acknowledgedAt).toBeNull();
    });

    it("CLI: resolve ID --note --by and ack ID --by; exit 1 for an unknown id, 2 for bad input", async () => {
      const run = async (options: IncidentActionOptions) => {
        const io = { out: "", err: "" };
        const code = await runIncidentAction(config, options, {
          log: silentLogger(),
          out: (t) => {
            io.out += t;
          },
          err: (t) => {
            io.err += t;
          },
          now: () => NOW + 120_000,
        });
        return { code, ...io };
      };
      const b = ids[1]!;
      expect(await run({ action: "ack", incidentId: b, by: "carol" })).toMatchObject({
        code: 0,
        out: `incident ${b} acknowledged; its recurrences will not notify anyone until it resolves\n`,
      });
      expect((await run({ action: "ack", incidentId: b })).out).toContain("already acknowledged");
      const done = await run({ action: "resolve", incidentId: b, note: "rolled back", by: "carol" });
      expect(done).toMatchObject({ code: 0 });
      expect(done.out).toContain(`incident ${b} resolved`);
      expect(await run({ action: "ack", incidentId: b, by: "dan" })).toMatchObject({
        code: 1,
        out: "",
        err: `incident ${b} is already resolved: nothing acknowledged (an acknowledgement lasts only until the incident resolves)\n`,
      });
      const check = await openStore(config, silentLogger());
      try {
        expect(await check.getIncident(b)).toMatchObject({
          status: "resolved",
          resolvedAt: NOW + 120_000,
          resolvedBy: "carol",
          resolutionNote: "rolled back",
          acknowledgedBy: "carol",
        });
      } finally {
        await check.close();
      }
      expect(await run({ action: "resolve", incidentId: "424242" })).toMatchObject({
        code: 1,
        err: "incident 424242 not found (see `ai-monitor incidents`)\n",
      });
      expect((await run({ action: "ack", incidentId: "abc" })).code).toBe(2);
      expect((await run({ action: "resolve", incidentId: "0" })).code).toBe(2);
      const badBy = await run({ action: "ack", incidentId: b, by: "line\nbreak" });
      expect(badBy).toMatchObject({ code: 2, err: expect.stringContaining("--by:") });
    });
  });
}

describe("an acknowledgement stops repeat notifications until the incident resolves", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it("a recurrence of an acknowledged error posts nothing to Discord; after the resolution it does again", async () => {
    const w = await world(cleanup);
    const p = await w.startProcess("w1");
    const t = w.clock();
    const [first] = await p.intake.ingest([signal("DB_001", "server::db", t)]);
    await w.settle(p);
    const firstId = first!.kind === "new" ? first!.incidentId : "?";
    expect(w.messagesOf(firstId)).toHaveLength(1);
    expect(await p.store.ackIncident(Number(firstId), { at: w.clock(), by: "bob" })).toBe("acked");

    // The same error in a later window: a new incident, stored and listed, that pages no one.
    w.advance(10 * 60_000);
    const [again] = await p.intake.ingest([signal("DB_001", "server::db", w.clock())]);
    await w.settle(p);
    const againId = again!.kind === "new" ? again!.incidentId : "?";
    expect(w.messagesOf(againId)).toHaveLength(0);
    expect((await p.store.getIncident(againId))?.deliveries.map((d) => d.sink)).not.toContain("discord");
    // Its own resolution is not announced either where its opening was not.
    await p.store.resolveIncident(Number(againId), { at: w.clock() });
    await w.settle(p);
    expect(w.messagesOf(againId)).toHaveLength(0);

    // Once the acknowledged incident resolves, the next recurrence alerts as before.
    await p.store.resolveIncident(Number(firstId), { at: w.clock(), by: "bob" });
    await w.settle(p);
    expect(w.messagesOf(firstId)[0]?.versions.length).toBeGreaterThan(1);
    w.advance(10 * 60_000);
    const [third] = await p.intake.ingest([signal("DB_001", "server::db", w.clock())]);
    await w.settle(p);
    expect(w.messagesOf(third!.kind === "new" ? third!.incidentId : "?")).toHaveLength(1);
  });
});
