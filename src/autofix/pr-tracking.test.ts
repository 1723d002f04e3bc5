import { describe, expect, it } from "vitest";
import type { PullSummary } from "./pr.js";
import { autofixFingerprintMarker, autofixIncidentMarker } from "./pr-body.js";
import { autofixPrFacts, autofixSuccessRate } from "./pr-tracking.js";

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
});
