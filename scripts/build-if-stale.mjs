/**
 * Build dist/ with tsc only when a source file is newer than the last build: `npm ci` builds once (`prepare`),
 * and `npm start` starts in a second instead of recompiling every time. Run directly, or import `buildIfStale`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const INPUTS = ["src", "tsconfig.json", "tsconfig.build.json"];

/** Newest modification time (ms) of the files under `path` that tsc compiles. */
function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs; // a deleted or renamed file changes its directory
  for (const entry of readdirSync(path)) {
    if (entry.endsWith(".test.ts")) continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

/** Why dist/ under `root` must be rebuilt, or null when it is current. */
export function staleReason(root = ROOT) {
  const built = join(root, "dist", "cli.js");
  if (!existsSync(built)) return "dist/ is missing";
  const builtAt = statSync(built).mtimeMs;
  const changed = INPUTS.filter((p) => existsSync(join(root, p)) && newest(join(root, p)) > builtAt);
  return changed.length > 0 ? `${changed.join(", ")} changed since the last build` : null;
}

/** Build when stale; returns false when tsc failed (its errors are on stderr). */
export function buildIfStale(root = ROOT) {
  // An image build installs dependencies before copying the sources: nothing to build yet.
  if (!existsSync(join(root, "src"))) return true;
  const why = staleReason(root);
  if (!why) return true;
  process.stderr.write(`ai-monitor: building dist/ (${why})...\n`);
  const started = Date.now();
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
  if (run.status !== 0) return false;
  process.stderr.write(`ai-monitor: built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && !buildIfStale()) process.exit(1);
