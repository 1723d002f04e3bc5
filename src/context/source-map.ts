/**
 * Source mapping: a tracing target (`server::domain::ai::service`) to its file (`src/domain/ai/service.rs` or
 * `.../service/mod.rs`), the log's own `filename` when it has one, and the statement that emitted the log,
 * found by the message's literal text and the error code.
 */
import { access, readFile } from "node:fs/promises";
import { join, posix } from "node:path";
import type { Crate } from "./cargo-crates.js";
import { messageLiteral } from "./logql.js";
import { MAX_SOURCE_BYTES, type SourceHit } from "./repo-walk.js";

/** Where a target maps to. */
export interface MappedModule {
  crate: Crate;
  /** Path relative to the repository (posix). */
  file: string;
  /** False when only a parent module's file exists (an inline `mod` or a stale target). */
  exact: boolean;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Pure: candidate files of a module path inside a crate's source directory, most specific first. */
export function moduleCandidates(srcDir: string, modules: readonly string[]): string[] {
  const at = (p: string) => posix.join(srcDir, p);
  if (modules.length === 0) return [at("lib.rs"), at("main.rs")];
  const path = modules.join("/");
  return [at(`${path}.rs`), at(`${path}/mod.rs`)];
}

/** Map a target to a file; the first segment names the crate, the rest are modules. */
export async function mapTarget(
  repo: string,
  crates: readonly Crate[],
  target: string,
): Promise<MappedModule | null> {
  const [crateName, ...modules] = target.split("::").filter(Boolean);
  const crate = crates.find((c) => c.name === crateName);
  if (!crate) return null;
  for (let keep = modules.length; keep >= 0; keep--) {
    for (const file of moduleCandidates(crate.srcDir, modules.slice(0, keep))) {
      if (await exists(join(repo, file))) return { crate, file, exact: keep === modules.length };
    }
  }
  return null;
}

/** Resolve a log's `filename` (relative to the workspace or the crate, or absolute from the build host). */
export async function resolveLogFilename(
  repo: string,
  crates: readonly Crate[],
  filename: string,
): Promise<string | null> {
  const parts = filename.split(/[\\/]+/).filter((p) => p && p !== "." && p !== "..");
  const bases = ["", ...new Set(crates.map((c) => c.manifestDir).filter(Boolean))];
  // An absolute build path (/build/app/crates/server/src/x.rs): try ever shorter suffixes.
  for (let start = 0; start < parts.length && start < 8; start++) {
    const suffix = parts.slice(start).join("/");
    for (const base of bases) {
      const file = posix.join(base, suffix);
      if (await exists(join(repo, file))) return file;
    }
  }
  return null;
}

/** Read a source file's lines (bounded size); null when missing or too large. */
export async function readSourceLines(repo: string, file: string): Promise<string[] | null> {
  const text = await readFile(join(repo, file), "utf8").catch(() => null);
  if (text === null || text.length > MAX_SOURCE_BYTES) return null;
  return text.split("\n");
}

const LOG_MACRO = /\b(?:error|warn|info|debug|trace|event)!\s*\(/;

/** Pure: the search needles for an incident: the message's literal text and the error code. */
export function emitterNeedles(message: string, errorCode: string | null): string[] {
  const literal = messageLiteral(message);
  return [literal, errorCode].filter((n): n is string => n !== null && n.length > 0);
}

/** Pure: true when a log macro opens the statement that contains line `index` (at most 8 lines up). */
function inLogMacro(lines: readonly string[], index: number): boolean {
  for (let i = index; i >= Math.max(0, index - 8); i--) {
    const text = lines[i]!;
    if (LOG_MACRO.test(text)) return true;
    // A previous statement or block ended: the macro above belongs to something else.
    if (i < index && /[;{}]\s*$/.test(text)) return false;
  }
  return false;
}

/** Pure: score one line as the emitting statement (message text in a string, error code, inside a log macro). */
export function emitterScore(
  lines: readonly string[],
  index: number,
  message: string,
  errorCode: string | null,
) {
  const text = lines[index]!;
  if (/^\s*\/\//.test(text)) return 0;
  const literal = messageLiteral(message);
  let score = 0;
  if (literal && text.includes(literal)) score += text.includes(`"${literal}`) ? 4 : 3;
  if (errorCode && lines.slice(Math.max(0, index - 4), index + 5).some((l) => l.includes(errorCode)))
    score += 2;
  if (inLogMacro(lines, index)) score += 1;
  return score;
}

/** Pure: the best emitter among hits (each file's lines given), needing the message text or code + macro. */
export function bestEmitter(
  hits: readonly SourceHit[],
  linesOf: (file: string) => readonly string[] | null,
  message: string,
  errorCode: string | null,
  preferFile: string | null,
): { file: string; line: number } | null {
  let best: { file: string; line: number; score: number } | null = null;
  for (const hit of hits) {
    const lines = linesOf(hit.file);
    if (!lines) continue;
    const score = emitterScore(lines, hit.line - 1, message, errorCode) + (hit.file === preferFile ? 0.5 : 0);
    if (score >= 3 && (!best || score > best.score)) best = { file: hit.file, line: hit.line, score };
  }
  return best && { file: best.file, line: best.line };
}

/** Pure: lines `from..to` (1-based, inclusive) numbered, the emitting line marked with `>`. */
export function numberedLines(
  lines: readonly string[],
  from: number,
  to: number,
  mark: number | null,
): string {
  const last = Math.min(to, lines.length);
  // One width for the whole file, so separate excerpts of it line up.
  const width = String(lines.length).length;
  const out: string[] = [];
  for (let n = Math.max(1, from); n <= last; n++) {
    out.push(`${n === mark ? ">" : " "}${String(n).padStart(width)} | ${lines[n - 1]!.replace(/\r$/, "")}`);
  }
  return out.join("\n");
}

/** Pure: a window of about `size` lines around `line`, plus definitions of constants it uses found elsewhere. */
export function sourceWindow(
  lines: readonly string[],
  line: number,
  size: number,
): { text: string; focusLine: number } {
  const half = Math.floor(size / 2);
  const from = Math.max(1, line - half);
  const to = Math.min(lines.length, from + size - 1);
  const window = numberedLines(lines, from, to, line);
  const used = new Set(
    lines
      .slice(from - 1, to)
      .join("\n")
      .match(/\b[A-Z][A-Z0-9_]{2,}\b/g) ?? [],
  );
  const defs: number[] = [];
  lines.forEach((text, i) => {
    const def = /\b(?:const|static)\s+([A-Z][A-Z0-9_]{2,})\s*:/.exec(text);
    if (def && used.has(def[1]!) && (i + 1 < from || i + 1 > to) && defs.length < 5) defs.push(i + 1);
  });
  if (defs.length === 0) return { text: window, focusLine: line - from };
  const head = defs.map((n) => numberedLines(lines, n, n, null)).join("\n");
  return { text: `${head}\n[... constants used below]\n${window}`, focusLine: defs.length + 1 + line - from };
}
