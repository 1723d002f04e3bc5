/**
 * The token budget of a context bundle: items are ranked (the error line, the request trail, the source window,
 * commits, other occurrences), each is guaranteed a share, the rest is granted in rank order, and cuts are
 * explicit (`[... N lines omitted]`).
 * Tokens are estimated as ceil(chars / 4): no tokenizer ships offline, and JSON-heavy logs run denser
 * (about 3 chars per token), so the budget is a soft bound, not a billing figure.
 */
import type { ContextItem } from "../domain/types.js";

/** Default budget of a bundle. */
export const DEFAULT_BUDGET_TOKENS = 6000;

/** Below this many tokens left, an item is dropped rather than cut to a useless fragment. */
export const MIN_CUT_TOKENS = 64;

/** An item as providers build it: `focusLine` is the line a cut keeps in view (the error, the statement). */
export type DraftItem = ContextItem & { focusLine?: number };

// Per item: the title, separators and the id as the prompt renders them.
const ITEM_OVERHEAD_TOKENS = 8;
const MARKER_RESERVE_CHARS = 64;

/** Pure: estimated tokens of a text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Pure: estimated tokens of an item as sent. */
export function itemTokens(item: ContextItem): number {
  return estimateTokens(item.title) + estimateTokens(item.text) + ITEM_OVERHEAD_TOKENS;
}

/** Pure: rank of an item by id (lower is kept first). */
export function priorityOf(id: string): number {
  if (id === "logs:error") return 0;
  if (id === "logs:request") return 1;
  if (id.startsWith("source:")) return 2;
  if (id.startsWith("git:")) return 3;
  if (id === "logs:occurrences") return 4;
  return 5;
}

/** Pure: keep a contiguous run of lines around `focusLine` within `maxTokens`; omitted lines are marked. */
export function cutLines(
  text: string,
  maxTokens: number,
  focusLine = 0,
): { text: string; omittedLines: number } {
  if (estimateTokens(text) <= maxTokens) return { text, omittedLines: 0 };
  const lines = text.split("\n");
  const focus = Math.min(Math.max(focusLine, 0), lines.length - 1);
  const maxChars = Math.max(0, maxTokens * 4 - MARKER_RESERVE_CHARS);
  let first = focus;
  let last = focus;
  let chars = lines[focus]!.length + 1;
  let head = lines[focus]!;
  if (chars > maxChars) {
    head = `${head.slice(0, maxChars)} [... ${head.length - maxChars} chars omitted]`;
  } else {
    // Alternate: the line before the focus first (what led to it), then the one after.
    for (let step = 0; ; step++) {
      const up = step % 2 === 0;
      const canUp = first > 0;
      const canDown = last < lines.length - 1;
      if (!canUp && !canDown) break;
      const index = (up && canUp) || !canDown ? first - 1 : last + 1;
      const cost = lines[index]!.length + 1;
      if (chars + cost > maxChars) break;
      chars += cost;
      if (index < first) first = index;
      else last = index;
    }
  }
  const kept = first === last ? [head] : lines.slice(first, last + 1);
  const before = first;
  const after = lines.length - 1 - last;
  const out = [
    ...(before > 0 ? [`[... ${before} lines omitted]`] : []),
    ...kept,
    ...(after > 0 ? [`[... ${after} lines omitted]`] : []),
  ];
  return { text: out.join("\n"), omittedLines: before + after };
}

/** What fitting did: the items kept (priority order), tokens used, and a note per cut or dropped item. */
export interface BudgetResult {
  items: ContextItem[];
  usedTokens: number;
  cuts: string[];
}

/** Share of the budget each item is guaranteed first, by priority (error, trail, source, git, occurrences). */
export const BUDGET_SHARES: readonly number[] = [0.15, 0.3, 0.2, 0.08, 0.12, 0.05];

/**
 * Pure: tokens granted to each item (in priority order). First every item gets up to its share, so a long
 * request trail cannot crowd the source window out; what is left goes in priority order. When even the
 * shares do not fit, priority order decides alone.
 */
export function allocate(
  costs: readonly number[],
  priorities: readonly number[],
  budgetTokens: number,
): number[] {
  const grant = costs.map((cost, i) =>
    Math.min(cost, Math.floor(budgetTokens * (BUDGET_SHARES[priorities[i]!] ?? 0.05))),
  );
  let left = budgetTokens - grant.reduce((a, b) => a + b, 0);
  if (left < 0) {
    left = budgetTokens;
    return grant.map((g) => {
      const take = Math.min(g, left);
      left -= take;
      return take;
    });
  }
  return grant.map((g, i) => {
    const extra = Math.min(costs[i]! - g, left);
    left -= extra;
    return g + extra;
  });
}

/** Pure: fit items into the budget (see `allocate`); cut items keep their focus line, explicit markers. */
export function fitBudget(drafts: readonly DraftItem[], budgetTokens: number): BudgetResult {
  const ordered = drafts
    .map((item, index) => ({ item, index }))
    .sort((a, b) => priorityOf(a.item.id) - priorityOf(b.item.id) || a.index - b.index)
    .map(({ item }) => item);
  const costs = ordered.map(itemTokens);
  const granted = allocate(
    costs,
    ordered.map((item) => priorityOf(item.id)),
    budgetTokens,
  );
  const items: ContextItem[] = [];
  const cuts: string[] = [];
  let used = 0;
  ordered.forEach(({ focusLine, ...item }, i) => {
    const cost = costs[i]!;
    const grant = granted[i]!;
    if (cost <= grant) {
      items.push(item);
      used += cost;
      return;
    }
    const room = grant - estimateTokens(item.title) - ITEM_OVERHEAD_TOKENS;
    if (room < MIN_CUT_TOKENS) {
      cuts.push(`budget: ${item.id} dropped (~${cost} tokens, ${grant} granted of ${budgetTokens})`);
      return;
    }
    const cut = cutLines(item.text, room, focusLine ?? 0);
    const kept = { ...item, text: cut.text };
    items.push(kept);
    used += itemTokens(kept);
    cuts.push(
      cut.omittedLines > 0
        ? `budget: ${item.id} cut, ${cut.omittedLines} lines omitted`
        : `budget: ${item.id} cut to fit`,
    );
  });
  return { items, usedTokens: used, cuts };
}
