import { describe, expect, it } from "vitest";
import {
  accuracyIndicator,
  autofixIndicator,
  costIndicator,
  startOfNextUtcMonthMs,
} from "../src/report/outcomes.js";
import type { AutofixPrRecord, DiagnosisFeedback, FeedbackVerdict } from "../src/store/store.js";
import { makeDiagnosis, makeIncident } from "./helpers/incident.js";

const T0 = Date.parse("2026-11-26T10:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

const diagnosed = (id: string, by = "claude-sonnet-5-5") =>
  makeIncident({ id, diagnosis: makeDiagnosis({ by }) });
const said = (incidentId: string, verdict: FeedbackVerdict, reviewer = "alice"): DiagnosisFeedback => ({
  incidentId,
  reviewer,
  verdict,
  note: null,
  at: T0,
});

describe("accuracyIndicator", () => {
  it("says no feedback yet rather than 0%", () => {
    const r = accuracyIndicator([diagnosed("1"), diagnosed("2")], []);
    expect(r).toMatchObject({
      status: "not enough data",
      accuracy: null,
      diagnosed: 2,
      reviewed: 0,
      reviewedShare: 0,
    });
  });

  it.each([
    { name: "all correct", verdicts: ["correct", "correct"], accuracy: 1, status: "met" },
    {
      name: "exactly 70% is not above the target",
      verdicts: [
        "correct",
        "correct",
        "correct",
        "correct",
        "correct",
        "correct",
        "correct",
        "wrong",
        "wrong",
        "wrong",
      ],
      accuracy: 0.7,
      status: "not met",
    },
    {
      name: "partial counts as not correct",
      verdicts: ["correct", "partial"],
      accuracy: 0.5,
      status: "not met",
    },
    {
      name: "one wrong of five",
      verdicts: ["correct", "correct", "wrong", "correct", "correct"],
      accuracy: 0.8,
      status: "met",
    },
  ] as const)("$name", ({ verdicts, accuracy, status }) => {
    const incidents = verdicts.map((_, i) => diagnosed(String(i + 1)));
    const r = accuracyIndicator(
      incidents,
      verdicts.map((v, i) => said(String(i + 1), v)),
    );
    expect(r.accuracy).toBeCloseTo(accuracy, 10);
    expect(r.status).toBe(status);
  });

  it("counts an incident once however many reviewers, and reports the share reviewed and per diagnoser", () => {
    const incidents = [
      diagnosed("1"),
      diagnosed("2"),
      diagnosed("3", "offline"),
      diagnosed("4"),
      makeIncident({ id: "5" }),
    ];
    const r = accuracyIndicator(incidents, [
      said("1", "correct"),
      said("1", "wrong", "bob"), // incident 1 scores 0.5
      said("2", "correct"),
      said("3", "wrong"),
      said("5", "correct"), // not diagnosed: not a diagnosis to judge
      said("99", "correct"), // outside the period
    ]);
    expect(r).toMatchObject({
      diagnosed: 4,
      reviewed: 3,
      reviewedShare: 0.75,
      verdicts: { correct: 2, partial: 0, wrong: 2 },
      byDiagnoser: [
        { by: "claude-sonnet-5-5", reviewed: 2, accuracy: 0.75 },
        { by: "offline", reviewed: 1, accuracy: 0 },
      ],
    });
    expect(r.accuracy).toBeCloseTo(0.5, 10);
  });
});

const pr = (n: number, state: AutofixPrRecord["state"]): AutofixPrRecord => ({
  url: `https://github.com/acme/server/pull/${n}`,
  number: n,
  incidentId: String(n * 10),
  fingerprint: "CONFIG_001:server::config",
  state,
  createdAt: T0 + n,
  mergedAt: state === "merged" ? T0 + DAY : null,
  closedAt: state === "open" ? null : T0 + DAY,
});

describe("autofixIndicator", () => {
  it.each([
    { states: [], status: "not enough data", successRate: null, mergedOfCreated: null },
    { states: ["open", "open"], status: "not enough data", successRate: null, mergedOfCreated: 0 },
    {
      states: ["merged", "merged", "closed", "open"],
      status: "met",
      successRate: 2 / 3,
      mergedOfCreated: 0.5,
    },
    { states: ["merged", "closed"], status: "not met", successRate: 0.5, mergedOfCreated: 0.5 },
    { states: ["closed"], status: "not met", successRate: 0, mergedOfCreated: 0 },
  ] as const)("$states -> $status", ({ states, status, successRate, mergedOfCreated }) => {
    const r = autofixIndicator(states.map((s, i) => pr(i + 1, s)));
    expect(r).toMatchObject({ status, successRate, mergedOfCreated, created: states.length });
  });

  it("lists the open PRs separately", () => {
    const r = autofixIndicator([pr(1, "merged"), pr(2, "open")]);
    expect(r.open).toEqual([{ number: 2, url: pr(2, "open").url, incidentId: "20", createdAtMs: T0 + 2 }]);
  });
});

describe("costIndicator", () => {
  const nov = Date.parse("2026-11-01T00:00:00Z");
  it.each([
    {
      name: "projects linearly to month end",
      spentUsd: 10,
      nowMs: nov + 10 * DAY,
      projectedUsd: 30,
      status: "met",
    },
    {
      name: "a projection over $50 is not met",
      spentUsd: 20,
      nowMs: nov + 10 * DAY,
      projectedUsd: 60,
      status: "not met",
    },
    {
      name: "too early to project",
      spentUsd: 1,
      nowMs: nov + DAY / 2,
      projectedUsd: null,
      status: "not enough data",
    },
    {
      name: "already over is not met, however early",
      spentUsd: 55,
      nowMs: nov + DAY / 2,
      projectedUsd: null,
      status: "not met",
    },
    { name: "offline costs nothing", spentUsd: 0, nowMs: nov + 3 * DAY, projectedUsd: 0, status: "met" },
  ] as const)("$name", ({ spentUsd, nowMs, projectedUsd, status }) => {
    const r = costIndicator({ spentUsd, monthStartMs: nov, nowMs, budgetUsd: 30 });
    expect(r).toMatchObject({ projectedUsd, status, targetUsd: 50, budgetUsd: 30 });
    expect(r.monthEndMs).toBe(Date.parse("2026-12-01T00:00:00Z"));
  });

  it("finds the next month across a year end", () => {
    expect(startOfNextUtcMonthMs(Date.parse("2026-12-31T23:59:59Z"))).toBe(
      Date.parse("2027-01-01T00:00:00Z"),
    );
  });
});
