/**
 * The incidents dashboard's SQL panels run against a real ai-monitor PostgreSQL schema (what Grafana's
 * PostgreSQL datasource does in the `ha` profile), with Grafana's time macros replaced by the values Grafana
 * would put in. The LLM spend panel must sum the call ledger (every billed call once), not incidents.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresStore } from "../src/store/postgres/postgres-store.js";
import type { LlmCall, Store } from "../src/store/store.js";
import { createTestSchema, PG_URL, skipWithoutPostgres, type TestSchema } from "./helpers/postgres.js";
import { type Dashboard, panelQueries, readJson } from "./helpers/stack-tools.js";

const skip = await skipWithoutPostgres("dashboards-postgres.test.ts");
const dashboard = readJson<Dashboard>("grafana/dashboards/ai-monitor-incidents.json");
const FROM_MS = Date.parse("2026-12-01T00:00:00Z");
const TO_MS = Date.parse("2026-12-02T00:00:00Z");

/** Pure: Grafana's PostgreSQL time macros as Grafana expands them for the range [from, to). */
function expandMacros(sql: string, fromMs: number, toMs: number): string {
  return sql
    .replaceAll("$__unixEpochFrom()", String(Math.floor(fromMs / 1000)))
    .replaceAll("$__unixEpochTo()", String(Math.floor(toMs / 1000)));
}

const call = (at: number, costUsd: number): LlmCall => ({
  incidentId: null,
  model: "claude-sonnet-5-5",
  at,
  inputTokens: 1000,
  outputTokens: 200,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  costUsd,
});

/** Run one panel's SQL as Grafana would, on a connection whose search_path is the test schema. */
async function panelQuery(sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: schema!.url });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

let schema: TestSchema | null = null;
let store: Store | null = null;
afterAll(async () => {
  await store?.close();
  await schema?.drop();
});

describe("incidents dashboard on a real PostgreSQL schema", () => {
  it.skipIf(skip)(
    "LLM spend in range sums the call ledger inside the range, whatever the incidents say",
    async () => {
      schema = await createTestSchema("aim_dash");
      store = createPostgresStore({ url: PG_URL, schema: schema.name, poolMax: 2 });
      await store.init();
      await store.recordLlmCall(call(FROM_MS - 60_000, 5)); // before the range: not counted
      await store.recordLlmCall(call(FROM_MS + 60_000, 0.25)); // a call whose incident is not in the range
      await store.recordLlmCall(call(TO_MS - 60_000, 0.5)); // a repair call, billed too
      await store.recordLlmCall(call(TO_MS + 60_000, 7)); // after the range: not counted
      const spend = panelQueries(dashboard).find((q) => q.panel === "LLM spend in range");
      expect(spend?.rawSql).toContain("llm_calls");
      const sql = expandMacros(spend!.rawSql!, FROM_MS, TO_MS);
      const rows = await panelQuery(sql);
      expect(Number(rows[0]?.spent)).toBeCloseTo(0.75, 10);
    },
  );

  it.skipIf(skip)("every SQL panel runs on the schema ai-monitor creates", async () => {
    expect(schema, "the first test creates the schema").not.toBeNull();
    for (const q of panelQueries(dashboard).filter((p) => p.rawSql)) {
      const sql = expandMacros(q.rawSql!, FROM_MS, TO_MS);
      await expect(panelQuery(sql), q.panel).resolves.toBeDefined();
    }
  });
});
