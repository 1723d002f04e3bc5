/**
 * Configuration of autofix (draft pull requests). The switch stays the existing top-level `autofix: boolean`
 * (AI_MONITOR_AUTOFIX=on); the options below live under `autofixOptions`. The deny list is the policy's first gate, checked in code.
 */
import { z } from "zod";
import { duration, numberish } from "./zod-helpers.js";

/** Files autofix may consider at all: Rust sources and configuration files. Deny globs still win. */
export const DEFAULT_ALLOW_GLOBS: readonly string[] = [
  "**/*.rs",
  "**/*.toml",
  "**/*.yaml",
  "**/*.yml",
  "**/*.json",
  "**/.env",
  "**/.env.*",
  "**/*.env",
  "**/*.ini",
  "**/*.conf",
  "**/*.cfg",
  "**/*.properties",
];

/**
 * Files autofix never changes (matched case-insensitively, dot files included). `Cargo.toml` dependency tables
 * are refused by the policy's code, not by a glob, so `[profile]` values stay fixable.
 */
export const DEFAULT_DENY_GLOBS: readonly string[] = [
  // Database migrations and schema.
  "**/migrations/**",
  "**/migration/**",
  "**/*migration*",
  "**/*schema*",
  "**/*.sql",
  // Authentication, security, cryptography and secrets.
  "**/*auth*/**",
  "**/*auth*",
  "**/*security*/**",
  "**/*security*",
  "**/*crypt*/**",
  "**/*crypt*",
  "**/*secret*",
  "**/*jwt*",
  "**/*password*",
  "**/*cert*",
  "**/tls/**",
  "**/tls.rs",
  // Dependencies, toolchain and build scripts.
  "**/Cargo.lock",
  "**/.cargo/**",
  "**/rust-toolchain*",
  "**/build.rs",
  "**/Makefile",
  "**/*.mk",
  "**/justfile",
  "**/*.sh",
  "**/Dockerfile*",
  "**/package.json",
  "**/package-lock.json",
  // CI.
  "**/.github/**",
  "**/.gitlab-ci.yml",
  "**/.gitlab/**",
  "**/.circleci/**",
  "**/Jenkinsfile",
  "**/.buildkite/**",
  "**/azure-pipelines.yml",
  "**/.travis.yml",
  "**/.drone.yml",
  "**/bitbucket-pipelines.yml",
  // Tests: a fix must pass them, not rewrite them.
  "**/tests/**",
  "**/test/**",
  "**/benches/**",
  "**/tests.rs",
  "**/*_test.rs",
  "**/*_tests.rs",
  // Version control.
  "**/.git/**",
  "**/.gitmodules",
  "**/.gitattributes",
];

const globs = z.array(z.string().min(1));

/** The `autofixOptions:` section (the on/off switch is the top-level `autofix`). */
export const autofixSection = z
  .object({
    /** Attempts that pass the policy per 24 hours, shared by restarts and replicas through the store. */
    dailyCap: numberish.pipe(z.number().int().min(0).max(100)).default(5),
    /** Changed lines (a modified line counts once) an edit may have. */
    maxChangedLines: numberish.pipe(z.number().int().min(1).max(200)).default(10),
    /** Files that may be edited (picomatch globs, relative to repoPath). */
    allow: globs.default([...DEFAULT_ALLOW_GLOBS]),
    /** Files that may never be edited; they win over `allow`. Replaces the defaults when set. */
    deny: globs.default([...DEFAULT_DENY_GLOBS]),
    /** Added to `deny` (keeps the defaults). */
    extraDeny: globs.default([]),
    /** The gate: run in the worktree without a shell, split on spaces (quotes group words). */
    testCommand: z.string().min(1).default("cargo test"),
    testTimeout: duration("10m", 1000),
    /** Shared cargo target dir for the test runs (faster rebuilds); null builds inside each worktree. */
    cargoTargetDir: z.string().min(1).nullable().default(null),
    /** The remote branches are fetched from and pushed to. */
    remote: z
      .string()
      .regex(/^[\w.-]+$/, "a remote name")
      .default("origin"),
    /** Branch the fix starts from and the PR targets; null asks the remote for its default branch. */
    baseBranch: z
      .string()
      .regex(/^[\w./-]+$/, "a branch name")
      .nullable()
      .default(null),
    /** Author and committer of the fix commits. */
    authorName: z.string().min(1).default("ai-monitor"),
    authorEmail: z.string().min(3).default("ai-monitor@users.noreply.github.com"),
    /** How often open autofix PRs are polled for merged/closed (0 turns polling off). */
    pollInterval: duration("10m"),
  })
  .strict()
  .prefault({});

/** The resolved autofix options (durations in ms). */
export type AutofixOptions = z.output<typeof autofixSection>;
/** The options as written in YAML. */
export type AutofixOptionsInput = z.input<typeof autofixSection>;
