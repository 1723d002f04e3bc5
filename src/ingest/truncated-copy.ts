/**
 * copytruncate copies a log, then truncates it in place: the lines written after the tailer's last read and
 * before the copy are only in the copy. The copy starts with the same bytes the truncated file did, so it is
 * found by its head among the files of the same directory, and read from the offset the tailer had reached.
 */
import { open, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { type FileHead, headMatches, listRegularFiles, MAX_FILES_STATED_PER_DIR } from "./file-identity.js";
import { type OpenFile, type OpenFileOptions, openFile } from "./tailed-file.js";

/** What was known of the truncated file: where it is, how it began, how far it was read. */
export interface TruncatedFile {
  path: string;
  head: FileHead;
  /** Offset stored for it before the truncation: the copy is read from here. */
  committed: number;
}

/**
 * The newest regular file beside `truncated` that starts with its head and is longer than what was read of
 * it (`isFollowed` excludes files read already), or null. A compressed copy does not match: its tail is lost.
 */
export async function findTruncatedCopy(
  truncated: TruncatedFile,
  isFollowed: (dev: number, ino: number) => boolean,
): Promise<string | null> {
  if (truncated.head.len === 0) return null;
  const { paths } = await listRegularFiles(
    dirname(truncated.path),
    new Set([truncated.path]),
    MAX_FILES_STATED_PER_DIR,
  );
  let best: { path: string; mtimeMs: number } | null = null;
  for (const path of paths) {
    const st = await stat(path).catch(() => null);
    if (!st?.isFile() || st.size <= truncated.committed || isFollowed(st.dev, st.ino)) continue;
    if (best && st.mtimeMs <= best.mtimeMs) continue;
    const fh = await open(path, "r").catch(() => null);
    if (!fh) continue;
    try {
      if (await headMatches(fh, truncated.head)) best = { path, mtimeMs: st.mtimeMs };
    } finally {
      await fh.close();
    }
  }
  return best?.path ?? null;
}

/**
 * Open the copy of `truncated` positioned where the truncated file was read up to; its start is stored
 * before it is read (saveStart), so a restart finishes it too. Null when it vanished meanwhile.
 */
export async function openCopy(
  copyPath: string,
  truncated: TruncatedFile,
  options: Omit<OpenFileOptions, "atEnd">,
): Promise<OpenFile | null> {
  const opened = await openFile(copyPath, { ...options, atEnd: false });
  if (!opened) return null;
  const { file, start } = opened;
  if (start !== "resumed" || file.committed < truncated.committed) {
    file.reader.rewind(truncated.committed);
    file.committed = truncated.committed;
    file.saveStart = true;
  }
  return file;
}
