import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runConfigCheck } from "../commands/config-check.js";
import { patternProblem, redactExtras, redactSection } from "./redact-section.js";

const dir = mkdtempSync(join(tmpdir(), "ai-monitor-redact-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("redact section", () => {
  it.each([
    ["cust-[0-9]{6}", null],
    ["(unclosed", "not a valid regular expression"],
    ["", "empty pattern"],
    ["x*", "matches the empty string"],
    ["(a+)+$", "nested quantifier"],
    ["x(\\w+)*y", "nested quantifier"],
    ["(ab){2,}", null],
  ])("pattern %j -> %s", (source, problem) => {
    const found = patternProblem(source);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it("defaults to nothing extra and compiles patterns as global regexes", () => {
    expect(redactSection.parse({})).toEqual({ patterns: [], fields: [] });
    const extras = redactExtras(redactSection.parse({ patterns: ["cust-\\d+"], fields: ["ssn"] }));
    expect(extras.patterns[0]!.flags).toBe("g");
    expect(extras.fields).toEqual(["ssn"]);
  });

  it("makes `config check` exit 2 naming the bad pattern's path", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, 'redact:\n  patterns: ["ok-[0-9]+", "(unclosed"]\n  fields: [customer_ssn]\n');
    let err = "";
    const code = runConfigCheck({ file, env: {} }, { out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toContain("redact.patterns.1");
    expect(err).toContain("not a valid regular expression");
  });
});
