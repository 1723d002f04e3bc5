/**
 * The request rules of the fake GitHub for updating an issue and commenting, as the REST reference states
 * them: PATCH /repos/{o}/{r}/issues/{n} takes `state` ("open" | "closed") and `state_reason` ("completed" |
 * "not_planned" | "duplicate" | "reopened" | null, ignored unless the state changes); POST .../comments takes
 * a required `body` of at most 65,536 characters. GitHub ignores unknown fields; the fake refuses them (422),
 * so a misspelt field fails a test instead of silently doing nothing in production.
 * @see https://docs.github.com/en/rest/issues/issues#update-an-issue
 * @see https://docs.github.com/en/rest/issues/comments#create-an-issue-comment
 */
import type { components } from "@octokit/openapi-types";
import type { Issue } from "./fake-github-shapes.js";

/** GitHub's limit on issue and comment bodies, in characters. */
export const MAX_GITHUB_BODY = 65_536;

const UPDATE_FIELDS = new Set([
  "title",
  "body",
  "assignee",
  "state",
  "state_reason",
  "duplicate_issue_id",
  "milestone",
  "labels",
  "assignees",
  "issue_field_values",
  "type",
]);
const STATE_REASONS = new Set(["completed", "not_planned", "duplicate", "reopened", null]);

/** A 422 answer: GitHub's "Validation Failed" with one error. */
export interface Invalid {
  message: "Validation Failed";
  errors: Array<{ resource: string; field: string; code: string; message?: string }>;
  documentation_url: string;
}

const invalid = (resource: string, field: string, code: string, message?: string): Invalid => ({
  message: "Validation Failed",
  errors: [{ resource, field, code, ...(message ? { message } : {}) }],
  documentation_url: "https://docs.github.com/rest/issues/issues#update-an-issue",
});

/** Check an "update an issue" body; null when GitHub would accept it. */
export function checkIssueUpdate(body: Record<string, unknown>): Invalid | null {
  const unknown = Object.keys(body).find((k) => !UPDATE_FIELDS.has(k));
  if (unknown) return invalid("Issue", unknown, "invalid", `unknown field ${unknown}`);
  if ("state" in body && body.state !== "open" && body.state !== "closed")
    return invalid("Issue", "state", "invalid");
  if ("state_reason" in body && !STATE_REASONS.has(body.state_reason as string | null))
    return invalid("Issue", "state_reason", "invalid");
  if ("body" in body && body.body !== null && typeof body.body !== "string")
    return invalid("Issue", "body", "invalid");
  if (typeof body.body === "string" && body.body.length > MAX_GITHUB_BODY)
    return invalid("Issue", "body", "custom", "body is too long (maximum is 65536 characters)");
  return null;
}

/**
 * Apply a valid update as GitHub does: a state change sets `state_reason` (closing: the given reason or
 * "completed"; reopening: "reopened"), `closed_at` and `closed_by`; a reason without a state change is ignored.
 */
export function applyIssueUpdate(
  issue: Issue,
  body: Record<string, unknown>,
  by: components["schemas"]["simple-user"],
): "closed" | "reopened" | null {
  if (typeof body.title === "string") issue.title = body.title;
  if ("body" in body) issue.body = (body.body as string | null) ?? null;
  const at = new Date().toISOString();
  issue.updated_at = at;
  if (body.state === "closed" && issue.state === "open") {
    issue.state = "closed";
    issue.state_reason = (body.state_reason as Issue["state_reason"]) ?? "completed";
    issue.closed_at = at;
    issue.closed_by = by;
    return "closed";
  }
  if (body.state === "open" && issue.state === "closed") {
    issue.state = "open";
    issue.state_reason = "reopened";
    issue.closed_at = null;
    issue.closed_by = null;
    return "reopened";
  }
  return null;
}

/** Check a "create an issue comment" body; null when GitHub would accept it. */
export function checkComment(body: Record<string, unknown>): Invalid | null {
  const unknown = Object.keys(body).find((k) => k !== "body");
  if (unknown) return invalid("IssueComment", unknown, "invalid", `unknown field ${unknown}`);
  if (typeof body.body !== "string" || body.body.trim() === "")
    return invalid("IssueComment", "body", "missing_field");
  if (body.body.length > MAX_GITHUB_BODY)
    return invalid("IssueComment", "body", "custom", "body is too long (maximum is 65536 characters)");
  return null;
}

/** The issues GET /repos/{o}/{r}/issues lists: `state` (default open), every label of `labels`, newest first. */
export function filterIssues(issues: readonly Issue[], params: URLSearchParams): Issue[] {
  const state = params.get("state") ?? "open";
  const wanted = (params.get("labels") ?? "").split(",").filter(Boolean);
  const list = issues.filter(
    (i) =>
      (state === "all" || i.state === state) &&
      wanted.every((w) => i.labels.some((l) => typeof l !== "string" && l.name === w)),
  );
  return params.get("direction") === "asc" ? list : [...list].reverse();
}
