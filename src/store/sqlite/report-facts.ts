/**
 * The facts behind the seed's success indicators on SQLite: autofix PRs as last polled from GitHub, and
 * human verdicts on diagnoses. Kept apart from sqlite-store.ts, which only exposes these operations.
 */
import type Database from "better-sqlite3";
import { z } from "zod";
import type { AutofixPrRecord, DiagnosisFeedback, FeedbackQuery, Store } from "../store.js";
import type { Migration } from "./migrations.js";
import { parseId } from "./rows.js";

/** Schema step: autofix PR facts (keyed by URL) and one current verdict per (incident, reviewer). */
export const REPORT_FACTS_MIGRATION: Migration = {
  version: 4,
  name: "autofix PR facts and diagnosis feedback",
  sql: `
    CREATE TABLE autofix_prs (
      url TEXT PRIMARY KEY,
      number INTEGER NOT NULL,
      incident_id TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      state TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      merged_at INTEGER,
      closed_at INTEGER,
      seen_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX autofix_prs_created_at ON autofix_prs (created_at);

    CREATE TABLE diagnosis_feedback (
      incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
      reviewer TEXT NOT NULL,
      verdict TEXT NOT NULL,
      note TEXT,
      at INTEGER NOT NULL,
      PRIMARY KEY (incident_id, reviewer)
    ) WITHOUT ROWID;
    CREATE INDEX diagnosis_feedback_at ON diagnosis_feedback (at);
  `,
};

/** A row of `autofix_prs` (shared with PostgreSQL, whose BIGINTs parse to numbers too). */
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

type ReportMethods = Pick<
  Store,
  "saveAutofixPrs" | "listAutofixPrs" | "saveDiagnosisFeedback" | "listDiagnosisFeedback"
>;

/** The Store's async face of these operations; `use` returns the open database's operations or throws. */
export function reportStoreMethods(use: () => ReturnType<typeof bindReportOperations>): ReportMethods {
  return {
    saveAutofixPrs: async (prs, now) => use().saveAutofixPrs(prs, now),
    listAutofixPrs: async (sinceMs) => use().listAutofixPrs(sinceMs),
    saveDiagnosisFeedback: async (feedback) => use().saveDiagnosisFeedback(feedback),
    listDiagnosisFeedback: async (query) => use().listDiagnosisFeedback(query),
  };
}
