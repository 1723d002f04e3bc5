/**
 * Store contract: LLM budget reservations. The check and the hold are one atomic step shared by every
 * instance on the database, so replicas racing for the last of a budget never both win. Registered from
 * `runStoreContract` for every backend.
 */
import { describe, expect, it } from "vitest";
import type { LlmCall, LlmCeiling, Store } from "../src/store/store.js";
import { type ContractContext, HOUR, T0 } from "./store-contract-fixtures.js";

const LEASE = 10 * 60_000;
/** One ceiling of $1 over the last hour (the contract's "day"). */
const DAY: LlmCeiling = { sinceMs: T0 - HOUR, limitUsd: 1 };

const ask = (s: Store, key: string, estimateUsd: number, now = T0, ceilings = [DAY], leaseMs = LEASE) =>
  s.reserveLlmBudget({ key, estimateUsd, ceilings, leaseMs, now });
const granted = async (s: Store, key: string, estimateUsd: number, now = T0) =>
  (await ask(s, key, estimateUsd, now)).granted;

const call = (costUsd: number, at = T0, incidentId: string | null = null): LlmCall => ({
  incidentId,
  model: "claude-sonnet-5-5",
  at,
  inputTokens: 1000,
  outputTokens: 500,
  cacheWriteTokens: 0,
  cacheReadTokens: 3000,
  costUsd,
});

/** The reservation tests; `store()` is the contract's current store. */
export function budgetContract({ store, secondStore, newIncident }: ContractContext): void {
  describe("LLM budget reservations", () => {
    it("grants while the estimate fits, counting the window's spend and the reservations held", async () => {
      const s = store();
      await s.recordLlmCall(call(5, T0 - HOUR - 1)); // before the window: does not count
      await s.recordLlmCall(call(0.5, T0 - HOUR));
      expect(await ask(s, "k1", 0.3)).toEqual({ granted: true, spentUsd: [0.5], reservedUsd: 0 });
      expect(await ask(s, "k2", 0.3)).toEqual({ granted: false, spentUsd: [0.5], reservedUsd: 0.3 });
      expect(await granted(s, "k3", 0.2)).toBe(true); // exactly the ceiling
      expect(await granted(s, "k4", 0)).toBe(false); // nothing left: even a free call waits
    });

    it("checks every ceiling it is given", async () => {
      const s = store();
      await s.recordLlmCall(call(29.5, T0 - 2 * HOUR));
      const month = { sinceMs: T0 - 24 * HOUR, limitUsd: 30 };
      const day = { sinceMs: T0 - HOUR, limitUsd: 2 };
      const res = await ask(s, "k1", 0.6, T0, [month, day]);
      expect(res).toEqual({ granted: false, spentUsd: [29.5, 0], reservedUsd: 0 });
      expect((await ask(s, "k1", 0.5, T0, [month, day])).granted).toBe(true);
    });

    it("of two reservations on two instances that together exceed the budget, exactly one wins", async () => {
      const [a, b] = [store(), await secondStore()];
      for (let round = 0; round < 5; round++) {
        const now = T0 + round * 10 * LEASE; // each round after the last one's leases ran out
        const both = await Promise.all([ask(a, `a${round}`, 0.6, now), ask(b, `b${round}`, 0.6, now)]);
        expect(both.filter((r) => r.granted)).toHaveLength(1);
      }
    });

    it("grants exactly what fits of 20 parallel reservations across two instances", async () => {
      const other = await secondStore();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => ask(i % 2 ? store() : other, `k${i}`, 0.15)),
      );
      expect(answers.filter((r) => r.granted)).toHaveLength(6);
      expect((await ask(store(), "late", 0.1)).reservedUsd).toBeCloseTo(0.9, 9);
    });

    it("settling replaces the estimate with the actual cost, in the ledger", async () => {
      const { incidentId } = await newIncident();
      const s = store();
      expect(await granted(s, incidentId, 0.8)).toBe(true);
      expect(await granted(s, "k2", 0.3)).toBe(false);
      await s.settleLlmReservation(incidentId, call(0.1, T0 + 1, incidentId));
      expect(await ask(s, "k2", 0.3, T0 + 2)).toEqual({ granted: true, spentUsd: [0.1], reservedUsd: 0 });
      const [spend] = await s.llmSpend(T0);
      expect(spend).toMatchObject({ calls: 1, costUsd: expect.closeTo(0.1, 9) });
    });

    it("releasing drops the reservation and bills nothing", async () => {
      const s = store();
      expect(await granted(s, "k1", 0.8)).toBe(true);
      await s.settleLlmReservation("k1", null);
      await s.settleLlmReservation("never-held", null);
      expect(await ask(s, "k2", 0.9)).toEqual({ granted: true, spentUsd: [0], reservedUsd: 0 });
      expect(await s.llmSpend(0)).toEqual([]);
    });

    it("an expired reservation (its process crashed) no longer counts", async () => {
      const s = store();
      expect((await ask(s, "k1", 0.8, T0, [DAY], 1000)).granted).toBe(true);
      expect(await granted(s, "k2", 0.3, T0 + 999)).toBe(false);
      expect(await ask(s, "k2", 0.3, T0 + 1000)).toEqual({ granted: true, spentUsd: [0], reservedUsd: 0 });
    });

    it("is idempotent per key: asked again it is granted, counted once, and its lease renewed", async () => {
      const s = store();
      expect((await ask(s, "k1", 0.4, T0, [DAY], 1000)).granted).toBe(true);
      const again = await Promise.all([
        ask(s, "k1", 0.4, T0 + 500, [DAY], 1000),
        ask(await secondStore(), "k1", 0.4, T0 + 500, [DAY], 1000),
      ]);
      expect(again.map((r) => r.granted)).toEqual([true, true]);
      expect(await ask(s, "k2", 0.6, T0 + 600)).toMatchObject({ granted: true, reservedUsd: 0.4 });
      // Past the first lease (T0 + 1000) but within the renewed one (T0 + 1500): k1 still counts.
      expect(await ask(s, "k3", 0.1, T0 + 1200)).toMatchObject({ granted: false, reservedUsd: 1 });
      expect(await ask(s, "k3", 0.1, T0 + 1500)).toMatchObject({ granted: true, reservedUsd: 0.6 });
    });
  });
}
