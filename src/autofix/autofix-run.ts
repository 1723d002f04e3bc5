/**
 * One autofix attempt, start to finish: an open PR for the fingerprint already? -> the path and the policy ->
 * the daily cap -> a worktree from the remote's default branch -> apply -> tests -> commit -> push -> draft PR.
 * Cheap refusals come first, so a denied proposal never fetches or builds. Whatever happens after the worktree
 * exists, it is removed again, with the local branch; the remote branch too when the PR could not be opened.
 */
import { join } from "node:path";
import type { AutofixOptions } from "../config/autofix-section.js";
import type { Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import { classifyGithubError } from "../sinks/github/classify.js";
import type { Store } from "../store/store.js";
import { unifiedDiff } from "./diff.js";
import type { Git } from "./git.js";
import { decideEdit, normalizeEditPath, pathDenial } from "./policy.js";
import type { AutofixGithub } from "./pr.js";
import { autofixFingerprintMarker, commitMessage, prBody, prTitle } from "./pr-body.js";
import { runTests, type TestRun } from "./test-runner.js";
import * as wt from "./worktree.js";

/** What an attempt needs. */
export interface AutofixRunDeps {
  git: Git;
  github: AutofixGithub;
  store: Pick<Store, "takeToken" | "getIncident">;
  options: AutofixOptions;
  /** The local clone of the monitored server (AI_MONITOR_REPO_PATH). */
  repoPath: string;
  log: Logger;
  now: () => number;
}

/** How an attempt ended. Only "created" and "existing" carry a PR; the rest say why not. */
export type AttemptOutcome =
  | { kind: "created"; url: string; number: number; branch: string; rule: string; test: TestRun }
  | { kind: "existing"; url: string; number: number }
  | { kind: "dry-run"; text: string }
  | { kind: "denied"; reason: string }
  | { kind: "capped"; reason: string }
  | { kind: "tests-failed"; reason: string; test: TestRun }
  | { kind: "error"; retryable: boolean; retryAfterMs?: number; reason: string };

/** The window of the daily cap. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** The GitHub failure as an outcome, with hints that fit pull requests. */
function githubFailure(err: unknown, now: number, stage: string): AttemptOutcome {
  const result = classifyGithubError(err, now);
  const reason = result.error
    .replace("it needs Issues: read and write", "autofix needs Pull requests and Contents: read and write")
    .replace("GitHub refused the issue", "GitHub refused the pull request");
  return {
    kind: "error",
    retryable: result.retryable,
    retryAfterMs: result.retryAfterMs,
    reason: `${stage}: ${reason}`,
  };
}

const gitFailure = (err: unknown, stage: string, retryable: boolean): AttemptOutcome => ({
  kind: "error",
  retryable,
  reason: `${stage}: ${err instanceof Error ? err.message : String(err)}`,
});

/** Run one attempt for the incident (the caller serialises attempts). */
export async function attemptAutofix(
  deps: AutofixRunDeps,
  incident: Incident,
  mode: { dryRun?: boolean } = {},
): Promise<AttemptOutcome> {
  const { git, github, options, log } = deps;
  const edit = incident.diagnosis?.autoFixable ? incident.diagnosis.proposedEdit : null;
  if (!edit) return { kind: "denied", reason: "the diagnosis proposes no edit" };
  const normalized = normalizeEditPath(edit.file);
  if (!normalized.ok) return { kind: "denied", reason: normalized.reason };
  const early = pathDenial(normalized.path, options);
  if (early) return { kind: "denied", reason: early };

  if (!mode.dryRun) {
    try {
      const open = await github.findOpenPull(autofixFingerprintMarker(incident.fingerprint));
      if (open) return { kind: "existing", url: open.url, number: open.number };
    } catch (err) {
      return githubFailure(err, deps.now(), "looking for an open autofix PR");
    }
  }

  let layout: wt.RepoLayout;
  try {
    layout = await wt.repoLayout(git, deps.repoPath);
  } catch (err) {
    return gitFailure(err, `${deps.repoPath} is not a usable git repository`, false);
  }
  let base: string;
  let commit: string;
  try {
    base = options.baseBranch ?? (await wt.remoteDefaultBranch(git, layout.top, options.remote));
    commit = await wt.fetchBase(git, layout.top, options.remote, base);
  } catch (err) {
    return gitFailure(err, `fetching from ${options.remote}`, true);
  }
  const treePath = `${layout.prefix}${normalized.path}`;
  const file = await wt.readTreeFile(git, layout.top, commit, treePath).catch((err: Error) => err);
  if (file instanceof Error) return gitFailure(file, "reading the file", true);
  if (!file.ok && !file.missing) return { kind: "denied", reason: file.reason };
  const original = file.ok ? file.text : null;
  const decision = decideEdit({ ...edit, file: normalized.path, original }, options);
  if (!decision.allowed) return { kind: "denied", reason: decision.reason };
  const diff = unifiedDiff(treePath, original ?? "", decision.updated);
  if (mode.dryRun) return { kind: "dry-run", text: `${decision.reason}\n\n${diff}` };

  // Counted before the build: the cap bounds the work autofix does as well as the PRs it opens.
  const token = await deps.store.takeToken("autofix", incident.id, options.dailyCap, DAY_MS, deps.now());
  if (!token)
    return { kind: "capped", reason: `daily cap reached (${options.dailyCap} autofix attempts per 24 h)` };

  const branch = wt.branchName(incident.errorCode, incident.createdAt, incident.id);
  await wt.removeStale(git, layout.top, branch);
  let tree: wt.Worktree;
  try {
    tree = await wt.addWorktree(git, layout.top, branch, commit);
  } catch (err) {
    return gitFailure(err, "creating the worktree", false);
  }
  const child = log.child({ incident: incident.id, branch });
  let pushed = false;
  let outcome: AttemptOutcome = { kind: "error", retryable: true, reason: "autofix stopped unexpectedly" };
  try {
    await wt.writeCheckedFile(tree.dir, treePath, original ?? "", decision.updated);
    child.info({ command: options.testCommand, rule: decision.rule }, "autofix: running the tests");
    const test = await runTests({
      command: options.testCommand,
      cwd: join(tree.dir, layout.prefix),
      timeoutMs: options.testTimeout,
      env: options.cargoTargetDir ? { CARGO_TARGET_DIR: options.cargoTargetDir } : {},
      now: deps.now,
    });
    if (!test.passed) {
      outcome = { kind: "tests-failed", reason: `tests failed, change rolled back: ${test.summary}`, test };
      return outcome;
    }
    await wt.commitFile(git, tree.dir, treePath, commitMessage(incident, decision.reason));
    try {
      await wt.pushBranch(git, tree.dir, options.remote, branch);
      pushed = true;
    } catch (err) {
      outcome = gitFailure(err, `pushing ${branch} to ${options.remote}`, true);
      return outcome;
    }
    // Re-read: the GitHub issue sink runs beside this one and may have filed the issue meanwhile.
    const fresh = (await deps.store.getIncident(incident.id)) ?? incident;
    const issueUrl =
      fresh.deliveries.find((d) => d.sink === "github" && d.state === "sent")?.remoteRef ?? null;
    try {
      const pull = await github.createDraftPull({
        title: prTitle(incident),
        head: branch,
        base,
        body: prBody({
          incident,
          ruleDetail: decision.reason,
          path: treePath,
          diff,
          test,
          baseBranch: base,
          issueUrl,
        }),
      });
      outcome = { kind: "created", url: pull.url, number: pull.number, branch, rule: decision.reason, test };
      return outcome;
    } catch (err) {
      outcome = githubFailure(err, deps.now(), "opening the draft PR");
      return outcome;
    }
  } catch (err) {
    outcome = gitFailure(err, "preparing the fix", false);
    return outcome;
  } finally {
    if (pushed && outcome.kind !== "created") {
      const problem = await wt.deleteRemoteBranch(git, layout.top, options.remote, branch);
      if (problem) child.warn({ err: problem }, "autofix: could not delete the pushed branch");
    }
    const problems = await wt.removeWorktree(git, layout.top, tree);
    if (problems.length > 0) child.warn({ problems }, "autofix: cleanup was incomplete");
  }
}
