/**
 * The original design's outcome indicators: diagnosis accuracy (> 70%, from human review feedback), Auto-Fix success
 * (> 50%, merged PRs / created PRs) and monthly cost (< $50). Pure, over what the store returns.
 */
import type { Incident } from "../domain/types.js";
import type { AutofixPrRecord, DiagnosisFeedback, FeedbackVerdict } from "../store/store.js";
import { GITHUB_REVIEWER_PREFIX } from "./feedback-input.js";
import { above, below, DESIGN_TARGETS, type IndicatorStatus } from "./targets.js";

/** Accuracy of one diagnoser (`offline`, a model name). */
export interface DiagnoserAccuracy {
  by: string;
  reviewed: number;
  accuracy: number;
}

/** Diagnosis accuracy: the mean over reviewed incidents of the share of their reviewers who said `correct`. */
export interface AccuracyIndicator {
  status: IndicatorStatus;
  target: number;
  /** null when no incident was reviewed: "no feedback yet", never 0%. */
  accuracy: number | null;
  diagnosed: number;
  reviewed: number;
  /** reviewed / diagnosed, null without diagnosed incidents. */
  reviewedShare: number | null;
  verdicts: Record<FeedbackVerdict, number>;
  /** Where the counted verdicts came from: the page, the API and the CLI, or 👍/👎 reactions on GitHub issues. */
  verdictSources: { people: number; githubReactions: number };
  byDiagnoser: DiagnoserAccuracy[];
}

/**
 * Pure: accuracy over the diagnosed incidents of the period. With several reviewers an incident counts once,
 * as the share who said `correct`; `partial` counts as not correct (the diagnosis needed fixing).
 */
export function accuracyIndicator(
  incidents: readonly Incident[],
  feedback: readonly DiagnosisFeedback[],
): AccuracyIndicator {
  const diagnosed = new Map(incidents.filter((i) => i.diagnosis).map((i) => [i.id, i.diagnosis!.by]));
  const verdicts: Record<FeedbackVerdict, number> = { correct: 0, partial: 0, wrong: 0 };
  const verdictSources = { people: 0, githubReactions: 0 };
  const perIncident = new Map<string, { correct: number; total: number }>();
  for (const f of feedback) {
    if (!diagnosed.has(f.incidentId)) continue;
    verdicts[f.verdict]++;
    verdictSources[f.reviewer.startsWith(GITHUB_REVIEWER_PREFIX) ? "githubReactions" : "people"]++;
    const tally = perIncident.get(f.incidentId) ?? { correct: 0, total: 0 };
    tally.total++;
    if (f.verdict === "correct") tally.correct++;
    perIncident.set(f.incidentId, tally);
  }
  const scores = new Map<string, number[]>();
  for (const [id, tally] of perIncident) {
    const by = diagnosed.get(id)!;
    scores.set(by, [...(scores.get(by) ?? []), tally.correct / tally.total]);
  }
  const all = [...scores.values()].flat();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const accuracy = all.length === 0 ? null : mean(all);
  return {
    status: above(accuracy, DESIGN_TARGETS.accuracy),
    target: DESIGN_TARGETS.accuracy,
    accuracy,
    diagnosed: diagnosed.size,
    reviewed: all.length,
    reviewedShare: diagnosed.size === 0 ? null : all.length / diagnosed.size,
    verdicts,
    verdictSources,
    byDiagnoser: [...scores]
      .map(([by, xs]) => ({ by, reviewed: xs.length, accuracy: mean(xs) }))
      .sort((a, b) => (a.by < b.by ? -1 : a.by > b.by ? 1 : 0)),
  };
}

/** An autofix PR still waiting for a human decision. */
export interface OpenAutofixPr {
  number: number;
  url: string;
  incidentId: string;
  createdAtMs: number;
}

/** Auto-Fix success: judged on merged / decided (merged + closed); open PRs are not decided yet. */
export interface AutofixIndicator {
  status: IndicatorStatus;
  target: number;
  created: number;
  merged: number;
  closed: number;
  /** merged / (merged + closed), null before the first decision. */
  successRate: number | null;
  /** The original design's literal formula, merged / created (open PRs count against it), null before the first PR. */
  mergedOfCreated: number | null;
  open: OpenAutofixPr[];
}

/** Pure: the Auto-Fix indicator over the PRs created in the period. */
export function autofixIndicator(prs: readonly AutofixPrRecord[]): AutofixIndicator {
  const merged = prs.filter((p) => p.state === "merged").length;
  const closed = prs.filter((p) => p.state === "closed").length;
  const decided = merged + closed;
  const successRate = decided === 0 ? null : merged / decided;
  return {
    status: above(successRate, DESIGN_TARGETS.autofixSuccess),
    target: DESIGN_TARGETS.autofixSuccess,
    created: prs.length,
    merged,
    closed,
    successRate,
    mergedOfCreated: prs.length === 0 ? null : merged / prs.length,
    open: prs
      .filter((p) => p.state === "open")
      .map(({ number, url, incidentId, createdAt }) => ({ number, url, incidentId, createdAtMs: createdAt })),
  };
}

/** What the month's LLM spend says about the bill. */
export interface CostIndicator {
  status: IndicatorStatus;
  targetUsd: number;
  /** UTC month the figures cover: [monthStartMs, monthEndMs). */
  monthStartMs: number;
  monthEndMs: number;
  spentUsd: number;
  /** Spend so far scaled linearly to the whole month; null in the month's first day (too little to scale). */
  projectedUsd: number | null;
  /** The configured monthly ceiling (diagnosis.monthlyBudgetUsd), null without one. */
  budgetUsd: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Pure: the first instant of the UTC month after the one of `nowMs`. */
export function startOfNextUtcMonthMs(nowMs: number): number {
  const d = new Date(nowMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Pure: the cost indicator. Already over the target is "not met" whatever the date. */
export function costIndicator(args: {
  spentUsd: number;
  monthStartMs: number;
  nowMs: number;
  budgetUsd: number | null;
}): CostIndicator {
  const { spentUsd, monthStartMs, nowMs, budgetUsd } = args;
  const monthEndMs = startOfNextUtcMonthMs(monthStartMs);
  const elapsed = nowMs - monthStartMs;
  const projectedUsd =
    elapsed < DAY_MS ? null : Math.round(((spentUsd * (monthEndMs - monthStartMs)) / elapsed) * 1e6) / 1e6;
  const target = DESIGN_TARGETS.monthlyUsd;
  return {
    status: spentUsd >= target ? "not met" : below(projectedUsd, target),
    targetUsd: target,
    monthStartMs,
    monthEndMs,
    spentUsd,
    projectedUsd,
    budgetUsd,
  };
}
