/**
 * The repository as a context source: the source window around the statement that logged the error, where
 * its error code is defined, and the recent commits of those files and of the repository.
 */
import { stat } from "node:fs/promises";
import type { Incident } from "../domain/types.js";
import type { DraftItem } from "./budget.js";
import { type Crate, configuredCrates, discoverCrates } from "./cargo-crates.js";
import type { ContextProvider, ProviderOutput } from "./context.js";
import { formatCommits, type GitRunner, gitLog, gitTopLevel, runGit } from "./git-history.js";
import { type SourceHit, searchSources } from "./repo-walk.js";
import {
  bestEmitter,
  emitterNeedles,
  mapTarget,
  numberedLines,
  readSourceLines,
  resolveLogFilename,
  sourceWindow,
} from "./source-map.js";

/** What the repository provider needs. */
export interface RepoProviderDeps {
  repoPath: string;
  /** Crate name -> source directory (config `context.sourceMap`); wins over Cargo.toml discovery. */
  sourceMap: Readonly<Record<string, string>>;
  windowLines: number;
  gitCommits: number;
  runGit?: GitRunner;
}

interface Located {
  file: string;
  line: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Pure: the hit most likely to define the code (an enum variant, a const, a mapping), not the emitter. */
export function bestDefinition(
  hits: readonly SourceHit[],
  linesOf: (file: string) => readonly string[] | null,
  code: string,
  emitter: Located | null,
): Located | null {
  const word = new RegExp(`(?<![A-Za-z0-9_])${escapeRegex(code)}(?![A-Za-z0-9_])`);
  let best: (Located & { score: number }) | null = null;
  for (const hit of hits) {
    if (hit.needle !== code) continue;
    if (emitter && hit.file === emitter.file && Math.abs(hit.line - emitter.line) <= 4) continue;
    const lines = linesOf(hit.file);
    const text = lines?.[hit.line - 1];
    if (!lines || text === undefined || !word.test(text) || /\b\w+!\s*\(/.test(text)) continue;
    let score = 0;
    if (lines.slice(Math.max(0, hit.line - 40), hit.line).some((l) => /\benum\s+\w+/.test(l))) score += 3;
    if (new RegExp(`^\\s*(?:pub\\s+)?(?:const\\s+)?${escapeRegex(code)}\\b`).test(text)) score += 2;
    if (text.includes(`"${code}"`)) score += 1;
    if (score >= 2 && (!best || score > best.score)) best = { file: hit.file, line: hit.line, score };
  }
  return best && { file: best.file, line: best.line };
}

async function crates(deps: RepoProviderDeps, signal: AbortSignal): Promise<Crate[]> {
  const configured = configuredCrates(deps.sourceMap);
  const names = new Set(configured.map((c) => c.name));
  const found = await discoverCrates(deps.repoPath, signal);
  return [...configured, ...found.filter((c) => !names.has(c.name))];
}

async function gather(
  deps: RepoProviderDeps,
  incident: Incident,
  signal: AbortSignal,
): Promise<ProviderOutput> {
  const repo = deps.repoPath;
  const items: DraftItem[] = [];
  const partial: string[] = [];
  const cache = new Map<string, string[] | null>();
  const load = async (file: string) => {
    if (!cache.has(file)) cache.set(file, await readSourceLines(repo, file));
    return cache.get(file)!;
  };
  const linesOf = (file: string) => cache.get(file) ?? null;

  const isDir = await stat(repo).then(
    (st) => st.isDirectory(),
    () => false,
  );
  if (!isDir) return { items, partial: [`repo: ${repo} is not a directory; no source or history`] };
  const all = await crates(deps, signal);
  const mapped = await mapTarget(repo, all, incident.target);
  if (!mapped) {
    const names = all.map((c) => c.name).join(", ") || "none";
    partial.push(`source: target ${incident.target} maps to no crate (crates found: ${names})`);
  }
  let emitter: Located | null = null;
  if (incident.filename && incident.lineNumber !== null) {
    const file = await resolveLogFilename(repo, all, incident.filename);
    if (file && (await load(file))) emitter = { file, line: incident.lineNumber };
  }
  const needles = emitterNeedles(incident.message, incident.errorCode);
  let treeHits: SourceHit[] | null = null;
  const searchTree = async () => {
    treeHits ??= await searchSources(repo, needles, { signal });
    for (const hit of treeHits) await load(hit.file);
    return treeHits;
  };
  if (!emitter && mapped) {
    const lines = await load(mapped.file);
    const hits = (lines ?? []).flatMap((text, i) =>
      needles.filter((n) => text.includes(n)).map((needle) => ({ file: mapped.file, line: i + 1, needle })),
    );
    emitter = bestEmitter(hits, linesOf, incident.message, incident.errorCode, mapped.file);
  }
  if (!emitter)
    emitter = bestEmitter(
      await searchTree(),
      linesOf,
      incident.message,
      incident.errorCode,
      mapped?.file ?? null,
    );

  if (emitter) {
    const lines = (await load(emitter.file)) ?? [];
    const window = sourceWindow(lines, emitter.line, deps.windowLines);
    items.push({
      id: `source:${emitter.file}`,
      kind: "source",
      title: `${emitter.file}: the statement that logged the error is line ${emitter.line} (marked >)`,
      text: window.text,
      focusLine: window.focusLine,
    });
  } else if (mapped) {
    const lines = (await load(mapped.file)) ?? [];
    partial.push(`source: the statement that logged "${incident.message.slice(0, 80)}" was not found`);
    items.push({
      id: `source:${mapped.file}`,
      kind: "source",
      title: `${mapped.file}: the module of target ${incident.target} (emitting statement not found)`,
      text: numberedLines(lines, 1, deps.windowLines, null),
    });
  }

  const code = incident.errorCode;
  let definition: Located | null = null;
  if (code) {
    definition = bestDefinition(await searchTree(), linesOf, code, emitter);
    if (definition) {
      const lines = linesOf(definition.file) ?? [];
      items.push({
        id: `source:${definition.file}#${code}`,
        kind: "source",
        title: `${definition.file}: where error code ${code} is defined (line ${definition.line})`,
        text: numberedLines(lines, definition.line - 6, definition.line + 6, definition.line),
        focusLine: Math.min(6, definition.line - 1),
      });
    }
  }

  const files = [emitter?.file, mapped?.file, definition?.file].filter((f): f is string => !!f);
  const git = await gitItems(deps, [...new Set(files)], signal);
  return { items: [...items, ...git.items], partial: [...partial, ...(git.partial ?? [])] };
}

/** The commits touching the mapped files and the repository's last commits. */
async function gitItems(
  deps: RepoProviderDeps,
  files: string[],
  signal: AbortSignal,
): Promise<ProviderOutput> {
  const run = deps.runGit ?? runGit;
  const repo = deps.repoPath;
  if (!(await gitTopLevel(run, repo, signal)))
    return { items: [], partial: [`git: ${repo} is not a git repository; no history`] };
  const count = deps.gitCommits;
  const [touching, recent] = await Promise.all([
    files.length > 0 ? gitLog(run, repo, { count, paths: files, signal }) : Promise.resolve([]),
    gitLog(run, repo, { count, signal }),
  ]);
  const items: DraftItem[] = [];
  if (files.length > 0)
    items.push({
      id: "git:files",
      kind: "git",
      title: `Last ${touching.length} commits touching ${files.join(", ")}`,
      text: formatCommits(touching) || "(no commit touches these files)",
    });
  items.push({
    id: "git:repo",
    kind: "git",
    title: `Last ${recent.length} commits of the repository`,
    text: formatCommits(recent) || "(no commits)",
  });
  return { items };
}

/** Create the `repo` provider over a local clone of the monitored server. */
export function createRepoProvider(deps: RepoProviderDeps): ContextProvider {
  return { name: "repo", gather: (incident, signal) => gather(deps, incident, signal) };
}
