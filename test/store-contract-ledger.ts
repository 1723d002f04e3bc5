/**
 * Store contract, part two: context bundles, extra jobs and the LLM call ledger. Registered from
 * `runStoreContract`, so every backend runs it against the same store the rest of the contract uses.
 */
import { describe, expect, it } from "vitest";
import type { LlmCall } from "../src/store/store.js";
import { type ContractContext, T0 } from "./store-contract-fixtures.js";

const call = (overrides: Partial<LlmCall> = {}): LlmCall => ({
  incidentId: null,
  model: "claude-sonnet-5-5",
  at: T0,
  inputTokens: 1000,
  outputTokens: 200,
  cacheWriteTokens: 0,
  cacheReadTokens: 3000,
  costUsd: 0.0046,
  ...overrides,
});

/** Context, enqueueJob and ledger tests; `store()` is the contract's current store. */
export function ledgerContract({ store, newIncident }: ContractContext): void {
  describe("context bundles", () => {
    it("stores the bundle with the incident and reads it back", async () => {
      const { incidentId } = await newIncident();
      expect((await store().getIncident(incidentId))?.context).toBeNull();
      const bundle = {
        items: [
          { id: "logs:request", kind: "logs" as const, title: "request req-1", text: "line 1\nline 2" },
        ],
        partial: ["loki: timeout after 2000 ms"],
      };
      await store().saveContext(incidentId, bundle);
      expect((await store().getIncident(incidentId))?.context).toEqual(bundle);
      await expect(store().saveContext("987654", bundle)).rejects.toThrow(/not found/);
    });
  });

  describe("enqueueJob", () => {
    it("adds a job of the given kind for an existing incident, due at runAt", async () => {
      const { incidentId } = await newIncident();
      const s = store();
      const first = await s.claimJobs("a", 60_000, 10, T0);
      for (const job of first) await s.completeJob(job.id, "a");
      const jobId = await s.enqueueJob(incidentId, "update", T0 + 5_000, T0);
      expect(await s.claimJobs("a", 60_000, 10, T0 + 4_999)).toEqual([]);
      const [job] = await s.claimJobs("a", 60_000, 10, T0 + 5_000);
      expect(job).toMatchObject({ id: jobId, incidentId, kind: "update", attempts: 1 });
      await expect(s.enqueueJob("987654", "update", T0, T0)).rejects.toThrow(/not found/);
    });
  });

  describe("LLM call ledger", () => {
    it("sums spend per model since a point in time", async () => {
      const { incidentId } = await newIncident();
      const s = store();
      await s.recordLlmCall(call({ incidentId, at: T0 - 1 }));
      await s.recordLlmCall(call({ incidentId, at: T0 }));
      await s.recordLlmCall(call({ at: T0 + 10, outputTokens: 50, costUsd: 0.001 }));
      await s.recordLlmCall(call({ model: "claude-haiku-5-5", at: T0 + 20, costUsd: 0.0002 }));
      const spend = await s.llmSpend(T0);
      expect(spend).toEqual([
        {
          model: "claude-haiku-5-5",
          calls: 1,
          inputTokens: 1000,
          outputTokens: 200,
          cacheWriteTokens: 0,
          cacheReadTokens: 3000,
          costUsd: expect.closeTo(0.0002, 10),
        },
        {
          model: "claude-sonnet-5-5",
          calls: 2,
          inputTokens: 2000,
          outputTokens: 250,
          cacheWriteTokens: 0,
          cacheReadTokens: 6000,
          costUsd: expect.closeTo(0.0056, 10),
        },
      ]);
      expect(await s.llmSpend(T0 + 1000)).toEqual([]);
    });
  });
}
