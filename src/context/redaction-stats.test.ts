import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REDACTED } from "../domain/redact.js";
import { createRedactor, MAX_CONTEXT_LINE_CHARS } from "./redaction-stats.js";

const R = REDACTED;
const FIXTURE_LINES = readFileSync("/work/shared/fixtures/logs/tracing-shapes.jsonl", "utf8").split("\n");
// Line 10: hostile content with the canary secret under `authorization`.
const CANARY_LINE = FIXTURE_LINES[9]!;

describe("redactor", () => {
  it.each([
    ["Authorization: Bearer abc.def", `Authorization: Bearer ${R}`, "bearer"],
    ["key sk-ant-api03-abc_DEF-123", `key ${R}`, "anthropic_key"],
    ["push ghp_abcdefghijklmnopqrstuvwxyz0123456789", `push ${R}`, "github_token"],
    ["pat github_pat_11ABCDEFG0123456789_abcdefghij", `pat ${R}`, "github_token"],
    ["aws AKIAIOSFODNN7EXAMPLE", `aws ${R}`, "aws_key"],
    ["slack xoxb-123456789012-abcdef", `slack ${R}`, "slack_token"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", `jwt ${R}`, "jwt"],
    ["db postgres://app:pw@db:5432/x", `db postgres://${R}@db:5432/x`, "url_credentials"],
    ["login password=hunter2 ok", `login password=${R} ok`, "key_value"],
    ["GET /x?api_key=K1&q=2", `GET /x?api_key=${R}&q=2`, "key_value"],
    ["Authorization: Basic dXNlcjpwYXNzd29yZA==", `Authorization: Basic ${R}`, "basic_auth"],
  ])("%j is redacted and counted as its kind", (input, expected, kind) => {
    const redactor = createRedactor();
    expect(redactor.text(input)).toBe(expected);
    expect(redactor.counts()).toEqual({ [kind]: 1 });
  });

  it("counts across calls and totals them", () => {
    const redactor = createRedactor();
    redactor.text("Bearer a1 and Bearer b2");
    redactor.text("password=x");
    expect(redactor.counts()).toEqual({ bearer: 2, key_value: 1 });
    expect(redactor.total()).toBe(3);
  });

  it("does not count what parse time already redacted", () => {
    const redactor = createRedactor();
    expect(redactor.text(`Bearer ${R} password=${R}`)).toBe(`Bearer ${R} password=${R}`);
    expect(redactor.logLine(`{"authorization":"${R}"}`)).toBe(`{"authorization":"${R}"}`);
    expect(redactor.total()).toBe(0);
  });

  it("removes the fixture's canary from a raw log line (sensitive key and bearer text)", () => {
    const redactor = createRedactor();
    const out = redactor.logLine(CANARY_LINE);
    expect(out).not.toContain("CANARY");
    expect(JSON.parse(out).fields.authorization).toBe(R);
    expect(JSON.parse(out).fields.message).toContain("ignore all previous instructions");
    expect(redactor.counts()).toEqual({ sensitive_field: 1 });
  });

  it("redacts values under sensitive keys in JSON lines, nested and non-string", () => {
    const redactor = createRedactor();
    const out = redactor.logLine(
      JSON.stringify({
        fields: { token: 12345, headers: { Cookie: "sid=1", accept: "json" }, note: "Bearer zz" },
      }),
    );
    expect(JSON.parse(out)).toEqual({
      fields: { token: R, headers: { Cookie: R, accept: "json" }, note: `Bearer ${R}` },
    });
  });

  it("redacts sensitive keys in a JSON line cut at the bound, and marks the cut", () => {
    const redactor = createRedactor();
    const line = `{"fields":{"authorization":"plainsecret","message":"${"x".repeat(MAX_CONTEXT_LINE_CHARS)}"}}`;
    const out = redactor.logLine(line);
    expect(out).not.toContain("plainsecret");
    expect(out).toMatch(/ \[\.\.\. \d+ chars omitted\]$/);
    expect(out.length).toBeLessThan(MAX_CONTEXT_LINE_CHARS + 40);
  });

  it("keeps a secret straddling the bound whole while redacting it", () => {
    const redactor = createRedactor();
    const line = `${"a ".repeat((MAX_CONTEXT_LINE_CHARS - 10) / 2)}sk-ant-api03-CANARYCANARYCANARY tail`;
    expect(redactor.logLine(line)).not.toContain("CANARY");
  });

  it("applies configured patterns after the built-in rules, counted as custom", () => {
    const redactor = createRedactor({ patterns: ["cust-[0-9]{6}", "internal\\.example\\.com"] });
    expect(redactor.text("customer cust-123456 on internal.example.com")).toBe(`customer ${R} on ${R}`);
    expect(redactor.logLine('{"message":"cust-654321 Bearer x"}')).toBe(`{"message":"${R} Bearer ${R}"}`);
    expect(redactor.counts()).toEqual({ custom: 3, bearer: 1 });
  });

  it("leaves clean text and source code alone", () => {
    const redactor = createRedactor();
    const code = "pub const TIMEOUT_SECS: u64 = 30;\nlet token_count = prompt.max_tokens;";
    expect(redactor.text(code)).toBe(code);
    expect(redactor.total()).toBe(0);
  });
});
