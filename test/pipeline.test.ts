/**
 * The pipeline over a real SQLite store: intake -> durable job -> worker -> diagnosis -> outbox -> sinks.
 * Time is controlled; sinks are the real console/JSONL sinks plus a scripted one for failure paths.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../src/diagnose/catalog.js";
import type { Diagnoser } from "../src/diagnose/diagnoser.js";
import { catalogDiagnosis } from "../src/diagnose/offline.js";
import type { Incident } from "../src/domain/types.js";
import { createConsoleSink } from "../src/sinks/console.js";
import { createJsonlSink } from "../src/sinks/jsonl.js";
import type { SendResult, Sink } from "../src/sinks/sink.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { captureOutput, codeSignal as signal, wirePipeline } from "./helpers/in-process-pipeline.js";
import { readJsonl } from "./helpers/serve-process.js";

const T0 = Date.parse("2026-11-26T09:00:00Z");

/** A sink whose answers are scripted per call. */
function scriptedSink(answers: SendResult[]): Sink & { calls: Incident[] } {
  const calls: Incident[] = [];
  return {
    name: "scripted",
    calls,
    accepts: () => true,
    async send(incident) {
      calls.push(incident);
      return answers.shift() ?? { ok: true, remoteRef: `ref-${calls.length}` };
    },
  };
}

