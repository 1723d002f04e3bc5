import { describe, expect, it } from "vitest";
import type { IndicatorReport } from "./collect.js";
import { detectionIndicator } from "./detection.js";
import { formatDuration, formatReport } from "./format.js";
import { accuracyIndicator, autofixIndicator, costIndicator } from "./outcomes.js";

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [850, "850ms"],
    [12_449, "12.4s"],
    [59_999, "59.9s"],
    [190_000, "3m10s"],
    [300_000, "5m00s"],
    [7_500_000, "2h05m"],
  ])("%i ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatReport", () => {
  const nov = Date.parse("2026-11-01T00:00:00Z");
  const empty: IndicatorReport = {
    period: { sinceMs: nov, untilMs: nov + 30 * 86_400_000, days: 30 },
    incidents: 0,
    detection: detectionIndicator([]),
    accuracy: accuracyIndicator([], []),
    autofix: autofixIndicator([]),
    cost: costIndicator({ spentUsd: 0, monthStartMs: nov, nowMs: nov + 3_600_000, budgetUsd: null }),
  };

  it("prints every indicator with its target, and says when there is not enough data", () => {
    const text = formatReport(empty);
    expect(text).toMatch(/detection time\s+target < 5m00s\s+not enough data/);
    expect(text).toMatch(/diagnosis accuracy\s+target > 70%\s+not enough data/);
    expect(text).toContain("no feedback yet (0 of 0 diagnosed incidents reviewed)");
    expect(text).toMatch(/auto-fix success\s+target > 50%\s+not enough data/);
    expect(text).toContain("no autofix PR created in the period");
    expect(text).toMatch(/monthly cost\s+target < \$50\.00\s+not enough data/);
    expect(text).toContain("too early in the month to project; no monthly budget set");
    expect(text).not.toMatch(/(^|[^\d.])0(\.0)?%/m);
    expect(text.split("\n")[0]).toMatch(/^success indicators against their targets, last 30 days: /);
    expect(text).not.toMatch(/seed/i); // the design document's internal name means nothing to a reader
  });

  it("keeps terminal control sequences of PR markers out of the output", () => {
    const autofix = autofixIndicator([
      {
        url: "https://github.com/acme/server/pull/3",
        number: 3,
        incidentId: "7\u001b[2J",
        fingerprint: "X:y",
        state: "open",
        createdAt: nov,
        mergedAt: null,
        closedAt: null,
      },
    ]);
    const text = formatReport({ ...empty, autofix });
    expect(text).toContain("open: #3 https://github.com/acme/server/pull/3 (incident 7");
    expect(text).not.toContain("\u001b");
  });
});
