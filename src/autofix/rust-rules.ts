/**
 * Pure: what a Rust edit may change. Both versions of the file are tokenized; the edit is allowed when the
 * comment-free token streams differ only (a) in literals inside const/static initialisers, (b) in `tracing`
 * log macro calls with plain arguments, or (c) by one small Option/None guard. Everything else is refused.
 */
import { riskyValue, sensitiveName } from "./risk.js";
import { constItems, countTestAttributes, logMacroCalls, type MacroCall, testRanges } from "./rust-syntax.js";
import { codeTokens, isLiteral, literalClass, type RustToken, tokenizeRust } from "./rust-tokens.js";

/** Which rule allowed an edit, or why none did. */
export type RustVerdict =
  | { ok: true; rule: "constant" | "log" | "guard"; detail: string }
  | { ok: false; reason: string };

/** Rust keywords: never a name in a guard path or a log argument. */
const KEYWORDS = new Set(
  (
    "as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod " +
    "move mut pub ref return self Self static struct super trait true type unsafe use where while yield box"
  ).split(" "),
);

const texts = (tokens: readonly RustToken[]) => tokens.map((t) => `${t.kind}:${t.text}`);
const sameTokens = (a: readonly RustToken[], b: readonly RustToken[]) =>
  a.length === b.length && a.every((t, i) => t.kind === b[i]!.kind && t.text === b[i]!.text);

