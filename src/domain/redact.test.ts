import { describe, expect, it } from "vitest";
import {
  findSecrets,
  isSensitiveKey,
  mightHoldSecret,
  percentDecode,
  redactFields,
  redactText,
  redactTextCounted,
} from "./redact.js";

const R = (rule: string) => `[REDACTED:${rule}]`;
const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const PEM = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

describe("redactText", () => {
  it.each([
    ["authorization: Bearer sk-ant-api03-CANARYCANARYCANARY", `authorization: Bearer ${R("anthropic-key")}`],
    ["key sk-ant-api03-abcDEF_123-xyz used", `key ${R("anthropic-key")} used`],
    ["openai sk-proj-abcdefghijklmnopqrstuvwxyz012345 rejected", `openai ${R("api-key")} rejected`],
    ["Authorization: bearer abc.def-ghi_jkl~", `Authorization: bearer ${R("bearer")}`],
    ["Authorization: Basic dXNlcjpwYXNzd29yZA==", `Authorization: Basic ${R("basic-auth")}`],
    ["Basic authentication failed", "Basic authentication failed"],
    ["push with ghp_abcdefghijklmnopqrstuvwxyz0123456789 failed", `push with ${R("github-token")} failed`],
    [
      "gho_ABCDEFGHIJKLMNOPQRSTUVWX and ghs_ABCDEFGHIJKLMNOPQRSTUVWX",
      `${R("github-token")} and ${R("github-token")}`,
    ],
    ["pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop", `pat ${R("github-token")}`],
    ["aws AKIAIOSFODNN7EXAMPLE denied", `aws ${R("aws-access-key")} denied`],
    ["slack xoxb-123456789012-abcdefABCDEF posted", `slack ${R("slack-token")} posted`],
    [`jwt ${JWT} expired`, `jwt ${R("jwt")} expired`],
    [`key:\n${PEM}\nafter`, `key:\n${R("private-key")}\nafter`],
    ["cut -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC", `cut ${R("private-key")}`],
    [
      "connect postgres://app:s3cr3t@db.internal:5432/app",
      `connect postgres://${R("url-credentials")}@db.internal:5432/app`,
    ],
    ["GET https://user:pa55@example.com/x", `GET https://${R("url-credentials")}@example.com/x`],
    ["GET https://example.com:8443/path?q=1", "GET https://example.com:8443/path?q=1"],
    ["GET /cb?code=1&token=abc123&state=x", `GET /cb?code=1&token=${R("key-value")}&state=x`],
    ["login password=hunter2 user=bob", `login password=${R("key-value")} user=bob`],
    ["db_password = 'p a s s' ok", `db_password = '${R("key-value")}' ok`],
    [
      'secret="top secret" api_key=K123 apikey=K456',
      `secret="${R("key-value")}" api_key=${R("key-value")} apikey=${R("key-value")}`,
    ],
    ['body {"password":"hunter2","user":"bob"}', `body {"password":"${R("key-value")}","user":"bob"}`],
    ['body {"api_key": "k\\"ey"}', `body {"api_key": "${R("key-value")}"}`],
    [
      "hook https://discord.com/api/webhooks/123456789/AbC-def_GHI failed",
      `hook https://discord.com/api/webhooks/123456789/${R("discord-webhook")} failed`,
    ],
    [
      "hook https://discordapp.com/api/v10/webhooks/42/tok_en",
      `hook https://discordapp.com/api/v10/webhooks/42/${R("discord-webhook")}`,
    ],
    ["risk-assessment for task-1234567890abcdefghijkl", "risk-assessment for task-1234567890abcdefghijkl"],
    ["user 4812 not found", "user 4812 not found"],
    ["redis://:hunter2@cache:6379/0", `redis://${R("url-credentials")}@cache:6379/0`],
    ["pg postgres://app:p@ss/w0rd@db:5432/app x", `pg postgres://${R("url-credentials")}@db:5432/app x`],
    ["dsn=postgres%3A%2F%2Fu%3Apw%40h%2Fdb", `dsn=postgres%3A%2F%2F${R("url-credentials")}%40h%2Fdb`],
    ["Cookie: sid=abc123; theme=dark", `Cookie: ${R("cookie")}`],
    ["X-Api-Key: 9f8e7d6c5b4a39281706", `X-Api-Key: ${R("auth-header")}`],
    [
      'Authorization: Digest username="bob", response="6629fae4"',
      `Authorization: Digest ${R("digest-auth")}`,
    ],
    ["password: x", `password: ${R("key-value")}`],
    ["password: invalid", "password: invalid"],
    ["failed to refresh token: connection reset", "failed to refresh token: connection reset"],
    [
      "ok;AccountKey=ZmFrZQ==;EndpointSuffix=core",
      `ok;AccountKey=${R("azure-connection-string")};EndpointSuffix=core`,
    ],
    ["Basic authentication and bearer tokens", "Basic authentication and bearer tokens"],
  ])("%j", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it("leaves earlier markers alone: a second pass changes and counts nothing", () => {
    const once = redactText("password=hunter2 Bearer abc.def-1 https://u:p@h/x");
    const counts = {};
    expect(redactTextCounted(once, counts)).toBe(once);
    expect(counts).toEqual({});
  });

  it("counts each secret by the rule that found it", () => {
    const counts = {};
    redactTextCounted("a AKIAIOSFODNN7EXAMPLE b AKIAIOSFODNN7EXAMPLF c password=x", counts);
    expect(counts).toEqual({ "aws-access-key": 2, "key-value": 1 });
  });

  it("maps secrets found in the percent-decoded copy back onto the original text", () => {
    const { decoded, starts } = percentDecode("a%3Ab");
    expect(decoded).toBe("a:b");
    expect(starts).toEqual([0, 1, 4, 5]);
    const [range] = findSecrets("x=https%3A%2F%2Fuser%3As3cret%40host");
    expect(range?.rule).toBe("url-credentials");
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
    // The line-level gate never skips a line whose field names are sensitive.
    if (expected) expect(mightHoldSecret(key)).toBe(true);
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
      authorization: R("sensitive-field"),
      duration_ms: 30,
    });
    expect(JSON.stringify(out)).not.toContain("CANARY");
  });

  it("redacts whole non-string values under sensitive keys and keeps nulls", () => {
    expect(redactFields({ credentials: { user: "a", pass: "b" }, token: 123, password: null })).toEqual({
      credentials: R("sensitive-field"),
      token: R("sensitive-field"),
      password: null,
    });
  });

  it("redacts secrets inside nested strings and arrays", () => {
    const out = redactFields({
      headers: { Cookie: "sid=1", accept: "json" },
      urls: ["https://u:p@h.example/x", 3, true],
      note: "sent Bearer abc.def-1",
    });
    expect(out).toEqual({
      headers: { Cookie: R("sensitive-field"), accept: "json" },
      urls: [`https://${R("url-credentials")}@h.example/x`, 3, true],
      note: `sent Bearer ${R("bearer")}`,
    });
  });

  it("redacts a secret used as a field's name and keeps both of two such keys", () => {
    const out = redactFields({ AKIAIOSFODNN7EXAMPLE: 1, AKIAIOSFODNN7EXAMPLF: 2 });
    expect(out).toEqual({ [R("aws-access-key")]: 1, [`${R("aws-access-key")}#2`]: 2 });
  });

  it("hides the values of configured field names", () => {
    expect(redactFields({ customer_ssn: "123", other: "x" }, { fields: ["Customer_SSN"] })).toEqual({
      customer_ssn: R("sensitive-field"),
      other: "x",
    });
  });

  it("replaces values nested deeper than the bound", () => {
    let deep: Record<string, unknown> = { leaf: "Bearer zzz" };
    for (let i = 0; i < 20; i++) deep = { inner: deep };
    expect(JSON.stringify(redactFields(deep))).not.toContain("zzz");
  });
});

describe("findSecrets on a repeated text (a storm's labels)", () => {
  it("answers the same ranges the second time, and a caller changing them changes nothing", () => {
    const text = "db error, dsn=postgres://app:s3cr3t-pw@db:5432/main";
    const first = findSecrets(text);
    expect(first.length).toBeGreaterThan(0);
    const copy = first.map((r) => ({ ...r }));
    for (const r of first) r.start = r.end = 0;
    expect(findSecrets(text)).toEqual(copy);
    expect(redactText(text)).not.toContain("s3cr3t-pw");
    expect(redactText(text)).toBe(redactText(text));
  });

  it("never remembers the deployment's own patterns", () => {
    const text = "customer cust-123456 failed";
    expect(findSecrets(text)).toEqual([]);
    expect(redactText(text, { patterns: [/cust-[0-9]{6}/g] })).toBe("customer [REDACTED:custom] failed");
    expect(redactText(text)).toBe(text);
  });
});
