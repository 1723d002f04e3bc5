import { describe, expect, it } from "vitest";
import { codePointLength, ELLIPSIS, firstCodePoints, truncateCodePoints } from "./truncate.js";

describe("code point truncation", () => {
  it("counts emoji and astral characters once, like Discord", () => {
    expect(codePointLength("abc")).toBe(3);
    expect(codePointLength("😀😀")).toBe(2);
    expect(codePointLength("한국어")).toBe(3);
    expect(codePointLength("\ud800x")).toBe(2); // a lone surrogate is still one code point
  });

  it("never splits a surrogate pair", () => {
    const cut = truncateCodePoints("😀😀😀😀", 3);
    expect(cut).toBe(`😀😀${ELLIPSIS}`);
    expect(codePointLength(cut)).toBe(3);
    expect(firstCodePoints("a😀b", 2)).toBe("a😀");
  });

  it("leaves short text alone and handles tiny limits", () => {
    expect(truncateCodePoints("short", 10)).toBe("short");
    expect(truncateCodePoints("short", 5)).toBe("short");
    expect(truncateCodePoints("longer", 1)).toBe(ELLIPSIS);
    expect(truncateCodePoints("longer", 0)).toBe("");
  });
});
