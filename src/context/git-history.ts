/**
 * Git history through the git CLI: the last commits touching given files, or of the whole repository,
 * with hash, author, date, subject and files changed. Read-only; never takes the index lock.
 */

export interface Commit {
  hash: string;
  author: string;
  /** ISO 8601 author date. */
  date: string;
  subject: string;
  files: string[];
}

/** Runs git with arguments in a directory and returns stdout (injectable for tests). */
export type GitRunner = (cwd: string, args: string[], signal?: AbortSignal) => Promise<string>;

/** The default runner: the `git` binary, bounded output, killed on abort. */
export const runGit: GitRunner = async (cwd, args, signal) => {
  // Loaded on first use: execa is ~100 modules, and most commands (scan, config check) never run git.
  const { execa } = await import("execa");
  const result = await execa("git", args, {
    cwd,
    ...(signal ? { cancelSignal: signal } : {}),
    timeout: 15_000,
    maxBuffer: 4 * 1024 * 1024,
    stripFinalNewline: false,
    env: { GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
  });
  return result.stdout;
};

const RECORD = "\x1e";
const FIELD = "\x1f";
/** Most changed files listed per commit. */
export const MAX_FILES_PER_COMMIT = 10;

/** Pure: parse `git log --format=%x1e%H%x1f%an%x1f%aI%x1f%s --name-only` output. */
export function parseGitLog(output: string): Commit[] {
  return output
    .split(RECORD)
    .filter((record) => record.trim().length > 0)
    .map((record) => {
      const [head = "", ...rest] = record.split("\n");
      const [hash = "", author = "", date = "", subject = ""] = head.split(FIELD);
      return { hash, author, date, subject, files: rest.map((l) => l.trim()).filter(Boolean) };
    })
    .filter((c) => /^[0-9a-f]{7,64}$/.test(c.hash));
}

/** The git top level of a directory, or null when it is not inside a work tree. */
export async function gitTopLevel(
  run: GitRunner,
  repo: string,
  signal?: AbortSignal,
): Promise<string | null> {
  try {
    return (await run(repo, ["rev-parse", "--show-toplevel"], signal)).trim() || null;
  } catch (err) {
    if (signal?.aborted) throw err;
    return null;
  }
}

/** The last `count` commits (touching `paths` when given, relative to `repo`). */
export async function gitLog(
  run: GitRunner,
  repo: string,
  options: { count: number; paths?: readonly string[]; signal?: AbortSignal },
): Promise<Commit[]> {
  const args = [
    "-c",
    "core.quotepath=off",
    "log",
    `-n${Math.max(1, Math.trunc(options.count))}`,
    "--no-color",
    "--no-show-signature",
    `--format=${RECORD}%H${FIELD}%an${FIELD}%aI${FIELD}%s`,
    "--name-only",
  ];
  if (options.paths && options.paths.length > 0) args.push("--", ...options.paths);
  return parseGitLog(await run(repo, args, options.signal));
}

/** Pure: commits as the bundle shows them, one block per commit. */
export function formatCommits(commits: readonly Commit[]): string {
  return commits
    .map((c) => {
      const more =
        c.files.length > MAX_FILES_PER_COMMIT ? ` (+${c.files.length - MAX_FILES_PER_COMMIT} more)` : "";
      const files = c.files.slice(0, MAX_FILES_PER_COMMIT).join(", ");
      return `${c.hash.slice(0, 12)} ${c.date} ${c.author}: ${c.subject}\n  files: ${files || "(none)"}${more}`;
    })
    .join("\n");
}
