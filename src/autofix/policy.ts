/**
 * Pure: the autofix policy. The proposal comes from an LLM that read attacker-writable log text, so the scope is
 * enforced here, by inspecting the change, never by the prompt: the path (allow/deny globs), the old text (it
 * must occur exactly once), the size (changed lines), then what the tokens of the file say changed.
 */
import picomatch from "picomatch";
import { checkConfigEdit, configFormat } from "./config-rules.js";
import { changedLineCount, type Hunk, lineDiff } from "./diff.js";
import { checkRustEdit } from "./rust-rules.js";

/** The policy's settings (from the `autofixOptions` section). */
export interface PolicyOptions {
  allow: readonly string[];
  deny: readonly string[];
  maxChangedLines: number;
}

/** A proposed edit against the file's current text (`original` null when the file does not exist). */
export interface PolicyInput {
  file: string;
  find: string;
  replace: string;
  original: string | null;
}

/** The decision: allowed with the rule and the new text, or denied with the reason. */
export type PolicyDecision =
  | {
      allowed: true;
      path: string;
      rule: "constant" | "log" | "guard" | "config";
      reason: string;
      updated: string;
      hunks: Hunk[];
      changedLines: number;
    }
  | { allowed: false; reason: string };

/** Largest file and old text the policy reads. */
export const MAX_FILE_CHARS = 2_000_000;
export const MAX_FIND_CHARS = 10_000;

/** Pure: a repository-relative path with `/` separators, or why the path is unacceptable. */
export function normalizeEditPath(file: string): { ok: true; path: string } | { ok: false; reason: string } {
  // The model may copy the context item id ("source:src/x.rs") instead of the path.
  const path = file
    .trim()
    .replace(/^source:/, "")
    .replace(/^(\.\/)+/, "");
  if (path === "" || path.includes("\0") || path.includes("\\"))
    return { ok: false, reason: `not a usable path: ${JSON.stringify(file)}` };
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return { ok: false, reason: "the path is absolute" };
  if (path.split("/").some((part) => part === ".." || part === "." || part === ""))
    return { ok: false, reason: "the path leaves the repository or is not normalised" };
  return { ok: true, path };
}

const matcher = (globs: readonly string[]) =>
  globs.map((glob) => ({ glob, test: picomatch(glob, { dot: true, nocase: true }) }));

/** Pure: why a path may not be edited at all (deny globs win over allow globs), or null. */
export function pathDenial(path: string, options: Pick<PolicyOptions, "allow" | "deny">): string | null {
  const denied = matcher(options.deny).find((m) => m.test(path));
  if (denied) return `${path} matches the deny glob ${JSON.stringify(denied.glob)}`;
  if (!matcher(options.allow).some((m) => m.test(path)))
    return `${path} matches no allow glob (Rust sources and configuration files only)`;
  return null;
}

/** Pure: how many times `needle` occurs, overlaps included (stops counting at 3). */
export function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0 && count < 3; at = haystack.indexOf(needle, at + 1))
    count++;
  return count;
}

/** Pure: decide whether the edit may become a draft PR. */
export function decideEdit(input: PolicyInput, options: PolicyOptions): PolicyDecision {
  const deny = (reason: string): PolicyDecision => ({ allowed: false, reason });
  const normalized = normalizeEditPath(input.file);
  if (!normalized.ok) return deny(normalized.reason);
  const { path } = normalized;
  const denial = pathDenial(path, options);
  if (denial) return deny(denial);
  if (input.original === null) return deny(`${path} does not exist (autofix never creates files)`);
  const original = input.original;
  if (original.length > MAX_FILE_CHARS || original.includes("\0"))
    return deny(`${path} is binary or too large to check`);
  if (input.find === "") return deny("the old text is empty");
  if (input.find.length > MAX_FIND_CHARS) return deny("the old text is too long for a small fix");
  if (input.find === input.replace) return deny("the edit changes nothing");
  const unsafeCount = (text: string) => text.match(/\bunsafe\b/g)?.length ?? 0;
  if (unsafeCount(input.replace) > unsafeCount(input.find)) return deny("adds `unsafe`");
  const occurrences = countOccurrences(original, input.find);
  if (occurrences === 0) return deny(`the old text does not occur in ${path}`);
  if (occurrences > 1)
    return deny(`the old text occurs more than once in ${path}; it must occur exactly once`);

  const at = original.indexOf(input.find);
  const updated = original.slice(0, at) + input.replace + original.slice(at + input.find.length);
  const hunks = lineDiff(original, updated);
  const changedLines = changedLineCount(hunks);
  if (changedLines > options.maxChangedLines)
    return deny(`changes ${changedLines} lines; at most ${options.maxChangedLines} are allowed`);
  const allowed = (rule: "constant" | "log" | "guard" | "config", reason: string): PolicyDecision => ({
    allowed: true,
    path,
    rule,
    reason,
    updated,
    hunks,
    changedLines,
  });

  if (/\.rs$/i.test(path)) {
    const verdict = checkRustEdit(original, updated, at, at + input.find.length);
    return verdict.ok ? allowed(verdict.rule, verdict.detail) : deny(verdict.reason);
  }
  const format = configFormat(path);
  if (format) {
    const verdict = checkConfigEdit(path, format, original, updated, hunks);
    return verdict.ok ? allowed("config", verdict.detail) : deny(verdict.reason);
  }
  return deny(`${path} is neither Rust source nor a configuration file`);
}
