import { describe, expect, it } from "vitest";
import { constItems, countTestAttributes, logMacroCalls, matchingClose, testRanges } from "./rust-syntax.js";
import { codeTokens, type RustToken, tokenizeRust } from "./rust-tokens.js";

const code = (source: string): RustToken[] => {
  const result = tokenizeRust(source);
  if (!result.ok) throw new Error(result.error);
  return codeTokens(result.tokens);
};
const text = (tokens: RustToken[], from: number, to: number) =>
  tokens
    .slice(from, to)
    .map((t) => t.text)
    .join(" ");

describe("constItems", () => {
  it.each([
    ["pub const TIMEOUT_SECS: u64 = 30;", ["TIMEOUT_SECS", "30"]],
    ["static mut COUNT: u32 = 0;", ["COUNT", "0"]],
    ['pub(crate) static NAMES: [&str; 2] = ["a", "b"];', ["NAMES", '[ "a" , "b" ]']],
    ["impl X { const LIMIT: usize = 1 << 4; }", ["LIMIT", "1 << 4"]],
    ["const D: Duration = Duration::from_secs(30);", ["D", "Duration :: from_secs ( 30 )"]],
  ])("%s", (source, [name, init]) => {
    const tokens = code(source);
    const [item] = constItems(tokens);
    expect(item?.name).toBe(name);
    expect(text(tokens, item!.start, item!.end)).toBe(init);
  });

  it.each([
    "const fn f() -> u32 { 30 }",
    "fn f(x: &'static str) { let y = 30; }",
    "trait T { const X: u32; }",
    "let c = const { 30 };",
  ])("finds no value item in %s", (source) => {
    expect(constItems(code(source))).toEqual([]);
  });
});

describe("logMacroCalls", () => {
  it("finds tracing calls, qualified or not, with their statement", () => {
    const tokens = code('tracing::error!(code = %c, "x"); info!("y"); ::tracing::warn!{ "z" }');
    const calls = logMacroCalls(tokens);
    expect(calls.map((c) => text(tokens, c.start, c.end))).toEqual([
      'tracing :: error ! ( code = % c , "x" ) ;',
      'info ! ( "y" ) ;',
      ':: tracing :: warn ! { "z" }',
    ]);
    expect(text(tokens, calls[0]!.args.start, calls[0]!.args.end)).toBe('code = % c , "x"');
  });

  it("ignores other crates' macros, definitions and functions", () => {
    const tokens = code(
      'log::info!("a"); my::error!("b"); macro_rules! error { () => {} } tracing::emit("c");',
    );
    expect(logMacroCalls(tokens)).toEqual([]);
  });
});

describe("test code", () => {
  const source = [
    "fn real() {}",
    "#[cfg(test)]",
    "mod tests {",
    "    #[test]",
    "    fn t() { assert_eq!(1, 1); }",
    "    #[tokio::test]",
    "    async fn u() {}",
    "}",
  ].join("\n");

  it("covers the test module and counts test attributes", () => {
    const tokens = code(source);
    const ranges = testRanges(tokens);
    expect(ranges).toHaveLength(1);
    expect(tokens[ranges[0]!.start]!.text).toBe("#");
    expect(ranges[0]!.end).toBe(tokens.length);
    expect(countTestAttributes(tokens)).toBe(3);
  });

  it("an inner #![cfg(test)] makes the whole file test code", () => {
    const tokens = code("#![cfg(test)]\nfn helper() {}");
    expect(testRanges(tokens)).toEqual([{ start: 0, end: tokens.length }]);
  });

  it("other attributes are not tests", () => {
    expect(testRanges(code("#[derive(Debug)] struct S { a: u8 }"))).toEqual([]);
  });
});

describe("matchingClose", () => {
  it("matches nested brackets and refuses mismatched ones", () => {
    const tokens = code("( [ { } ] ) ( ]");
    expect(matchingClose(tokens, 0)).toBe(5);
    expect(matchingClose(tokens, 6)).toBe(-1);
  });
});
