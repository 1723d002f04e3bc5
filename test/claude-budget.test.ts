/**
 * LLM budgets that hold: each diagnosis reserves its call's worst-case cost in the store before calling, so
 * replicas sharing one database never both spend the last of a budget. Wired as `serve` wires it (config,
 * real SDK against the fake API, SQLite), and raced across two store instances on one database (SQLite file,
 * PostgreSQL schema).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import { createContextGatherer } from "../src/context/context.js";
import { createBudgetGuard } from "../src/diagnose/budget.js";
import { settlingLedger } from "../src/diagnose/budget-reservation.js";
import { loadCatalog } from "../src/diagnose/catalog.js";
import { createDiagnoserFromConfig } from "../src/diagnose/claude-wiring.js";
import type { Diagnoser } from "../src/diagnose/diagnoser.js";
import { llmMetricHooks } from "../src/diagnose/llm-metrics.js";
import type { Incident } from "../src/domain/types.js";
import { silentLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { runDiagnoseStep } from "../src/pipeline/diagnose-step.js";
import { createPostgresStore } from "../src/store/postgres/postgres-store.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { type FakeAnthropic, startFakeAnthropic } from "./helpers/fake-anthropic.js";
import { codeSignal, wirePipeline } from "./helpers/in-process-pipeline.js";
import { makeDiagnosis } from "./helpers/incident.js";
import { createTestSchema, PG_URL, skipWithoutPostgres } from "./helpers/postgres.js";

const T0 = Date.parse("2026-11-26T09:16:00Z");
const log = silentLogger();
const catalog = await loadCatalog(null);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sqliteFile = () => join(mkdtempSync(join(tmpdir(), "ai-monitor-budget-")), "db.sqlite");
async function opened(store: Store): Promise<Store> {
  await store.init();
  cleanups.push(() => store.close());
  return store;
}
const skipCount = async (metrics: ReturnType<typeof createMetrics>) =>
  (await metrics.diagnosisSkips.get()).values.find((v) => v.labels.reason === "over_budget")?.value ?? 0;

/** The pipeline as `serve` wires Claude: config, budget guard with its estimator, metrics hooks. */
async function wired(diagnosis: Record<string, unknown> = {}) {
  const fake: FakeAnthropic = await startFakeAnthropic();
  cleanups.push(() => fake.close());
  const store = await opened(createSqliteStore({ path: sqliteFile() }));
  const config = configSchema.parse({
    anthropic: { apiKey: "sk-ant-test", baseUrl: fake.url, model: "claude-sonnet-5-5", maxRetries: 0 },
    diagnosis,
  });
  const metrics = createMetrics();
  const now = () => T0;
  const wiring = createDiagnoserFromConfig(config, { catalog, store, log, now, ...llmMetricHooks(metrics) });
  const { worker, intake } = wirePipeline(
    { store, sinks: [], log, now, catalog, metrics, ratePerHour: 10, ...wiring },
    { owner: "test:1:b", maxAttempts: 3, concurrency: 1 },
  );
  return { fake, store, worker, intake, metrics };
}

describe("budget reservations as serve wires them", () => {
  it("refuses a call whose worst case does not fit what is left, says so, and counts the skip", async () => {
    const p = await wired({ dailyBudgetUsd: 0.05 });
    await p.intake.ingest([codeSignal("AI_003", T0 - 1000)]);
    await p.worker.drain();
    const [incident] = await p.store.listIncidents({ limit: 1 });
    expect(incident!.diagnosis).toMatchObject({ by: "offline" });
    expect(incident!.diagnosis!.skippedReason).toMatch(
      /^diagnosis skipped: the daily LLM budget of \$0\.05 has \$0\.05 left \(\$0\.00 spent today, UTC\), less than this call may cost \(\$0\.\d\d\); basic alert only$/,
    );
    expect(p.fake.requests).toHaveLength(0);
    expect(await skipCount(p.metrics)).toBe(1);
  });

  it("within budget: the call is made and its real cost replaces the reservation", async () => {
    const p = await wired();
    await p.intake.ingest([codeSignal("AI_003", T0 - 1000)]);
    await p.worker.drain();
    const [incident] = await p.store.listIncidents({ limit: 1 });
    expect(incident!.diagnosis).toMatchObject({ by: "claude-sonnet-5-5", skippedReason: null });
    const [spend] = await p.store.llmSpend(0);
    expect(spend).toMatchObject({ calls: 1 });
    const probe = { key: "probe", estimateUsd: 0, ceilings: [{ sinceMs: 0, limitUsd: 100 }], leaseMs: 1 };
    expect(await p.store.reserveLlmBudget({ ...probe, now: T0 })).toEqual({
      granted: true,
      spentUsd: [spend!.costUsd],
      reservedUsd: 0,
    });
  });
});

