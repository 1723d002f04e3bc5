/**
 * Digests, on a fake clock: past `dispatch.digest.threshold` new incidents in a window, Discord gets one digest
 * message for the rest of the window, while critical incidents still go one by one; JSONL and the store keep one
 * record per incident, and the console prints one line per folded incident instead of its card.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../src/diagnose/catalog.js";
import { silentLogger } from "../src/log.js";
import { createConsoleSink } from "../src/sinks/console.js";
import { withDigest } from "../src/sinks/digest-sink.js";
import { createDiscordSink } from "../src/sinks/discord/discord-sink.js";
import { createJsonlSink } from "../src/sinks/jsonl.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { startFakeDiscord } from "./helpers/fake-discord.js";
import { captureOutput, codeSignal, wirePipeline } from "./helpers/in-process-pipeline.js";

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const MIN = 60_000;

describe("digests", () => {
  it("a storm past the threshold: 10 alerts, criticals one by one, the rest in one digest per window", async () => {
    let now = Date.parse("2026-11-26T10:00:00Z");
    const clock = () => now;
    const timers: Array<{ at: number; fn: () => void }> = [];
    const setTimer = (fn: () => void, ms: number) => void timers.push({ at: now + ms, fn });
    const fireDue = () => {
      for (const t of timers.splice(0)) t.at <= now ? t.fn() : timers.push(t);
    };
    const discord = await startFakeDiscord({ rateLimit: { requests: 10_000, windowMs: 1000 }, now: clock });
    cleanup.push(() => discord.close());
    const dir = mkdtempSync(join(tmpdir(), "ai-monitor-digest-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = createSqliteStore({ path: join(dir, "db.sqlite") });
    await store.init();
    cleanup.push(() => store.close());
    const log = silentLogger();
    const settings = { threshold: 10, windowMs: MIN };
    const chat = createDiscordSink({ webhookUrl: discord.webhookUrl, log, now: clock });
    const console = captureOutput();
    const jsonl = createJsonlSink({ path: join(dir, "incidents.jsonl"), now: clock });
    cleanup.push(() => jsonl.close());
    const sinks = [
      createConsoleSink({ out: console.out, colour: false, digest: { settings, now: clock } }),
      jsonl,
      withDigest(chat, settings, { now: clock, log, setTimer }),
    ];
    const { worker, intake } = wirePipeline(
      { store, sinks, log, now: clock, catalog: await loadCatalog(null), ratePerHour: 10_000 },
      { owner: "digest", maxAttempts: 5, concurrency: 1 },
    );

    // 25 warnings of 5 fingerprints, with 2 critical alerts in the middle of them.
    const warnings = Array.from({ length: 25 }, (_, i) =>
      codeSignal(`W_${i % 5}`, now, { target: `server::w${i}`, level: "WARN", source: "alertmanager" }),
    );
    const critical = (i: number) =>
      codeSignal(`C_${i}`, now, {
        target: `server::c${i}`,
        severityHint: "critical",
        source: "alertmanager",
      });
    await intake.ingest([...warnings.slice(0, 12), critical(1), ...warnings.slice(12), critical(2)]);
    await worker.drain();

    const titles = () => [...discord.messages.values()].map((m) => m.message.embeds[0]?.title ?? "");
    expect(titles()).toHaveLength(12); // both criticals (claimed first) + 10 warnings
    expect(titles().filter((t) => t.startsWith("[C_"))).toHaveLength(2);
    expect(titles().some((t) => t.includes("Digest"))).toBe(false);

    now += MIN;
    fireDue();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const digests = [...discord.messages.values()].filter((m) =>
      m.message.embeds[0]?.title?.includes("Digest"),
    );
    expect(digests).toHaveLength(1);
    expect(digests[0]?.message.embeds[0]?.title).toBe("📦 Digest: 15 new incident(s) · 15 medium");
    expect(digests[0]?.message.embeds[0]?.description).toContain("`W_");

    // One record per incident in JSONL and in the store; one console line per folded incident.
    const lines = readFileSync(join(dir, "incidents.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(27);
    expect(await store.listIncidents({ limit: 100 })).toHaveLength(27);
    const printed = console.printed();
    expect(printed.match(/^━━ /gm)).toHaveLength(12);
    expect(printed.match(/^• MEDIUM #\d+ \[W_\d\]/gm)).toHaveLength(15);

    // Resolving a folded incident edits nothing and posts nothing on Discord; an announced one is edited.
    const all = await store.listIncidents({ limit: 100 });
    const foldedOne = all.find((i) =>
      i.deliveries.some((d) => d.sink === "discord" && d.remoteRef === "digest"),
    )!;
    const postedOne = all.find((i) =>
      i.deliveries.some((d) => d.sink === "discord" && /^\d+$/.test(d.remoteRef ?? "")),
    )!;
    await store.resolveIncident(Number(foldedOne.id), { at: now });
    await store.resolveIncident(Number(postedOne.id), { at: now });
    const before = discord.requests.length;
    await worker.drain();
    expect(discord.requests.slice(before).map((r) => r.method)).toEqual(["PATCH"]);
    expect(discord.messages.size).toBe(13);
  });
});
