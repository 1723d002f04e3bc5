/**
 * The GitHub reads and writes of the issue sink: find ai-monitor's issue of a fingerprint, read an issue and
 * its comments, and carry out a lifecycle plan (comment, then state change). Writes that create content are
 * never retried in-request (a 502 may hide a success; the markers decide on the next attempt); the state
 * change is idempotent, so the retry plugin may repeat it.
 * @see https://docs.github.com/en/rest/issues
 */
import type { GithubClient } from "./github-client.js";
import { fingerprintMarker, ISSUE_LABEL } from "./issue-body.js";
import type { IssueFacts, IssuePlan } from "./issue-lifecycle.js";

/** The fields of an issue the sink reads. */
export interface RemoteIssue {
  number: number;
  html_url: string;
  state: string;
  state_reason?: string | null;
  body?: string | null;
  labels: Array<string | { name?: string }>;
  pull_request?: unknown;
}

/** Issues scanned for a marker (100 per page); older ones are beyond any sane backlog of alerts. */
const MAX_PAGES = 10;

/** Pure: the facts a lifecycle plan reads from an issue. */
export function issueFacts(issue: RemoteIssue, fingerprint: string): IssueFacts {
  return {
    state: issue.state,
    stateReason: issue.state_reason ?? null,
    ours: !!issue.body?.includes(fingerprintMarker(fingerprint)),
    labels: issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
  };
}

/** Pure: the issue number of an issue URL the sink recorded (`…/issues/12`), null for anything else. */
export function issueNumberOf(url: string | null | undefined): number | null {
  const m = /\/issues\/(\d+)$/.exec(url ?? "");
  return m ? Number(m[1]) : null;
}

/** Create the remote operations for `owner/repo`. */
export function createIssueRemote(client: GithubClient, owner: string, repo: string) {
  const once = { retries: 0 };

  return {
    /**
     * ai-monitor's issue of the fingerprint, open or closed: the newest carrying the marker (ai-monitor files a
     * new one only when none exists, so it is the one; older duplicates come from before issues were reopened).
     */
    async findIssue(fingerprint: string): Promise<RemoteIssue | null> {
      const marker = fingerprintMarker(fingerprint);
      const params = {
        owner,
        repo,
        state: "all",
        labels: ISSUE_LABEL,
        sort: "created",
        direction: "desc",
        per_page: 100,
      } as const;
      let pages = 0;
      for await (const page of client.paginate.iterator(client.rest.issues.listForRepo, params)) {
        const hit = page.data.find((i) => !i.pull_request && i.body?.includes(marker));
        if (hit) return hit;
        if (++pages >= MAX_PAGES) break;
      }
      return null;
    },

    /** One issue by number. */
    async getIssue(issueNumber: number): Promise<RemoteIssue> {
      const { data } = await client.rest.issues.get({ owner, repo, issue_number: issueNumber });
      return data as RemoteIssue;
    },

    /** The bodies of every comment on the issue, oldest first. */
    async commentBodies(issueNumber: number): Promise<string[]> {
      // No `since` filter: it would trust two clocks (ours and GitHub's) to agree.
      const params = { owner, repo, issue_number: issueNumber, per_page: 100 };
      const bodies: string[] = [];
      for await (const page of client.paginate.iterator(client.rest.issues.listComments, params)) {
        for (const comment of page.data) bodies.push(comment.body ?? "");
      }
      return bodies;
    },

    /** Create an issue; never retried in-request. */
    async create(title: string, body: string, labels: string[]): Promise<RemoteIssue> {
      const { data } = await client.rest.issues.create({ owner, repo, title, body, labels, request: once });
      return data as RemoteIssue;
    },

    /** Carry out a plan: the comment (never retried in-request), then the state change. */
    async apply(issueNumber: number, plan: IssuePlan, commentBody: () => string): Promise<void> {
      if (plan.comment !== null) {
        const body = commentBody();
        await client.rest.issues.createComment({
          owner,
          repo,
          issue_number: issueNumber,
          body,
          request: once,
        });
      }
      if (plan.setState !== null)
        await client.rest.issues.update({ owner, repo, issue_number: issueNumber, ...plan.setState });
    },
  };
}

/** The remote operations of one repository. */
export type IssueRemote = ReturnType<typeof createIssueRemote>;
