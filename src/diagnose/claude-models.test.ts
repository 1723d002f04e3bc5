import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CHEAP_MODEL,
  DEFAULT_MODEL,
  deprecatedModels,
  minCacheableTokens,
  modelWarnings,
} from "./claude-models.js";

describe("deprecatedModels", () => {
  it("is the installed SDK's list (the one it warns from): after an SDK upgrade, copy its new list", () => {
    // Only this test reads the SDK's internal data file: src must not depend on its layout.
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve("@anthropic-ai/sdk"));
    const sdk = require(join(root, "internal", "data", "deprecated-models.js")) as {
      DEPRECATED_MODELS: Record<string, string>;
    };
    expect(deprecatedModels()).toEqual(sdk.DEPRECATED_MODELS);
    expect(deprecatedModels()["claude-sonnet-4-5"]).toBe("November 30th, 2026");
  });
});

describe("modelWarnings", () => {
  it("warns that claude-sonnet-4-5 reaches end of life, and names the replacements", () => {
    const [warning] = modelWarnings("claude-sonnet-4-5-20250929");
    expect(warning).toMatch(/deprecated and will reach end-of-life on November 30th, 2026/);
    expect(warning).toContain(DEFAULT_MODEL);
    expect(warning).toContain(CHEAP_MODEL);
  });

  it("has nothing to say about the default model with the shipped prompt", () => {
    expect(modelWarnings(DEFAULT_MODEL, { systemPromptTokens: 3000 })).toEqual([]);
  });

  it("warns about a model with no known price unless the config prices it", () => {
    expect(modelWarnings("claude-future-9").join("\n")).toMatch(
      /no price is known .* anthropic\.pricing\.claude-future-9/,
    );
    const pricing = { "claude-future-9": { input: 1, output: 1, cacheWrite: 1, cacheRead: 1 } };
    expect(modelWarnings("claude-future-9", { pricing }).join("\n")).not.toMatch(/no price/);
  });

  it("warns when the system prompt is too short for the model's prompt cache", () => {
    expect(minCacheableTokens("claude-opus-5")).toBe(512);
    expect(minCacheableTokens("claude-sonnet-5-5")).toBe(1024);
    expect(modelWarnings(CHEAP_MODEL, { systemPromptTokens: 3000 }).join("\n")).toMatch(
      /shorter than the 4096 tokens 'claude-haiku-5-5' caches/,
    );
  });
});
