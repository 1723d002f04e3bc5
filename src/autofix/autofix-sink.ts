/**
 * The autofix sink: the outbox's view of autofix. It accepts opened incidents whose diagnosis is auto-fixable
 * with a proposed edit, runs one attempt at a time (an in-process mutex: worktrees and cargo builds are heavy),
 * and records the result as the delivery: "sent" with the draft PR's URL (which Discord's alert then links as
 * "Draft PR #N"), or "failed" with the reason (denied, capped, tests failed) for good. Its `lookup` finds the PR
 * by the incident marker, so a crash between GitHub's answer and the outbox record never opens a second one.
 */
import type { Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { SendResult, Sink } from "../sinks/sink.js";
import { type AttemptOutcome, type AutofixRunDeps, attemptAutofix } from "./autofix-run.js";
import { autofixIncidentMarker } from "./pr-body.js";

/** Dependencies of the sink: those of an attempt, plus dry run and an observer of every attempt. */
export interface AutofixSinkOptions extends AutofixRunDeps {
  /** Print the policy decision and the diff instead of opening a PR. */
  dryRun?: boolean;
  print?: (text: string) => void;
  /** Called after each attempt (metrics, tracking); errors in it are ignored. */
  onAttempt?: (incident: Incident, outcome: AttemptOutcome) => void;
  /** Secrets to cut from recorded errors (the GitHub token). */
  secrets?: string[];
}

/** The outbox name; Discord's alert links this sink's reference as "Draft PR". */
export const AUTOFIX_SINK = "autofix";

/** Pure: does the incident carry something autofix could try? */
export function autofixCandidate(incident: Incident): boolean {
  const d = incident.diagnosis;
  return incident.suppressed === null && d?.autoFixable === true && !!d.proposedEdit;
}

/** Pure: the outbox result of an attempt. Refusals are permanent: trying again would refuse again. */
export function outcomeToResult(outcome: AttemptOutcome): SendResult {
  switch (outcome.kind) {
    case "created":
    case "existing":
      return { ok: true, remoteRef: outcome.url };
    case "dry-run":
      return { ok: true, remoteRef: null };
    case "denied":
      return { ok: false, retryable: false, error: `denied: ${outcome.reason}` };
    case "capped":
      return { ok: false, retryable: false, error: `not attempted: ${outcome.reason}` };
    case "tests-failed":
      return { ok: false, retryable: false, error: outcome.reason };
    case "error":
      return {
        ok: false,
        retryable: outcome.retryable,
        retryAfterMs: outcome.retryAfterMs,
        error: outcome.reason,
      };
  }
}

/** A promise chain: one task at a time, in arrival order, a failure not blocking the next. */
function createMutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

function logOutcome(log: Logger, incident: Incident, outcome: AttemptOutcome) {
  const base = { incident: incident.id, fingerprint: incident.fingerprint, outcome: outcome.kind };
  if (outcome.kind === "created")
    log.info({ ...base, pr: outcome.url, tests: outcome.test.summary }, "autofix: draft PR opened");
  else if (outcome.kind === "existing")
    log.info({ ...base, pr: outcome.url }, "autofix: an open PR already covers the fingerprint");
  else if (outcome.kind === "dry-run") log.info(base, "autofix: dry run");
  else log.warn({ ...base, reason: outcome.reason }, "autofix: no PR");
}

export function createAutofixSink(options: AutofixSinkOptions): Sink {
  const log = options.log.child({ sink: AUTOFIX_SINK });
  const exclusive = createMutex();
  const print = options.print ?? ((text: string) => log.info({ payload: text }, "dry run: no PR opened"));
  const redact = (text: string) =>
    (options.secrets ?? []).filter((s) => s.length >= 8).reduce((t, s) => t.split(s).join("***"), text);

  return {
    name: AUTOFIX_SINK,
    providesLink: true,
    accepts: (incident, event) => event === "opened" && autofixCandidate(incident),

    async send(incident) {
      const outcome = await exclusive(() =>
        attemptAutofix({ ...options, log }, incident, { dryRun: options.dryRun }).catch(
          (err: Error): AttemptOutcome => ({
            kind: "error",
            retryable: true,
            reason: `unexpected: ${err.message}`,
          }),
        ),
      );
      if (outcome.kind === "dry-run")
        print(`[dry-run] autofix for incident ${incident.id}\n${outcome.text}\n`);
      logOutcome(log, incident, outcome);
      try {
        options.onAttempt?.(incident, outcome);
      } catch (err) {
        log.warn({ err }, "autofix: onAttempt failed");
      }
      const result = outcomeToResult(outcome);
      return result.ok ? result : { ...result, error: redact(result.error).slice(0, 1000) };
    },

    async lookup(incident) {
      if (options.dryRun) return null;
      try {
        return (await options.github.findOpenPull(autofixIncidentMarker(incident.id)))?.url ?? null;
      } catch (err) {
        throw new Error(redact(`looking up the autofix PR: ${(err as Error).message}`));
      }
    },
  };
}