async function setup(options: { ratePerHour?: number; extraSinks?: Sink[]; diagnoser?: Diagnoser } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ai-monitor-pipeline-"));
  let now = T0;
  const clock = () => now;
  const store = createSqliteStore({ path: join(dir, "db.sqlite") });
  await store.init();
  const { out, printed } = captureOutput();
  const jsonlPath = join(dir, "incidents.jsonl");
  const jsonl = createJsonlSink({ path: jsonlPath, now: clock });
  const sinks = [createConsoleSink({ out, colour: false }), jsonl, ...(options.extraSinks ?? [])];
  const { worker, intake, metrics } = wirePipeline(
    {
      store,
      sinks,
      now: clock,
      catalog: await loadCatalog(null),
      ratePerHour: options.ratePerHour ?? 10,
      ...(options.diagnoser ? { diagnoser: options.diagnoser } : {}),
    },
    { owner: "test:1:a", maxAttempts: 3, concurrency: 2 },
  );
  return {
    store,
    intake,
    worker,
    jsonlPath,
    jsonl,
    metrics,
    printed,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("pipeline", () => {
  it("lets an alert's severity label win over the catalog's, and only an alert's", async () => {
    const p = await setup();
    await p.intake.ingest([
      signal("AI_003", T0 - 1000, {
        source: "alertmanager",
        severityHint: "critical",
        fields: { alertname: "ServerErrorLogged", severity: "critical" },
      }),
      signal("AI_003", T0 - 1000, { target: "server::y", fields: { severity: "low" } }),
    ]);
    expect(await p.worker.drain()).toBe(2);
    const byTarget = Object.fromEntries(
      (await p.store.listIncidents({ limit: 10 })).map((i) => [
        i.target,
        [i.severity, i.diagnosis?.severity],
      ]),
    );
    // The catalog says high for AI_003.
    expect(byTarget).toEqual({ "server::x": ["critical", "critical"], "server::y": ["high", "high"] });
  });

  it("diagnoses a new incident once and delivers it to every sink", async () => {
    const p = await setup();
    const [outcome] = await p.intake.ingest([signal("AI_003", T0 - 1000)]);
    expect(outcome?.kind).toBe("new");
    expect(await p.worker.drain()).toBe(1);

    const [incident] = await p.store.listIncidents({ limit: 10 });
    expect(incident?.diagnosis).toMatchObject({
      by: "offline",
      title: "Claude API timeout",
      severity: "high",
    });
    expect(incident?.deliveries.map((d) => [d.sink, d.state])).toEqual([
      ["console", "sent"],
      ["jsonl", "sent"],
    ]);
    expect(p.printed()).toContain("[AI_003] AI_003 happened");
    const lines = readJsonl(p.jsonlPath);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: "opened", errorCode: "AI_003", fingerprint: "AI_003:server::x" });
    expect(await p.worker.drain()).toBe(0);
  });

  it("raises the count of repeats inside the window without a new alert", async () => {
    const p = await setup();
    await p.intake.ingest([signal("DB_001", T0 - 60_000)]);
    await p.worker.drain();
    const outcomes = await p.intake.ingest([signal("DB_001", T0 - 30_000), signal("DB_001", T0)]);
    expect(outcomes.map((o) => o.kind)).toEqual(["duplicate", "duplicate"]);
    expect(await p.worker.drain()).toBe(0);
    const [incident] = await p.store.listIncidents({ limit: 10 });
    expect(incident?.count).toBe(3);
    expect(readJsonl(p.jsonlPath)).toHaveLength(1);
  });

  it("past the hourly limit skips an LLM diagnosis but still sends the basic alert, saying why", async () => {
    // A diagnoser that costs (the offline catalog is free, so never limited): the stand-in answers as the catalog.
    const catalog = await loadCatalog(null);
    const llm: Diagnoser = {
      name: "llm-stand-in",
      diagnose: async ({ incident }) => ({
        ...catalogDiagnosis(incident, catalog, null),
        by: "llm-stand-in",
      }),
    };
    const p = await setup({ ratePerHour: 2, diagnoser: llm });
    await p.intake.ingest([signal("A_1", T0), signal("A_2", T0), signal("A_3", T0)]);
    await p.worker.drain();
    const incidents = await p.store.listIncidents({ limit: 10 });
    const skipped = incidents.filter((i) => i.diagnosis?.skippedReason);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.diagnosis?.skippedReason).toMatch(/limit of 2 diagnoses per hour/);
    expect(readJsonl(p.jsonlPath)).toHaveLength(3);
    expect(p.printed()).toContain("note        diagnosis skipped");
  });

  it("retries a retryable failure after its Retry-After and records a permanent one", async () => {
    const flaky = scriptedSink([
      { ok: false, retryable: true, retryAfterMs: 20_000, error: "429 slow down" },
    ]);
    const p = await setup({ extraSinks: [flaky] });
    await p.intake.ingest([signal("EXT_001", T0)]);
    await p.worker.drain();
    let [incident] = await p.store.listIncidents({ limit: 1 });
    expect(incident?.deliveries.find((d) => d.sink === "scripted")).toMatchObject({
      state: "pending",
      lastError: "429 slow down",
    });
    p.advance(10_000);
    expect(await p.worker.drain()).toBe(0); // not before Retry-After
    p.advance(15_000);
    expect(await p.worker.drain()).toBe(1);
    [incident] = await p.store.listIncidents({ limit: 1 });
    expect(incident?.deliveries.find((d) => d.sink === "scripted")).toMatchObject({
      state: "sent",
      attempts: 2,
    });
    expect(readJsonl(p.jsonlPath)).toHaveLength(1); // the other sinks were not repeated

    const broken = scriptedSink([{ ok: false, retryable: false, error: "404 webhook gone" }]);
    const q = await setup({ extraSinks: [broken] });
    await q.intake.ingest([signal("EXT_002", T0)]);
    await q.worker.drain();
    const [failed] = await q.store.listIncidents({ limit: 1 });
    expect(failed?.deliveries.find((d) => d.sink === "scripted")).toMatchObject({
      state: "failed",
      lastError: "404 webhook gone",
    });
    expect(await q.store.queueStats(T0)).toMatchObject({ depth: 0 });
  });

  it("after a crash between writing and recording, finds the JSONL line instead of writing it twice", async () => {
    const p = await setup();
    await p.intake.ingest([signal("AI_003", T0)]);
    const [job] = await p.store.claimJobs("dead:1:x", 1, 1, T0);
    const incident = (await p.store.getIncident(job!.incidentId))!;
    await p.store.ensureDeliveries(incident.id, ["jsonl"], T0);
    await p.store.updateDelivery(incident.id, "jsonl", { state: "sending", attempt: true }, T0);
    await p.jsonl.send(incident, "opened"); // the crash happens right after this write
    p.advance(10);
    expect(await p.worker.drain()).toBe(1); // the dead owner's 1 ms lease has expired
    expect(readJsonl(p.jsonlPath)).toHaveLength(1);
    const after = await p.store.getIncident(incident.id);
    expect(after?.deliveries.find((d) => d.sink === "jsonl")?.state).toBe("sent");
  });

  it("announces a resolution only after the incident itself, even when both jobs are claimed together", async () => {
    const p = await setup();
    await p.intake.ingest([signal("DB_001", T0)]);
    await p.intake.resolve("DB_001:server::x", T0 + 1);
    await p.worker.drain(); // both jobs claimed in one pass: the resolution waits for the first announcement
    p.advance(2000);
    await p.worker.drain();
    expect(readJsonl(p.jsonlPath).map((l) => l.event)).toEqual(["opened", "resolved"]);
  });

  it("announces a resolution once", async () => {
    const p = await setup();
    await p.intake.ingest([signal("AI_003", T0)]);
    await p.worker.drain();
    expect(await p.intake.resolve("AI_003:server::x", T0 + 60_000)).not.toBeNull();
    expect(await p.intake.resolve("AI_003:server::x", T0 + 60_000)).toBeNull();
    await p.worker.drain();
    expect(readJsonl(p.jsonlPath).map((l) => l.event)).toEqual(["opened", "resolved"]);
    expect(p.printed()).toContain("✔ RESOLVED");
  });

  it("records an old occurrence found late without alerting anyone", async () => {
    const p = await setup();
    const [outcome] = await p.intake.ingest([signal("AI_003", T0 - 2 * 3_600_000)]);
    expect(outcome?.kind).toBe("backfill");
    expect(await p.worker.drain()).toBe(0);
    expect(readJsonl(p.jsonlPath)).toHaveLength(0);
    const [incident] = await p.store.listIncidents({ limit: 1 });
    expect(incident?.suppressed).toBe("backfill");
  });

  it("alerts on an alert that has been firing for hours: alerts are live, not a backfill", async () => {
    const p = await setup();
    const old = signal("DB_001", T0 - 3 * 3_600_000, { source: "alertmanager", dedupKey: "am:abc:start" });
    const [outcome] = await p.intake.ingest([old]);
    expect(outcome?.kind).toBe("new");
    expect(await p.worker.drain()).toBe(1);
    expect(readJsonl(p.jsonlPath)).toHaveLength(1);
  });
});
