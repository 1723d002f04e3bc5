/**
 * Reads what the indicators are computed from: the period's incidents, the feedback on them, the autofix PRs
 * opened in it and this month's LLM spend. The only I/O of the report; the figures come from pure functions.
 */
import { startOfUtcMonthMs, totalUsd } from "../diagnose/budget.js";
import type { Incident } from "../domain/types.js";
import type { AutofixPrStore, FeedbackStore, IncidentStore, LlmLedger } from "../store/store.js";
import { type DetectionIndicator, detectionIndicator } from "./detection.js";
import {
  type AccuracyIndicator,
  type AutofixIndicator,
  accuracyIndicator,
  autofixIndicator,
  type CostIndicator,
  costIndicator,
} from "./outcomes.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Incidents are read in pages of the store's largest listing. */
const PAGE = 500;

/** Every indicator of the original design for one period (also the `report --json` shape; times in epoch ms). */
export interface IndicatorReport {
  period: { sinceMs: number; untilMs: number; days: number };
  /** Incidents created in the period, backfills included. */
  incidents: number;
  detection: DetectionIndicator;
  accuracy: AccuracyIndicator;
  autofix: AutofixIndicator;
  /** Always the current UTC month, whatever the period: the bill is monthly. */
  cost: CostIndicator;
}

/**
 * The incidents created in [sinceMs, untilMs), newest first. Listing is by id, which grows with creation, so
 * paging stops at the first page reaching before the period.
 */
export async function incidentsCreatedBetween(
  store: IncidentStore,
  sinceMs: number,
  untilMs: number,
): Promise<Incident[]> {
  const found: Incident[] = [];
  let beforeId: string | undefined;
  for (;;) {
    const page = await store.listIncidents({ limit: PAGE, ...(beforeId ? { beforeId } : {}) });
    found.push(...page.filter((i) => i.createdAt >= sinceMs && i.createdAt < untilMs));
    const last = page.at(-1);
    if (!last || page.length < PAGE || last.createdAt < sinceMs) return found;
    beforeId = last.id;
  }
}

/** Read the store and compute every indicator for the `days` before `nowMs`. */
export async function collectReport(
  store: IncidentStore & LlmLedger & AutofixPrStore & FeedbackStore,
  args: { nowMs: number; days: number; budgetUsd: number | null },
): Promise<IndicatorReport> {
  const { nowMs, days, budgetUsd } = args;
  const sinceMs = nowMs - days * DAY_MS;
  const monthStartMs = startOfUtcMonthMs(nowMs);
  const [incidents, prs, spend] = await Promise.all([
    incidentsCreatedBetween(store, sinceMs, nowMs),
    store.listAutofixPrs(sinceMs),
    store.llmSpend(monthStartMs),
  ]);
  const feedback = await store.listDiagnosisFeedback({ incidentIds: incidents.map((i) => i.id) });
  return {
    period: { sinceMs, untilMs: nowMs, days },
    incidents: incidents.length,
    detection: detectionIndicator(incidents),
    accuracy: accuracyIndicator(incidents, feedback),
    autofix: autofixIndicator(prs.filter((p) => p.createdAt < nowMs)),
    cost: costIndicator({ spentUsd: totalUsd(spend), monthStartMs, nowMs, budgetUsd }),
  };
}
