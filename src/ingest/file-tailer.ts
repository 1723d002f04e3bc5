/**
 * The `serve` file tailer: follows the files matched by glob patterns through appends, rename rotation,
 * copytruncate and delete+recreate, handing every batch to onBatch (which stores signals and offset in one
 * transaction). When to look is the watch loop's business (fs.watch plus polling); this file decides what
 * each file is and where to read it from. At a restart, logs renamed away from the patterns while it was
 * stopped are finished first, as `scan` does.
 */
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Level } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/store.js";
import { expandPatterns, HEAD_BYTES, headMatches, patternDirs, readHead } from "./file-identity.js";
import { createReadBuffer, DEFAULT_BUFFER_BYTES, DEFAULT_MAX_LINE_BYTES } from "./file-reader.js";
import { drainFile, type OnBatch, type OpenFile, openFile, recordStart } from "./tailed-file.js";
import {
  adoptRenamedFiles,
  FIRST_START_MARK,
  finishRenamed,
  type RenamedFrom,
  startCaseMessage,
  startMessage,
} from "./tailer-start.js";
import { findTruncatedCopy, openCopy } from "./truncated-copy.js";
import { createWatchLoop } from "./watch-loop.js";

export type { OnBatch, TailBatch } from "./tailed-file.js";

export interface FileTailerOptions {
  patterns: readonly string[];
  /**
   * Read for stored offsets, and asked once at start whether any exist (first start or restart); offsets
   * are saved only through onBatch, with their signals.
   */
  store: Pick<Store, "getOffset" | "saveOffset" | "hasOffsets">;
  onBatch: OnBatch;
  levels: readonly Level[];
  maxLineBytes?: number;
  pollIntervalMs?: number;
  /** At the first start (no offset stored yet), read the files present from 0 instead of from their end. */
  fromBeginning?: boolean;
  log: Logger;
  now: () => number;
  bufferBytes?: number;
  /** How long a rotated-away or deleted file stays open once it stops growing (its writer may lag). */
  retireAfterMs?: number;
}

export interface FileTailer {
  /**
   * Position every file found now, then follow them. A file with a stored offset resumes there. One
   * without: at the first start (the store holds no offsets at all) it starts at its end unless
   * fromBeginning; at a restart it appeared while the service was down and is read from its beginning.
   * At a restart, a log renamed away from the patterns meanwhile (stored offset short of its size, same
   * head) is read to its end once, before the file now at its old path, and then closed.
   */
  start(): Promise<void>;
  /** Stop watching and polling, let the batch in flight finish, close every file. */
  stop(): Promise<void>;
  /**
   * Resolves once every followed file has been read up to its current size with every batch stored
   * (so it waits as long as onBatch keeps failing). For tests and the demo.
   */
  settled(): Promise<void>;
}

interface Retired {
  file: OpenFile;
  lastReadPos: number;
  idleSinceMs: number;
  /** Set for a log found renamed at a restart: read to its end once, then closed, never followed. */
  renamed?: RenamedFrom;
}

