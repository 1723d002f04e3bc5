/**
 * How the `serve` tailer starts: what it says about each file's starting position, and the logs renamed
 * away from the watched patterns while it was stopped (stored offset short of their size, same head),
 * found at a restart, read to their end once before the file now at their old path, then closed.
 */
import type { Logger } from "../log.js";
import type { FileOffset } from "../store/store.js";
import { findRenamedFiles, patternDirs } from "./file-identity.js";
import { type OpenFile, type OpenFileOptions, openFile, type StartReason } from "./tailed-file.js";

const START_MESSAGES: Record<StartReason, string> = {
  resumed: "following file from its stored offset",
  truncated: "stored offset is past the end of the file (truncated): reading it from 0",
  recreated: "file starts with other bytes than when its offset was stored (recreated): reading it from 0",
  end: "existing file without stored offset: starting at its end (watch.fromBeginning reads it all)",
  beginning: "reading file from its beginning",
};
const START_CASES = {
  restart: "restart (the store holds offsets): files new since the last run are read from their beginning",
  firstAtEnd: "first start (no offsets stored): files present now start at their end",
  firstFromBeginning: "first start (no offsets stored): reading files present now from 0 (fromBeginning)",
};
const APPEARED_WHILE_DOWN =
  "file new since the last run (appeared while stopped): reading it from its beginning";

/**
 * Stored at the first start, beside the real offsets, so the next start is a restart even when no log file
 * existed yet: a file created while the service was down is then read from its beginning, not its end.
 * dev 0 / inode 0 belong to no real file.
 */
export const FIRST_START_MARK: FileOffset = {
  dev: 0,
  ino: 0,
  path: "(first start of the tailer)",
  offset: 0,
  headHash: "",
  headLen: 0,
};

/** The log message for a file's starting position; `atRestart` for a file found when a restart began. */
export function startMessage(start: StartReason, atRestart: boolean): string {
  return atRestart && start === "beginning" ? APPEARED_WHILE_DOWN : START_MESSAGES[start];
}

/** The log message saying how files found at start() are positioned. */
export function startCaseMessage(restart: boolean, fromBeginning: boolean): string {
  return START_CASES[restart ? "restart" : fromBeginning ? "firstFromBeginning" : "firstAtEnd"];
}

/** Where a renamed log was followed before the restart, and the offset its reading resumes at. */
export interface RenamedFrom {
  from: string;
  fromOffset: number;
}

export interface AdoptRenamedOptions {
  patterns: readonly string[];
  /** Paths followed or known unreadable: never candidates. */
  skip: ReadonlySet<string>;
  /** The tailer's open options (its store and shared buffer); a renamed log always resumes. */
  open: Omit<OpenFileOptions, "atEnd">;
  /** Whether an inode is already read, under another name. */
  followed: (dev: number, ino: number) => boolean;
  /** Takes each renamed log, oldest first, before the next is opened (so `followed` sees it). */
  adopt: (file: OpenFile, renamed: RenamedFrom) => void;
  log: Logger;
}

/** Find and open the logs renamed while stopped, handing each to `adopt`; lines written before the rename go first. */
export async function adoptRenamedFiles(options: AdoptRenamedOptions): Promise<void> {
  const { patterns, skip, open, followed, adopt, log } = options;
  const { files, cappedDirs } = await findRenamedFiles(patternDirs(patterns), skip, open.store);
  for (const dir of cappedDirs) {
    log.warn({ dir }, "many files in a watched directory: only some were checked for renamed logs");
  }
  for (const { path, stored } of files) {
    const opened = await openFile(path, { ...open, atEnd: false }).catch(
      (err: unknown) => void log.warn({ err, path }, "cannot open renamed log: its unread end is skipped"),
    );
    if (!opened) continue;
    const { file, start } = opened;
    // Another file that got the inode back (other head) or was truncated is not the renamed log.
    if (start !== "resumed" || followed(file.dev, file.ino)) {
      await file.fh.close();
      continue;
    }
    adopt(file, { from: stored.path, fromOffset: file.committed });
    log.info(
      { path, renamedFrom: stored.path, offset: file.committed, sizeBytes: file.size },
      "log renamed while stopped: finishing it before the file now at its old path",
    );
  }
}

/** Close a renamed log once it has been read to its end with every batch stored. */
export async function finishRenamed(file: OpenFile, renamed: RenamedFrom, log: Logger): Promise<void> {
  await file.fh.close().catch(() => {});
  const { path, ino, committed: toOffset } = file;
  log.info(
    { path, ino, renamedFrom: renamed.from, fromOffset: renamed.fromOffset, toOffset },
    "finished renamed file",
  );
}
