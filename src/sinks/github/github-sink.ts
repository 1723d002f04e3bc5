/**
 * The GitHub sink: one issue per fingerprint. Before creating, it looks for an open issue carrying the
 * fingerprint marker and comments on it instead (a new occurrence of a known problem). After a crash between
 * GitHub's answer and the outbox record, `lookup` finds the issue or comment by its incident marker, so a
 * restart never files it twice. The remote reference is the issue's URL, which Discord then links to.
 * @see https://docs.github.com/en/rest/issues
 */
import type { Incident } from "../../domain/types.js";
import type { Logger } from "../../log.js";
import type { Sink } from "../sink.js";
import { classifyGithubError } from "./classify.js";
import { createGithubClient, type GithubClientOptions } from "./github-client.js";
import {
  fingerprintMarker,
  ISSUE_LABEL,
  incidentMarker,
  issueBody,
  issueLabels,
  issueTitle,
  occurrenceComment,
} from "./issue-body.js";

/** Dependencies and settings of the GitHub sink. */
export interface GithubSinkOptions
  extends Partial<Pick<GithubClientOptions, "fetch" | "retryBaseMs" | "retries" | "throttle">> {
  token: string;
  /** owner/name */
  repository: string;
  /** REST base URL (GITHUB_API_URL); https://api.github.com when omitted. */
  apiUrl?: string;
  log: Logger;
  now: () => number;
  grafanaExploreUrl?: (incident: Incident) => string | null;
  dryRun?: boolean;
  print?: (text: string) => void;
}

/** Open issues scanned for a marker (100 per page); older ones are beyond any sane backlog of alerts. */
const MAX_PAGES = 10;

/** Create the GitHub issue sink. */
export function createGithubSink(options: GithubSinkOptions): Sink {
  const [owner, repo] = options.repository.split("/") as [string, string];
  if (!owner || !repo)
    throw new Error(`GITHUB_REPOSITORY must be owner/name, got ${JSON.stringify(options.repository)}`);
  const log = options.log.child({ sink: "github", repository: options.repository });
  const client = createGithubClient({ ...options, apiUrl: options.apiUrl ?? "https://api.github.com", log });
  const print = options.print ?? ((text: string) => log.info({ payload: text }, "dry run: not sent"));
  const redact = (text: string) => (options.token ? text.split(options.token).join("***") : text);
  const explore = (incident: Incident) => options.grafanaExploreUrl?.(incident) ?? null;

  /** The newest open ai-monitor issue (not PR) whose body carries the fingerprint marker. */
  async function findOpenIssue(fingerprint: string) {
    const marker = fingerprintMarker(fingerprint);
    let pages = 0;
    const params = {
      owner,
      repo,
      state: "open",
      labels: ISSUE_LABEL,
      sort: "created",
      direction: "desc",
      per_page: 100,
    } as const;
    for await (const page of client.paginate.iterator(client.rest.issues.listForRepo, params)) {
      const hit = page.data.find((issue) => !issue.pull_request && issue.body?.includes(marker));
      if (hit) return hit;
      if (++pages >= MAX_PAGES) break;
    }
    return null;
  }

  /** Did this incident already add a comment to the issue? */
  async function hasComment(issueNumber: number, marker: string): Promise<boolean> {
    // No `since` filter: it would trust two clocks (ours and GitHub's) to agree.
    const params = { owner, repo, issue_number: issueNumber, per_page: 100 };
    for await (const page of client.paginate.iterator(client.rest.issues.listComments, params)) {
      if (page.data.some((comment) => comment.body?.includes(marker))) return true;
    }
    return false;
  }

  /** The open issue of the fingerprint, and whether this incident already reached it (created or commented). */
  async function findDelivered(incident: Incident) {
    const issue = await findOpenIssue(incident.fingerprint);
    if (!issue) return { issue: null, delivered: false };
    const marker = incidentMarker(incident.id);
    const delivered = !!issue.body?.includes(marker) || (await hasComment(issue.number, marker));
    return { issue, delivered };
  }

  return {
    name: "github",
    providesLink: true,
    accepts: (incident, event) => event === "opened" && incident.suppressed === null,

    async send(incident) {
      const exploreUrl = explore(incident);
      if (options.dryRun) {
        const labels = issueLabels(incident).join(", ");
        print(
          `[dry-run] github issue in ${options.repository}\ntitle: ${issueTitle(incident)}\nlabels: ${labels}\n\n${issueBody(incident, exploreUrl)}\n`,
        );
        return { ok: true, remoteRef: null };
      }
      try {
        // Idempotent by itself: a failed attempt may have created the issue anyway (a 502 after the write),
        // so the markers are checked before every write, and writes are never retried in-request.
        const { issue, delivered } = await findDelivered(incident);
        if (issue && delivered) return { ok: true, remoteRef: issue.html_url };
        const once = { retries: 0 };
        if (issue) {
          const body = occurrenceComment(incident, exploreUrl);
          await client.rest.issues.createComment({
            owner,
            repo,
            issue_number: issue.number,
            body,
            request: once,
          });
          log.info({ incident: incident.id, issue: issue.number }, "commented on the open issue");
          return { ok: true, remoteRef: issue.html_url };
        }
        const created = await client.rest.issues.create({
          owner,
          repo,
          title: issueTitle(incident),
          body: issueBody(incident, exploreUrl),
          labels: issueLabels(incident),
          request: once,
        });
        log.info({ incident: incident.id, issue: created.data.number }, "issue created");
        return { ok: true, remoteRef: created.data.html_url };
      } catch (err) {
        const result = classifyGithubError(err, options.now());
        return { ...result, error: redact(result.error) };
      }
    },

    async lookup(incident) {
      if (options.dryRun) return null;
      try {
        const { issue, delivered } = await findDelivered(incident);
        return issue && delivered ? issue.html_url : null;
      } catch (err) {
        throw new Error(redact(classifyGithubError(err, options.now()).error));
      }
    },
  };
}
