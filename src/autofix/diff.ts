/**
 * Pure: line diffs for the autofix policy (how many lines an edit changes) and for the PR body (a unified
 * diff a reviewer reads). Common leading and trailing lines are cut first, so one small edit in a large
 * file costs a tiny LCS.
 */

/** One hunk: lines removed from the old text and added in the new, with 1-based starts. */
export interface Hunk {
  oldStart: number;
  newStart: number;
  removed: string[];
  added: string[];
}

/** Pure: split into lines, keeping a final line without newline. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** Longest middle section compared by LCS; larger ones count as one replaced block (still correct, coarser). */
const MAX_LCS_CELLS = 4_000_000;

/** Pure: the hunks turning `oldText` into `newText`. */
export function lineDiff(oldText: string, newText: string): Hunk[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if (midA.length === 0 && midB.length === 0) return [];
  if (midA.length * midB.length > MAX_LCS_CELLS)
    return [{ oldStart: head + 1, newStart: head + 1, removed: midA, added: midB }];

  // LCS table from the end, so the walk below goes forward.
  const n = midA.length;
  const m = midB.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);

  const hunks: Hunk[] = [];
  let current: Hunk | null = null;
  let i = 0;
  let j = 0;
  const open = () => {
    current ??= { oldStart: head + i + 1, newStart: head + j + 1, removed: [], added: [] };
    return current;
  };
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      if (current) hunks.push(current);
      current = null;
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      open().added.push(midB[j++]!);
    } else {
      open().removed.push(midA[i++]!);
    }
  }
  if (current) hunks.push(current);
  return hunks;
}

/** Pure: changed lines, a modified line counted once (per hunk: the larger of removed and added). */
export function changedLineCount(hunks: readonly Hunk[]): number {
  return hunks.reduce((sum, h) => sum + Math.max(h.removed.length, h.added.length), 0);
}

/** Pure: a unified diff (`git apply` compatible) of one file with `context` lines around each change. */
export function unifiedDiff(path: string, oldText: string, newText: string, context = 3): string {
  const hunks = lineDiff(oldText, newText);
  if (hunks.length === 0) return "";
  const a = splitLines(oldText);
  const out = [`--- a/${path}`, `+++ b/${path}`];
  // Merge hunks whose context would overlap, as diff(1) does.
  let k = 0;
  while (k < hunks.length) {
    const group = [hunks[k]!];
    while (
      k + 1 < hunks.length &&
      hunks[k + 1]!.oldStart - (group.at(-1)!.oldStart + group.at(-1)!.removed.length) <= 2 * context
    )
      group.push(hunks[++k]!);
    k++;
    const first = group[0]!;
    const last = group.at(-1)!;
    const from = Math.max(1, first.oldStart - context);
    const to = Math.min(a.length, last.oldStart + last.removed.length - 1 + context);
    const body: string[] = [];
    let line = from;
    let added = 0;
    let removed = 0;
    for (const h of group) {
      for (; line < h.oldStart; line++) body.push(` ${a[line - 1]}`);
      body.push(...h.removed.map((l) => `-${l}`), ...h.added.map((l) => `+${l}`));
      line += h.removed.length;
      added += h.added.length;
      removed += h.removed.length;
    }
    for (; line <= to; line++) body.push(` ${a[line - 1]}`);
    const oldCount = body.length - added;
    const newCount = body.length - removed;
    const newFrom = first.newStart - (first.oldStart - from);
    const range = (start: number, count: number) => `${count === 0 ? start - 1 : start},${count}`;
    out.push(`@@ -${range(from, oldCount)} +${range(newFrom, newCount)} @@`, ...body);
  }
  return `${out.join("\n")}\n`;
}