/** Create the tailer; nothing happens before start(). */
export function createFileTailer(options: FileTailerOptions): FileTailer {
  const { patterns, store, onBatch, levels, log, now } = options;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const retireAfterMs = options.retireAfterMs ?? 30_000;
  // One buffer for every file: memory stays bounded whatever the number and size of files.
  const buffer = createReadBuffer(options.bufferBytes ?? DEFAULT_BUFFER_BYTES, maxLineBytes);
  const openOptions = { store, buffer, levels, maxLineBytes, now };
  const current = new Map<string, OpenFile>();
  const retired: Retired[] = [];
  const unreadable = new Set<string>();
  const loop = createWatchLoop({
    pass: (full) => pass(full),
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    log,
  });
  let stopped = false;
  let starting: Promise<unknown> | null = null;
  // Decided once at start(), before this run stores any offset.
  let restart = false;

  const followed = (dev: number, ino: number): boolean =>
    [...current.values(), ...retired.map((r) => r.file)].some((f) => f.dev === dev && f.ino === ino);

  async function follow(path: string, initial: boolean): Promise<void> {
    // Only files already there at the very first start begin at their end; any other file without an
    // offset was written after we started watching (or while we were down), so all of it is new.
    const atEnd = initial && !restart && !options.fromBeginning;
    const opened = await openFile(path, { ...openOptions, atEnd });
    if (!opened) return;
    const { file, start } = opened;
    // The same file under a second matched name (app.log.1 after a rotation) is already being read.
    if (stopped || followed(file.dev, file.ino)) {
      await file.fh.close();
      return;
    }
    current.set(path, file);
    const { dev, ino, committed: offset, size: sizeBytes } = file;
    log.info({ path, dev, ino, offset, sizeBytes, start }, startMessage(start, initial && restart));
    if (file.saveStart && !initial) await recordStart(file, onBatch).catch(() => {}); // drainFile retries
  }

  // copytruncate: the lines between the last read and the copy are in the copy; read them from there first.
  async function finishCopyOf(file: OpenFile): Promise<void> {
    const truncated = { path: file.path, head: file.head, committed: file.committed };
    const copyPath = await findTruncatedCopy(truncated, followed);
    const copy = copyPath ? await openCopy(copyPath, truncated, openOptions) : null;
    if (!copy) return;
    const renamed = { from: file.path, fromOffset: copy.committed };
    retired.push({ file: copy, lastReadPos: copy.reader.readPos, idleSinceMs: now(), renamed });
    log.info(
      { path: copy.path, copyOf: file.path, offset: copy.committed },
      "reading the truncated file's unread end from its copy",
    );
  }

  function retire(file: OpenFile, message: string): void {
    current.delete(file.path);
    retired.push({ file, lastReadPos: file.reader.readPos, idleSinceMs: now() });
    log.info({ path: file.path, ino: file.ino, offset: file.committed }, message);
  }

  // Compare what is at `path` now with the file followed there.
  async function refresh(path: string, initial: boolean): Promise<void> {
    const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "ENOTDIR") return null;
      throw err;
    });
    const file = current.get(path);
    if (file && st && st.dev === file.dev && st.ino === file.ino) {
      const rewritten = st.size !== file.size && !(await headMatches(file.fh, file.head));
      if (st.size < file.reader.readPos || rewritten) {
        log.info(
          { path, offset: file.committed, sizeBytes: st.size },
          "file truncated: reading it again from 0",
        );
        await finishCopyOf(file);
        file.reader.rewind(0);
        file.committed = 0;
        file.saveStart = false;
        file.head = await readHead(file.fh, st.size);
      } else if (file.head.len < HEAD_BYTES && st.size > file.head.len) {
        file.head = await readHead(file.fh, st.size);
      }
      file.size = st.size;
      return;
    }
    if (file)
      retire(file, st ? "file replaced at its path: finishing the old one first" : "file gone: finishing it");
    if (st?.isFile() && !followed(st.dev, st.ino)) await follow(path, initial);
  }

  async function drainOne(file: OpenFile): Promise<boolean> {
    try {
      const { error } = await drainFile(file, onBatch, () => stopped, lookAround);
      if (error === null) return true;
      log.error({ err: error, path: file.path, offset: file.committed }, "batch not stored: retrying later");
    } catch (err) {
      log.error({ err, path: file.path, offset: file.committed }, "cannot read file: retrying later");
    }
    return false;
  }

  // Between the chunks of a long backlog: a file rotated in at a followed path is opened (and its start
  // stored) now, before a second rotation moves it away unseen.
  async function lookAround(): Promise<void> {
    for (const path of [...current.keys()]) {
      if (stopped) return;
      await refresh(path, false).catch(() => {}); // the next pass retries and reports
    }
  }

  async function drainAll(): Promise<boolean> {
    let clean = true;
    const unfinished = new Set<string>();
    for (const old of [...retired]) {
      if (stopped) return clean;
      if (!(await drainOne(old.file))) {
        clean = false;
        unfinished.add(old.file.path);
        if (old.renamed) unfinished.add(old.renamed.from);
      } else if (old.renamed) {
        if (stopped) return clean;
        retired.splice(retired.indexOf(old), 1);
        await finishRenamed(old.file, old.renamed, log);
      } else if (old.file.reader.readPos !== old.lastReadPos) {
        old.lastReadPos = old.file.reader.readPos;
        old.idleSinceMs = now();
      } else if (now() - old.idleSinceMs >= retireAfterMs) {
        retired.splice(retired.indexOf(old), 1);
        await old.file.fh.close().catch(() => {});
        log.info(
          { path: old.file.path, ino: old.file.ino, offset: old.file.committed },
          "closed finished file",
        );
      }
    }
    for (const file of current.values()) {
      if (stopped) return clean;
      // Lines of the old file at this path were written first: the new one waits until they are stored.
      if (unfinished.has(file.path)) clean = false;
      else if (!(await drainOne(file))) clean = false;
    }
    return clean;
  }

  async function pass(full: boolean, initial = false): Promise<boolean> {
    const paths = new Set(current.keys());
    if (full) for (const path of await expandPatterns(patterns)) paths.add(path);
    for (const path of paths) {
      if (stopped) return true;
      try {
        await refresh(path, initial);
        unreadable.delete(path);
      } catch (err) {
        // An unreadable file (EACCES) is retried at every poll: say so once, not every second.
        if (!unreadable.has(path)) log.warn({ err, path }, "cannot follow file: retrying at every poll");
        unreadable.add(path);
      }
    }
    if (full)
      loop.watchDirs([...patternDirs(patterns), ...[...current.values()].map((f) => dirname(f.path))]);
    if (initial) return true;
    return drainAll();
  }

  async function begin(): Promise<void> {
    restart = await store.hasOffsets();
    const fromBeginning = options.fromBeginning ?? false;
    log.info({ firstStart: !restart, fromBeginning }, startCaseMessage(restart, fromBeginning));
    await pass(true, true);
    if (!restart && !stopped) await store.saveOffset(FIRST_START_MARK);
    if (!restart || stopped) return;
    // Lines written before the rename precede those of the new file at the old path, so they go first.
    const skip = new Set([...current.keys(), ...unreadable]);
    const adopt = (file: OpenFile, renamed: RenamedFrom) =>
      void retired.push({ file, lastReadPos: file.reader.readPos, idleSinceMs: now(), renamed });
    await adoptRenamedFiles({ patterns, skip, open: openOptions, followed, adopt, log });
  }

  return {
    async start() {
      if (starting || stopped) return;
      starting = begin();
      await starting;
      if (!stopped) loop.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await loop.stop();
      await starting?.catch(() => {});
      for (const file of [...current.values(), ...retired.map((r) => r.file)]) {
        await file.fh.close().catch(() => {});
      }
      current.clear();
      retired.length = 0;
    },
    settled: () => loop.settled(),
  };
}
