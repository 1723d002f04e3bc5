/**
 * Discord pacing: a storm of new incidents against the strict fake Discord (Discord's webhook bucket, 5 per 2 s,
 * rate-limit headers on every answer, 429 with retry_after past it). Every sender waits on the webhook's bucket,
 * so the storm is delivered whole, each incident once, with (almost) no 429.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../src/diagnose/catalog.js";
import { silentLogger } from "../src/log.js";
import { createDiscordSink } from "../src/sinks/discord/discord-sink.js";
import { discordRateAnswer } from "../src/sinks/discord/rate-limit.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { startFakeDiscord } from "./helpers/fake-discord.js";
import { codeSignal, wirePipeline } from "./helpers/in-process-pipeline.js";

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("Discord pacing", () => {
  it("reads Discord's headers and 429 bodies into the bucket's lesson", () => {
    const headers = new Headers({
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "3",
      "x-ratelimit-reset-after": "1.25",
    });
    expect(discordRateAnswer({ status: 200, headers, body: "{}" }, 0)).toEqual({
      limit: 5,
      remaining: 3,
      resetAfterMs: 1250,
    });
    const limited = discordRateAnswer(
      { status: 429, headers: new Headers(), body: JSON.stringify({ retry_after: 0.7, global: true }) },
      0,
    );
    expect(limited).toEqual({ retryAfterMs: 700 });
    const junk = new Headers({ "x-ratelimit-remaining": "lots", "x-ratelimit-reset-after": "soon" });
    expect(discordRateAnswer({ status: 429, headers: junk, body: "<html>" }, 0)).toEqual({
      retryAfterMs: 1000,
    });
  });

  it("40 simultaneous incidents reach the strict fake Discord once each, with at most 5 answers of 429", async () => {
    const discord = await startFakeDiscord({ rateLimit: { requests: 5, windowMs: 2000 } });
    cleanup.push(() => discord.close());
    const dir = mkdtempSync(join(tmpdir(), "ai-monitor-pacing-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = createSqliteStore({ path: join(dir, "db.sqlite") });
    await store.init();
    cleanup.push(() => store.close());
    const log = silentLogger();
    const sink = createDiscordSink({ webhookUrl: discord.webhookUrl, log, now: Date.now });
    const { worker, intake } = wirePipeline(
      { store, sinks: [sink], log, now: Date.now, catalog: await loadCatalog(null), ratePerHour: 1000 },
      { owner: "pacing", maxAttempts: 20, concurrency: 4 },
    );
    const t = Date.now();
    const signals = Array.from({ length: 40 }, (_, i) =>
      codeSignal(`E_${i}`, t, { target: `server::m${i}`, source: "alertmanager" }),
    );
    await intake.ingest(signals);
    // Drain until every incident is delivered (a handed-back delivery waits in the queue for its time).
    for (let round = 0; round < 100 && (await store.queueStats(Date.now())).depth > 0; round++) {
      await worker.drain();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(discord.messages.size).toBe(40);
    expect(discord.rateLimited()).toBeLessThanOrEqual(5);
    const incidents = await store.listIncidents({ limit: 100 });
    expect(incidents.every((i) => i.deliveries.some((d) => d.sink === "discord" && d.state === "sent"))).toBe(
      true,
    );
  }, 60_000);
});
