/**
 * The facts behind the original design's success indicators on SQLite: autofix PRs as last polled from GitHub, and
 * human verdicts on diagnoses. Kept apart from sqlite-store.ts, which only exposes these operations.
 */
import type Database from "better-sqlite3";
import { feedbackIds, lastPerUrl, toAutofixPr, toFeedback } from "../report-rows.js";
import { parseId } from "../rows.js";
import type { AutofixPrRecord, DiagnosisFeedback, FeedbackQuery } from "../store.js";

/** The synchronous operations over one open database (better-sqlite3 is synchronous). */
export function bindReportOperations(db: Database.Database) {
  const s = {
    upsertPr: db.prepare(`INSERT INTO autofix_prs (url, number, incident_id, fingerprint, state, created_at,
        merged_at, closed_at, seen_at) VALUES (@url, @number, @incidentId, @fingerprint, @state, @createdAt,
        @mergedAt, @closedAt, @now)
      ON CONFLICT (url) DO UPDATE SET number = excluded.number, incident_id = excluded.incident_id,
        fingerprint = excluded.fingerprint, state = excluded.state, created_at = excluded.created_at,
        merged_at = excluded.merged_at, closed_at = excluded.closed_at, seen_at = excluded.seen_at`),
    listPrs: db.prepare<[number], unknown>(`SELECT url, number, incident_id, fingerprint, state, created_at,
        merged_at, closed_at FROM autofix_prs WHERE created_at >= ? ORDER BY created_at, url`),
    incidentExists: db.prepare<[number], { found: number }>("SELECT 1 AS found FROM incidents WHERE id = ?"),
    // "A later one replaces it": a verdict older than the stored one (a delayed retry) changes nothing.
    upsertFeedback: db.prepare(`INSERT INTO diagnosis_feedback (incident_id, reviewer, verdict, note, at)
        VALUES (@id, @reviewer, @verdict, @note, @at)
      ON CONFLICT (incident_id, reviewer) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
        at = excluded.at WHERE excluded.at >= diagnosis_feedback.at`),
    listFeedback: db.prepare(`SELECT incident_id, reviewer, verdict, note, at FROM diagnosis_feedback
      WHERE at >= @since AND at < @until
        AND (@ids IS NULL OR incident_id IN (SELECT value FROM json_each(@ids)))
      ORDER BY at, incident_id, reviewer`),
  };

  return {
    saveAutofixPrs: db.transaction((prs: readonly AutofixPrRecord[], now: number) => {
      for (const pr of lastPerUrl(prs)) s.upsertPr.run({ ...pr, now });
    }).immediate,
    listAutofixPrs: (sinceMs: number) => s.listPrs.all(sinceMs).map(toAutofixPr),
    saveDiagnosisFeedback: db.transaction((f: DiagnosisFeedback) => {
      const id = parseId(f.incidentId);
      if (id === null || !s.incidentExists.get(id)) throw new Error(`incident not found: ${f.incidentId}`);
      s.upsertFeedback.run({ id, reviewer: f.reviewer, verdict: f.verdict, note: f.note, at: f.at });
    }).immediate,
    listDiagnosisFeedback: (query: FeedbackQuery) => {
      const ids = feedbackIds(query);
      return s.listFeedback
        .all({
          since: query.sinceMs ?? Number.MIN_SAFE_INTEGER,
          until: query.untilMs ?? Number.MAX_SAFE_INTEGER,
          ids: ids === null ? null : JSON.stringify(ids),
        })
        .map(toFeedback);
    },
  };
}
