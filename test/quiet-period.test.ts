/**
 * Quiet-period resolution (`dedup.resolveAfter`) on a fake clock, on SQLite and PostgreSQL: an incident whose error
 * stays quiet resolves by itself and is announced as an Alertmanager resolution is (Discord edited, JSONL line);
 * a recurrence inside its window reopens it as today.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import { loadCatalog } from "../src/diagnose/catalog.js";
import { silentLogger } from "../src/log.js";
import { createQuietSweep, sweepIntervalMs } from "../src/pipeline/quiet-sweep.js";
import { createDiscordSink } from "../src/sinks/discord/discord-sink.js";
import { createJsonlSink } from "../src/sinks/jsonl.js";
import { createPostgresStore } from "../src/store/postgres/postgres-store.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { startFakeDiscord } from "./helpers/fake-discord.js";
import { codeSignal, wirePipeline } from "./helpers/in-process-pipeline.js";
import { createTestSchema, skipWithoutPostgres } from "./helpers/postgres.js";

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const MIN = 60_000;
const skipPostgres = await skipWithoutPostgres("quiet-period.test.ts");

const stores: Array<{ name: string; make: (dir: string) => Promise<Store> }> = [
  { name: "sqlite", make: async (dir) => createSqliteStore({ path: join(dir, "db.sqlite") }) },
  {
    name: "postgres",
    make: async () => {
      const schema = await createTestSchema("quiet");
      cleanup.push(() => schema.drop());
      return createPostgresStore({ url: schema.url });
    },
  },
];

describe("dedup.resolveAfter", () => {
  it("defaults to 30 minutes, takes a duration, and null turns it off", () => {
    expect(configSchema.parse({}).dedup.resolveAfter).toBe(30 * MIN);
    expect(configSchema.parse({ dedup: { resolveAfter: "2h" } }).dedup.resolveAfter).toBe(120 * MIN);
    expect(configSchema.parse({ dedup: { resolveAfter: null } }).dedup.resolveAfter).toBeNull();
    expect(() => configSchema.parse({ dedup: { resolveAfter: "soon" } })).toThrow(
      /dedup\.resolveAfter|duration/,
    );
    expect(sweepIntervalMs(30 * MIN)).toBe(60_000);
    expect(sweepIntervalMs(5000)).toBe(1000);
  });

  for (const backend of stores) {
    it.skipIf(backend.name === "postgres" && skipPostgres)(
      `${backend.name}: a quiet incident resolves and is announced; a recurrence reopens it`,
      async () => {
        let now = Date.parse("2026-11-26T10:00:00Z");
        const clock = () => now;
        const dir = mkdtempSync(join(tmpdir(), "ai-monitor-quiet-"));
        cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
        const store = await backend.make(dir);
        await store.init();
        cleanup.push(() => store.close());
        const discord = await startFakeDiscord({ rateLimit: { requests: 1000, windowMs: 1000 }, now: clock });
        cleanup.push(() => discord.close());
        const log = silentLogger();
        const jsonlPath = join(dir, "incidents.jsonl");
        const jsonl = createJsonlSink({ path: jsonlPath, now: clock });
        cleanup.push(() => jsonl.close());
        const chat = createDiscordSink({ webhookUrl: discord.webhookUrl, log, now: clock });
        const { worker, intake } = wirePipeline(
          {
            store,
            sinks: [jsonl, chat],
            log,
            now: clock,
            catalog: await loadCatalog(null),
            ratePerHour: 100,
          },
          { owner: "quiet", maxAttempts: 5, concurrency: 2 },
        );
        const sweep = createQuietSweep({ store, quietMs: 30 * MIN, now: clock, log, wake: () => {} });
        const t0 = now;
        const [opened] = await intake.ingest([codeSignal("DB_001", t0)]);
        const id = opened!.kind === "new" ? opened!.incidentId : "?";
        await intake.ingest([codeSignal("DB_001", t0 + 2 * MIN)]);
        await worker.drain();

        // 29 minutes after the last occurrence: still open.
        now = t0 + 31 * MIN;
        expect(await sweep.runOnce()).toBe(0);
        // 30 minutes after it: resolved, and announced as an Alertmanager resolution is.
        now = t0 + 32 * MIN;
        expect(await sweep.runOnce()).toBe(1);
        expect(await store.getIncident(id)).toMatchObject({ status: "resolved", resolvedAt: now });
        await worker.drain();
        const records = readFileSync(jsonlPath, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(records.map((r) => [r.deliveryId, r.status])).toEqual([
          [`${id}:opened`, "open"],
          [`${id}:resolved`, "resolved"],
        ]);
        const [message] = [...discord.messages.values()];
        expect(discord.messages.size).toBe(1);
        expect(message?.message.embeds[0]?.title).toMatch(/^✅ RESOLVED/);
        expect(await sweep.runOnce()).toBe(0);

        // A late line inside its window: the incident reopens, Discord shows it open again.
        now += MIN;
        expect(await intake.ingest([codeSignal("DB_001", t0 + 3 * MIN)])).toEqual([
          { kind: "duplicate", incidentId: id },
        ]);
        await worker.drain();
        expect((await store.getIncident(id))?.status).toBe("open");
        expect(message?.versions.at(-1)?.embeds?.[0]?.title).not.toMatch(/RESOLVED/);
      },
      30_000,
    );
  }
});
