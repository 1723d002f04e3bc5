/**
 * Tracking of autofix PRs: which were merged, closed or are still open, so the original design's indicator
 * "Auto-Fix success rate = merged PRs / created PRs" can be computed. GitHub is the source of truth: a poll
 * lists the repository's recent PRs and keeps those carrying the autofix markers. The facts go to `onFacts`,
 * which stores them (`ai-monitor report` reads them); see docs/autofix.md.
 * @see https://docs.github.com/en/rest/pulls/pulls#list-pull-requests
 */
import type { Logger } from "../log.js";
import type { AutofixPrRecord } from "../store/store.js";
import type { AutofixGithub, PullSummary } from "./pr.js";
import { parseAutofixMarkers } from "./pr-body.js";

/** One autofix PR and its fate: the record the store keeps (upserted by URL). */
export type AutofixPrFacts = AutofixPrRecord;

/** Pure: the autofix PRs among `pulls` (those with both markers), with their state. */
export function autofixPrFacts(pulls: readonly PullSummary[]): AutofixPrFacts[] {
  return pulls.flatMap((pull) => {
    const markers = parseAutofixMarkers(pull.body);
    if (!markers) return [];
    const { url, number, state, createdAt, closedAt, mergedAt } = pull;
    return [{ url, number, state, createdAt, closedAt, mergedAt, ...markers }];
  });
}

/** The success figures. `rate` is merged / created, null before the first PR. */
export interface AutofixSuccess {
  created: number;
  open: number;
  merged: number;
  closed: number;
  rate: number | null;
}

/** Pure: merged PRs / created PRs (a PR closed without merging counts as created, not merged). */
export function autofixSuccessRate(facts: readonly AutofixPrFacts[]): AutofixSuccess {
  const count = (state: AutofixPrFacts["state"]) => facts.filter((f) => f.state === state).length;
  const created = facts.length;
  const merged = count("merged");
  return {
    created,
    open: count("open"),
    merged,
    closed: count("closed"),
    rate: created ? merged / created : null,
  };
}

export interface PrTrackerOptions {
  github: AutofixGithub;
  log: Logger;
  now: () => number;
  /** Poll period; 0 turns the timer off (pollOnce still works). */
  intervalMs: number;
  /** How far back PRs are listed (default 30 days). */
  lookbackMs?: number;
  onFacts?: (facts: AutofixPrFacts[], success: AutofixSuccess) => Promise<void> | void;
}

export interface PrTracker {
  pollOnce(): Promise<AutofixPrFacts[]>;
  start(): void;
  stop(): void;
}

/** Create the tracker (not started). */
export function createPrTracker(options: PrTrackerOptions): PrTracker {
  const lookbackMs = options.lookbackMs ?? 30 * 24 * 60 * 60 * 1000;
  let timer: NodeJS.Timeout | null = null;

  async function pollOnce(): Promise<AutofixPrFacts[]> {
    const facts = autofixPrFacts(await options.github.listPulls(options.now() - lookbackMs));
    const success = autofixSuccessRate(facts);
    options.log.debug(success, "autofix PRs polled");
    await options.onFacts?.(facts, success);
    return facts;
  }

  return {
    pollOnce,
    start() {
      if (options.intervalMs <= 0 || timer) return;
      const poll = () =>
        void pollOnce().catch((err: Error) =>
          options.log.warn({ err: err.message }, "autofix PR poll failed"),
        );
      // Once at start, so PRs merged while the service was down are known without waiting a whole interval.
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
