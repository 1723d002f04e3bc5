/**
 * Verdicts where engineers already are: a 👍 or 👎 reaction on the GitHub issue ai-monitor opened counts as
 * that GitHub user's verdict on the diagnosis in the issue (`correct` / `wrong`), stored as reviewer
 * `github:LOGIN` beside the page's and the CLI's verdicts. A poll lists ai-monitor's recent issues (their
 * reaction counts come with them) and reads the reactions only of issues that have 👍 or 👎, through the
 * throttled Octokit client of the sink. Bots' reactions are not verdicts.
 * @see https://docs.github.com/en/rest/reactions/reactions#list-reactions-for-an-issue
 */
import type { Logger } from "../../log.js";
import { GITHUB_REVIEWER_PREFIX } from "../../report/feedback-input.js";
import type { DiagnosisFeedback, FeedbackVerdict, Store } from "../../store/store.js";
import type { GithubClient } from "./github-client.js";
import { ISSUE_LABEL } from "./issue-body.js";

/** One reaction as read from GitHub (the fields used). */
export interface ReactionFact {
  content: string;
  createdAt: string;
  login: string | null;
  userType: string | null;
}

const VERDICT_OF: Record<string, FeedbackVerdict> = { "+1": "correct", "-1": "wrong" };

/** Pure: the incident an ai-monitor issue was opened for, from its hidden marker; null when none. */
export function issueIncidentId(body: string | null | undefined): string | null {
  const m = /<!-- ai-monitor:incident=([0-9]{1,16}) -->/.exec(body ?? "");
  return m ? m[1]! : null;
}

/**
 * Pure: each person's verdict from their 👍/👎 on the incident's issue; with both, the later one. Other
 * reactions, bots and reactions without a user (deleted accounts) say nothing.
 */
export function reactionVerdicts(
  incidentId: string,
  reactions: readonly ReactionFact[],
): DiagnosisFeedback[] {
  const latest = new Map<string, DiagnosisFeedback>();
  for (const r of reactions) {
    const verdict = VERDICT_OF[r.content];
    const at = Date.parse(r.createdAt);
    if (!verdict || !r.login || r.userType === "Bot" || !Number.isFinite(at)) continue;
    const reviewer = `${GITHUB_REVIEWER_PREFIX}${r.login}`;
    const seen = latest.get(reviewer);
    if (!seen || seen.at <= at) latest.set(reviewer, { incidentId, reviewer, verdict, note: null, at });
  }
  return [...latest.values()];
}

export interface ReactionPollerOptions {
  client: GithubClient;
  /** owner/name */
  repository: string;
  store: Pick<Store, "getIncident" | "saveDiagnosisFeedback">;
  log: Logger;
  now: () => number;
  /** Poll period; 0 turns the timer off (pollOnce still works). */
  intervalMs: number;
  /** Issues opened this long ago or less are read (default 30 days, the report's default period). */
  lookbackMs?: number;
}

export interface ReactionPoller {
  /** Read reactions once; resolves with the verdicts stored. */
  pollOnce(): Promise<DiagnosisFeedback[]>;
  start(): void;
  stop(): void;
}

/** Create the poller (not started). */
export function createReactionPoller(options: ReactionPollerOptions): ReactionPoller {
  const { client, store, log } = options;
  const [owner, repo] = options.repository.split("/") as [string, string];
  const lookbackMs = options.lookbackMs ?? 30 * 24 * 60 * 60 * 1000;
  let timer: NodeJS.Timeout | null = null;

  async function recentIssuesWithVotes() {
    const cutoff = new Date(options.now() - lookbackMs).toISOString();
    const params = { owner, repo, labels: ISSUE_LABEL, state: "all" as const, sort: "created" as const };
    return client.paginate(
      client.rest.issues.listForRepo,
      { ...params, direction: "desc", per_page: 100 },
      (response, done) => {
        if (response.data.some((issue) => issue.created_at < cutoff)) done();
        return response.data.filter(
          (i) => !i.pull_request && i.created_at >= cutoff && (i.reactions?.["+1"] || i.reactions?.["-1"]),
        );
      },
    );
  }

  async function pollOnce(): Promise<DiagnosisFeedback[]> {
    const stored: DiagnosisFeedback[] = [];
    for (const issue of await recentIssuesWithVotes()) {
      const incidentId = issueIncidentId(issue.body);
      const incident = incidentId ? await store.getIncident(incidentId) : null;
      // Another ai-monitor's issue (another database), or one whose incident is gone: not ours to count.
      if (!incident?.diagnosis) continue;
      const reactions = await client.paginate(client.rest.reactions.listForIssue, {
        owner,
        repo,
        issue_number: issue.number,
        per_page: 100,
      });
      const facts = reactions.map((r) => ({
        content: r.content,
        createdAt: r.created_at,
        login: r.user?.login ?? null,
        userType: r.user?.type ?? null,
      }));
      for (const verdict of reactionVerdicts(incident.id, facts)) {
        await store.saveDiagnosisFeedback(verdict);
        stored.push(verdict);
      }
    }
    log.debug({ verdicts: stored.length }, "GitHub reactions read as verdicts");
    return stored;
  }

  return {
    pollOnce,
    start() {
      if (options.intervalMs <= 0 || timer) return;
      const poll = () =>
        void pollOnce().catch((err: Error) => log.warn({ err: err.message }, "GitHub reaction poll failed"));
      poll();
      timer = setInterval(poll, options.intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
