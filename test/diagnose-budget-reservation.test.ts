import { afterEach, describe, expect, it } from "vitest";
import { ceilingsAt, createBudgetGuard } from "../src/diagnose/budget.js";
import {
  createCallEstimator,
  reservationDecision,
  reservationLeaseMs,
  settlingLedger,
  worstCaseCallUsd,
} from "../src/diagnose/budget-reservation.js";
import { loadCatalog } from "../src/diagnose/catalog.js";
import { MODEL_PRICES } from "../src/diagnose/pricing.js";
import { estimateTokens, SYSTEM_PROMPT } from "../src/diagnose/prompt.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { LlmCall, Store } from "../src/store/store.js";
import { makeIncident } from "./helpers/incident.js";

const NOW = Date.parse("2026-11-26T10:30:00Z");
const SONNET = MODEL_PRICES["claude-sonnet-5-5"]!;
const limits = { dailyUsd: 2, monthlyUsd: 30 };

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
async function memoryStore(): Promise<Store> {
  const store = createSqliteStore({ path: ":memory:" });
  await store.init();
  stores.push(store);
  return store;
}
const call = (incidentId: string | null, costUsd: number): LlmCall => ({
  incidentId,
  model: "claude-sonnet-5-5",
  at: NOW,
  inputTokens: 100,
  outputTokens: 100,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  costUsd,
});

describe("worst-case call cost", () => {
  it("prices the system prompt as a cache write, the user prompt as input and every output token", () => {
    const system = estimateTokens(SYSTEM_PROMPT);
    const usd = worstCaseCallUsd({ userPrompt: "", maxOutputTokens: 8000, price: SONNET });
    expect(usd).toBeCloseTo((system * 2.5 + 8000 * 10) / 1e6, 9);
    const longer = worstCaseCallUsd({
      userPrompt: "word ".repeat(4000),
      maxOutputTokens: 8000,
      price: SONNET,
    });
    expect(longer).toBeGreaterThan(usd);
  });

  it("estimates from the same user message the call sends, catalog entry included", async () => {
    const catalog = await loadCatalog(null);
    const estimate = createCallEstimator({ catalog, price: SONNET, maxOutputTokens: 8000 });
    const context = { items: [], partial: [] };
    const known = estimate({ incident: makeIncident({ errorCode: "AI_003" }), context });
    const unknown = estimate({ incident: makeIncident({ errorCode: "NOPE_1" }), context });
    expect(known).toBeGreaterThan(unknown);
    expect(known).toBeLessThan(0.2);
  });

  it("leases outlast every SDK attempt of a call and its repair", () => {
    expect(reservationLeaseMs({ timeoutMs: 60_000, maxRetries: 2 })).toBe(420_000);
  });
});

describe("reservationDecision", () => {
  const answer = (spentUsd: number[], reservedUsd: number) => ({ granted: false, spentUsd, reservedUsd });
  it("names a spent budget as before", () => {
    const d = reservationDecision(limits, answer([31, 1], 0), 0.1);
    expect(d.ok === false && d.reason).toMatch(
      /monthly LLM budget of \$30\.00 is spent \(\$31\.00 this month\)/,
    );
  });
  it("says what is left, what is held, and what the call may cost", () => {
    const d = reservationDecision(limits, answer([10, 1.8], 0.15), 0.09);
    expect(d.ok === false && d.reason).toBe(
      "diagnosis skipped: the daily LLM budget of $2.00 has $0.05 left ($1.80 spent today, UTC; $0.15 held " +
        "by diagnoses in progress), less than this call may cost ($0.09); basic alert only",
    );
  });
  it("passes a granted answer", () => {
    expect(reservationDecision(limits, { granted: true, spentUsd: [], reservedUsd: 0 }, 1)).toEqual({
      ok: true,
    });
  });
});

describe("budget guard reservations", () => {
  it("holds the estimate per incident until released, against both UTC ceilings", async () => {
    const store = await memoryStore();
    expect(ceilingsAt(limits, NOW).map((c) => new Date(c.sinceMs).toISOString())).toEqual([
      "2026-11-01T00:00:00.000Z",
      "2026-11-26T00:00:00.000Z",
    ]);
    const guard = createBudgetGuard({
      store,
      limits: { dailyUsd: 1, monthlyUsd: null },
      now: () => NOW,
      estimate: () => 0.6,
    });
    const input = (id: string) => ({ incident: makeIncident({ id }), context: { items: [], partial: [] } });
    expect(await guard.reserve(input("1"))).toEqual({ ok: true });
    expect(await guard.reserve(input("1"))).toEqual({ ok: true }); // the same incident again: counted once
    const refused = await guard.reserve(input("2"));
    expect(refused.ok === false && refused.reason).toMatch(/\$0\.60 held by diagnoses in progress/);
    await guard.release("1");
    expect(await guard.reserve(input("2"))).toEqual({ ok: true });
  });

  it("the settling ledger bills a call and drops its incident's reservation at once", async () => {
    const store = await memoryStore();
    const signal = { target: "app", level: "ERROR" as const, message: "boom", timestampMs: NOW, fields: {} };
    const [outcome] = await store.ingest(
      [{ ...signal, fingerprint: "E:app", errorCode: "E", requestId: null, source: "file", count: 1 }],
      { windowMs: 300_000, maxAgeMs: 3_600_000, now: NOW },
    );
    const id = outcome?.kind === "new" ? outcome.incidentId : "";
    const guard = createBudgetGuard({
      store,
      limits: { dailyUsd: 1, monthlyUsd: null },
      now: () => NOW,
      estimate: () => 0.9,
    });
    const input = (key: string) => ({
      incident: makeIncident({ id: key }),
      context: { items: [], partial: [] },
    });
    expect(await guard.reserve(input(id))).toEqual({ ok: true });
    expect((await guard.reserve(input("other"))).ok).toBe(false);
    await settlingLedger(store).recordLlmCall(call(id, 0.05));
    expect(await guard.reserve(input("other"))).toEqual({ ok: true });
    await settlingLedger(store).recordLlmCall(call(null, 0.01));
    expect((await guard.status()).todayUsd).toBeCloseTo(0.06, 9);
  });
});
