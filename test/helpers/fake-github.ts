/**
 * A fake GitHub REST API for the endpoints the issue sink uses, typed with @octokit/openapi-types: list issues
 * (filters, pagination with Link headers), create an issue, get/close one, list and create comments. It checks
 * the token and GitHub's size limits, and can inject failures (5xx, secondary rate limits) or hold an answer
 * after the issue was created (a crash between "sent" and "recorded"). Pull request routes (autofix) live in
 * autofix-fake-pulls.ts.
 * Standalone: `node --import tsx test/helpers/fake-github.ts --port 9301` prints GITHUB_API_URL and each call.
 * @see https://docs.github.com/en/rest/issues
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createFakePulls, type FakePull } from "./autofix-fake-pulls.js";
import { type Issue, type IssueComment, makeComment, makeIssue } from "./fake-github-shapes.js";
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
  failNext(...failures: Array<number | FakeFailure>): void;
  /** The next issue creation stores the issue, then waits; `release(false)` drops the answer. */
  holdNextCreate(): { received: Promise<void>; release(answer: boolean): void };
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): number {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
  return status;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
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
  const scripted: FakeFailure[] = [];
  let hold: { arrived: () => void; decide: Promise<boolean> } | null = null;
  let base = "";
  let commentId = 9000;
  const html = `https://github.example/${repository}`;

  const page = <T>(items: T[], url: URL, res: ServerResponse) => {
    const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
    const pageNo = Math.max(1, Number(url.searchParams.get("page") ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    if (pageNo < last) {
      const next = new URL(url.href);
      next.searchParams.set("page", String(pageNo + 1));
      headers.link = `<${base}${next.pathname}${next.search}>; rel="next", <${base}${next.pathname}?per_page=${perPage}&page=${last}>; rel="last"`;
    }
    return send(res, 200, items.slice((pageNo - 1) * perPage, pageNo * perPage), headers);
  };
  const pulls = createFakePulls({
    repository,
    htmlRepo: html,
    apiBase: () => base,
    page,
    headExists: options.pullHeadExists,
    onEvent: options.onEvent,
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname.replace(/^\/api\/v3/, "");
    const body = req.method === "GET" ? {} : await readJson(req);
    const auth = req.headers.authorization ?? "";
    if (auth !== `token ${token}` && auth !== `Bearer ${token}`)
      return send(res, 401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
        status: "401",
      });
    const at = scripted.findIndex((f) => !f.method || f.method === req.method);
    const failure = at >= 0 ? scripted.splice(at, 1)[0] : undefined;
    if (failure)
      return send(res, failure.status, { message: failure.message ?? "Server Error" }, failure.headers);
    const pullStatus = await pulls.handle(req.method ?? "GET", path, url, body, res);
    if (pullStatus !== null) return pullStatus;
    const m = /^\/repos\/([^/]+\/[^/]+)\/issues(?:\/(\d+))?(\/comments)?$/.exec(path);
    if (!m || m[1] !== repository) return send(res, 404, { message: "Not Found", documentation_url: "" });
    const number = m[2] ? Number(m[2]) : null;
    const issue = number === null ? undefined : issues.find((i) => i.number === number);
    if (number !== null && !issue) return send(res, 404, { message: "Not Found", documentation_url: "" });

    if (!m[3] && number === null && req.method === "GET") {
      const state = url.searchParams.get("state") ?? "open";
      const wanted = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
      let list = issues.filter((i) => state === "all" || i.state === state);
      list = list.filter((i) =>
        wanted.every((w) => i.labels.some((l) => typeof l !== "string" && l.name === w)),
      );
      if (url.searchParams.get("direction") !== "asc") list = [...list].reverse();
      return page(list, url, res);
    }
    if (!m[3] && number === null && req.method === "POST") {
      const title = String(body.title ?? "");
      const text = typeof body.body === "string" ? body.body : null;
      if (!title || title.length > 256 || (text?.length ?? 0) > 65536)
        return send(res, 422, {
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
        const h = hold;
        hold = null;
        h.arrived();
        if (!(await h.decide)) {
          res.socket?.destroy();
          return 0;
        }
      }
      return send(res, 201, created);
    }
    if (issue && !m[3] && req.method === "GET") return send(res, 200, issue);
    if (issue && !m[3] && req.method === "PATCH") {
      if (body.state === "closed" || body.state === "open") issue.state = body.state;
      return send(res, 200, issue);
    }
    if (issue && m[3] && req.method === "GET") return page(comments.get(issue.number) ?? [], url, res);
    if (issue && m[3] && req.method === "POST") {
      const text = String(body.body ?? "");
      if (!text || text.length > 65536) return send(res, 422, { message: "Validation Failed" });
      const id = ++commentId;
      const comment = makeComment(id, text, issue, `${base}/repos/${repository}`);
      comments.set(issue.number, [...(comments.get(issue.number) ?? []), comment]);
      issue.comments++;
      options.onEvent?.(`comment on #${issue.number}`);
      return send(res, 201, comment);
    }
    return send(res, 404, { message: "Not Found", documentation_url: "" });
  }

  const server = createServer((req, res) => {
    handle(req, res).then(
      (status) => requests.push({ method: req.method ?? "?", path: req.url ?? "/", status }),
      (err: Error) => {
        requests.push({ method: req.method ?? "?", path: req.url ?? "/", status: 500 });
        if (!res.headersSent) send(res, 500, { message: err.message });
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
    holdNextCreate() {
      let arrived!: () => void;
      let release!: (answer: boolean) => void;
      const received = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      hold = {
        arrived,
        decide: new Promise<boolean>((resolve) => {
          release = resolve;
        }),
      };
      return { received, release };
    },
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
