/**
 * The Rust fixture crate (test/fixtures/rust-crate) copied to a temp dir and given a git history made here:
 * an initial commit, a change to the AI service, one to the error codes, and one whose subject carries a
 * canary secret (it must never reach a bundle).
 */
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

/** The fixture crate in the source tree. */
export const RUST_FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "rust-crate");

/** A canary planted in a commit subject of the fixture history. */
export const COMMIT_CANARY = "ghp_CANARYCANARYCANARYCANARY0123456789";

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Ada Lovelace",
  GIT_AUTHOR_EMAIL: "ada@example.com",
  GIT_COMMITTER_NAME: "Ada Lovelace",
  GIT_COMMITTER_EMAIL: "ada@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: tmpdir(),
};

/** Copy the crate to a fresh temp dir (no git). */
export async function copyRustFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ai-monitor-crate-"));
  await cp(RUST_FIXTURE_DIR, dir, { recursive: true });
  return dir;
}

/** Copy the crate and build a history of four commits with fixed dates; returns the repo path. */
export async function makeRustFixtureRepo(): Promise<string> {
  const dir = await copyRustFixture();
  let day = 10;
  const git = (...args: string[]) => {
    const date = `2026-11-${day}T10:00:00Z`;
    return execa("git", args, {
      cwd: dir,
      env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  };
  const commit = async (subject: string) => {
    await git("add", "-A");
    await git("commit", "-q", "--no-gpg-sign", "-m", subject);
    day++;
  };
  await git("init", "-q", "-b", "main");
  await commit("Initial server skeleton");
  const service = join(dir, "src/domain/ai/service.rs");
  const text = await readFile(service, "utf8");
  await writeFile(
    service,
    text.replace("const MAX_RETRIES: u32 = 0;", "const MAX_RETRIES: u32 = 0; // was 2"),
  );
  await commit("ai: stop retrying timed-out Claude calls");
  const errors = join(dir, "src/global/error.rs");
  await writeFile(errors, `${await readFile(errors, "utf8")}\n// AUTH_002 is logged by domain::auth::jwt.\n`);
  await commit("errors: document AUTH_002");
  await writeFile(
    join(dir, "README.md"),
    `${await readFile(join(dir, "README.md"), "utf8")}\nDeploy notes.\n`,
  );
  await commit(`docs: deploy with token ${COMMIT_CANARY}`);
  return dir;
}
