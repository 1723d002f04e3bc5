import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { PullSummary } from "./pr.js";
import { autofixFingerprintMarker, autofixIncidentMarker } from "./pr-body.js";
import { type AutofixPrFacts, autofixPrFacts, autofixSuccessRate, createPrTracker } from "./pr-tracking.js";

const pull = (number: number, state: PullSummary["state"], marked = true): PullSummary => ({
  number,
  url: `https://github.com/acme/server/pull/${number}`,
  state,
  body: marked
    ? `fix\n${autofixFingerprintMarker("AI_003:x")}\n${autofixIncidentMarker(String(number))}`
    : "a human PR",
  head: `fix/AI_003-${number}`,
  createdAt: number,
  closedAt: state === "open" ? null : number + 1,
  mergedAt: state === "merged" ? number + 1 : null,
});

describe("autofix PR tracking", () => {
  it("keeps only autofix PRs and computes merged / created", () => {
    const facts = autofixPrFacts([
      pull(1, "merged"),
      pull(2, "closed"),
      pull(3, "open"),
      pull(4, "merged", false),
    ]);
    expect(facts.map((f) => [f.number, f.incidentId, f.state])).toEqual([
      [1, "1", "merged"],
      [2, "2", "closed"],
      [3, "3", "open"],
    ]);
    expect(autofixSuccessRate(facts)).toEqual({ created: 3, open: 1, merged: 1, closed: 1, rate: 1 / 3 });
  });

  it("has no rate before the first PR", () => {
    expect(autofixSuccessRate([]).rate).toBeNull();
  });

  it("polls once at start, so PRs merged while the service was down are stored without waiting an interval", async () => {
    const stored: AutofixPrFacts[][] = [];
    let listed = 0;
    const tracker = createPrTracker({
      github: {
        findOpenPull: async () => null,
        createDraftPull: async () => {
          throw new Error("not used");
        },
        listPulls: async () => {
          listed++;
          return [pull(7, "merged")];
        },
      },
      log: pino({ level: "silent" }),
      now: () => 1_000,
      intervalMs: 3_600_000,
      onFacts: (facts) => void stored.push(facts),
    });
    tracker.start();
    await new Promise((resolve) => setImmediate(resolve));
    tracker.stop();
    expect(listed).toBe(1);
    expect(stored.map((facts) => facts.map((f) => [f.number, f.state]))).toEqual([[[7, "merged"]]]);
  });
});
