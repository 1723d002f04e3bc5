/**
 * A fake GitHub REST API for the endpoints the issue sink uses, typed with @octokit/openapi-types: list issues
 * (filters, pagination with Link headers), create an issue, get one, update it (state and state_reason, checked
 * as fake-github-rules.ts says), list and create comments. It checks the token and GitHub's size limits, can
 * inject failures (5xx, secondary rate limits) or hold an answer after the issue or comment was stored (a
 * crash between "sent" and "recorded"), and plays the human who closes, reopens or comments by hand. Pull
 * request routes (autofix) live in autofix-fake-pulls.ts.
 * Standalone: `node --import tsx test/helpers/fake-github.ts --port 9301` prints GITHUB_API_URL and each call.
 * @see https://docs.github.com/en/rest/issues
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createFakePulls, type FakePull } from "./autofix-fake-pulls.js";
import * as wire from "./fake-github-http.js";
import { createFakeReactions, type ReactionContent } from "./fake-github-reactions.js";
import { applyIssueUpdate, checkComment, checkIssueUpdate, filterIssues } from "./fake-github-rules.js";
import {
  BOT,
  HUMAN,
  type Issue,
  type IssueComment,
  label,
  makeComment,
  makeIssue,
} from "./fake-github-shapes.js";
import { closeServer, listenLocal, standalonePort } from "./local-server.js";

/** A scripted failure: a status, with optional headers and message. */
export interface FakeFailure {
  status: number;
  /** Only a request with this method consumes the failure. */
  method?: string;
  headers?: Record<string, string>;
  message?: string;
}

/** The running fake. */
export interface FakeGithub {
  /** GITHUB_API_URL for this fake. */
  apiUrl: string;
  token: string;
  repository: string;
  issues: Issue[];
  comments: Map<number, IssueComment[]>;
  /** Pull requests (numbered from 1001). */
  pulls: FakePull[];
  requests: Array<{ method: string; path: string; status: number }>;
  /** Every state change, in order: who closed or reopened which issue, and why. */
  stateChanges: Array<{ issue: number; change: "closed" | "reopened"; reason: string | null; by: string }>;
  failNext(...failures: Array<number | FakeFailure>): void;
  /** The next issue creation stores the issue, then waits; `release(false)` drops the answer. */
  holdNextCreate(): wire.Hold;
  /** The next comment is stored, then the answer waits; `release(false)` drops it. */
  holdNextComment(): wire.Hold;
  /** A human closes issue `n` in the web UI (with a reason), or reopens it. */
  humanSetState(
    n: number,
    state: "closed" | "open",
    reason?: "completed" | "not_planned" | "duplicate",
  ): void;
  /** A human comments on issue `n`. */
  humanComment(n: number, body: string): void;
  /** A human adds a label to issue `n`. */
  humanLabel(n: number, name: string): void;
  /** GitHub user `login` reacts to issue `n` (`type` "Bot" for an app), or takes the reaction back. */
  humanReact(
    n: number,
    login: string,
    content: ReactionContent,
    options?: { at?: Date; type?: string },
  ): void;
  humanUnreact(n: number, login: string, content: ReactionContent): void;
  close(): Promise<void>;
}

