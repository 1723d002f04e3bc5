import { describe, expect, it } from "vitest";
import { redactText } from "./redact.js";

const R = (rule: string) => `[REDACTED:${rule}]`;

// Key names followed by their value after a space, or in "secret is X" phrasing; prose stays readable.
describe("redactText on key names followed by a space or 'is'", () => {
  it.each([
    [
      "aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE2",
      `aws_secret_access_key ${R("key-value")}`,
    ],
    ["secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE2 x", `secret_access_key ${R("key-value")} x`],
    ["api_key Zx81kQ02mPq7 rejected", `api_key ${R("key-value")} rejected`],
    ["client_secret 9f8e7d6c5b4a3210 bad", `client_secret ${R("key-value")} bad`],
    ["password hunter22 for bob", `password ${R("key-value")} for bob`],
    ["secret is mysecretvalue11", `secret is ${R("key-value")}`],
    ["the password is Tr0ub4dor&3 ok", `the password is ${R("key-value")} ok`],
    ["token sdf8Gk2LmQ9xWv4ZpR7t used", `token ${R("token-auth")} used`],
  ])("%s", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    "token: ExpiredSignature",
    "let secret = env::var(..)",
    'let secret = env::var("APP_SECRET")?;',
    "password is incorrect",
    "password is too short",
    "secret is missing",
    "password authentication failed for user app",
    "api_key lookup failed",
    "private_key not found in keyring",
    "password reset failed",
    "token expired",
    "client_secret rotation scheduled",
  ])("leaves prose alone: %s", (input) => {
    expect(redactText(input)).toBe(input);
  });
});
