/**
 * The GitHub sink: one issue per fingerprint, following the incident's life. A new incident files the issue,
 * or, when the fingerprint already has one, comments on it (open), reopens it with a comment (closed as
 * completed), or only comments (closed by a human as not planned or duplicate). A resolution comments on the
 * issue and closes it as completed (`closeOnResolve`), unless a human closed it already; if the incident fires
 * again inside its window, the "update" job reopens what the resolution closed. Every write is
 * decided from what GitHub shows now (issue-lifecycle.ts), with hidden markers naming what was written, so a
 * retry or a restart after a crash (`lookup`) never files, comments or reopens twice. The remote reference is
 * the issue's URL, which Discord then links to.
 * @see https://docs.github.com/en/rest/issues
 */
import type { Incident } from "../../domain/types.js";
import type { Logger } from "../../log.js";
import { deliveryKey, type SendResult, type Sink, type SinkEvent } from "../sink.js";
import { classifyGithubError } from "./classify.js";
import { createGithubClient, type GithubClientOptions } from "./github-client.js";
import { incidentMarker, issueBody, issueLabels, issueTitle } from "./issue-body.js";
import {
  occurrenceComment,
  type RecurrenceState,
  refiredMarker,
  resolvedComment,
  resolvedMarker,
  resolvedMarkerPrefix,
} from "./issue-comments.js";
import {
  COMMENT_INTERVAL_MS,
  commentFacts,
  planRecurrence,
  planResolution,
  settled,
} from "./issue-lifecycle.js";
import { createIssueRemote, issueFacts, issueNumberOf } from "./issue-remote.js";

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
  /** The incident's page on ai-monitor (publicUrl), linked for a verdict; none when omitted. */
  incidentPageUrl?: (incident: Incident) => string | null;
  dryRun?: boolean;
  print?: (text: string) => void;
  /** Close the issue as completed when its incident resolves (`dispatch.github.closeOnResolve`); default true. */
  closeOnResolve?: boolean;
  /** At most one comment of each kind per issue in this long; default 5 minutes. */
  commentIntervalMs?: number;
}

/** Pure: the issue URL the incident's "opened" delivery recorded, if it was sent. */
const openedRef = (incident: Incident) =>
  incident.deliveries.find((d) => d.sink === deliveryKey("github", "opened") && d.state === "sent")
    ?.remoteRef;

