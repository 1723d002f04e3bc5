import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runReport } from "../src/commands/report.js";
import { configSchema } from "../src/config/schema.js";
import type { Signal } from "../src/domain/types.js";
import { silentLogger } from "../src/log.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { AutofixPrRecord } from "../src/store/store.js";
import { makeDiagnosis } from "./helpers/incident.js";

const NOW = Date.parse("2026-11-26T10:30:00Z");
const S = 1000;
const MIN = 60 * S;
const DAY = 24 * 60 * MIN;

const signal = (code: string, timestampMs: number): Signal => ({
  fingerprint: `${code}:server::x`,
  errorCode: code,
  target: "server::x",
  level: "ERROR",
  message: `${code} happened`,
  timestampMs,
  requestId: null,
  fields: {},
  source: "file",
  count: 1,
});

const pr = (n: number, state: AutofixPrRecord["state"], createdAt: number): AutofixPrRecord => ({
  url: `https://github.com/acme/server/pull/${n}`,
  number: n,
  incidentId: String(n),
  fingerprint: "CONFIG_001:server::config",
  state,
  createdAt,
  mergedAt: state === "merged" ? createdAt + DAY : null,
  closedAt: state === "open" ? null : createdAt + DAY,
});

/** A SQLite file holding a month of realistic history; returns the config that points at it. */
async function seeded() {
  const sqlitePath = join(mkdtempSync(join(tmpdir(), "ai-monitor-report-")), "db.sqlite");
  const store = createSqliteStore({ path: sqlitePath });
  await store.init();
  const policy = (now: number) => ({ windowMs: 5 * MIN, maxAgeMs: 60 * MIN, now });
  /** An incident logged at `t`, stored `storedAfter` later, first delivered `alertAfter` after the log time. */
  const incident = async (code: string, t: number, storedAfter: number, alertAfter: number, by: string) => {
    const [outcome] = await store.ingest([signal(code, t)], policy(t + storedAfter));
    const id = outcome!.kind === "new" ? outcome!.incidentId : "";
    await store.saveDiagnosis(id, makeDiagnosis({ by }));
    await store.ensureDeliveries(id, ["console", "discord"], t + storedAfter);
    await store.updateDelivery(id, "discord", { state: "sent", remoteRef: "1" }, t + alertAfter);
    return id;
  };
  const a = await incident("A_1", NOW - 2 * DAY, 2 * S, 40 * S, "claude-sonnet-5-5");
  const b = await incident("B_2", NOW - DAY, 1 * S, 4 * MIN, "offline");
  await incident("OLD", NOW - 40 * DAY, 1 * S, 10 * MIN, "offline"); // before the period
  await store.ingest([signal("BACKFILL", NOW - 3 * DAY)], policy(NOW - DAY)); // found two days late
  await store.saveDiagnosisFeedback({
    incidentId: a,
    reviewer: "alice",
    verdict: "correct",
    note: null,
    at: NOW,
  });
  await store.saveDiagnosisFeedback({
    incidentId: b,
    reviewer: "alice",
    verdict: "wrong",
    note: "cache",
    at: NOW,
  });
  await store.saveDiagnosisFeedback({
    incidentId: b,
    reviewer: "bob",
    verdict: "partial",
    note: null,
    at: NOW,
  });
  await store.saveAutofixPrs(
    [
      pr(1, "merged", NOW - 5 * DAY),
      pr(2, "merged", NOW - 4 * DAY),
      pr(3, "closed", NOW - 3 * DAY),
      pr(4, "open", NOW - DAY),
      pr(5, "closed", NOW - 40 * DAY), // before the period
    ],
    NOW,
  );
  const call = (at: string, costUsd: number) =>
    store.recordLlmCall({
      incidentId: null,
      model: "claude-sonnet-5-5",
      at: Date.parse(at),
      inputTokens: 1200,
      outputTokens: 700,
      cacheWriteTokens: 0,
      cacheReadTokens: 3400,
      costUsd,
    });
  await call("2026-11-03T12:00:00Z", 12.5);
  await call("2026-11-26T09:00:00Z", 0.5);
  await call("2026-10-31T23:59:59Z", 99); // last month's bill
  await store.close();
  return configSchema.parse({ store: { sqlitePath } });
}

async function report(json: boolean, days = 30) {
  let text = "";
  const result = await runReport(
    await seeded(),
    { days, json },
    {
      log: silentLogger(),
      write: (t) => {
        text += t;
      },
      now: () => NOW,
    },
  );
  return { result, text };
}

describe("ai-monitor report", () => {
  it("prints each design indicator with its target and whether it is met", async () => {
    const { text } = await report(false);
    expect(text).toContain("last 30 days: 2026-10-27T10:30Z .. 2026-11-26T10:30Z, 3 incidents");
    expect(text).toMatch(/^detection time\s+target < 5m00s\s+met$/m);
    expect(text).toContain("judged on p95 log -> alert; 1 backfills left out");
    expect(text).toMatch(/log -> alert\s+p50 40\.0s\s+p95 4m00s\s+max 4m00s\s+\(2 incidents delivered\)/);
    expect(text).toMatch(/log -> incident\s+p50 1\.0s\s+p95 2\.0s\s+max 2\.0s\s+\(2 incidents\)/);
    expect(text).toMatch(/^diagnosis accuracy\s+target > 70%\s+not met$/m);
    expect(text).toContain(
      "50% correct over 2 reviewed incidents (100% of 2 diagnosed); verdicts: 1 correct, 1 partial, 1 wrong",
    );
    expect(text).toContain("claude-sonnet-5-5: 100% of 1");
    expect(text).toContain("offline: 0% of 1");
    expect(text).toMatch(/^auto-fix success\s+target > 50%\s+met$/m);
    expect(text).toContain("66.7% merged of decided (2 merged, 1 closed); merged / created 50% (4 created)");
    expect(text).toContain("open: #4 https://github.com/acme/server/pull/4 (incident 4, since 2026-11-25)");
    expect(text).toMatch(/^monthly cost\s+target < \$50\.00\s+met$/m);
    expect(text).toContain(
      "$13.00 spent since 2026-11-01 (LLM ledger), projected $15.33 by 2026-12-01; monthly budget $30.00",
    );
  });

  it("prints the same figures as JSON, and a shorter period sees less", async () => {
    const { text } = await report(true);
    const json = JSON.parse(text);
    expect(json.detection).toMatchObject({ status: "met", judgedOn: "alert", alert: { p95Ms: 4 * MIN } });
    expect(json.accuracy).toMatchObject({ status: "not met", accuracy: 0.5, reviewed: 2, reviewedShare: 1 });
    expect(json.autofix).toMatchObject({ status: "met", created: 4, merged: 2, closed: 1 });
    expect(json.cost).toMatchObject({ status: "met", spentUsd: 13, budgetUsd: 30 });

    const recent = (await report(true, 1)).result;
    expect(recent.incidents).toBe(2); // B and the backfill, stored a day ago
    expect(recent.detection).toMatchObject({ backfillsExcluded: 1, detection: { incidents: 1 } });
    expect(recent.accuracy).toMatchObject({ accuracy: 0, diagnosed: 1, status: "not met" });
    expect(recent.autofix).toMatchObject({ created: 1, successRate: null, status: "not enough data" });
  });
});
