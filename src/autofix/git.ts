/**
 * Git through execa, for the autofix worktree. Never a shell; every call has a timeout; hooks are turned off
 * (a background service must not run whatever a repository's hooks do) and git never prompts for a password.
 */
import { execa } from "execa";

/** A failed git command, with its arguments and the first lines of stderr. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

/** Runs git with arguments in a directory; returns stdout (trimmed at the end). */
export type Git = (cwd: string, args: readonly string[], options?: GitCallOptions) => Promise<string>;

export interface GitCallOptions {
  timeoutMs?: number;
  /** Return stdout byte for byte (file contents); otherwise trailing whitespace is trimmed. */
  raw?: boolean;
}

export interface GitOptions {
  /** Default timeout of one command (network commands pass their own). */
  timeoutMs?: number;
  /** Author and committer of commits made through this runner. */
  author?: { name: string; email: string };
  /** Extra environment (tests pin HOME and dates). */
  env?: Record<string, string>;
}

export function createGit(options: GitOptions = {}): Git {
  const identity: Record<string, string> = options.author
    ? {
        GIT_AUTHOR_NAME: options.author.name,
        GIT_AUTHOR_EMAIL: options.author.email,
        GIT_COMMITTER_NAME: options.author.name,
        GIT_COMMITTER_EMAIL: options.author.email,
      }
    : {};
  return async (cwd, args, call = {}) => {
    const full = ["-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false", ...args];
    const result = await execa("git", full, {
      cwd,
      reject: false,
      stdin: "ignore",
      timeout: call.timeoutMs ?? options.timeoutMs ?? 60_000,
      env: { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...identity, ...options.env },
      maxBuffer: 50_000_000,
      stripFinalNewline: !call.raw,
    });
    if (result.exitCode !== 0 || result.timedOut) {
      const stderr = String(result.stderr ?? "").trim();
      const first = stderr.split("\n").slice(-3).join(" / ").slice(0, 500);
      const what = result.timedOut ? "timed out" : `exited ${result.exitCode}`;
      throw new GitError(`git ${args[0]} ${what}${first ? `: ${first}` : ""}`, args, stderr);
    }
    const stdout = String(result.stdout ?? "");
    return call.raw ? stdout : stdout.replace(/\s+$/, "");
  };
}
