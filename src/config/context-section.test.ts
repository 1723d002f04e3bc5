import { describe, expect, it } from "vitest";
import { CONTEXT_ENV_KEYS, contextSection, lokiExtraSection } from "./context-section.js";
import { applyEnv } from "./env.js";

describe("context section", () => {
  it("has defaults for every key", () => {
    expect(contextSection.parse(undefined)).toEqual({
      timeout: 10_000,
      budgetTokens: 6000,
      requestWindow: 300_000,
      occurrencesLookback: 3_600_000,
      requestLines: 200,
      occurrences: 20,
      sourceMap: {},
      sourceWindowLines: 40,
      gitCommits: 5,
      fileScanBytes: 8 * 1024 * 1024,
      redact: { patterns: [] },
    });
    expect(lokiExtraSection.parse({})).toEqual({
      tenant: null,
      username: null,
      password: null,
      bearerToken: null,
      timeout: 5000,
      selector: '{job="server"}',
    });
  });

  it("parses durations and is idempotent on resolved values", () => {
    const once = contextSection.parse({
      timeout: "3s",
      requestWindow: "2m",
      redact: { patterns: ["cust-\\d+"] },
    });
    expect(once).toMatchObject({
      timeout: 3000,
      requestWindow: 120_000,
      redact: { patterns: ["cust-\\d+"] },
    });
    expect(contextSection.parse(once)).toEqual(once);
  });

  it.each([
    [{ redact: { patterns: ["(unclosed"] } }, "redact.patterns.0", "not a valid regular expression"],
    [{ budgetTokens: 10 }, "budgetTokens", ""],
    [{ timeout: "soon" }, "timeout", "not a duration"],
    [{ sourceMap: { server: "" } }, "sourceMap.server", ""],
    [{ unknownKey: 1 }, "", "unknownKey"],
  ])("rejects %j", (input, path, message) => {
    const result = contextSection.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join(".")).toBe(path);
    expect(issue.message).toContain(message);
  });

  it("rejects a selector that is not one", () => {
    expect(lokiExtraSection.safeParse({ selector: "app=server" }).success).toBe(false);
    expect(lokiExtraSection.safeParse({ selector: "{}" }).success).toBe(false);
  });

  it("maps the LOKI_* variables onto loki.* once merged into ENV_KEYS", () => {
    expect(CONTEXT_ENV_KEYS).toEqual({
      LOKI_TENANT: "loki.tenant",
      LOKI_USERNAME: "loki.username",
      LOKI_PASSWORD: "loki.password",
      LOKI_BEARER_TOKEN: "loki.bearerToken",
    });
    // The existing env overlay already handles any dotted path: the merge is one spread into ENV_KEYS.
    const { raw } = applyEnv({}, { LOKI_URL: "http://loki:3100" });
    expect(raw).toEqual({ loki: { url: "http://loki:3100" } });
  });
});
