import { describe, expect, it } from "vitest";
import { nameWords, riskyValue, sensitiveName } from "./risk.js";

describe("sensitiveName", () => {
  it.each([
    ["TIMEOUT_SECS", false],
    ["MAX_RETRIES", false],
    ["maxPoolSize", false],
    ["MAX_TOKENS", false],
    ["log_level", false],
    ["JWT_SECRET", true],
    ["API_KEY", true],
    ["apiKey", true],
    ["access_token", true],
    ["BASE_URL", true],
    ["allowed_origins", true],
    ["db.password", true],
    ["UPLOAD_DIR", true],
    ["authTimeout", true],
    ["VERIFY_SIGNATURES", true],
    ["SESSION_TTL_SECS", true],
  ])("%s: %s", (name, sensitive) => {
    expect(sensitiveName(name) !== null).toBe(sensitive);
  });

  it("splits names into words", () => {
    expect(nameWords("maxPoolSize")).toEqual(["max", "pool", "size"]);
    expect(nameWords("db.pool-size_MAX")).toEqual(["db", "pool", "size", "max"]);
  });
});

describe("riskyValue", () => {
  it.each([
    ["60", null],
    ['"30s"', null],
    ["warn", null],
    ['"https://evil.example"', "a URL"],
    ["10.0.0.1", "an IP address"],
    ['"/etc/passwd"', "a file system path"],
    ['"../x"', "a file system path"],
    ["$(curl x)", "shell or markup syntax"],
    ['"DELETE FROM users WHERE 1=1"', "SQL"],
    ["a\nb", "a multi-line value"],
    ["x".repeat(201), "a value longer than 200 characters"],
  ])("%j", (value, reason) => {
    expect(riskyValue(value)).toBe(reason);
  });
});
