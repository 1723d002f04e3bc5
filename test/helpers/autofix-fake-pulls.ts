/**
 * The pull request routes of the fake GitHub (mounted by fake-github.ts): list with state filter and pagination,
 * create (draft flag kept; 422 when the head branch does not exist on the remote or already has an open PR),
 * get and update. PR numbers start at 1001 so they never collide with the fake's issue numbers.
 * @see https://docs.github.com/en/rest/pulls/pulls
 */
import type { ServerResponse } from "node:http";

/** A pull request as the fake stores it (the fields autofix reads, shaped like the REST API's). */
export interface FakePull {
  id: number;
  number: number;
  url: string;
  html_url: string;
  state: "open" | "closed";
  draft: boolean;
  title: string;
  body: string | null;
  head: { ref: string; label: string };
  base: { ref: string; label: string };
  maintainer_can_modify: boolean;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  merged: boolean;
}

/** Answers a paginated list (the fake's own Link-header pagination). */
type Page = <T>(items: T[], url: URL, res: ServerResponse) => number;

/** Settings of the routes. */
export interface FakePullsOptions {
  repository: string;
  htmlRepo: string;
  apiBase: () => string;
  page: Page;
  /** Does the branch exist on the remote? GitHub answers 422 otherwise. Unset: every branch exists. */
  headExists?: (branch: string) => Promise<boolean> | boolean;
  onEvent?: (line: string) => void;
}

function send(res: ServerResponse, status: number, body: unknown): number {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
  return status;
}

const invalid = (res: ServerResponse, field: string, message?: string) =>
  send(res, 422, {
    message: "Validation Failed",
    errors: [
      message
        ? { resource: "PullRequest", code: "custom", message }
        : { resource: "PullRequest", field, code: "invalid" },
    ],
    documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
  });

/** Create the pull routes over their own list. */
export function createFakePulls(options: FakePullsOptions) {
  const pulls: FakePull[] = [];
  const [owner] = options.repository.split("/");

  /** Handle the request if it is a pulls route; null when it is not. */
  async function handle(
    method: string,
    path: string,
    url: URL,
    body: Record<string, unknown>,
    res: ServerResponse,
  ): Promise<number | null> {
    const m = /^\/repos\/([^/]+\/[^/]+)\/pulls(?:\/(\d+))?$/.exec(path);
    if (!m || m[1] !== options.repository) return null;
    const pull = m[2] ? pulls.find((p) => p.number === Number(m[2])) : undefined;
    if (m[2] && !pull) return send(res, 404, { message: "Not Found", documentation_url: "" });

    if (!m[2] && method === "GET") {
      const state = url.searchParams.get("state") ?? "open";
      let list = pulls.filter((p) => state === "all" || p.state === state);
      if (url.searchParams.get("direction") !== "asc") list = [...list].reverse();
      return options.page(list, url, res);
    }
    if (!m[2] && method === "POST") {
      const title = typeof body.title === "string" ? body.title : "";
      const text = typeof body.body === "string" ? body.body : null;
      const head = typeof body.head === "string" ? body.head : "";
      const base = typeof body.base === "string" ? body.base : "";
      if (!title || title.length > 256 || (text?.length ?? 0) > 65536) return invalid(res, "title");
      if (!base) return invalid(res, "base");
      if (!head || head === base || !(await (options.headExists?.(head) ?? true)))
        return invalid(res, "head");
      if (pulls.some((p) => p.state === "open" && p.head.ref === head))
        return invalid(res, "head", `A pull request already exists for ${owner}:${head}.`);
      const number = 1001 + pulls.length;
      const at = new Date().toISOString();
      const created: FakePull = {
        id: 500_000 + number,
        number,
        url: `${options.apiBase()}/repos/${options.repository}/pulls/${number}`,
        html_url: `${options.htmlRepo}/pull/${number}`,
        state: "open",
        draft: body.draft === true,
        title,
        body: text,
        head: { ref: head, label: `${owner}:${head}` },
        base: { ref: base, label: `${owner}:${base}` },
        maintainer_can_modify: body.maintainer_can_modify === true,
        created_at: at,
        updated_at: at,
        closed_at: null,
        merged_at: null,
        merged: false,
      };
      pulls.push(created);
      options.onEvent?.(`pull #${number} created: ${title}${created.draft ? " (draft)" : ""}`);
      return send(res, 201, created);
    }
    if (pull && method === "GET") return send(res, 200, pull);
    if (pull && method === "PATCH") {
      if (body.state === "closed" || body.state === "open") {
        pull.state = body.state;
        pull.closed_at = body.state === "closed" ? new Date().toISOString() : null;
      }
      if (typeof body.title === "string") pull.title = body.title;
      if (typeof body.body === "string") pull.body = body.body;
      return send(res, 200, pull);
    }
    return send(res, 404, { message: "Not Found", documentation_url: "" });
  }

  return { pulls, handle };
}

/** Mark a fake PR merged (GitHub merges through the UI or the merge endpoint; tests only need the outcome). */
export function mergeFakePull(pull: FakePull): void {
  const at = new Date().toISOString();
  Object.assign(pull, { state: "closed", merged: true, merged_at: at, closed_at: at, draft: false });
}
