import { describe, expect, it } from "vitest";
import { discoverCrates } from "../src/context/cargo-crates.js";
import {
  bestEmitter,
  emitterNeedles,
  mapTarget,
  moduleCandidates,
  numberedLines,
  resolveLogFilename,
  sourceWindow,
} from "../src/context/source-map.js";
import { copyRustFixture } from "./helpers/rust-fixture-repo.js";

describe("mapping targets to files", () => {
  it("lists the module file and its mod.rs; the crate root for the crate itself", () => {
    expect(moduleCandidates("src", ["domain", "ai", "service"])).toEqual([
      "src/domain/ai/service.rs",
      "src/domain/ai/service/mod.rs",
    ]);
    expect(moduleCandidates("crates/x/src", [])).toEqual(["crates/x/src/lib.rs", "crates/x/src/main.rs"]);
  });

  it("maps the fixture crate's targets with no configuration (file, mod.rs, root, inline module)", async () => {
    const repo = await copyRustFixture();
    const crates = await discoverCrates(repo);
    expect(crates.map((c) => c.name)).toEqual(["server"]);
    const file = async (target: string) => {
      const mapped = await mapTarget(repo, crates, target);
      return mapped && [mapped.file, mapped.exact];
    };
    expect(await file("server::domain::ai::service")).toEqual(["src/domain/ai/service.rs", true]);
    expect(await file("server::domain::ai")).toEqual(["src/domain/ai/mod.rs", true]);
    expect(await file("server")).toEqual(["src/main.rs", true]);
    expect(await file("server::domain::ai::service::tests")).toEqual(["src/domain/ai/service.rs", false]);
    expect(await file("other_crate::x")).toBeNull();
  });

  it("resolves a log's filename relative to the workspace, the crate, or from an absolute build path", async () => {
    const repo = await copyRustFixture();
    const crates = [{ name: "server", manifestDir: "", srcDir: "src" }];
    expect(await resolveLogFilename(repo, crates, "src/domain/ai/service.rs")).toBe(
      "src/domain/ai/service.rs",
    );
    expect(await resolveLogFilename(repo, crates, "/build/app/src/global/error.rs")).toBe(
      "src/global/error.rs",
    );
    expect(await resolveLogFilename(repo, crates, "src/nope.rs")).toBeNull();
  });
});

describe("finding the emitting statement", () => {
  const file = [
    "fn f() {",
    '    tracing::error!(error_code = %ErrorCode::AI_003, "Claude API timeout after {}ms", ms);',
    "}",
    "// Claude API timeout after a retry is not logged here",
    'const CODES: [&str; 1] = ["AI_003"];',
  ];

  it("searches the message's literal text and the error code", () => {
    expect(emitterNeedles("Claude API timeout after 30000ms", "AI_003")).toEqual([
      "Claude API timeout after",
      "AI_003",
    ]);
    expect(emitterNeedles("user 4812 not found", null)).toEqual(["not found"]);
    expect(emitterNeedles("code 42", null)).toEqual([]);
  });

  it("prefers the line with the text, the code and a log macro", () => {
    const hits = [
      { file: "a.rs", line: 4, needle: "Claude API timeout after" },
      { file: "a.rs", line: 2, needle: "Claude API timeout after" },
      { file: "a.rs", line: 5, needle: "AI_003" },
    ];
    expect(bestEmitter(hits, () => file, "Claude API timeout after 30000ms", "AI_003", null)).toEqual({
      file: "a.rs",
      line: 2,
    });
  });

  it("finds nothing rather than a weak guess", () => {
    const hits = [{ file: "a.rs", line: 5, needle: "AI_003" }];
    expect(bestEmitter(hits, () => file, "something else", "AI_003", null)).toBeNull();
  });
});

describe("source windows", () => {
  const source = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`);
  source[4] = "pub const TIMEOUT_SECS: u64 = 30;";
  source[59] = "    call(Duration::from_secs(TIMEOUT_SECS));";

  it("numbers lines and marks the emitting one", () => {
    expect(numberedLines(["a", "b", "c"], 1, 3, 2)).toBe(" 1 | a\n>2 | b\n 3 | c");
  });

  it("shows about `size` lines around the statement and the constants it uses, defined above", () => {
    const window = sourceWindow(source, 60, 10);
    const out = window.text.split("\n");
    expect(out[0]).toBe("   5 | pub const TIMEOUT_SECS: u64 = 30;");
    expect(out[1]).toBe("[... constants used below]");
    expect(out[2]).toBe("  55 | line 55");
    expect(out.at(-1)).toBe("  64 | line 64");
    expect(out[window.focusLine]).toBe("> 60 |     call(Duration::from_secs(TIMEOUT_SECS));");
  });

  it("stays inside the file at its edges", () => {
    const window = sourceWindow(source, 2, 10);
    expect(window.text.split("\n")[0]).toBe("   1 | line 1");
    expect(window.focusLine).toBe(1);
  });
});