/** Start the fake on 127.0.0.1 for `owner/repo` (port 0 = any free port). */
export async function startFakeGithub(
  options: {
    port?: number;
    repository?: string;
    onEvent?: (line: string) => void;
    /** Does a PR's head branch exist on the remote (422 otherwise)? Unset: every branch exists. */
    pullHeadExists?: (branch: string) => Promise<boolean> | boolean;
  } = {},
): Promise<FakeGithub> {
  const repository = options.repository ?? "acme/server";
  const token = "ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0123";
  const issues: Issue[] = [];
  const comments = new Map<number, IssueComment[]>();
  const requests: FakeGithub["requests"] = [];
  const stateChanges: FakeGithub["stateChanges"] = [];
  const scripted: FakeFailure[] = [];
  type Gate = ReturnType<typeof wire.makeHold>["gate"];
  let hold: Gate | null = null;
  let commentHold: Gate | null = null;
  let base = "";
  let commentId = 9000;
  const html = `https://github.example/${repository}`;

  const page = <T>(items: T[], url: URL, res: ServerResponse) => wire.sendPage(items, url, res, base);
  const reactions = createFakeReactions({ page });
  const pulls = createFakePulls({
    repository,
    htmlRepo: html,
    apiBase: () => base,
    page,
    headExists: options.pullHeadExists,
    onEvent: options.onEvent,
  });

  function addComment(issue: Issue, text: string, user: typeof BOT): IssueComment {
    const comment = makeComment(++commentId, text, issue, `${base}/repos/${repository}`, user);
    comments.set(issue.number, [...(comments.get(issue.number) ?? []), comment]);
    issue.comments++;
    options.onEvent?.(`comment on #${issue.number} by ${user.login}`);
    return comment;
  }
  const issueNo = (n: number) => {
    const found = issues.find((i) => i.number === n);
    if (!found) throw new Error(`no issue #${n}`);
    return found;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname.replace(/^\/api\/v3/, "");
    const body = req.method === "GET" ? {} : await wire.readJson(req);
    if (!wire.hasToken(req, token)) return wire.badCredentials(res);
    const at = scripted.findIndex((f) => !f.method || f.method === req.method);
    const failure = at >= 0 ? scripted.splice(at, 1)[0] : undefined;
    if (failure)
      return wire.send(res, failure.status, { message: failure.message ?? "Server Error" }, failure.headers);
    const pullStatus = await pulls.handle(req.method ?? "GET", path, url, body, res);
    if (pullStatus !== null) return pullStatus;
    const m = /^\/repos\/([^/]+\/[^/]+)\/issues(?:\/(\d+))?(\/comments|\/reactions)?$/.exec(path);
    if (!m || m[1] !== repository)
      return wire.send(res, 404, { message: "Not Found", documentation_url: "" });
    const number = m[2] ? Number(m[2]) : null;
    const issue = number === null ? undefined : issues.find((i) => i.number === number);
    if (number !== null && !issue)
      return wire.send(res, 404, { message: "Not Found", documentation_url: "" });

    const reacted = reactions.handle(req.method ?? "GET", issue, m[3], url, res);
    if (reacted !== null) return reacted;
    if (m[3] === "/reactions") return wire.send(res, 404, { message: "Not Found", documentation_url: "" });
    if (!m[3] && number === null && req.method === "GET") {
      const list = filterIssues(issues, url.searchParams);
      return page(list, url, res);
    }
    if (!m[3] && number === null && req.method === "POST") {
      const title = String(body.title ?? "");
      const text = typeof body.body === "string" ? body.body : null;
      if (!title || title.length > 256 || (text?.length ?? 0) > 65536)
        return wire.send(res, 422, {
          message: "Validation Failed",
          errors: [{ resource: "Issue", code: "custom" }],
        });
      const n = issues.length + 1;
      const labels = (body.labels as string[] | undefined) ?? [];
      const created = makeIssue({
        n,
        apiRepo: `${base}/repos/${repository}`,
        htmlRepo: html,
        title,
        body: text,
        labels,
      });
      issues.push(created);
      options.onEvent?.(`issue #${n} created: ${title}`);
      if (hold) {
        const gate = hold;
        hold = null;
        if (!(await wire.passGate(gate, res))) return 0;
      }
      return wire.send(res, 201, created);
    }
    if (issue && !m[3] && req.method === "GET") return wire.send(res, 200, issue);
    if (issue && !m[3] && req.method === "PATCH") {
      const refused = checkIssueUpdate(body);
      if (refused) return wire.send(res, 422, refused);
      const change = applyIssueUpdate(issue, body, BOT);
      if (change) {
        stateChanges.push({ issue: issue.number, change, reason: issue.state_reason ?? null, by: BOT.login });
        options.onEvent?.(`issue #${issue.number} ${change} (${issue.state_reason})`);
      }
      return wire.send(res, 200, issue);
    }
    if (issue && m[3] && req.method === "GET") {
      const since = url.searchParams.get("since");
      const all = comments.get(issue.number) ?? [];
      return page(since ? all.filter((c) => c.updated_at >= since) : all, url, res);
    }
    if (issue && m[3] && req.method === "POST") {
      const refused = checkComment(body);
      if (refused) return wire.send(res, 422, refused);
      const comment = addComment(issue, String(body.body), BOT);
      if (commentHold) {
        const gate = commentHold;
        commentHold = null;
        if (!(await wire.passGate(gate, res))) return 0;
      }
      return wire.send(res, 201, comment);
    }
    return wire.send(res, 404, { message: "Not Found", documentation_url: "" });
  }

  const server = createServer((req, res) => {
    handle(req, res).then(
      (status) => requests.push({ method: req.method ?? "?", path: req.url ?? "/", status }),
      (err: Error) => {
        requests.push({ method: req.method ?? "?", path: req.url ?? "/", status: 500 });
        if (!res.headersSent) wire.send(res, 500, { message: err.message });
      },
    );
  });
  base = await listenLocal(server, options.port);
  return {
    apiUrl: base,
    token,
    repository,
    issues,
    comments,
    pulls: pulls.pulls,
    requests,
    failNext: (...failures) =>
      void scripted.push(...failures.map((f) => (typeof f === "number" ? { status: f } : f))),
    stateChanges,
    holdNextCreate() {
      const made = wire.makeHold();
      hold = made.gate;
      return made.hold;
    },
    holdNextComment() {
      const made = wire.makeHold();
      commentHold = made.gate;
      return made.hold;
    },
    humanSetState(n, state, reason) {
      const issue = issueNo(n);
      const change = applyIssueUpdate(issue, { state, state_reason: reason ?? null }, HUMAN);
      if (change)
        stateChanges.push({ issue: n, change, reason: issue.state_reason ?? null, by: HUMAN.login });
    },
    humanComment(n, body) {
      addComment(issueNo(n), body, HUMAN);
    },
    humanLabel(n, name) {
      issueNo(n).labels.push(label(name));
    },
    humanReact: (n, login, content, more) =>
      reactions.react(issueNo(n), login, content, more?.at, more?.type),
    humanUnreact: (n, login, content) => reactions.unreact(issueNo(n), login, content),
    close: () => closeServer(server),
  };
}

const port = standalonePort(import.meta.url, 9301);
if (port !== null) {
  const fake = await startFakeGithub({
    port,
    onEvent: (line) => process.stdout.write(`fake-github: ${line}\n`),
  });
  process.stdout.write(
    `fake-github: listening; GITHUB_API_URL=${fake.apiUrl} GITHUB_TOKEN=${fake.token} GITHUB_REPOSITORY=${fake.repository}\n`,
  );
}