/** Two instances on one database, as two replicas (or processes) have. */
type Pair = () => Promise<[Store, Store]>;

const sqlitePair: Pair = async () => {
  const file = sqliteFile();
  return [await opened(createSqliteStore({ path: file })), await opened(createSqliteStore({ path: file }))];
};
const postgresPair: Pair = async () => {
  const schema = await createTestSchema("aim_budget");
  cleanups.push(() => schema.drop());
  const open = () => opened(createPostgresStore({ url: PG_URL, schema: schema.name, poolMax: 2 }));
  return [await open(), await open()];
};

const skipPostgres = await skipWithoutPostgres("claude-budget.test.ts");

describe.each([
  { backend: "sqlite", pair: sqlitePair, skip: false },
  { backend: "postgres", pair: postgresPair, skip: skipPostgres },
])("two replicas diagnosing at once ($backend)", ({ pair, skip }) => {
  it.skipIf(skip)("never both spend the last of the budget; the loser says why", async () => {
    const [a, b] = await pair();
    const outcomes = await a.ingest([codeSignal("AI_003", T0), codeSignal("DB_001", T0)], {
      windowMs: 300_000,
      maxAgeMs: 3_600_000,
      now: T0,
    });
    const incidents = await Promise.all(
      outcomes.map(async (o) => (await a.getIncident(o.kind === "new" ? o.incidentId : "")) as Incident),
    );

    // A diagnoser that bills $0.05 once let through; held at a gate so both replicas are in flight at once.
    let entered = 0;
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let bothEntered = () => {};
    const twoIn = new Promise<void>((resolve) => {
      bothEntered = resolve;
    });
    const gated = (store: Store): Diagnoser => ({
      name: "gated",
      async diagnose({ incident }) {
        if (++entered === 2) bothEntered();
        await gate;
        await settlingLedger(store).recordLlmCall({
          incidentId: incident.id,
          model: "claude-sonnet-5-5",
          at: T0,
          inputTokens: 1000,
          outputTokens: 500,
          cacheWriteTokens: 0,
          cacheReadTokens: 0,
          costUsd: 0.05,
        });
        return makeDiagnosis({ by: "gated", costUsd: 0.05 });
      },
    });
    const replica = (store: Store) => ({
      store,
      diagnoser: gated(store),
      context: createContextGatherer({ providers: [], timeoutMs: 1000, log }),
      catalog,
      ratePerHour: 10,
      // A worst case of $0.60 against $1.00 a day: room for one call in flight, not two.
      budget: createBudgetGuard({
        store,
        limits: { dailyUsd: 1, monthlyUsd: null },
        now: () => T0,
        estimate: () => 0.6,
      }),
      metrics: createMetrics(),
      log,
      now: () => T0,
    });
    const [ra, rb] = [replica(a), replica(b)];
    const steps = [runDiagnoseStep(ra, incidents[0]!), runDiagnoseStep(rb, incidents[1]!)];
    // Open the gate once one step has finished (refused) or, if the budget failed to hold, both got in.
    await Promise.race([...steps, twoIn]);
    open();
    const diagnoses = await Promise.all(steps);

    expect(entered).toBe(1);
    expect(diagnoses.map((d) => d.by).sort()).toEqual(["gated", "offline"]);
    expect(diagnoses.find((d) => d.by === "offline")!.skippedReason).toMatch(
      /daily LLM budget of \$1\.00 has \$0\.40 left \(\$0\.00 spent today, UTC; \$0\.60 held by diagnoses in progress\), less than this call may cost \(\$0\.60\)/,
    );
    expect((await skipCount(ra.metrics)) + (await skipCount(rb.metrics))).toBe(1);
    // Settled: only the real $0.05 counts now, so $0.90 more fits.
    const after = {
      key: "next",
      estimateUsd: 0.9,
      ceilings: [{ sinceMs: 0, limitUsd: 1 }],
      leaseMs: 1,
      now: T0,
    };
    expect(await b.reserveLlmBudget(after)).toEqual({ granted: true, spentUsd: [0.05], reservedUsd: 0 });
  });
});
