import { describe, expect, it } from "vitest";
import { redactText } from "./redact.js";

const R = (rule: string) => `[REDACTED:${rule}]`;
const GH = "ghp_Zq9Yx8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0GfEdCA07";

// A secret glued to the word before it (no word boundary) is still the provider's token.
describe("redactText on tokens glued to a preceding word character", () => {
  it.each([
    [`under_${GH}`, `under_${R("github-token")}`],
    [`id${GH} used`, `id${R("github-token")} used`],
    [`target: "xxxxxxxx${GH}"`, `target: "xxxxxxxx${R("github-token")}"`],
    ["keyAKIAIOSFODNN7EXAMPG5 denied", `key${R("aws-access-key")} denied`],
    ["x9ASIAIOSFODNN7EXAMPG5", `x9${R("aws-access-key")}`],
    ["cfg_github_pat_11ABCDEFG0123456789_abcdefghijklmnop", `cfg_${R("github-token")}`],
    ["tokxoxb-123456789012-abcdefABCDEF", `tok${R("slack-token")}`],
    ["k_sk_live_abcdefghijklmnopqrstuvwx1234", `k_${R("stripe-key")}`],
    ["k_rk_live_abcdefghijklmnopqrstuvwx1234", `k_${R("stripe-key")}`],
    ["gAIzaSyA1234567890abcdefghijklmnopqrstuv", `g${R("google-api-key")}`],
    ["my_glpat-abcdefghij0123456789", `my_${R("gitlab-token")}`],
    ["x_npm_abcdefghijklmnopqrstuvwxyz0123456789", `x_${R("npm-token")}`],
    ["x_hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", `x_${R("huggingface-token")}`],
    ["k1sk-ant-api03-abcDEF_123-xyz", `k1${R("anthropic-key")}`],
    ["oaisk-proj-abcdefghijklmnopqrstuvwxyz012345", `oai${R("api-key")}`],
    ["keySG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", `key${R("sendgrid-key")}`],
  ])("%s", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    "risk-assessment-worker-pool-v2 failed",
    "task_test_runner started",
    "disk-3f9a2b1c4d5e6f708192a3b4c5d6e7f8 full",
    "thoughs_ok",
    "AKIAIOSFODNN7EXAMPLEEXTRA is not a key",
    "handle_ghost_connection_timeout",
  ])("leaves ordinary identifiers alone: %s", (input) => {
    expect(redactText(input)).toBe(input);
  });
});
