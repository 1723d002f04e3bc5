/**
 * The facts behind the original design's success indicators on PostgreSQL: autofix PRs as last polled from GitHub, and
 * human verdicts on diagnoses. Each write is one statement whose repeat stores the same thing, so the pool
 * may retry it on a fresh connection; row shapes are SQLite's (store/report-rows.ts maps both).
 */
import { feedbackIds, lastPerUrl, toAutofixPr, toFeedback } from "../report-rows.js";
import { parseId } from "../rows.js";
import type { Store } from "../store.js";
import type { Sql } from "./pool.js";

const SQL = {
  upsertPrs: `INSERT INTO autofix_prs (url, number, incident_id, fingerprint, state, created_at, merged_at,
      closed_at, seen_at)
    SELECT p.*, $9::bigint FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[],
      $6::bigint[], $7::bigint[], $8::bigint[]) AS p
    ON CONFLICT (url) DO UPDATE SET number = EXCLUDED.number, incident_id = EXCLUDED.incident_id,
      fingerprint = EXCLUDED.fingerprint, state = EXCLUDED.state, created_at = EXCLUDED.created_at,
      merged_at = EXCLUDED.merged_at, closed_at = EXCLUDED.closed_at, seen_at = EXCLUDED.seen_at`,
  listPrs: `SELECT url, number, incident_id, fingerprint, state, created_at, merged_at, closed_at
    FROM autofix_prs WHERE created_at >= $1 ORDER BY created_at, url COLLATE "C"`,
  /** Upsert when the incident exists; `found` tells a missing incident from a verdict older than the stored one. */
  upsertFeedback: `WITH target AS (SELECT id FROM incidents WHERE id = $1),
    saved AS (
      INSERT INTO diagnosis_feedback (incident_id, reviewer, verdict, note, at)
      SELECT id, $2, $3, $4, $5 FROM target
      ON CONFLICT (incident_id, reviewer) DO UPDATE SET verdict = EXCLUDED.verdict, note = EXCLUDED.note,
        at = EXCLUDED.at WHERE EXCLUDED.at >= diagnosis_feedback.at
      RETURNING 1)
    SELECT count(*)::int AS found FROM target`,
  listFeedback: `SELECT incident_id, reviewer, verdict, note, at FROM diagnosis_feedback
    WHERE at >= $1 AND at < $2 AND ($3::bigint[] IS NULL OR incident_id = ANY ($3::bigint[]))
    ORDER BY at, incident_id, reviewer COLLATE "C"`,
};

type ReportMethods = Pick<
  Store,
  "saveAutofixPrs" | "listAutofixPrs" | "saveDiagnosisFeedback" | "listDiagnosisFeedback"
>;

/** The Store's report methods over `q` (one statement, retried on a fresh connection when it was lost). */
export function postgresReportMethods(q: Sql): ReportMethods {
  return {
    async saveAutofixPrs(prs, now) {
      const rows = lastPerUrl(prs);
      if (rows.length === 0) return;
      const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((pr) => pr[key]);
      await q(SQL.upsertPrs, [
        column("url"),
        column("number"),
        column("incidentId"),
        column("fingerprint"),
        column("state"),
        column("createdAt"),
        column("mergedAt"),
        column("closedAt"),
        now,
      ]);
    },
    async listAutofixPrs(sinceMs) {
      return (await q(SQL.listPrs, [sinceMs])).rows.map(toAutofixPr);
    },
    async saveDiagnosisFeedback(f) {
      // 0 names no row: BIGSERIAL starts at 1.
      const args = [parseId(f.incidentId) ?? 0, f.reviewer, f.verdict, f.note, f.at];
      const { rows } = await q<{ found: number }>(SQL.upsertFeedback, args);
      if (!rows[0]?.found) throw new Error(`incident not found: ${f.incidentId}`);
    },
    async listDiagnosisFeedback(query) {
      const since = query.sinceMs ?? Number.MIN_SAFE_INTEGER;
      const until = query.untilMs ?? Number.MAX_SAFE_INTEGER;
      return (await q(SQL.listFeedback, [since, until, feedbackIds(query)])).rows.map(toFeedback);
    },
  };
}
