/**
 * Store contract: `takeToken`, the sliding-window rate limit shared by every instance. Registered from
 * `runStoreContract` for every backend.
 */
import { describe, expect, it } from "vitest";
import { type ContractContext, HOUR, T0 } from "./store-contract-fixtures.js";

/** The takeToken section of the contract, over the running test's store. */
export function tokensContract({ store, secondStore }: ContractContext): void {
  describe("takeToken", () => {
    it("grants up to limit in a sliding window of (now - windowMs, now]", async () => {
      const take = (key: string, now: number) => store().takeToken("llm", key, 2, 1000, now);
      expect(await take("k1", T0)).toBe(true);
      expect(await take("k2", T0 + 10)).toBe(true);
      expect(await take("k3", T0 + 20)).toBe(false);
      expect(await take("k4", T0 + 1000)).toBe(true);
      expect(await take("k5", T0 + 1005)).toBe(false);
      expect(await take("k6", T0 + 1010)).toBe(true);
    });

    it("does not count denied requests", async () => {
      const take = (key: string, now: number) => store().takeToken("llm", key, 1, 1000, now);
      expect(await take("k1", T0)).toBe(true);
      expect(await take("k2", T0 + 1)).toBe(false);
      expect(await take("k3", T0 + 2)).toBe(false);
      expect(await take("k4", T0 + 1000)).toBe(true);
    });

    it("answers the same key the same way as the first time", async () => {
      const take = (key: string, now: number) => store().takeToken("llm", key, 1, 1000, now);
      expect(await take("k1", T0)).toBe(true);
      expect(await take("k2", T0 + 1)).toBe(false);
      expect(await take("k1", T0 + 2)).toBe(true);
      expect(await take("k2", T0 + 5000)).toBe(false);
      expect(await take("k3", T0 + 5000)).toBe(true);
    });

    it("never grants with limit 0, and keeps buckets apart", async () => {
      expect(await store().takeToken("off", "k1", 0, HOUR, T0)).toBe(false);
      expect(await store().takeToken("a", "k1", 1, HOUR, T0)).toBe(true);
      expect(await store().takeToken("b", "k1", 1, HOUR, T0)).toBe(true);
      expect(await store().takeToken("a", "k2", 1, HOUR, T0)).toBe(false);
    });

    it("grants exactly limit of 20 parallel requests across two instances", async () => {
      const other = await secondStore();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? store() : other).takeToken("llm", `k${i}`, 10, HOUR, T0),
        ),
      );
      expect(answers.filter(Boolean)).toHaveLength(10);
      const again = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store()).takeToken("llm", `k${i}`, 10, HOUR, T0 + 1),
        ),
      );
      expect(again).toEqual(answers);
    });
  });
}
