/** Row mapping of the report facts (autofix PRs, diagnosis feedback), shared by both backends as rows.ts is. */
import { z } from "zod";
import { parseId } from "./rows.js";
import type { AutofixPrRecord, DiagnosisFeedback, FeedbackQuery } from "./store.js";

/** A row of `autofix_prs`. */
const prRowSchema = z.object({
  url: z.string(),
  number: z.number().int(),
  incident_id: z.string(),
  fingerprint: z.string(),
  state: z.enum(["open", "merged", "closed"]),
  created_at: z.number(),
  merged_at: z.number().nullable(),
  closed_at: z.number().nullable(),
});

/** A row of `diagnosis_feedback`. */
const feedbackRowSchema = z.object({
  incident_id: z.number().int(),
  reviewer: z.string(),
  verdict: z.enum(["correct", "partial", "wrong"]),
  note: z.string().nullable(),
  at: z.number(),
});

/** Map an `autofix_prs` row to the domain type. */
export function toAutofixPr(row: unknown): AutofixPrRecord {
  const r = prRowSchema.parse(row);
  return {
    url: r.url,
    number: r.number,
    incidentId: r.incident_id,
    fingerprint: r.fingerprint,
    state: r.state,
    createdAt: r.created_at,
    mergedAt: r.merged_at,
    closedAt: r.closed_at,
  };
}

/** Map a `diagnosis_feedback` row to the domain type. */
export function toFeedback(row: unknown): DiagnosisFeedback {
  const r = feedbackRowSchema.parse(row);
  return {
    incidentId: String(r.incident_id),
    reviewer: r.reviewer,
    verdict: r.verdict,
    note: r.note,
    at: r.at,
  };
}

/** Pure: the ids of a query that can name a row (null: no id filter; [] when none can). */
export function feedbackIds(query: FeedbackQuery): number[] | null {
  if (query.incidentIds === undefined) return null;
  return query.incidentIds.map(parseId).filter((id): id is number => id !== null);
}

/** Pure: one record per URL, the last given winning (a batch must not upsert the same row twice). */
export function lastPerUrl(prs: readonly AutofixPrRecord[]): AutofixPrRecord[] {
  return [...new Map(prs.map((pr) => [pr.url, pr])).values()];
}
