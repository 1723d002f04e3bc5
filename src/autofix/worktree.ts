/**
 * The autofix worktree: a fresh branch from the remote's default branch, checked out in a temporary directory
 * with `git worktree add`, so the user's checkout (its files, index and HEAD) is never touched. Everything here
 * undoes itself: the worktree, the local branch and, on failure, the pushed branch are removed.
 * @see https://git-scm.com/docs/git-worktree
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Git } from "./git.js";

/** Where the repository is: its top level, and the prefix of repoPath inside it ("" or "sub/dir/"). */
export interface RepoLayout {
  top: string;
  prefix: string;
}

/** Network commands (fetch, push, ls-remote) get longer than local ones. */
export const NETWORK_TIMEOUT_MS = 120_000;

/** Find the repository of `repoPath`. */
export async function repoLayout(git: Git, repoPath: string): Promise<RepoLayout> {
  const top = await git(repoPath, ["rev-parse", "--show-toplevel"]);
  const prefix = await git(repoPath, ["rev-parse", "--show-prefix"]);
  return { top, prefix };
}

/** The remote's default branch, as the remote says (its HEAD symref). */
export async function remoteDefaultBranch(git: Git, top: string, remote: string): Promise<string> {
  const out = await git(top, ["ls-remote", "--symref", remote, "HEAD"], { timeoutMs: NETWORK_TIMEOUT_MS });
  const branch = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(out)?.[1];
  if (!branch) throw new Error(`the remote ${remote} names no default branch; set autofixOptions.baseBranch`);
  return branch;
}

/** Fetch the base branch into its remote-tracking ref and return its commit. */
export async function fetchBase(git: Git, top: string, remote: string, branch: string): Promise<string> {
  const tracking = `refs/remotes/${remote}/${branch}`;
  await git(top, ["fetch", "--no-tags", "--quiet", remote, `+refs/heads/${branch}:${tracking}`], {
    timeoutMs: NETWORK_TIMEOUT_MS,
  });
  return git(top, ["rev-parse", "--verify", `${tracking}^{commit}`]);
}

/** A file of a commit: its text, or why there is none (missing, a symlink, a submodule). */
export type TreeFile = { ok: true; text: string } | { ok: false; missing: boolean; reason: string };

/** Read `path` (relative to the top level) as it is in `commit`. */
export async function readTreeFile(git: Git, top: string, commit: string, path: string): Promise<TreeFile> {
  const entry = await git(top, ["ls-tree", "-z", commit, "--", path], { raw: true });
  const match = /^(\d+) (\w+) ([0-9a-f]+)\t/.exec(entry);
  if (!match) return { ok: false, missing: true, reason: `${path} does not exist` };
  const [, mode, type, oid] = match;
  // A symlink could point outside the repository; a submodule is another repository.
  if (type !== "blob" || (mode !== "100644" && mode !== "100755"))
    return { ok: false, missing: false, reason: `${path} is not a regular file (mode ${mode})` };
  return { ok: true, text: await git(top, ["cat-file", "blob", oid!], { raw: true }) };
}

/** Pure: `fix/<error_code>-<UTC timestamp>-<incident id>`, a valid ref name whatever the log said. */
export function branchName(errorCode: string | null, atMs: number, incidentId: string): string {
  const code = (errorCode ?? "NO_CODE").replace(/[^A-Za-z0-9_]+/g, "_").slice(0, 40) || "NO_CODE";
  const stamp = new Date(atMs)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const id = incidentId.replace(/[^A-Za-z0-9]+/g, "").slice(0, 24);
  return `fix/${code}-${stamp}${id ? `-${id}` : ""}`;
}

export interface Worktree {
  dir: string;
  branch: string;
}

/** Create a temporary worktree on a new branch at `commit`. */
export async function addWorktree(git: Git, top: string, branch: string, commit: string): Promise<Worktree> {
  const dir = await mkdtemp(join(tmpdir(), "ai-monitor-autofix-"));
  try {
    await git(top, ["worktree", "add", "--quiet", "--no-track", "-b", branch, dir, commit]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, branch };
}

/** Apply an edit already checked by the policy; refuse if the worktree's file differs from what was checked. */
export async function writeCheckedFile(dir: string, path: string, expected: string, updated: string) {
  const file = join(dir, path);
  const current = await readFile(file, "utf8");
  if (current !== expected)
    throw new Error(`${path} in the worktree differs from the checked text (line endings?)`);
  await writeFile(file, updated);
}

/** Commit the one changed file; returns the commit. */
export async function commitFile(git: Git, dir: string, path: string, message: string): Promise<string> {
  await git(dir, ["add", "--", path]);
  await git(dir, ["commit", "--quiet", "--no-verify", "-m", message]);
  return git(dir, ["rev-parse", "HEAD"]);
}

/** Push the branch; `+` because the name is this incident's own (a crashed attempt may have pushed it). */
export async function pushBranch(git: Git, dir: string, remote: string, branch: string): Promise<void> {
  await git(dir, ["push", "--quiet", "--no-verify", remote, `+refs/heads/${branch}:refs/heads/${branch}`], {
    timeoutMs: NETWORK_TIMEOUT_MS,
  });
}

/** Delete the pushed branch again; errors are returned, not thrown (cleanup must go on). */
export async function deleteRemoteBranch(git: Git, top: string, remote: string, branch: string) {
  return git(top, ["push", "--quiet", "--no-verify", remote, "--delete", `refs/heads/${branch}`], {
    timeoutMs: NETWORK_TIMEOUT_MS,
  }).then(
    () => null,
    (err: Error) => err.message,
  );
}

/** Remove the worktree, its directory and the local branch; returns what could not be cleaned. */
export async function removeWorktree(git: Git, top: string, tree: Worktree): Promise<string[]> {
  const problems: string[] = [];
  const attempt = (p: Promise<unknown>) => p.catch((err: Error) => void problems.push(err.message));
  await attempt(git(top, ["worktree", "remove", "--force", tree.dir]));
  await attempt(rm(tree.dir, { recursive: true, force: true }));
  await attempt(git(top, ["worktree", "prune"]));
  await attempt(git(top, ["branch", "-D", tree.branch]));
  return problems;
}

/** Remove what a crashed attempt left for `branch`: its worktree and the local branch (errors ignored). */
export async function removeStale(git: Git, top: string, branch: string): Promise<void> {
  const list = await git(top, ["worktree", "list", "--porcelain"]).catch(() => "");
  for (const block of list.split("\n\n")) {
    const dir = /^worktree (.+)$/m.exec(block)?.[1];
    if (dir && block.includes(`\nbranch refs/heads/${branch}`))
      await git(top, ["worktree", "remove", "--force", dir]).catch(() => undefined);
  }
  await git(top, ["worktree", "prune"]).catch(() => undefined);
  await git(top, ["branch", "-D", branch]).catch(() => undefined);
}
