/**
 * What people (CLI, API, web page) and the quiet-period sweep do to an incident besides ingest: resolve it,
 * acknowledge it. A role of the Store, implemented by both backends and covered by the contract suite.
 */
import type { Severity } from "../domain/types.js";

/** Why and by whom an incident is resolved by hand. */
export interface ResolveInput {
  at: number;
  note?: string;
  by?: string;
}

/** Who acknowledged an incident, and when. */
export interface AckInput {
  at: number;
  by?: string;
}

/** The open, acknowledged incident of a fingerprint (its recurrences page nobody while it stays open). */
export interface Acknowledgement {
  incidentId: string;
  at: number;
  by: string | null;
}

/** What acknowledging answers. */
export type AckOutcome = "acked" | "already-acked" | "already-resolved" | "not-found";

/** Pure (both backends): why an incident in this state cannot be acknowledged now, or null when it can. */
export function ackRefusal(state: {
  status: string;
  acknowledged_at: number | null;
}): "already-resolved" | "already-acked" | null {
  if (state.status !== "open") return "already-resolved";
  return state.acknowledged_at !== null ? "already-acked" : null;
}

/** Resolve, acknowledge, and the quiet-period resolution. */
export interface IncidentActions {
  /**
   * Resolve an open incident at `input.at` and queue its resolution announcement (Discord edited, GitHub
   * commented and closed, JSONL line), exactly as an Alertmanager resolution does.
   */
  resolveIncident(id: number, input: ResolveInput): Promise<"resolved" | "already-resolved" | "not-found">;
  /**
   * Acknowledge an open incident: until it resolves, its recurrences notify no person-facing sink. A resolved
   * one is refused ("already-resolved"): the acknowledgement would end at once, so it would promise nothing.
   */
  ackIncident(id: number, input: AckInput): Promise<AckOutcome>;
  /** The open acknowledged incident of `fingerprint` other than `exceptId`, if any (oldest acknowledgement). */
  openAcknowledgement(fingerprint: string, exceptId: string): Promise<Acknowledgement | null>;
  /**
   * Quiet-period resolution: resolve (at `now`) up to `limit` open file-tail incidents whose fingerprint had
   * no occurrence after `quietSince`, queueing their announcements as an Alertmanager resolution does;
   * backfills (they alerted no one) resolve silently. Alert incidents are left to their sender's resolution
   * (a long-firing alert is not re-sent as occurrences). Returns the ids resolved, quietest first.
   */
  resolveQuiet(quietSince: number, now: number, limit: number): Promise<string[]>;
}

/** Pure: the SQL expression ranking a severity column for the job queue (0 = critical first; both backends). */
export function severityRankSql(column: string, order: readonly Severity[]): string {
  const arms = order.map((s, i) => `WHEN '${s}' THEN ${i}`).join(" ");
  return `(CASE ${column} ${arms} ELSE ${order.length} END)`;
}
