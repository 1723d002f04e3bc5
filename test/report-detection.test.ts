import { describe, expect, it } from "vitest";
import type { Delivery, Incident } from "../src/domain/types.js";
import { detectionIndicator, firstAlertAt, latencyFigures } from "../src/report/detection.js";
import { percentile } from "../src/report/targets.js";
import { makeIncident } from "./helpers/incident.js";

const T0 = Date.parse("2026-11-26T10:00:00Z");
const S = 1000;
const MIN = 60 * S;

const sent = (sink: string, at: number): Delivery => ({
  sink,
  state: "sent",
  attempts: 1,
  remoteRef: null,
  lastError: null,
  updatedAt: at,
});

/** An incident first seen at T0, stored `storedAfter` later, delivered `deliveries`. */
const incident = (storedAfter: number, deliveries: Delivery[] = [], patch: Partial<Incident> = {}) =>
  makeIncident({ firstSeen: T0, createdAt: T0 + storedAfter, deliveries, ...patch });

describe("percentile (nearest rank)", () => {
  it.each([
    { values: [], p: 50, expected: null },
    { values: [7], p: 95, expected: 7 },
    { values: [4, 1, 3, 2], p: 50, expected: 2 },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 95, expected: 10 },
    { values: Array.from({ length: 100 }, (_, i) => i + 1), p: 95, expected: 95 },
    { values: [5, 1], p: 0, expected: 1 },
  ])("p$p of $values is $expected", ({ values, p, expected }) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe("firstAlertAt", () => {
  it.each([
    { name: "no deliveries", deliveries: [], expected: null },
    {
      name: "the earliest sent",
      deliveries: [sent("discord", T0 + 9 * S), sent("console", T0 + 2 * S)],
      expected: T0 + 2 * S,
    },
    {
      name: "not pending or failed ones",
      deliveries: [{ ...sent("discord", T0 + S), state: "failed" as const }, sent("github", T0 + 30 * S)],
      expected: T0 + 30 * S,
    },
    { name: "not a resolution notice", deliveries: [sent("discord:resolved", T0 + S)], expected: null },
  ])("$name", ({ deliveries, expected }) => {
    expect(firstAlertAt(incident(S, deliveries))).toBe(expected);
  });
});

describe("detectionIndicator", () => {
  it("judges the p95 of log -> alert against 5 minutes, leaving backfills out", () => {
    const r = detectionIndicator([
      incident(1 * S, [sent("console", T0 + 2 * S)]),
      incident(2 * S, [sent("discord", T0 + 40 * S)]),
      incident(3 * S, [sent("discord", T0 + 4 * MIN)]),
      incident(2 * S), // stored, nothing delivered yet
      incident(3 * 60 * MIN, [], { suppressed: "backfill" }),
    ]);
    expect(r).toMatchObject({
      status: "met",
      judgedOn: "alert",
      targetMs: 5 * MIN,
      backfillsExcluded: 1,
      detection: { incidents: 4, p50Ms: 2 * S, p95Ms: 3 * S, maxMs: 3 * S },
      alert: { incidents: 3, p50Ms: 40 * S, p95Ms: 4 * MIN, maxMs: 4 * MIN },
    });
  });

  it("is not met when the slowest alerts pass 5 minutes", () => {
    const r = detectionIndicator([
      incident(S, [sent("console", T0 + 2 * S)]),
      incident(S, [sent("discord", T0 + 6 * MIN)]),
    ]);
    expect(r).toMatchObject({ status: "not met", alert: { p95Ms: 6 * MIN } });
  });

  it("falls back to log -> incident when nothing was delivered", () => {
    expect(detectionIndicator([incident(10 * S), incident(20 * S)])).toMatchObject({
      status: "met",
      judgedOn: "detection",
      alert: { incidents: 0, p50Ms: null },
    });
  });

  it("says not enough data without incidents, and treats clock skew as zero", () => {
    expect(detectionIndicator([]).status).toBe("not enough data");
    expect(detectionIndicator([incident(-5 * S)]).detection.maxMs).toBe(0);
    expect(latencyFigures([])).toEqual({ incidents: 0, p50Ms: null, p95Ms: null, maxMs: null });
  });

  it("handles a busy period's worth of incidents (more than a call can take as arguments)", () => {
    const delays = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_000);
    expect(latencyFigures(delays)).toMatchObject({ incidents: 300_000, maxMs: 299_999 });
  });
});
