/**
 * Reactions on issues for the fake GitHub, typed with @octokit/openapi-types: `GET
 * /repos/{o}/{r}/issues/{n}/reactions` (optional `content` filter, pages with Link headers) and the issue's
 * `reactions` roll-up that GitHub includes in every issue it returns. People react with `react` and take a
 * reaction back with `unreact`; GitHub keeps one reaction per user and content.
 * @see https://docs.github.com/en/rest/reactions/reactions#list-reactions-for-an-issue
 */
import type { ServerResponse } from "node:http";
import type { components } from "@octokit/openapi-types";
import * as wire from "./fake-github-http.js";
import { HUMAN, type Issue } from "./fake-github-shapes.js";

/** A reaction as the REST API returns it. */
export type Reaction = components["schemas"]["reaction"];
/** What a reaction can be. */
export type ReactionContent = Reaction["content"];

const CONTENTS: readonly ReactionContent[] = [
  "+1",
  "-1",
  "laugh",
  "confused",
  "heart",
  "hooray",
  "rocket",
  "eyes",
];

/** The reactions of every issue, and the route that lists them. */
export function createFakeReactions(options: {
  page: <T>(items: T[], url: URL, res: ServerResponse) => number;
}) {
  const byIssue = new Map<number, Reaction[]>();
  let nextId = 7000;

  /** Recount the issue's roll-up, as GitHub shows it on the issue. */
  function rollUp(issue: Issue): void {
    const list = byIssue.get(issue.number) ?? [];
    const count = (c: ReactionContent) => list.filter((r) => r.content === c).length;
    issue.reactions = {
      url: `${issue.url}/reactions`,
      total_count: list.length,
      "+1": count("+1"),
      "-1": count("-1"),
      laugh: count("laugh"),
      confused: count("confused"),
      heart: count("heart"),
      hooray: count("hooray"),
      eyes: count("eyes"),
      rocket: count("rocket"),
    };
  }

  return {
    /** `login` reacts to the issue (again with the same content: no change, as on GitHub). */
    react(issue: Issue, login: string, content: ReactionContent, at = new Date(), type = "User"): void {
      const list = byIssue.get(issue.number) ?? [];
      if (list.some((r) => r.user?.login === login && r.content === content)) return;
      const user = { ...HUMAN, login, id: 10_000 + login.length, type };
      list.push({ id: ++nextId, node_id: `R_${nextId}`, user, content, created_at: at.toISOString() });
      byIssue.set(issue.number, list);
      rollUp(issue);
    },
    /** `login` takes that reaction back. */
    unreact(issue: Issue, login: string, content: ReactionContent): void {
      const list = (byIssue.get(issue.number) ?? []).filter(
        (r) => !(r.user?.login === login && r.content === content),
      );
      byIssue.set(issue.number, list);
      rollUp(issue);
    },
    /** Answer GET .../issues/{n}/reactions; null when the request is not for this route. */
    handle(
      method: string,
      issue: Issue | undefined,
      rest: string | undefined,
      url: URL,
      res: ServerResponse,
    ) {
      if (rest !== "/reactions" || method !== "GET" || !issue) return null;
      const content = url.searchParams.get("content");
      if (content !== null && !CONTENTS.includes(content as ReactionContent))
        return wire.send(res, 422, {
          message: "Validation Failed",
          errors: [{ field: "content", code: "invalid" }],
        });
      const list = byIssue.get(issue.number) ?? [];
      return options.page(content ? list.filter((r) => r.content === content) : list, url, res);
    },
  };
}
