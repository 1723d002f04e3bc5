/**
 * Pure: the comments ai-monitor adds to its issues after creating them (a new occurrence, a recurrence after
 * the issue was closed, a resolution), and the hidden markers that make them idempotent and rate-limited.
 * Every comment carries `<!-- ai-monitor:sent=<kind>@<ms> -->` stamped with ai-monitor's own clock, so the
 * rate limit never compares our clock with GitHub's `created_at`.
 * @see https://docs.github.com/en/rest/issues/comments#create-an-issue-comment
 */
import type { Incident } from "../../domain/types.js";
import { truncateCodePoints } from "../truncate.js";
import { incidentMarker, MAX_BODY_CHARS } from "./issue-body.js";
import { codeBlock, githubCode, githubText } from "./safe-markdown.js";

/** The kinds of comment, each rate-limited on its own (a resolution may follow an occurrence at once). */
export type CommentKind = "occurrence" | "resolved";

/** Pure: the hidden stamp of a comment's kind and the time (ms, ai-monitor's clock) it was written. */
export function sentMarker(kind: CommentKind, atMs: number): string {
  return `<!-- ai-monitor:sent=${kind}@${Math.round(atMs)} -->`;
}

/** Pure: the hidden marker of one resolution of one incident (an incident reopened in its window resolves again). */
export function resolvedMarker(incident: Incident): string {
  return `${resolvedMarkerPrefix(incident)}${incident.resolvedAt ?? 0} -->`;
}

/** Pure: the start of every resolution marker of an incident (did this incident ever resolve on the issue?). */
export function resolvedMarkerPrefix(incident: Incident): string {
  return `<!-- ai-monitor:resolved=${encodeURIComponent(incident.id)}@`;
}

/**
 * Pure: the hidden marker of an incident firing again inside its window after its resolution closed the issue
 * (the count tells one refire from the next; the rate limit covers a rerun that sees a higher count).
 */
export function refiredMarker(incident: Incident): string {
  return `<!-- ai-monitor:refired=${encodeURIComponent(incident.id)}@${incident.count} -->`;
}

/** Pure: the latest time a comment of `kind` was stamped in these comment bodies, null when none was. */
export function lastSentAt(bodies: Iterable<string | null | undefined>, kind: CommentKind): number | null {
  const pattern = new RegExp(`<!-- ai-monitor:sent=${kind}@(\\d{1,16}) -->`, "g");
  let last: number | null = null;
  for (const body of bodies) {
    for (const m of (body ?? "").matchAll(pattern)) last = Math.max(last ?? 0, Number(m[1]));
  }
  return last;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Pure: a duration for people: `42 s`, `7 min 5 s`, `3 h 12 min`, `2 d 4 h`. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60];
  if (d > 0) return `${d} d${h ? ` ${h} h` : ""}`;
  if (h > 0) return `${h} h${m ? ` ${m} min` : ""}`;
  if (m > 0) return `${m} min${s % 60 ? ` ${s % 60} s` : ""}`;
  return `${s} s`;
}

/** How the issue's state was when a new incident of its fingerprint (or a resolved one firing again) reached it. */
export type RecurrenceState = "open" | "reopening" | "closed-not-planned";

/**
 * Pure: the comment a new incident of the fingerprint adds: on the open issue ("New occurrence"), on an issue
 * it is reopening ("Recurred"), or on one a human closed as not planned (recorded, not reopened). `firingAgain`:
 * the same incident came back inside its window after its resolution closed the issue.
 */
export function occurrenceComment(
  incident: Incident,
  exploreUrl: string | null,
  atMs: number,
  state: RecurrenceState = "open",
  firingAgain = false,
): string {
  const d = incident.diagnosis;
  const id = githubCode(incident.id, 40);
  const head = firingAgain
    ? `**Firing again** at ${iso(incident.lastSeen)} after its resolution: incident ${id}, now with ` +
      `**${incident.count}** occurrence(s) `
    : state === "open"
      ? `**New occurrence:** incident ${id} with **${incident.count}** occurrence(s) `
      : `**Recurred** at ${iso(incident.firstSeen)}: incident ${id} with **${incident.count}** occurrence(s) `;
  const marker = firingAgain ? refiredMarker(incident) : incidentMarker(incident.id);
  const lines = [
    `${marker}\n${sentMarker("occurrence", atMs)}`,
    `${head}between ${iso(incident.firstSeen)} and ${iso(incident.lastSeen)}` +
      (incident.requestId ? `, request ${githubCode(incident.requestId, 100)}` : "") +
      ".",
  ];
  if (state === "reopening") lines.push("It happened again after this issue was closed: reopening it.");
  if (state === "closed-not-planned")
    lines.push(
      "This issue was closed as not planned (or as a duplicate), so ai-monitor leaves it closed and only " +
        "records this. Reopen it, or close it as completed, to have ai-monitor reopen it on the next recurrence.",
    );
  if (d)
    lines.push(
      `Diagnosis: **${githubText(d.title, true)}** (${githubCode(d.by, 60)}): ${githubText(d.rootCause, true)}`,
    );
  lines.push(`Log message:\n${codeBlock(incident.message, "text", 2000)}`);
  if (exploreUrl) lines.push(`[Logs in Grafana](${exploreUrl})`);
  return truncateCodePoints(lines.join("\n\n"), MAX_BODY_CHARS);
}

/** Pure: the comment a resolution adds: when, how long it fired, how often, and whether the issue is closing. */
export function resolvedComment(
  incident: Incident,
  exploreUrl: string | null,
  atMs: number,
  closing: boolean,
): string {
  const resolvedAt = incident.resolvedAt ?? atMs;
  const lines = [
    `${resolvedMarker(incident)}\n${sentMarker("resolved", atMs)}`,
    `**Resolved** at ${iso(resolvedAt)}: incident ${githubCode(incident.id, 40)} ` +
      `(${githubCode(incident.errorCode ?? "no code", 60)} in ${githubCode(incident.target)}) fired for ` +
      `**${humanDuration(resolvedAt - incident.firstSeen)}** with **${incident.count}** occurrence(s), ` +
      `first seen ${iso(incident.firstSeen)}, last seen ${iso(incident.lastSeen)}.`,
    closing
      ? "Closing this issue; ai-monitor reopens it if the error comes back."
      : "Leaving this issue open (`dispatch.github.closeOnResolve: false`, or the `keep-open` label).",
  ];
  if (exploreUrl) lines.push(`[Logs in Grafana](${exploreUrl})`);
  return truncateCodePoints(lines.join("\n\n"), MAX_BODY_CHARS);
}
