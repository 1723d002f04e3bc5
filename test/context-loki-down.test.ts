/**
 * Loki down, slow or failing: the bundle is marked partial with the reason, the rest of the context is still
 * there, and the incident proceeds (diagnosed and delivered) without waiting past the configured timeout.
 */
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { previewIncident } from "../src/commands/context.js";
import { configSchema } from "../src/config/schema.js";
import { type ContextConfigSource, createDefaultContextGatherer } from "../src/context/create-gatherer.js";
import { loadCatalog } from "../src/diagnose/catalog.js";
import { eventToSignal, parseTracingLine } from "../src/ingest/tracing-json.js";
import { silentLogger } from "../src/log.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { type FakeLoki, startFakeLoki } from "./helpers/fake-loki.js";
import { wirePipeline } from "./helpers/in-process-pipeline.js";
import { copyRustFixture } from "./helpers/rust-fixture-repo.js";

const SEED_ERROR = readFileSync(
  new URL("./fixtures/logs/tracing-shapes.jsonl", import.meta.url),
  "utf8",
).split("\n")[1]!;

function seedSignal() {
  const parsed = parseTracingLine(SEED_ERROR);
  if (!parsed.ok) throw new Error("fixture line 2 must parse");
  return eventToSignal(parsed.event);
}

function config(loki: Record<string, unknown>, extra: Record<string, unknown> = {}): ContextConfigSource {
  return configSchema.parse({
    loki,
    repoPath: null,
    watch: { paths: [], maxLineBytes: 1024 * 1024 },
    ...extra,
  });
}

/** A port that was free a moment ago: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let fake: FakeLoki | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe("context when Loki is unwell", () => {
  it("Loki down: partial with the reason, the source context still gathered", async () => {
    const repo = await copyRustFixture();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const gatherer = createDefaultContextGatherer({
      config: config({ url }, { repoPath: repo }),
      log: silentLogger(),
    });
    const bundle = await gatherer.gather(previewIncident(seedSignal(), Date.now()));
    expect(bundle.partial).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^loki:request: cannot reach 127\.0\.0\.1:\d+/),
        expect.stringMatching(/^loki:occurrences: cannot reach/),
        expect.stringMatching(/^git: .* is not a git repository/),
      ]),
    );
    expect(bundle.items.map((i) => i.id)).toContain("source:src/domain/ai/service.rs");
    expect(bundle.items[0]!.id).toBe("logs:error");
  });

  it("Loki slow: the request times out after loki.timeout and the bundle is partial", async () => {
    fake = await startFakeLoki({ mode: { kind: "hang" } });
    const gatherer = createDefaultContextGatherer({
      config: config({ url: fake.url, timeout: "200ms" }),
      log: silentLogger(),
    });
    const bundle = await gatherer.gather(previewIncident(seedSignal(), Date.now()));
    expect(bundle.partial).toEqual(
      expect.arrayContaining([
        "loki:request: no answer within 200ms",
        "loki:occurrences: no answer within 200ms",
      ]),
    );
    expect(bundle.items.map((i) => i.id)).toEqual(["logs:error"]);
  });

  it("the whole stage is bounded by context.timeout even when Loki's own timeout is longer", async () => {
    fake = await startFakeLoki({ mode: { kind: "hang" } });
    const gatherer = createDefaultContextGatherer({
      config: config({ url: fake.url, timeout: "1h" }, { context: { timeout: "300ms" } }),
      log: silentLogger(),
    });
    const bundle = await gatherer.gather(previewIncident(seedSignal(), Date.now()));
    expect(bundle.partial).toEqual(
      expect.arrayContaining([
        "loki:request: no answer within 300ms (context timeout)",
        "loki:occurrences: no answer within 300ms (context timeout)",
      ]),
    );
  });

  it("Loki failing: the HTTP status and Loki's message (redacted) are the reason", async () => {
    fake = await startFakeLoki({
      mode: { kind: "status", status: 500, body: "rpc error: dial tcp: password=CANARY123 refused\n" },
    });
    const gatherer = createDefaultContextGatherer({ config: config({ url: fake.url }), log: silentLogger() });
    const bundle = await gatherer.gather(previewIncident(seedSignal(), Date.now()));
    expect(bundle.partial).toContain(
      "loki:request: HTTP 500: rpc error: dial tcp: password=[REDACTED:key-value] refused",
    );
    expect(JSON.stringify(bundle)).not.toContain("CANARY");
  });

  it("the incident proceeds: diagnosed and stored with the partial bundle while Loki hangs", async () => {
    fake = await startFakeLoki({ mode: { kind: "hang" } });
    const dir = await mkdtemp(join(tmpdir(), "ai-monitor-ctx-worker-"));
    const store = createSqliteStore({ path: join(dir, "db.sqlite") });
    await store.init();
    const log = silentLogger();
    const now = () => Date.parse("2026-11-26T09:15:00Z");
    const context = createDefaultContextGatherer({
      config: config({ url: fake.url, timeout: "5s" }, { context: { timeout: "250ms" } }),
      log,
    });
    const { worker, intake } = wirePipeline(
      { store, sinks: [], log, now, catalog: await loadCatalog(null), context, ratePerHour: 10 },
      { owner: "test:1:ctx", maxAttempts: 3, concurrency: 1 },
    );
    await intake.ingest([seedSignal()]);
    expect(await worker.drain()).toBe(1);
    const [incident] = await store.listIncidents({ limit: 1 });
    expect(incident?.diagnosis?.title).toBe("Claude API timeout");
    expect(incident?.context?.items.map((i) => i.id)).toEqual(["logs:error"]);
    expect(incident?.context?.partial).toEqual(
      expect.arrayContaining(["loki:request: no answer within 250ms (context timeout)"]),
    );
    await store.close();
  });
});
