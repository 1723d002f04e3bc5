/**
 * Who a file is, beyond its path: device + inode, plus a hash of its first bytes so a file deleted and
 * recreated that got the same inode number back is not mistaken for the old one.
 */
import { createHash } from "node:crypto";
import { type FileHandle, opendir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import picomatch from "picomatch";
import { glob, isDynamicPattern } from "tinyglobby";
import type { FileOffset, Store } from "../store/store.js";

/** How many leading bytes identify a file's content (enough to cover the first log line's timestamp). */
export const HEAD_BYTES = 256;

/** sha1 of the first `len` bytes of a file. */
export interface FileHead {
  hash: string;
  len: number;
}

/** Hash the first `len` bytes (fewer if the file is shorter). */
export async function hashHead(fh: FileHandle, len: number): Promise<FileHead> {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return { hash: createHash("sha1").update(buf.subarray(0, got)).digest("hex"), len: got };
}

/** The head to store for a file of `size` bytes: min(size, HEAD_BYTES) bytes. */
export function readHead(fh: FileHandle, size: number): Promise<FileHead> {
  return hashHead(fh, Math.min(size, HEAD_BYTES));
}

/** True when the file still starts with the bytes `head` was computed from. */
export async function headMatches(fh: FileHandle, head: FileHead): Promise<boolean> {
  const now = await hashHead(fh, head.len);
  return now.len === head.len && now.hash === head.hash;
}

/** Why reading starts where it does. */
export type ResumeReason = "resumed" | "truncated" | "recreated";

/**
 * Where to resume a file that has a stored offset: the stored offset, unless the file is now shorter
 * (copytruncate) or starts with other bytes (deleted and recreated with a reused inode), then 0.
 */
export async function resumeFrom(
  fh: FileHandle,
  size: number,
  stored: FileOffset,
): Promise<{ offset: number; reason: ResumeReason }> {
  if (stored.offset > size) return { offset: 0, reason: "truncated" };
  if (!(await headMatches(fh, { hash: stored.headHash, len: stored.headLen }))) {
    return { offset: 0, reason: "recreated" };
  }
  return { offset: stored.offset, reason: "resumed" };
}

/** Offset just after the last newline before `size` (0 if none): where "start at the end" begins. */
export async function offsetAfterLastNewline(
  fh: FileHandle,
  size: number,
  chunkBytes = 64 * 1024,
): Promise<number> {
  const buf = Buffer.alloc(Math.min(chunkBytes, Math.max(size, 1)));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - buf.length);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
    if (nl >= 0) return start + nl + 1;
    end = start;
  }
  return 0;
}

/** Absolute paths of the regular files the patterns match now; a pattern naming an existing file is literal. */
export async function expandPatterns(patterns: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const found = new Set<string>();
  const globs: string[] = [];
  for (const pattern of patterns) {
    // An existing file named by the pattern wins, even with glob characters in its name ("app[1].log").
    const path = resolve(cwd, pattern);
    const st = await stat(path).catch(() => null);
    if (st?.isFile()) found.add(path);
    else if (isDynamicPattern(pattern)) globs.push(pattern);
  }
  if (globs.length > 0) {
    for (const path of await glob(globs, {
      cwd,
      absolute: true,
      onlyFiles: true,
      expandDirectories: false,
    })) {
      found.add(path);
    }
  }
  return [...found].sort();
}

/** The directories to watch for the patterns: each glob's static base, each plain path's directory. */
export function patternDirs(patterns: readonly string[], cwd = process.cwd()): string[] {
  const dirs = new Set<string>();
  for (const pattern of patterns) {
    const abs = resolve(cwd, pattern);
    dirs.add(isDynamicPattern(pattern) ? picomatch.scan(abs).base || "/" : dirname(abs));
  }
  return [...dirs];
}

/** A file the patterns no longer match whose inode has a stored offset short of its size: a renamed log. */
export interface RenamedFile {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  stored: FileOffset;
}

/** At most this many regular files of one directory are stat'ed when looking for renamed logs. */
export const MAX_FILES_STATED_PER_DIR = 1000;

/**
 * Regular files directly in `dirs`, other than `skip`, with a stored offset below their size: logs renamed
 * (rotated) with lines written before the rename still unread. Oldest first. Files without a stored offset
 * are never candidates, so compressed or unrelated files are not read. The head is checked when opening.
 */
export async function findRenamedFiles(
  dirs: readonly string[],
  skip: ReadonlySet<string>,
  store: Pick<Store, "getOffset">,
  maxStatedPerDir = MAX_FILES_STATED_PER_DIR,
): Promise<{ files: RenamedFile[]; cappedDirs: string[] }> {
  const files: RenamedFile[] = [];
  const cappedDirs: string[] = [];
  for (const dir of dirs) {
    const { paths, capped } = await listRegularFiles(dir, skip, maxStatedPerDir);
    if (capped) cappedDirs.push(dir);
    for (const path of paths) {
      const st = await stat(path).catch(() => null);
      if (!st?.isFile()) continue;
      const stored = await store.getOffset(st.dev, st.ino);
      if (stored && stored.offset < st.size) {
        files.push({ path, sizeBytes: st.size, mtimeMs: st.mtimeMs, stored });
      }
    }
  }
  files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
  return { files, cappedDirs };
}

/** Up to `max` regular files directly in `dir` (not in `skip`); capped when more were left unlisted. */
export async function listRegularFiles(
  dir: string,
  skip: ReadonlySet<string>,
  max: number,
): Promise<{ paths: string[]; capped: boolean }> {
  const paths: string[] = [];
  // A missing or unreadable directory has no renamed logs to finish; the patterns report it if it matters.
  const handle = await opendir(dir).catch(() => null);
  if (!handle) return { paths, capped: false };
  try {
    for await (const entry of handle) {
      const path = join(dir, entry.name);
      if (!entry.isFile() || skip.has(path)) continue;
      if (paths.length >= max) return { paths, capped: true };
      paths.push(path);
    }
  } catch {
    // The directory went away while being listed: what was found so far still counts.
  }
  return { paths, capped: false };
}