/** (a) Literal changes inside const/static initialisers. Null when the edit is not literal-only at all. */
function literalRule(oldCode: RustToken[], newCode: RustToken[]): RustVerdict | null {
  if (oldCode.length !== newCode.length) return null;
  const diffs = oldCode.flatMap((t, i) =>
    t.kind === newCode[i]!.kind && t.text === newCode[i]!.text ? [] : [i],
  );
  const literalOnly = diffs.every(
    (i) =>
      isLiteral(oldCode[i]!) &&
      isLiteral(newCode[i]!) &&
      literalClass(oldCode[i]!) === literalClass(newCode[i]!),
  );
  if (!literalOnly) return null;
  const items = constItems(oldCode);
  const changes: string[] = [];
  for (const i of diffs) {
    const item = items.find((it) => i >= it.start && i < it.end);
    if (!item)
      return { ok: false, reason: "changes a literal outside a const or static item (business logic)" };
    const body = oldCode.slice(item.start, item.end);
    if (body.some((t, k) => t.text === "!" && t.kind === "punct" && /^[([{]$/.test(body[k + 1]?.text ?? "")))
      return {
        ok: false,
        reason: `const ${item.name} is computed by a macro; autofix changes plain values only`,
      };
    // The issue allows numbers, durations and strings: a boolean is a switch (a check turned off), not a value.
    if (literalClass(oldCode[i]!) === "bool")
      return { ok: false, reason: `flips the boolean ${item.name}: switches are not configuration values` };
    const sensitive = sensitiveName(item.name);
    if (sensitive) return { ok: false, reason: sensitive };
    const risky = riskyValue(newCode[i]!.text);
    if (risky) return { ok: false, reason: `the new value of ${item.name} is ${risky}` };
    changes.push(`${item.name}: ${oldCode[i]!.text} -> ${newCode[i]!.text}`);
  }
  return {
    ok: true,
    rule: "constant",
    detail: `literal change in a const/static item (${changes.join(", ")})`,
  };
}

const PLAIN_PUNCT = new Set([",", "=", "%", "?", ".", "::", "&", ":"]);

/** Why a log call's arguments are not plain (literals, names, fields, sigils), or null. */
function unplainArgs(tokens: readonly RustToken[], call: MacroCall): string | null {
  for (const t of tokens.slice(call.args.start, call.args.end)) {
    if (isLiteral(t)) continue;
    if (t.kind === "ident" && (!KEYWORDS.has(t.text) || t.text === "self")) {
      const sensitive = sensitiveName(t.text);
      if (sensitive) return `a log call would print ${t.text}, which may be a secret`;
      continue;
    }
    if (t.kind === "punct" && PLAIN_PUNCT.has(t.text)) continue;
    return `a log call's arguments may only be literals, names and fields (found ${JSON.stringify(t.text)})`;
  }
  return null;
}

/** (b) Changes confined to tracing log macro calls. Null when code outside log calls changed. */
function logRule(oldCode: RustToken[], newCode: RustToken[]): RustVerdict | null {
  const oldCalls = logMacroCalls(oldCode);
  const newCalls = logMacroCalls(newCode);
  const strip = (code: RustToken[], calls: MacroCall[]) =>
    code.filter((_t, i) => !calls.some((c) => i >= c.start && i < c.end));
  if (!sameTokens(strip(oldCode, oldCalls), strip(newCode, newCalls))) return null;
  if (newCalls.length < oldCalls.length) return { ok: false, reason: "removes a log statement" };
  const known = new Set(oldCalls.map((c) => texts(oldCode.slice(c.start, c.end)).join(" ")));
  let changed = 0;
  for (const call of newCalls) {
    if (known.has(texts(newCode.slice(call.start, call.end)).join(" "))) continue;
    changed++;
    const why = unplainArgs(newCode, call);
    if (why) return { ok: false, reason: why };
  }
  return { ok: true, rule: "log", detail: `adds or changes ${changed} tracing log call(s)` };
}

/** A tiny matcher over a token slice: one guard shape, consumed completely. */
function isGuard(chunk: readonly RustToken[]): boolean {
  let i = 0;
  const at = (text: string) => chunk[i]?.kind !== "string" && chunk[i]?.text === text;
  const take = (ok: boolean) => {
    if (ok) i++;
    return ok;
  };
  const eat = (text: string) => take(at(text));
  const name = () => take(chunk[i]?.kind === "ident" && !KEYWORDS.has(chunk[i]!.text));
  const path = () => {
    eat("&");
    if (!name() && !eat("self")) return false;
    while (
      at(".") &&
      chunk[i + 1]?.kind === "ident" &&
      !KEYWORDS.has(chunk[i + 1]!.text) &&
      chunk[i + 2]?.text !== "("
    )
      i += 2;
    return true;
  };
  const value = () => {
    const t = chunk[i];
    if (t && isLiteral(t)) return void i++;
    if (eat("None")) return;
    const start = i;
    if (eat("Ok") && eat("(") && ((eat("(") && eat(")")) || eat("None")) && eat(")")) return;
    i = start;
    if (eat("Err") && eat("(") && name()) {
      while (eat("::")) if (!name()) break;
      if (eat(")")) return;
    }
    i = start;
    for (const [type, fn] of [
      ["Default", "default"],
      ["String", "new"],
      ["Vec", "new"],
    ] as const) {
      if (eat(type) && eat("::") && eat(fn) && eat("(") && eat(")")) return;
      i = start;
    }
  };
  const exit = () => {
    if (eat("return")) value();
    else if (!eat("continue") && !eat("break")) return false;
    eat(";");
    return true;
  };
  const block = () => eat("{") && exit() && eat("}");
  const shapes = [
    () => eat("if") && path() && eat(".") && eat("is_none") && eat("(") && eat(")") && block(),
    () => eat("if") && eat("let") && eat("None") && eat("=") && path() && block(),
    () =>
      eat("let") &&
      eat("Some") &&
      eat("(") &&
      (eat("mut") || true) &&
      name() &&
      eat(")") &&
      eat("=") &&
      path() &&
      eat("else") &&
      block() &&
      eat(";"),
  ];
  return shapes.some((shape) => {
    i = 0;
    return shape() && i === chunk.length;
  });
}

/** (c) One inserted None guard, or `.unwrap()`/`.expect("..")` replaced by `.unwrap_or_default()`/`.unwrap_or(lit)`. */
function guardRule(oldCode: RustToken[], newCode: RustToken[]): RustVerdict | null {
  let prefix = 0;
  while (
    prefix < oldCode.length &&
    prefix < newCode.length &&
    sameTokens([oldCode[prefix]!], [newCode[prefix]!])
  )
    prefix++;
  // Not bounded by the prefix: an insertion that starts like what follows it overlaps both.
  let suffix = 0;
  while (
    suffix < oldCode.length &&
    suffix < newCode.length &&
    sameTokens([oldCode[oldCode.length - 1 - suffix]!], [newCode[newCode.length - 1 - suffix]!])
  )
    suffix++;
  const grown = newCode.length - oldCode.length;
  if (grown > 0 && grown <= 24) {
    // An insertion can be aligned in several places when it starts and ends alike; try each.
    for (let k = Math.max(0, oldCode.length - suffix); k <= prefix; k++) {
      const boundary = k === 0 || ["{", "}", ";"].includes(newCode[k - 1]!.text);
      if (boundary && isGuard(newCode.slice(k, k + grown)))
        return { ok: true, rule: "guard", detail: "inserts a small None guard" };
    }
  }
  const p = prefix;
  if (oldCode[p - 1]?.text !== ".") return null;
  const call = (code: RustToken[], shapes: string[][]) =>
    shapes.find((shape) =>
      shape.every((s, k) =>
        s === "LIT" ? !!code[p + k] && isLiteral(code[p + k]!) : code[p + k]?.text === s,
      ),
    )?.length ?? 0;
  const oldLen = call(oldCode, [
    ["unwrap", "(", ")"],
    ["expect", "(", "LIT", ")"],
  ]);
  const newLen = call(newCode, [
    ["unwrap_or_default", "(", ")"],
    ["unwrap_or", "(", "LIT", ")"],
  ]);
  if (!oldLen || !newLen || !sameTokens(oldCode.slice(p + oldLen), newCode.slice(p + newLen))) return null;
  return { ok: true, rule: "guard", detail: "replaces a panicking unwrap with a default" };
}

/** Pure: the verdict on a Rust file changed from `oldSource` to `newSource` by an edit at [editStart, editEnd). */
export function checkRustEdit(
  oldSource: string,
  newSource: string,
  editStart: number,
  editEnd: number,
): RustVerdict {
  const before = tokenizeRust(oldSource);
  const after = tokenizeRust(newSource);
  if (!before.ok) return { ok: false, reason: `the file does not tokenize as Rust (${before.error})` };
  if (!after.ok) return { ok: false, reason: `the edited file does not tokenize as Rust (${after.error})` };
  const oldCode = codeTokens(before.tokens);
  const newCode = codeTokens(after.tokens);
  const count = (code: RustToken[], word: string) =>
    code.filter((t) => t.kind === "ident" && t.text === word).length;
  if (count(newCode, "unsafe") > count(oldCode, "unsafe")) return { ok: false, reason: "adds `unsafe`" };
  if (countTestAttributes(newCode) < countTestAttributes(oldCode))
    return { ok: false, reason: "deletes a test" };
  for (const range of testRanges(oldCode)) {
    const from = oldCode[range.start]?.start ?? 0;
    const to = oldCode[range.end - 1]?.end ?? oldSource.length;
    if (editStart < to && editEnd > from) return { ok: false, reason: "changes test code" };
  }
  if (sameTokens(oldCode, newCode)) return { ok: false, reason: "changes only comments or whitespace" };
  // A literal change inside a log call is not a const change but is a log change: the first allow wins.
  const verdicts = [literalRule, logRule, guardRule].map((rule) => rule(oldCode, newCode));
  return (
    verdicts.find((v) => v?.ok) ??
    verdicts.find((v) => v !== null) ?? {
      ok: false,
      reason: "changes code beyond literals in const/static items, tracing log calls or a small None guard",
    }
  );
}
