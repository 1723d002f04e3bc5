/** Shapes of the fake GitHub: issues, comments and their author, typed with @octokit/openapi-types. */
import type { components } from "@octokit/openapi-types";

/** An issue as the REST API returns it. */
export type Issue = components["schemas"]["issue"];
/** An issue comment as the REST API returns it. */
export type IssueComment = components["schemas"]["issue-comment"];

/** The account ai-monitor's token belongs to. */
export const BOT: components["schemas"]["simple-user"] = {
  login: "ai-monitor[bot]",
  id: 4242,
  node_id: "BOT_kgDOAAA",
  avatar_url: "https://avatars.example/u/4242",
  gravatar_id: null,
  url: "https://api.github.example/users/ai-monitor",
  html_url: "https://github.example/apps/ai-monitor",
  followers_url: "",
  following_url: "",
  gists_url: "",
  starred_url: "",
  subscriptions_url: "",
  organizations_url: "",
  repos_url: "",
  events_url: "",
  received_events_url: "",
  type: "Bot",
  site_admin: false,
};

/** A person on the team (closes, reopens and comments by hand in tests). */
export const HUMAN: components["schemas"]["simple-user"] = {
  ...BOT,
  login: "oncall-human",
  id: 77,
  node_id: "U_human",
  html_url: "https://github.example/oncall-human",
  type: "User",
};

/** A label as issues carry it. */
export const label = (name: string) => ({
  id: name.length,
  node_id: `LA_${name}`,
  url: "",
  name,
  description: null,
  color: "ededed",
  default: false,
});

/** A new open issue number `n` (GitHub creates labels that do not exist yet). */
export function makeIssue(input: {
  n: number;
  apiRepo: string;
  htmlRepo: string;
  title: string;
  body: string | null;
  labels: string[];
}): Issue {
  const at = new Date().toISOString();
  return {
    id: 100_000 + input.n,
    node_id: `I_${input.n}`,
    url: `${input.apiRepo}/issues/${input.n}`,
    repository_url: input.apiRepo,
    labels_url: "",
    comments_url: "",
    events_url: "",
    html_url: `${input.htmlRepo}/issues/${input.n}`,
    number: input.n,
    state: "open",
    title: input.title,
    body: input.body,
    user: BOT,
    labels: input.labels.map(label),
    assignee: null,
    milestone: null,
    locked: false,
    comments: 0,
    closed_at: null,
    closed_by: null,
    state_reason: null,
    created_at: at,
    updated_at: at,
    author_association: "NONE",
  };
}

/** A new comment on `issue` (by ai-monitor unless `user` says otherwise). */
export function makeComment(
  id: number,
  body: string,
  issue: Issue,
  apiRepo: string,
  user: components["schemas"]["simple-user"] = BOT,
): IssueComment {
  const at = new Date().toISOString();
  return {
    id,
    node_id: `IC_${id}`,
    url: `${apiRepo}/issues/comments/${id}`,
    body,
    html_url: `${issue.html_url}#issuecomment-${id}`,
    user,
    created_at: at,
    updated_at: at,
    issue_url: issue.url,
    author_association: "NONE",
  };
}
