/**
 * Pure: what an issue needs when its incident recurs or resolves, decided from what GitHub shows now. The
 * sink computes the plan, carries it out (comment first, then the state change), and a lookup after a crash
 * computes it again: an empty plan means everything was already done, so nothing is ever posted twice.
 * @see https://docs.github.com/en/rest/issues/issues#update-an-issue
 */
import { type CommentKind, lastSentAt, type RecurrenceState } from "./issue-comments.js";

/** At most one comment of each kind per issue in this long (the default dedup window): flapping cannot spam. */
export const COMMENT_INTERVAL_MS = 5 * 60_000;
/** An issue carrying this label is never closed by a resolution (it still gets the comment). */
export const KEEP_OPEN_LABEL = "keep-open";
/** Close reasons by which a human said "do not reopen": won't fix, or tracked elsewhere. */
const HUMAN_VERDICTS: ReadonlySet<string> = new Set(["not_planned", "duplicate"]);

/** What the plan reads of an issue. */
export interface IssueFacts {
  state: string;
  stateReason: string | null;
  /** The body carries ai-monitor's fingerprint marker: ai-monitor opened it. */
  ours: boolean;
  labels: string[];
}

/** What the plan reads of the issue's comments. */
export interface CommentFacts {
  /** This very delivery's marker is already on the issue (a crash after the comment was posted). */
  done: boolean;
  /** ai-monitor's stamp on its latest comment of the same kind, in its own clock's ms. */
  lastSentAt: number | null;
}

/** The state change GitHub's "update an issue" takes. */
export type StateChange =
  | { state: "open"; state_reason: "reopened" }
  | { state: "closed"; state_reason: "completed" };

/** The writes an issue still needs; both null when nothing is left to do. */
export interface IssuePlan {
  comment: RecurrenceState | "resolved" | null;
  setState: StateChange | null;
}

const NOTHING: IssuePlan = { comment: null, setState: null };

/** Pure: what the plan needs from the issue's comment bodies: is `marker` there, when was `kind` last posted. */
export function commentFacts(bodies: string[], marker: string, kind: CommentKind): CommentFacts {
  return { done: bodies.some((b) => b.includes(marker)), lastSentAt: lastSentAt(bodies, kind) };
}

/** Pure: did ai-monitor post a comment of this kind less than `intervalMs` ago (either way, clocks can step)? */
export function rateLimited(lastSentAt: number | null, now: number, intervalMs: number): boolean {
  return lastSentAt !== null && Math.abs(now - lastSentAt) < intervalMs;
}

/** Pure: true when the plan has nothing left to write. */
export function settled(plan: IssuePlan): boolean {
  return plan.comment === null && plan.setState === null;
}

/**
 * Pure: a new incident of a fingerprint that already has an issue. Open: one comment. Closed as completed
 * (by a resolution or a human): a comment and a reopen. Closed as not planned or duplicate: a comment only,
 * the human's verdict stands. The comment is skipped while rate-limited; the reopen never is.
 */
export function planRecurrence(
  issue: IssueFacts,
  comments: CommentFacts,
  now: number,
  intervalMs = COMMENT_INTERVAL_MS,
): IssuePlan {
  const closed = issue.state === "closed";
  const verdict = closed && HUMAN_VERDICTS.has(issue.stateReason ?? "");
  const reopen = closed && !verdict;
  const quiet = comments.done || rateLimited(comments.lastSentAt, now, intervalMs);
  const comment: RecurrenceState = reopen ? "reopening" : verdict ? "closed-not-planned" : "open";
  return {
    comment: quiet ? null : comment,
    setState: reopen ? { state: "open", state_reason: "reopened" } : null,
  };
}

/**
 * Pure: the incident resolved. Only an issue ai-monitor opened and that is still open is touched: a comment,
 * then (with closeOnResolve and no keep-open label) closed as completed. One a human closed is left alone.
 */
export function planResolution(
  issue: IssueFacts,
  comments: CommentFacts,
  now: number,
  closeOnResolve: boolean,
  intervalMs = COMMENT_INTERVAL_MS,
): IssuePlan {
  if (!issue.ours || issue.state !== "open") return NOTHING;
  const close = closeOnResolve && !issue.labels.includes(KEEP_OPEN_LABEL);
  const quiet = comments.done || rateLimited(comments.lastSentAt, now, intervalMs);
  return {
    comment: quiet ? null : "resolved",
    setState: close ? { state: "closed", state_reason: "completed" } : null,
  };
}
