/**
 * The autofix world on disk: the Rust fixture crate (plus one test that bounds TIMEOUT_SECS, so an edit can
 * break it) committed in a temporary repository whose `origin` is a bare repository. The user's checkout is
 * left busy on purpose: another branch with an unpushed commit, a modified file and an untracked one; autofix
 * must work from origin's default branch and leave all of that exactly as it was.
 */
import { appendFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { createGit, type Git } from "../../src/autofix/git.js";
import { copyRustFixture } from "./rust-fixture-repo.js";

/** Appended to src/domain/ai/service.rs: TIMEOUT_SECS 60 passes, 600 fails. */
export const TIMEOUT_TEST = `
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_leaves_room_for_long_prompts_but_stays_bounded() {
        assert!((10..=120).contains(&TIMEOUT_SECS), "TIMEOUT_SECS = {TIMEOUT_SECS}");
    }

    #[test]
    fn health_is_ok() {
        assert!(health());
    }
}
`;

/**
 * A cargo target dir shared by every run of the suite: the crate is built once, later builds are incremental.
 * A cache, so it lives in node_modules/.cache (with the other tools' caches), not in the temp folder.
 */
export const SHARED_CARGO_TARGET = join(
  import.meta.dirname,
  "..",
  "..",
  "node_modules",
  ".cache",
  "ai-monitor-autofix-cargo-target",
);

/** Is cargo on the PATH? (the suite skips with the reason when not, and fails under CI=true) */
export async function cargoAvailable(): Promise<{ ok: boolean; reason: string }> {
  const result = await execa("cargo", ["--version"], { reject: false });
  return result.exitCode === 0
    ? { ok: true, reason: String(result.stdout) }
    : { ok: false, reason: `cargo not found on PATH (${result.shortMessage ?? "no output"})` };
}

/** The repository pair and what a test needs to inspect it. */
export interface AutofixRepo {
  /** The user's checkout (AI_MONITOR_REPO_PATH). */
  work: string;
  /** The bare repository that is `origin`. */
  origin: string;
  /** git with a private HOME and fixed identity, so the machine's config plays no part. */
  git: Git;
  /** That private environment (HOME, no system config), for other git runners. */
  env: Record<string, string>;
  /** Everything about the user's checkout that autofix must not change. */
  snapshot(): Promise<Record<string, string>>;
  /** Branches of the bare origin. */
  remoteBranches(): Promise<string[]>;
  /** Branches of the user's clone. */
  localBranches(): Promise<string[]>;
}

/** Build the pair; the checkout ends on branch `wip` with uncommitted work. */
export async function makeAutofixRepo(): Promise<AutofixRepo> {
  const home = await mkdtemp(join(tmpdir(), "ai-monitor-autofix-home-"));
  const env = { HOME: home, GIT_CONFIG_NOSYSTEM: "1" };
  const git = createGit({ author: { name: "Ada Lovelace", email: "ada@example.com" }, env });
  const work = await copyRustFixture();
  await appendFile(join(work, "src/domain/ai/service.rs"), TIMEOUT_TEST);
  await git(work, ["init", "--quiet", "-b", "main"]);
  await git(work, ["add", "-A"]);
  await git(work, ["commit", "--quiet", "-m", "Initial server skeleton with a timeout test"]);

  const origin = await mkdtemp(join(tmpdir(), "ai-monitor-autofix-origin-"));
  await git(origin, ["init", "--quiet", "--bare", "-b", "main"]);
  await git(work, ["remote", "add", "origin", origin]);
  await git(work, ["push", "--quiet", "-u", "origin", "main"]);

  // The user is busy: another branch, an unpushed commit, a modified file, an untracked file.
  await git(work, ["checkout", "--quiet", "-b", "wip"]);
  await appendFile(join(work, "README.md"), "\nWork in progress.\n");
  await git(work, ["commit", "--quiet", "-am", "wip: notes"]);
  await appendFile(join(work, "src/main.rs"), "// local experiment, not committed\n");
  await writeFile(join(work, "scratch.txt"), "untracked\n");

  const lines = (text: string) => text.split("\n").filter(Boolean);
  return {
    work,
    origin,
    git,
    env,
    async snapshot() {
      return {
        head: await git(work, ["rev-parse", "HEAD"]),
        branch: await git(work, ["symbolic-ref", "HEAD"]),
        status: await git(work, ["status", "--porcelain", "--untracked-files=all"]),
        diff: await git(work, ["diff"]),
        index: await git(work, ["diff", "--cached"]),
        stash: await git(work, ["stash", "list"]),
      };
    },
    remoteBranches: async () =>
      lines(await git(origin, ["for-each-ref", "--format=%(refname:short)", "refs/heads"])),
    localBranches: async () =>
      lines(await git(work, ["for-each-ref", "--format=%(refname:short)", "refs/heads"])),
  };
}
