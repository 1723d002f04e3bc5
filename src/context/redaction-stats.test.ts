import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { redactedAs } from "../domain/redact.js";
import { createRedactor, MAX_CONTEXT_LINE_CHARS } from "./redaction-stats.js";

const R = redactedAs;
const FIXTURE_LINES = readFileSync("/work/shared/fixtures/logs/tracing-shapes.jsonl", "utf8").split("\n");
// Line 10: hostile content with the canary secret under `authorization`.
const CANARY_LINE = FIXTURE_LINES[9]!;

describe("redactor", () => {
  it.each([
    ["Authorization: Bearer abc.def", `Authorization: Bearer ${R("bearer")}`, "bearer"],
    ["key sk-ant-api03-abc_DEF-123", `key ${R("anthropic-key")}`, "anthropic-key"],
    ["push ghp_abcdefghijklmnopqrstuvwxyz0123456789", `push ${R("github-token")}`, "github-token"],
    ["pat github_pat_11ABCDEFG0123456789_abcdefghij", `pat ${R("github-token")}`, "github-token"],
    ["aws AKIAIOSFODNN7EXAMPLE", `aws ${R("aws-access-key")}`, "aws-access-key"],
    ["slack xoxb-123456789012-abcdef", `slack ${R("slack-token")}`, "slack-token"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", `jwt ${R("jwt")}`, "jwt"],
    ["db postgres://app:pw@db:5432/x", `db postgres://${R("url-credentials")}@db:5432/x`, "url-credentials"],
    ["login password=hunter2 ok", `login password=${R("key-value")} ok`, "key-value"],
    ["GET /x?api_key=K1&q=2", `GET /x?api_key=${R("key-value")}&q=2`, "key-value"],
    ["Authorization: Basic dXNlcjpwYXNzd29yZA==", `Authorization: Basic ${R("basic-auth")}`, "basic-auth"],
  ])("%j is redacted and counted as its kind", (input, expected, kind) => {
    const redactor = createRedactor();
    expect(redactor.text(input)).toBe(expected);
    expect(redactor.counts()).toEqual({ [kind]: 1 });
  });

  it("counts across calls and totals them", () => {
    const redactor = createRedactor();
    redactor.text("Bearer a1 and Bearer b2");
    redactor.text("password=x");
    expect(redactor.counts()).toEqual({ bearer: 2, "key-value": 1 });
    expect(redactor.total()).toBe(3);
  });

  it("does not count what parse time already redacted", () => {
    const redactor = createRedactor();
    const kept = `Bearer ${R("bearer")} password=${R("key-value")}`;
    expect(redactor.text(kept)).toBe(kept);
    const line = `{"authorization":"${R("sensitive-field")}"}`;
    expect(redactor.logLine(line)).toBe(line);
    expect(redactor.total()).toBe(0);
  });

  it("removes the fixture's canary from a raw log line (sensitive key and bearer text)", () => {
    const redactor = createRedactor();
    const out = redactor.logLine(CANARY_LINE);
    expect(out).not.toContain("CANARY");
    expect(JSON.parse(out).fields.authorization).toBe(R("sensitive-field"));
    expect(JSON.parse(out).fields.message).toContain("ignore all previous instructions");
    expect(redactor.counts()).toEqual({ "sensitive-field": 1 });
  });

  it("redacts values under sensitive keys in JSON lines, nested and non-string", () => {
    const redactor = createRedactor();
    const out = redactor.logLine(
      JSON.stringify({
        fields: { token: 12345, headers: { Cookie: "sid=1", accept: "json" }, note: "Bearer zz" },
      }),
    );
    expect(JSON.parse(out)).toEqual({
      fields: {
        token: R("sensitive-field"),
        headers: { Cookie: R("sensitive-field"), accept: "json" },
        note: `Bearer ${R("bearer")}`,
      },
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
    expect(redactor.text("customer cust-123456 on internal.example.com")).toBe(
      `customer ${R("custom")} on ${R("custom")}`,
    );
    expect(redactor.logLine('{"message":"cust-654321 Bearer x"}')).toBe(
      `{"message":"${R("custom")} Bearer ${R("bearer")}"}`,
    );
    expect(redactor.counts()).toEqual({ custom: 3, bearer: 1 });
  });

  it("leaves clean text and source code alone", () => {
    const redactor = createRedactor();
    const code = "pub const TIMEOUT_SECS: u64 = 30;\nlet token_count = prompt.max_tokens;";
    expect(redactor.text(code)).toBe(code);
    expect(redactor.total()).toBe(0);
  });
});
