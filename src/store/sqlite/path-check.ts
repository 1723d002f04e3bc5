/**
 * The SQLite file's path, checked before better-sqlite3 opens it: SQLite's own "unable to open database file"
 * names no path, and `mkdir -p` under /proc spins for ever on some Node versions. Each failure names the path
 * and the reason; a read-only command (incidents, cost, report) never creates a database just to find it empty.
 */
import fs from "node:fs";
import path from "node:path";
import { EXIT, FatalError } from "../../fatal.js";

const WHERE = "AI_MONITOR_DB (store.sqlitePath) says where the database lives";

function reason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    case "ENOTDIR":
      return "a parent is not a directory";
    case "ENOENT":
      return "the file system does not allow creating it";
    default:
      return err.code ? `${err.code}: ${err.message}` : err.message;
  }
}

function unusable(file: string, why: string, cause?: unknown): FatalError {
  return new FatalError(`cannot use database ${file}: ${why}`, EXIT.usage, `choose another path: ${WHERE}`, {
    cause,
  });
}

/** The nearest part of `dir` that exists, and the missing directories under it, outermost first. */
function splitExisting(dir: string): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let at = dir;
  while (!fs.existsSync(at)) {
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  return { existing: at, missing };
}

/**
 * Make sure `file` can be opened: an existing file must be a readable, writable file in a writable directory
 * (WAL mode writes files beside it); a missing one is created only when `create`, its directories one by one.
 */
export function prepareSqlitePath(file: string, options: { create: boolean }): void {
  if (file === ":memory:" || file.startsWith("file:")) return;
  const abs = path.resolve(file);
  if (fs.existsSync(abs)) {
    if (fs.statSync(abs).isDirectory()) throw unusable(abs, "it is a directory");
    try {
      fs.accessSync(abs, fs.constants.R_OK | fs.constants.W_OK);
      fs.accessSync(path.dirname(abs), fs.constants.W_OK);
    } catch (err) {
      throw unusable(abs, reason(err as NodeJS.ErrnoException), err);
    }
    return;
  }
  if (!options.create) {
    throw new FatalError(
      `no database at ${abs}: nothing has been recorded there yet`,
      EXIT.failure,
      `start \`ai-monitor serve\` or run \`ai-monitor scan\` first; ${WHERE}`,
    );
  }
  const { existing, missing } = splitExisting(path.dirname(abs));
  if (!fs.statSync(existing).isDirectory()) throw unusable(abs, `${existing} is not a directory`);
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      throw unusable(abs, `cannot create directory ${dir}: ${reason(err as NodeJS.ErrnoException)}`, err);
    }
  }
  try {
    fs.accessSync(path.dirname(abs), fs.constants.W_OK);
  } catch (err) {
    throw unusable(abs, reason(err as NodeJS.ErrnoException), err);
  }
}
