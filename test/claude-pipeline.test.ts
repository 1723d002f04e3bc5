/**
 * The pipeline with the Claude diagnoser: a hostile log line goes through the parser, intake, the durable job,
 * the real SDK against the fake API, the SQLite ledger and the console sink. Budgets and the hourly limit stop
 * calls before they are made; the alert always goes out, saying why it is the basic one.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BudgetLimits, createBudgetGuard } from "../src/diagnose/budget.js";
import { loadCatalog } from "../src/diagnose/catalog.js";
import { createClaudeDiagnoser } from "../src/diagnose/claude.js";
import { eventToSignal, parseTracingLine } from "../src/ingest/tracing-json.js";
import { silentLogger } from "../src/log.js";
import { createConsoleSink } from "../src/sinks/console.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { type FakeAnthropic, startFakeAnthropic } from "./helpers/fake-anthropic.js";
import { captureOutput, codeSignal, wirePipeline } from "./helpers/in-process-pipeline.js";

const T0 = Date.parse("2026-11-26T09:16:00Z");
const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

const signal = (code: string) => codeSignal(code, T0 - 1000);

async function setup(
  options: { ratePerHour?: number; budget?: Partial<BudgetLimits>; maxRetries?: number } = {},
) {
  const fake = await startFakeAnthropic();
  fakes.push(fake);
  const store = createSqliteStore({
    path: join(mkdtempSync(join(tmpdir(), "ai-monitor-claude-")), "db.sqlite"),
  });
  await store.init();
  const { out, printed } = captureOutput();
  const now = () => T0;
  const log = silentLogger();
  const catalog = await loadCatalog(null);
  const diagnoser = createClaudeDiagnoser({
    apiKey: "sk-ant-test",
    baseUrl: fake.url,
    model: "claude-sonnet-5-5",
    effort: "medium",
    timeoutMs: 5000,
    maxRetries: options.maxRetries ?? 2,
    maxOutputTokens: 8000,
    catalog,
    store,
    log,
    now,
  });
  const budget = createBudgetGuard({
    store,
    limits: { dailyUsd: 2, monthlyUsd: 30, ...options.budget },
    now,
  });
  const { worker, intake, metrics } = wirePipeline(
    {
      store,
      sinks: [createConsoleSink({ out, colour: false })],
      log,
      now,
      catalog,
      diagnoser,
      budget,
      ratePerHour: options.ratePerHour ?? 10,
    },
    { owner: "test:1:c", maxAttempts: 3, concurrency: 1 },
  );
  const skips = async (reason: string) =>
    (await metrics.diagnosisSkips.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
  return { fake, store, worker, intake, printed, skips };
}

const call = (at: number, costUsd: number) => ({
  incidentId: null,
  model: "claude-sonnet-5-5",
  at,
  inputTokens: 1000,
  outputTokens: 500,
  cacheWriteTokens: 0,
  cacheReadTokens: 3000,
  costUsd,
});

describe("Claude in the pipeline", () => {
  it("diagnoses a hostile log line end to end, bills it, and never sends its secret", async () => {
    const p = await setup();
    const lines = readFileSync(join(import.meta.dirname, "fixtures/logs/tracing-shapes.jsonl"), "utf8").split(
      "\n",
    );
    const parsed = parseTracingLine(lines.find((l) => l.includes("CANARY"))!);
    if (!parsed.ok) throw new Error("the hostile fixture line must parse");
    await p.intake.ingest([eventToSignal(parsed.event)]);
    expect(await p.worker.drain()).toBe(1);

    const [incident] = await p.store.listIncidents({ limit: 1 });
    expect(incident!.diagnosis).toMatchObject({ by: "claude-sonnet-5-5", skippedReason: null });
    const [spend] = await p.store.llmSpend(0);
    expect(spend).toMatchObject({ model: "claude-sonnet-5-5", calls: 1 });
    expect(incident!.costUsd).toBeCloseTo(spend!.costUsd, 9);
    expect(incident!.deliveries.map((d) => [d.sink, d.state])).toEqual([["console", "sent"]]);
    expect(p.printed()).toContain("(claude-sonnet-5-5, confidence 0.50)");
    expect(p.fake.requests).toHaveLength(1);
    expect(p.fake.requests[0]!.text).not.toContain("CANARY");
  });

  it("over the daily budget: no call, the basic alert says why, the metric counts it", async () => {
    const p = await setup();
    await p.store.recordLlmCall(call(T0 - 3_600_000, 2.01));
    await p.intake.ingest([signal("AI_003")]);
    await p.worker.drain();
    const [incident] = await p.store.listIncidents({ limit: 1 });
    expect(incident!.diagnosis).toMatchObject({ by: "offline", title: "Claude API timeout" });
    expect(incident!.diagnosis!.skippedReason).toMatch(
      /daily LLM budget of \$2\.00 is spent \(\$2\.01 today/,
    );
    expect(p.fake.requests).toHaveLength(0);
    expect(await p.skips("over_budget")).toBe(1);
    expect(p.printed()).toContain("note        diagnosis skipped: the daily LLM budget");
  });

  it("over the monthly budget with nothing spent today: no call", async () => {
    const p = await setup();
    await p.store.recordLlmCall(call(Date.parse("2026-11-02T12:00:00Z"), 30));
    await p.intake.ingest([signal("DB_001")]);
    await p.worker.drain();
    const [incident] = await p.store.listIncidents({ limit: 1 });
    expect(incident!.diagnosis!.skippedReason).toMatch(/monthly LLM budget of \$30\.00 is spent/);
    expect(p.fake.requests).toHaveLength(0);
  });

  it("stops calling once its own diagnoses have spent the budget", async () => {
    const p = await setup({ budget: { dailyUsd: 0.001 } });
    await p.intake.ingest([signal("AI_003")]);
    await p.worker.drain();
    await p.intake.ingest([signal("DB_001")]);
    await p.worker.drain();
    const incidents = await p.store.listIncidents({ limit: 10 });
    expect(incidents.map((i) => [i.errorCode, i.diagnosis!.by])).toEqual([
      ["DB_001", "offline"],
      ["AI_003", "claude-sonnet-5-5"],
    ]);
    expect(p.fake.requests).toHaveLength(1);
  });

  it("the hourly limit applies to Claude calls too", async () => {
    const p = await setup({ ratePerHour: 1 });
    await p.intake.ingest([signal("AI_003"), signal("DB_001")]);
    await p.worker.drain();
    const incidents = await p.store.listIncidents({ limit: 10 });
    expect(incidents.map((i) => i.diagnosis!.by).sort()).toEqual(["claude-sonnet-5-5", "offline"]);
    expect(incidents.find((i) => i.diagnosis!.by === "offline")!.diagnosis!.skippedReason).toMatch(
      /limit of 1 diagnoses per hour/,
    );
    expect(p.fake.requests).toHaveLength(1);
    expect(await p.skips("rate_limited")).toBe(1);
  });

  it("an API outage never loses the incident: it is delivered with the basic diagnosis", async () => {
    const p = await setup({ maxRetries: 0 });
    p.fake.script({ kind: "error", status: 500, type: "api_error", message: "Internal server error" });
    await p.intake.ingest([signal("AI_003")]);
    await p.worker.drain();
    const [incident] = await p.store.listIncidents({ limit: 1 });
    expect(incident!.diagnosis!.skippedReason).toMatch(/Anthropic API error 500 \(1 attempt\)/);
    expect(incident!.deliveries.map((d) => d.state)).toEqual(["sent"]);
  });
});
