import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { silentLogger } from "../log.js";
import { createSqliteStore } from "../store/sqlite/sqlite-store.js";
import { runCost } from "./cost.js";

const NOW = Date.parse("2026-11-26T10:30:00Z");

async function seededConfig() {
  const sqlitePath = join(mkdtempSync(join(tmpdir(), "ai-monitor-cost-")), "db.sqlite");
  const store = createSqliteStore({ path: sqlitePath });
  await store.init();
  const call = (model: string, at: string, costUsd: number) =>
    store.recordLlmCall({
      incidentId: null,
      model,
      at: Date.parse(at),
      inputTokens: 1200,
      outputTokens: 700,
      cacheWriteTokens: 0,
      cacheReadTokens: 3400,
      costUsd,
    });
  await call("claude-sonnet-5-5", "2026-11-26T09:00:00Z", 0.0125);
  await call("claude-haiku-5-5", "2026-11-26T09:30:00Z", 0.0009);
  await call("claude-sonnet-5-5", "2026-11-03T12:00:00Z", 1.5);
  await call("claude-sonnet-5-5", "2026-10-31T23:59:59Z", 99); // last month: not counted
  await store.close();
  return configSchema.parse({ store: { sqlitePath } });
}

describe("ai-monitor cost", () => {
  it("prints today, this month, per model, and the budgets left", async () => {
    let text = "";
    const report = await runCost(
      await seededConfig(),
      { json: false },
      {
        log: silentLogger(),
        write: (t) => {
          text += t;
        },
        now: () => NOW,
      },
    );
    expect(report.today.map((r) => r.model)).toEqual(["claude-haiku-5-5", "claude-sonnet-5-5"]);
    expect(report.month.find((r) => r.model === "claude-sonnet-5-5")).toMatchObject({ calls: 2 });
    expect(text).toContain("today (UTC, since 2026-11-26T00:00:00.000Z): $0.01");
    expect(text).toContain("this month (since 2026-11-01T00:00:00.000Z): $1.51");
    expect(text).toMatch(/claude-sonnet-5-5\s+2\s+2400\s+6800\s+0\s+1400\s+\$1\.51/);
    expect(text).toContain("daily budget:   $1.99 left of $2.00");
    expect(text).toContain("monthly budget: $28.49 left of $30.00");
  });

  it("prints JSON with --json", async () => {
    let text = "";
    await runCost(
      await seededConfig(),
      { json: true },
      {
        log: silentLogger(),
        write: (t) => {
          text += t;
        },
        now: () => NOW,
      },
    );
    expect(JSON.parse(text).budget).toMatchObject({ dailyUsd: 2, monthlyUsd: 30, monthUsd: 1.5134 });
  });
});