export function createGithubSink(options: GithubSinkOptions): Sink {
  const [owner, repo] = options.repository.split("/") as [string, string];
  if (!owner || !repo)
    throw new Error(`GITHUB_REPOSITORY must be owner/name, got ${JSON.stringify(options.repository)}`);
  const log = options.log.child({ sink: "github", repository: options.repository });
  const client = createGithubClient({ ...options, apiUrl: options.apiUrl ?? "https://api.github.com", log });
  const remote = createIssueRemote(client, owner, repo);
  const print = options.print ?? ((text: string) => log.info({ payload: text }, "dry run: not sent"));
  const redact = (text: string) => (options.token ? text.split(options.token).join("***") : text);
  const explore = (incident: Incident) => options.grafanaExploreUrl?.(incident) ?? null;
  const closeOnResolve = options.closeOnResolve ?? true;
  const interval = options.commentIntervalMs ?? COMMENT_INTERVAL_MS;

  /** The issue a new incident goes to, and what it still needs (null issue: file a new one). */
  async function planOpened(incident: Incident) {
    const issue = await remote.findIssue(incident.fingerprint);
    if (!issue) return { issue: null, plan: null };
    // Filed by this very incident (a crash after the create): nothing left to do.
    if (issue.body?.includes(incidentMarker(incident.id)))
      return { issue, plan: { comment: null, setState: null } };
    const bodies = await remote.commentBodies(issue.number);
    const comments = commentFacts(bodies, incidentMarker(incident.id), "occurrence");
    const plan = planRecurrence(issueFacts(issue, incident.fingerprint), comments, options.now(), interval);
    return { issue, plan };
  }

  /** The issue the incident's "opened" delivery recorded, and what its resolution still needs. */
  async function planResolved(incident: Incident) {
    const number = issueNumberOf(openedRef(incident));
    if (number === null) return null;
    const issue = await remote.getIssue(number);
    const facts = issueFacts(issue, incident.fingerprint);
    // Closed (by a human, or by us before a crash) or not ours: no comment needed, no list of comments read.
    if (!facts.ours || facts.state !== "open") return { issue, plan: { comment: null, setState: null } };
    const comments = commentFacts(await remote.commentBodies(number), resolvedMarker(incident), "resolved");
    return { issue, plan: planResolution(facts, comments, options.now(), closeOnResolve, interval) };
  }

  /**
   * A resolved incident firing again inside its window (the store reopened it): the issue its resolution
   * reached, if that is closed now, and what it needs; null when there is nothing to do.
   */
  async function planRefired(incident: Incident) {
    const number = issueNumberOf(openedRef(incident));
    if (incident.status !== "open" || number === null) return null;
    const issue = await remote.getIssue(number);
    if (issue.state !== "closed") return null;
    const bodies = await remote.commentBodies(number);
    // Only after this incident's resolution reached the issue; one a human closed while the incident stayed
    // open is theirs to decide until a new incident (a recurrence) comes.
    if (!bodies.some((b) => b.includes(resolvedMarkerPrefix(incident)))) return null;
    const comments = commentFacts(bodies, refiredMarker(incident), "occurrence");
    const plan = planRecurrence(issueFacts(issue, incident.fingerprint), comments, options.now(), interval);
    return { issue, plan };
  }

  async function sendOpened(incident: Incident): Promise<SendResult> {
    const exploreUrl = explore(incident);
    // Idempotent by itself: a failed attempt may have written anyway (a 502 after the write), so the markers
    // are checked before every write, and content-creating writes are never retried in-request.
    const { issue, plan } = await planOpened(incident);
    if (issue && plan) {
      const now = options.now();
      await remote.apply(issue.number, plan, () =>
        occurrenceComment(incident, exploreUrl, now, (plan.comment as RecurrenceState | null) ?? "open"),
      );
      if (!settled(plan))
        log.info({ incident: incident.id, issue: issue.number, ...plan }, "updated the fingerprint's issue");
      return { ok: true, remoteRef: issue.html_url };
    }
    const created = await remote.create(
      issueTitle(incident),
      issueBody(incident, exploreUrl, options.incidentPageUrl?.(incident) ?? null),
      issueLabels(incident),
    );
    log.info({ incident: incident.id, issue: created.number }, "issue created");
    return { ok: true, remoteRef: created.html_url };
  }

  async function sendResolved(incident: Incident): Promise<SendResult> {
    const found = await planResolved(incident);
    if (!found) return { ok: true, remoteRef: null };
    const { issue, plan } = found;
    const now = options.now();
    await remote.apply(issue.number, plan, () =>
      resolvedComment(incident, explore(incident), now, plan.setState !== null),
    );
    if (!settled(plan))
      log.info({ incident: incident.id, issue: issue.number, ...plan }, "resolution on the issue");
    return { ok: true, remoteRef: issue.html_url };
  }

  function printDryRun(incident: Incident, event: SinkEvent) {
    const exploreUrl = explore(incident);
    if (event === "resolved") {
      const closing = closeOnResolve ? " and close it as completed" : "";
      print(
        `[dry-run] github: comment on the incident's issue in ${options.repository}${closing}\n\n${resolvedComment(incident, exploreUrl, options.now(), closeOnResolve)}\n`,
      );
      return;
    }
    const labels = issueLabels(incident).join(", ");
    print(
      `[dry-run] github issue in ${options.repository}\ntitle: ${issueTitle(incident)}\nlabels: ${labels}\n\n${issueBody(incident, exploreUrl, options.incidentPageUrl?.(incident) ?? null)}\n`,
    );
  }

  return {
    name: "github",
    providesLink: true,
    notifiesPeople: true,
    // Resolutions come only after the opening was sent here: the worker's ordering gate sees to that.
    accepts: (incident) => incident.suppressed === null,

    async send(incident, event) {
      if (options.dryRun) {
        printDryRun(incident, event);
        return { ok: true, remoteRef: null };
      }
      try {
        return await (event === "resolved" ? sendResolved(incident) : sendOpened(incident));
      } catch (err) {
        const result = classifyGithubError(err, options.now());
        return { ...result, error: redact(result.error) };
      }
    },

    // Called by "update" jobs (new links, or the store reopening a resolved incident): reopen what we closed.
    async update(incident) {
      if (options.dryRun) return { ok: true, remoteRef: null };
      try {
        const found = await planRefired(incident);
        if (!found) return { ok: true, remoteRef: null };
        const { issue, plan } = found;
        const now = options.now();
        await remote.apply(issue.number, plan, () =>
          occurrenceComment(incident, explore(incident), now, plan.comment as RecurrenceState, true),
        );
        if (!settled(plan)) log.info({ incident: incident.id, issue: issue.number, ...plan }, "firing again");
        return { ok: true, remoteRef: issue.html_url };
      } catch (err) {
        const result = classifyGithubError(err, options.now());
        return { ...result, error: redact(result.error) };
      }
    },

    async lookup(incident, event) {
      if (options.dryRun) return null;
      try {
        const found = event === "resolved" ? await planResolved(incident) : await planOpened(incident);
        return found?.issue && found.plan && settled(found.plan) ? found.issue.html_url : null;
      } catch (err) {
        throw new Error(redact(classifyGithubError(err, options.now()).error));
      }
    },
  };
}
