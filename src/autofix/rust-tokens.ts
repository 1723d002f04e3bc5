/**
 * Pure: a small Rust tokenizer for the autofix policy. It knows what the comparison needs (identifiers, raw
 * identifiers, literals including raw, byte and C strings, chars versus lifetimes, nested block comments,
 * punctuation) and nothing of Rust's grammar. Unterminated literals or comments are errors, never guesses.
 * @see https://doc.rust-lang.org/reference/tokens.html
 */

/** What a token is. `true`/`false` are identifiers here, as in rustc's lexer. */
export type RustTokenKind = "ident" | "number" | "string" | "char" | "lifetime" | "punct" | "comment";

/** One token with its byte range (UTF-16 offsets into the source). */
export interface RustToken {
  kind: RustTokenKind;
  text: string;
  start: number;
  end: number;
}

/** The tokens, or why the text is not Rust this tokenizer can read. */
export type TokenizeResult = { ok: true; tokens: RustToken[] } | { ok: false; error: string; offset: number };

const PUNCT3 = ["..=", "...", "<<=", ">>="];
const PUNCT2 = ["::", "->", "=>", "..", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "%="];
const PUNCT2B = ["^=", "&=", "|=", "<<", ">>"];
const IDENT = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
const NUMBER =
  /(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*(?:\.(?![.\p{ID_Start}_])[\d_]*)?(?:[eE][+-]?[\d_]+)?)(?:[\p{ID_Start}_][\p{ID_Continue}]*)?/uy;
const RAW_STRING = /(?:b|c)?r(#*)"/y;
const SPACE = /[\s\uFEFF]+/uy;

function sticky(re: RegExp, source: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(source);
}

/** End of a quoted literal starting at `at` (the opening quote), honouring backslash escapes; -1 if open. */
function quotedEnd(source: string, at: number, quote: string): number {
  for (let i = at + 1; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === quote) return i + 1;
  }
  return -1;
}

/** Pure: tokenize Rust source. */
export function tokenizeRust(source: string): TokenizeResult {
  const tokens: RustToken[] = [];
  let i = 0;
  const push = (kind: RustTokenKind, end: number) => {
    tokens.push({ kind, text: source.slice(i, end), start: i, end });
    i = end;
  };
  const fail = (error: string): TokenizeResult => ({ ok: false, error, offset: i });

  while (i < source.length) {
    const space = sticky(SPACE, source, i);
    if (space) {
      i += space[0].length;
      continue;
    }
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const nl = source.indexOf("\n", i);
      push("comment", nl < 0 ? source.length : nl);
      continue;
    }
    if (c === "/" && next === "*") {
      let depth = 0;
      let j = i;
      for (; j < source.length; j++) {
        if (source.startsWith("/*", j)) {
          depth++;
          j++;
        } else if (source.startsWith("*/", j)) {
          depth--;
          j++;
          if (depth === 0) break;
        }
      }
      if (depth !== 0) return fail("unterminated block comment");
      push("comment", j + 1);
      continue;
    }
    const raw = sticky(RAW_STRING, source, i);
    if (raw) {
      const close = `"${raw[1]}`;
      const end = source.indexOf(close, i + raw[0].length);
      if (end < 0) return fail("unterminated raw string");
      push("string", end + close.length);
      continue;
    }
    if (c === "r" && next === "#" && sticky(IDENT, source, i + 2)) {
      push("ident", i + 2 + sticky(IDENT, source, i + 2)![0].length);
      continue;
    }
    if ((c === "b" || c === "c") && next === '"') {
      const end = quotedEnd(source, i + 1, '"');
      if (end < 0) return fail("unterminated string");
      push("string", end);
      continue;
    }
    if (c === "b" && next === "'") {
      const end = quotedEnd(source, i + 1, "'");
      if (end < 0) return fail("unterminated byte literal");
      push("char", end);
      continue;
    }
    if (c === '"') {
      const end = quotedEnd(source, i, '"');
      if (end < 0) return fail("unterminated string");
      push("string", end);
      continue;
    }
    if (c === "'") {
      if (next === "\\") {
        const end = quotedEnd(source, i, "'");
        if (end < 0) return fail("unterminated char literal");
        push("char", end);
        continue;
      }
      const cp = source.codePointAt(i + 1);
      const width = cp !== undefined && cp > 0xffff ? 2 : 1;
      if (cp !== undefined && source[i + 1 + width] === "'") {
        push("char", i + 2 + width);
        continue;
      }
      const label = sticky(IDENT, source, i + 1);
      if (label) {
        push("lifetime", i + 1 + label[0].length);
        continue;
      }
      return fail("stray quote");
    }
    const ident = sticky(IDENT, source, i);
    if (ident) {
      push("ident", i + ident[0].length);
      continue;
    }
    const number = sticky(NUMBER, source, i);
    if (number) {
      push("number", i + number[0].length);
      continue;
    }
    const punct =
      PUNCT3.find((p) => source.startsWith(p, i)) ??
      [...PUNCT2, ...PUNCT2B].find((p) => source.startsWith(p, i)) ??
      c;
    push("punct", i + punct.length);
  }
  return { ok: true, tokens };
}

/** Pure: the tokens that carry meaning (comments dropped). */
export function codeTokens(tokens: readonly RustToken[]): RustToken[] {
  return tokens.filter((t) => t.kind !== "comment");
}

/** Pure: is the token a literal (numbers, strings, chars, and the booleans)? */
export function isLiteral(token: RustToken): boolean {
  return (
    token.kind === "number" ||
    token.kind === "string" ||
    token.kind === "char" ||
    (token.kind === "ident" && (token.text === "true" || token.text === "false"))
  );
}

/** Pure: the literal's class, so 30 may become 60 but never "60" or true. */
export function literalClass(token: RustToken): string {
  return token.kind === "ident" ? "bool" : token.kind;
}
