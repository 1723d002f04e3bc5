/**
 * The GitHub side of autofix, through the shared Octokit client (throttling and retry plugins): find an open
 * autofix PR by its hidden marker, open a draft PR, and read PR states for tracking. Writes are never retried
 * in-request (a 502 after GitHub created the PR would make a second one); the marker lookup makes a retry safe.
 * @see https://docs.github.com/en/rest/pulls/pulls
 */
import type { GithubClient } from "../sinks/github/github-client.js";

/** The PR facts autofix uses. */
export interface PullSummary {
  number: number;
  url: string;
  state: "open" | "merged" | "closed";
  body: string;
  head: string;
  createdAt: number;
  closedAt: number | null;
  mergedAt: number | null;
}

/** Pages of 100 PRs scanned for a marker: an older open autofix PR is beyond any sane backlog. */
const MAX_PAGES = 10;

/** The PR operations of one repository. */
export interface AutofixGithub {
  /** The newest open PR whose body contains `marker`, or null. */
  findOpenPull(marker: string): Promise<PullSummary | null>;
  createDraftPull(input: { title: string; body: string; head: string; base: string }): Promise<PullSummary>;
  /** PRs (any state), newest first, created at or after `sinceMs`. */
  listPulls(sinceMs: number): Promise<PullSummary[]>;
}

interface RawPull {
  number: number;
  html_url: string;
  state: string;
  body?: string | null;
  head: { ref: string };
  created_at: string;
  closed_at: string | null;
  merged_at: string | null;
}

const time = (iso: string | null) => (iso ? Date.parse(iso) : null);

/** Pure: the summary of a PR as the REST API returns it. */
export function summarizePull(pull: RawPull): PullSummary {
  return {
    number: pull.number,
    url: pull.html_url,
    state: pull.merged_at ? "merged" : pull.state === "open" ? "open" : "closed",
    body: pull.body ?? "",
    head: pull.head.ref,
    createdAt: time(pull.created_at) ?? 0,
    closedAt: time(pull.closed_at),
    mergedAt: time(pull.merged_at),
  };
}

/** Bind the PR operations to `owner/repo`. */
export function createAutofixGithub(client: GithubClient, repository: string): AutofixGithub {
  const [owner, repo] = repository.split("/") as [string, string];
  if (!owner || !repo)
    throw new Error(`GITHUB_REPOSITORY must be owner/name, got ${JSON.stringify(repository)}`);

  async function* pages(state: "open" | "all") {
    const params = { owner, repo, state, sort: "created", direction: "desc", per_page: 100 } as const;
    let count = 0;
    for await (const page of client.paginate.iterator(client.rest.pulls.list, params)) {
      yield page.data.map((p) => summarizePull(p as RawPull));
      if (++count >= MAX_PAGES) return;
    }
  }

  return {
    async findOpenPull(marker) {
      for await (const page of pages("open")) {
        const hit = page.find((p) => p.body.includes(marker));
        if (hit) return hit;
      }
      return null;
    },

    async createDraftPull(input) {
      const created = await client.rest.pulls.create({
        owner,
        repo,
        ...input,
        draft: true,
        maintainer_can_modify: false,
        request: { retries: 0 },
      });
      return summarizePull(created.data as RawPull);
    },

    async listPulls(sinceMs) {
      const out: PullSummary[] = [];
      for await (const page of pages("all")) {
        for (const pull of page) if (pull.createdAt >= sinceMs) out.push(pull);
        if (page.some((p) => p.createdAt < sinceMs)) break;
      }
      return out;
    },
  };
}
