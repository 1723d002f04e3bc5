import { describe, expect, it } from "vitest";
import { isSensitiveKey, REDACTED, redactFields, redactText } from "./redact.js";

const R = REDACTED;
const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const PEM = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

describe("redactText", () => {
  it.each([
    ["authorization: Bearer sk-ant-api03-CANARYCANARYCANARY", `authorization: Bearer ${R}`],
    ["key sk-ant-api03-abcDEF_123-xyz used", `key ${R} used`],
    ["openai sk-proj-abcdefghijklmnopqrstuvwxyz012345 rejected", `openai ${R} rejected`],
    ["Authorization: bearer abc.def-ghi_jkl~", `Authorization: bearer ${R}`],
    ["Authorization: Basic dXNlcjpwYXNzd29yZA==", `Authorization: Basic ${R}`],
    ["Basic authentication failed", "Basic authentication failed"],
    ["push with ghp_abcdefghijklmnopqrstuvwxyz0123456789 failed", `push with ${R} failed`],
    ["gho_ABCDEFGHIJKLMNOPQRSTUVWX and ghs_ABCDEFGHIJKLMNOPQRSTUVWX", `${R} and ${R}`],
    ["pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop", `pat ${R}`],
    ["aws AKIAIOSFODNN7EXAMPLE denied", `aws ${R} denied`],
    ["slack xoxb-123456789012-abcdefABCDEF posted", `slack ${R} posted`],
    [`jwt ${JWT} expired`, `jwt ${R} expired`],
    [`key:\n${PEM}\nafter`, `key:\n${R}\nafter`],
    ["cut -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC", `cut ${R}`],
    ["connect postgres://app:s3cr3t@db.internal:5432/app", `connect postgres://${R}@db.internal:5432/app`],
    ["GET https://user:pa55@example.com/x", `GET https://${R}@example.com/x`],
    ["GET https://example.com:8443/path?q=1", "GET https://example.com:8443/path?q=1"],
    ["GET /cb?code=1&token=abc123&state=x", `GET /cb?code=1&token=${R}&state=x`],
    ["login password=hunter2 user=bob", `login password=${R} user=bob`],
    ["db_password = 'p a s s' ok", `db_password = ${R} ok`],
    ['secret="top secret" api_key=K123 apikey=K456', `secret=${R} api_key=${R} apikey=${R}`],
    ['body {"password":"hunter2","user":"bob"}', `body {"password":"${R}","user":"bob"}`],
    ['body {"api_key": "k\\"ey"}', `body {"api_key": "${R}"}`],
    [
      "hook https://discord.com/api/webhooks/123456789/AbC-def_GHI failed",
      `hook https://discord.com/api/webhooks/123456789/${R} failed`,
    ],
    [
      "hook https://discordapp.com/api/v10/webhooks/42/tok_en",
      `hook https://discordapp.com/api/v10/webhooks/42/${R}`,
    ],
    ["risk-assessment for task-1234567890abcdefghijkl", "risk-assessment for task-1234567890abcdefghijkl"],
    ["user 4812 not found", "user 4812 not found"],
  ])("%j", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it("returns clean text unchanged", () => {
    const clean = "Claude API timeout after 30000ms for req_7f3a1c in server::domain::ai::service";
    expect(redactText(clean)).toBe(clean);
  });

  it("stays fast on hostile repetitive input", () => {
    const hostile = `${"a.".repeat(50_000)}${"eyJ".repeat(2_000)}`;
    expect(redactText(hostile)).toBe(hostile);
  });
});

describe("isSensitiveKey", () => {
  it.each([
    ["authorization", true],
    ["Authorization", true],
    ["proxy-authorization", true],
    ["password", true],
    ["db_passwd", true],
    ["client_secret", true],
    ["token", true],
    ["accessToken", true],
    ["api_key", true],
    ["apiKey", true],
    ["x-api-key", true],
    ["cookie", true],
    ["set-cookie", true],
    ["private_key", true],
    ["credentials", true],
    ["aws_secret_access_key", true],
    ["request_id", false],
    ["max_tokens", false],
    ["token_count", false],
    ["message", false],
    ["duration_ms", false],
  ])("%s -> %s", (key, expected) => {
    expect(isSensitiveKey(key)).toBe(expected);
  });
});

describe("redactFields", () => {
  it("drops the fixture's canary under a sensitive key and keeps the rest", () => {
    const out = redactFields({
      message: "upstream said hi",
      error_code: "AUTH_002",
      authorization: "Bearer sk-ant-api03-CANARYCANARYCANARY",
      duration_ms: 30,
    });
    expect(out).toEqual({
      message: "upstream said hi",
      error_code: "AUTH_002",
      authorization: R,
      duration_ms: 30,
    });
    expect(JSON.stringify(out)).not.toContain("CANARY");
  });

  it("redacts whole non-string values under sensitive keys and keeps nulls", () => {
    expect(redactFields({ credentials: { user: "a", pass: "b" }, token: 123, password: null })).toEqual({
      credentials: R,
      token: R,
      password: null,
    });
  });

  it("redacts secrets inside nested strings and arrays", () => {
    const out = redactFields({
      headers: { Cookie: "sid=1", accept: "json" },
      urls: ["https://u:p@h.example/x", 3, true],
      note: "sent Bearer abc.def",
    });
    expect(out).toEqual({
      headers: { Cookie: R, accept: "json" },
      urls: [`https://${R}@h.example/x`, 3, true],
      note: `sent Bearer ${R}`,
    });
  });

  it("replaces values nested deeper than the bound", () => {
    let deep: Record<string, unknown> = { leaf: "Bearer zzz" };
    for (let i = 0; i < 20; i++) deep = { inner: deep };
    expect(JSON.stringify(redactFields(deep))).not.toContain("zzz");
  });
});
