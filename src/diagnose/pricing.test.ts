import { describe, expect, it } from "vitest";
import {
  baseModelId,
  costUsd,
  MODEL_PRICES,
  PRICING_CHECKED_ON,
  priceOf,
  UNKNOWN_MODEL_PRICE,
} from "./pricing.js";

const usage = (patch: Partial<Parameters<typeof costUsd>[0]> = {}) => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  ...patch,
});

describe("costUsd", () => {
  it("prices each token kind at its own rate (Sonnet 5.5: $2 / $10 / $2.50 / $0.10 per million)", () => {
    const price = priceOf("claude-sonnet-5-5").price;
    expect(costUsd(usage({ inputTokens: 1_000_000 }), price)).toBe(2);
    expect(costUsd(usage({ outputTokens: 1_000_000 }), price)).toBe(10);
    expect(costUsd(usage({ cacheWriteTokens: 1_000_000 }), price)).toBe(2.5);
    expect(costUsd(usage({ cacheReadTokens: 1_000_000 }), price)).toBe(0.1);
    // A typical warm call: 1k context, 3k cached system prompt, 800 output (thinking included).
    expect(costUsd(usage({ inputTokens: 1000, cacheReadTokens: 3000, outputTokens: 800 }), price)).toBe(
      0.0103,
    );
  });

  it("bills every token of a long Haiku 5.5 prompt at five times the rate", () => {
    const price = priceOf("claude-haiku-5-5").price;
    const short = usage({ inputTokens: 60_000, cacheReadTokens: 40_000, outputTokens: 1000 });
    const long = usage({ inputTokens: 60_001, cacheReadTokens: 40_000, outputTokens: 1000 });
    expect(costUsd(short, price)).toBeCloseTo(0.006 + 0.0004 + 0.0005, 9);
    expect(costUsd(long, price)).toBeCloseTo(5 * (0.0060001 + 0.0004 + 0.0005), 9);
  });

  it("knows the issue's published rates", () => {
    expect(MODEL_PRICES["claude-haiku-4-5"]).toEqual({
      input: 1,
      output: 5,
      cacheWrite: 1.25,
      cacheRead: 0.1,
    });
    expect(MODEL_PRICES["claude-sonnet-5"]).toMatchObject({
      input: 2,
      output: 10,
      cacheWrite: 2.5,
      cacheRead: 0.2,
    });
    expect(MODEL_PRICES["claude-opus-5-5"]).toMatchObject({ input: 4, output: 20 });
    expect(PRICING_CHECKED_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe("priceOf", () => {
  it("prices dated snapshots and [1m] variants as their base model", () => {
    expect(baseModelId("claude-haiku-4-5-20251001")).toBe("claude-haiku-4-5");
    expect(baseModelId("claude-sonnet-5-5[1m]")).toBe("claude-sonnet-5-5");
    expect(priceOf("claude-sonnet-4-5-20250929")).toEqual({
      price: MODEL_PRICES["claude-sonnet-4-5"],
      known: true,
    });
  });

  it("lets the config override or add a model", () => {
    const rates = { input: 1, output: 2, cacheWrite: 1.25, cacheRead: 0.1 };
    expect(priceOf("claude-sonnet-5-5", { "claude-sonnet-5-5": rates }).price).toBe(rates);
    expect(priceOf("my-proxy-model", { "my-proxy-model": rates })).toEqual({ price: rates, known: true });
  });

  it("charges an unknown model the highest known rates, so budgets stop early rather than late", () => {
    const { price, known } = priceOf("claude-future-9");
    expect(known).toBe(false);
    expect(price).toBe(UNKNOWN_MODEL_PRICE);
    for (const listed of Object.values(MODEL_PRICES))
      expect(price.output).toBeGreaterThanOrEqual(listed.output);
  });
});
