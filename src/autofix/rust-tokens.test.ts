import { describe, expect, it } from "vitest";
import { codeTokens, isLiteral, tokenizeRust } from "./rust-tokens.js";

const kinds = (source: string) => {
  const result = tokenizeRust(source);
  if (!result.ok) throw new Error(result.error);
  return result.tokens.map((t) => `${t.kind}:${t.text}`);
};

describe("tokenizeRust", () => {
  it.each([
    [
      "pub const TIMEOUT_SECS: u64 = 30;",
      [
        "ident:pub",
        "ident:const",
        "ident:TIMEOUT_SECS",
        "punct::",
        "ident:u64",
        "punct:=",
        "number:30",
        "punct:;",
      ],
    ],
    [
      "30_000u64 1.5f32 0x1F 0b1010 0o77 1e-3",
      ["number:30_000u64", "number:1.5f32", "number:0x1F", "number:0b1010", "number:0o77", "number:1e-3"],
    ],
    [
      "0..10 x.0 1.max(2)",
      [
        "number:0",
        "punct:..",
        "number:10",
        "ident:x",
        "punct:.",
        "number:0",
        "number:1",
        "punct:.",
        "ident:max",
        "punct:(",
        "number:2",
        "punct:)",
      ],
    ],
    [`"a \\" b" b"bytes" c"cstr"`, ['string:"a \\" b"', 'string:b"bytes"', 'string:c"cstr"']],
    [
      `r#"raw "quoted" text"# br##"x"#y"## r"plain"`,
      ['string:r#"raw "quoted" text"#', 'string:br##"x"#y"##', 'string:r"plain"'],
    ],
    ["r#type r#match", ["ident:r#type", "ident:r#match"]],
    [
      "'a' '\\n' '\\u{1F600}' b'x' '😀'",
      ["char:'a'", "char:'\\n'", "char:'\\u{1F600}'", "char:b'x'", "char:'😀'"],
    ],
    [
      "fn f<'a>(x: &'static str) -> &'a str",
      [
        "ident:fn",
        "ident:f",
        "punct:<",
        "lifetime:'a",
        "punct:>",
        "punct:(",
        "ident:x",
        "punct::",
        "punct:&",
        "lifetime:'static",
        "ident:str",
        "punct:)",
        "punct:->",
        "punct:&",
        "lifetime:'a",
        "ident:str",
      ],
    ],
    [
      "a::b => c ..= d != e",
      [
        "ident:a",
        "punct:::",
        "ident:b",
        "punct:=>",
        "ident:c",
        "punct:..=",
        "ident:d",
        "punct:!=",
        "ident:e",
      ],
    ],
    [
      "// line\nx /* block /* nested */ still */ y",
      ["comment:// line", "ident:x", "comment:/* block /* nested */ still */", "ident:y"],
    ],
    ["/// doc\n//! inner", ["comment:/// doc", "comment://! inner"]],
    [
      'tracing::error!(code = %c, "x {}", y);',
      [
        "ident:tracing",
        "punct:::",
        "ident:error",
        "punct:!",
        "punct:(",
        "ident:code",
        "punct:=",
        "punct:%",
        "ident:c",
        "punct:,",
        'string:"x {}"',
        "punct:,",
        "ident:y",
        "punct:)",
        "punct:;",
      ],
    ],
    ["größe = 1", ["ident:größe", "punct:=", "number:1"]],
  ])("%s", (source, expected) => {
    expect(kinds(source)).toEqual(expected);
  });

  it.each([
    ['"open', "unterminated string"],
    ['r#"open"', "unterminated raw string"],
    ["/* open /* nested */", "unterminated block comment"],
    ["'", "stray quote"],
  ])("refuses %s", (source, error) => {
    expect(tokenizeRust(source)).toMatchObject({ ok: false, error });
  });

  it("keeps offsets that slice back to the source", () => {
    const source = 'const A: &str = "x";\n// c\nstatic B: u8 = 1;';
    const result = tokenizeRust(source);
    if (!result.ok) throw new Error(result.error);
    for (const t of result.tokens) expect(source.slice(t.start, t.end)).toBe(t.text);
  });

  it("tells literals from names, and drops comments for the comparison", () => {
    const result = tokenizeRust("x = true; /* c */ y = 'a';");
    if (!result.ok) throw new Error(result.error);
    const code = codeTokens(result.tokens);
    expect(code.some((t) => t.kind === "comment")).toBe(false);
    expect(code.filter(isLiteral).map((t) => t.text)).toEqual(["true", "'a'"]);
  });
});
