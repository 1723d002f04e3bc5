/**
 * A bounded walk of a repository (skips `target/`, `.git`, `node_modules` and hidden directories) and a
 * search of its Rust sources for literal strings. Bounds keep a huge monorepo from stalling an incident.
 */
import type { Dirent } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, posix } from "node:path";

const SKIP_DIRS = new Set(["target", "node_modules", "vendor", "dist", "build"]);

export interface WalkOptions {
  match: (name: string) => boolean;
  maxDepth?: number;
  maxDirs?: number;
  maxFiles?: number;
  signal?: AbortSignal | undefined;
}

/** Yield matching files (paths relative to root, posix), breadth first, within the bounds. */
export async function* walkTree(root: string, options: WalkOptions): AsyncGenerator<string> {
  const maxDepth = options.maxDepth ?? 12;
  const maxDirs = options.maxDirs ?? 5000;
  const maxFiles = options.maxFiles ?? 5000;
  const queue: { rel: string; depth: number }[] = [{ rel: "", depth: 0 }];
  let dirs = 0;
  let files = 0;
  while (queue.length > 0 && dirs < maxDirs) {
    options.signal?.throwIfAborted();
    const { rel, depth } = queue.shift()!;
    dirs++;
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = rel ? posix.join(rel, entry.name) : entry.name;
      if (entry.isDirectory()) {
        if (depth < maxDepth && !entry.name.startsWith(".") && !SKIP_DIRS.has(entry.name))
          queue.push({ rel: path, depth: depth + 1 });
      } else if (entry.isFile() && options.match(entry.name)) {
        yield path;
        if (++files >= maxFiles) return;
      }
    }
  }
}

/** One line of a source file that holds a needle. */
export interface SourceHit {
  file: string;
  /** 1-based. */
  line: number;
  needle: string;
}

/** Largest source file searched. */
export const MAX_SOURCE_BYTES = 512 * 1024;

/** Search the Rust files for each needle (exact substring); at most `maxHits` hits in total. */
export async function searchSources(
  root: string,
  needles: readonly string[],
  options: { maxHits?: number; maxFiles?: number; signal?: AbortSignal } = {},
): Promise<SourceHit[]> {
  const wanted = needles.filter((n) => n.length > 0);
  const hits: SourceHit[] = [];
  if (wanted.length === 0) return hits;
  const maxHits = options.maxHits ?? 200;
  const walk = walkTree(root, {
    match: (name) => name.endsWith(".rs"),
    maxFiles: options.maxFiles ?? 5000,
    signal: options.signal,
  });
  for await (const file of walk) {
    const full = join(root, file);
    const size = (await stat(full).catch(() => null))?.size ?? 0;
    if (size === 0 || size > MAX_SOURCE_BYTES) continue;
    const text = await readFile(full, "utf8").catch(() => "");
    if (!wanted.some((n) => text.includes(n))) continue;
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      for (const needle of wanted) {
        if (!lines[i]!.includes(needle)) continue;
        hits.push({ file, line: i + 1, needle });
        if (hits.length >= maxHits) return hits;
      }
    }
  }
  return hits;
}
