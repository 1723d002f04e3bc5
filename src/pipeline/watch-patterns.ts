/**
 * What the watch patterns match, said out loud: a log tool pointed at the wrong place must not look like a quiet
 * night. `serve` prints how many files each pattern matches at start, warns at once when a pattern's directory
 * does not exist, and warns once more if a pattern has matched nothing for its first minute; `scan` names every
 * pattern that matched nothing.
 */
import { existsSync } from "node:fs";
import { expandPatterns, patternDirs } from "../ingest/file-identity.js";
import type { Logger } from "../log.js";

/** What one pattern matches now. */
export interface PatternMatch {
  pattern: string;
  files: number;
  /** The pattern's directory, when it does not exist. */
  missingDir: string | null;
}

/** Check each pattern against the file system now. */
export async function matchPatterns(
  patterns: readonly string[],
  cwd = process.cwd(),
): Promise<PatternMatch[]> {
  return Promise.all(
    patterns.map(async (pattern) => {
      const [dir] = patternDirs([pattern], cwd);
      const files = (await expandPatterns([pattern], cwd)).length;
      return { pattern, files, missingDir: dir && !existsSync(dir) ? dir : null };
    }),
  );
}

/** Pure: the start-up line, e.g. `tailing ./logs/*.log (2 files match now)`. */
export function describeMatches(matches: readonly PatternMatch[]): string {
  const each = matches.map((m) => `${m.pattern} (${m.files} file${m.files === 1 ? "" : "s"} match now)`);
  return `tailing ${each.join(", ")}`;
}

/** Pure: the warning for a pattern that matches nothing, naming it and what to check. */
export function unmatchedWarning(m: PatternMatch, since: "start" | "a minute"): string {
  const why = m.missingDir ? `: directory ${m.missingDir} does not exist` : "";
  const when = since === "start" ? "" : " for a minute";
  return `no file has matched ${m.pattern}${when}${why}; check --watch or watch.paths (AI_MONITOR_WATCH)`;
}

/** Options of the start-up check. */
export interface WatchCheckOptions {
  patterns: readonly string[];
  log: Logger;
  /** How long a pattern may match nothing before the second warning (a minute). */
  graceMs?: number;
  cwd?: string;
}

/**
 * Log the start-up line and warnings now, and schedule the one-minute check; returns a stop function for
 * shutdown. The timer does not keep the process alive.
 */
export async function startWatchCheck(options: WatchCheckOptions): Promise<() => void> {
  const { patterns, log, cwd } = options;
  const first = await matchPatterns(patterns, cwd);
  log.info({ watch: patterns }, describeMatches(first));
  for (const m of first) if (m.missingDir) log.warn({ pattern: m.pattern }, unmatchedWarning(m, "start"));
  const empty = first.filter((m) => m.files === 0).map((m) => m.pattern);
  if (empty.length === 0) return () => {};
  const timer = setTimeout(() => {
    void matchPatterns(empty, cwd).then(
      (later) => {
        for (const m of later)
          if (m.files === 0) log.warn({ pattern: m.pattern }, unmatchedWarning(m, "a minute"));
      },
      (err) => log.warn({ err }, "could not check the watch patterns"),
    );
  }, options.graceMs ?? 60_000);
  timer.unref();
  return () => clearTimeout(timer);
}
