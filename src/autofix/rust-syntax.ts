/**
 * Pure: the few shapes of Rust the autofix policy recognises in a token stream without comments: const and
 * static initialisers, `tracing` log macro calls, and test code (items under a test attribute). Indexes are
 * positions in that comment-free stream.
 */
import type { RustToken } from "./rust-tokens.js";

/** A half-open range of token indexes [start, end). */
export interface TokenRange {
  start: number;
  end: number;
}

/** The initializer of one const or static item: the tokens between `=` and `;`. */
export interface ConstItem extends TokenRange {
  name: string;
}

/** The tracing macros whose calls autofix may add or change. */
export const LOG_MACROS: ReadonlySet<string> = new Set(["error", "warn", "info", "debug", "trace", "event"]);

const OPEN: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Pure: index of the bracket closing the one at `open`, or -1. */
export function matchingClose(tokens: readonly RustToken[], open: number): number {
  const stack: string[] = [];
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "punct") continue;
    if (OPEN[t.text]) stack.push(OPEN[t.text]!);
    else if (t.text === ")" || t.text === "]" || t.text === "}") {
      if (stack.pop() !== t.text) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Pure: the index of the first `text` at bracket depth 0 from `from`, or -1 (stops at an unmatched close). */
function findAtDepth0(tokens: readonly RustToken[], from: number, texts: readonly string[]): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "punct") continue;
    if (depth === 0 && texts.includes(t.text)) return i;
    if (OPEN[t.text]) depth++;
    else if (t.text === ")" || t.text === "]" || t.text === "}") {
      if (depth === 0) return -1;
      depth--;
    }
  }
  return -1;
}

const is = (t: RustToken | undefined, text: string) =>
  t !== undefined && t.text === text && t.kind !== "string";

/** Pure: every `const NAME: T = ...;` and `static [mut] NAME: T = ...;` initializer. */
export function constItems(tokens: readonly RustToken[]): ConstItem[] {
  const items: ConstItem[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "ident" || (t.text !== "const" && t.text !== "static")) continue;
    let j = i + 1;
    if (t.text === "static" && is(tokens[j], "mut")) j++;
    const name = tokens[j];
    // `const fn`, `const {}` blocks and `static ||` closures are not items with a value.
    if (name?.kind !== "ident" || ["fn", "unsafe", "async", "extern", "move"].includes(name.text)) continue;
    if (!is(tokens[j + 1], ":")) continue;
    const eq = findAtDepth0(tokens, j + 2, ["=", ";"]);
    if (eq < 0 || tokens[eq]!.text !== "=") continue;
    const semi = findAtDepth0(tokens, eq + 1, [";"]);
    if (semi < 0) continue;
    items.push({ name: name.text, start: eq + 1, end: semi });
  }
  return items;
}

/** One log macro call: the whole statement (path, `!`, arguments, optional `;`) and its argument tokens. */
export interface MacroCall extends TokenRange {
  args: TokenRange;
}

/** Pure: calls of the tracing macros, unqualified or as `tracing::x!` / `::tracing::x!`. */
export function logMacroCalls(tokens: readonly RustToken[]): MacroCall[] {
  const calls: MacroCall[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "ident" || !LOG_MACROS.has(t.text) || !is(tokens[i + 1], "!")) continue;
    const open = tokens[i + 2];
    if (!open || !OPEN[open.text] || open.kind !== "punct") continue;
    let start = i;
    if (is(tokens[i - 1], "::")) {
      // Only the tracing crate's macros: another path may name a macro that does anything.
      if (!is(tokens[i - 2], "tracing")) continue;
      start = i - 2;
      if (is(tokens[i - 3], "::")) start = i - 3;
      if (is(tokens[start - 1], "::") || tokens[start - 1]?.kind === "ident") continue;
    }
    const close = matchingClose(tokens, i + 2);
    if (close < 0) continue;
    const end = is(tokens[close + 1], ";") ? close + 2 : close + 1;
    calls.push({ start, end, args: { start: i + 3, end: close } });
    i = close;
  }
  return calls;
}

/** Pure: an attribute `#[...]` or `#![...]` at `i`: its end index and whether it mentions `test`. */
function attributeAt(
  tokens: readonly RustToken[],
  i: number,
): { end: number; test: boolean; inner: boolean } | null {
  if (!is(tokens[i], "#")) return null;
  const inner = is(tokens[i + 1], "!");
  const open = inner ? i + 2 : i + 1;
  if (!is(tokens[open], "[")) return null;
  const close = matchingClose(tokens, open);
  if (close < 0) return null;
  const test = tokens.slice(open, close).some((t) => t.kind === "ident" && t.text === "test");
  return { end: close + 1, test, inner };
}

/** Pure: token ranges of test code: items under `#[test]`, `#[cfg(test)]`, `#[tokio::test]` and the like. */
export function testRanges(tokens: readonly RustToken[]): TokenRange[] {
  const ranges: TokenRange[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const attr = attributeAt(tokens, i);
    if (!attr) continue;
    if (!attr.test) {
      i = attr.end - 1;
      continue;
    }
    if (attr.inner) return [{ start: 0, end: tokens.length }];
    const stop = findAtDepth0(tokens, attr.end, ["{", ";"]);
    if (stop < 0) {
      ranges.push({ start: i, end: tokens.length });
      break;
    }
    const end = tokens[stop]!.text === "{" ? matchingClose(tokens, stop) : stop;
    ranges.push({ start: i, end: end < 0 ? tokens.length : end + 1 });
    i = end < 0 ? tokens.length : end;
  }
  return ranges;
}

/** Pure: how many test attributes the code carries (a deleted test lowers it). */
export function countTestAttributes(tokens: readonly RustToken[]): number {
  let count = 0;
  for (let i = 0; i < tokens.length; i++) {
    const attr = attributeAt(tokens, i);
    if (attr?.test) count++;
  }
  return count;
}
