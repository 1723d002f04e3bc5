/**
 * Store contract, report facts: autofix PRs as polled from GitHub and human verdicts on diagnoses, the data
 * behind `ai-monitor report`. Registered from `runStoreContract`, so every backend runs it.
 */
import { describe, expect, it } from "vitest";
import type { AutofixPrRecord, DiagnosisFeedback } from "../src/store/store.js";
import { type ContractContext, HOUR, T0 } from "./store-contract-fixtures.js";

const pr = (n: number, overrides: Partial<AutofixPrRecord> = {}): AutofixPrRecord => ({
  url: `https://github.com/acme/server/pull/${n}`,
  number: n,
  incidentId: "17",
  fingerprint: "CONFIG_001:server::config",
  state: "open",
  createdAt: T0 + n,
  mergedAt: null,
  closedAt: null,
  ...overrides,
});

/** Autofix PR and diagnosis feedback tests; `store()` is the contract's current store. */
export function reportContract({ store, secondStore, newIncident }: ContractContext): void {
  describe("autofix PR facts", () => {
    it("upserts by URL: a later poll's state and times replace the stored ones", async () => {
      const s = store();
      await s.saveAutofixPrs([pr(1), pr(2)], T0);
      await s.saveAutofixPrs(
        [pr(2, { state: "merged", mergedAt: T0 + HOUR, closedAt: T0 + HOUR })],
        T0 + HOUR,
      );
      await s.saveAutofixPrs([pr(3, { state: "closed", closedAt: T0 + 2 * HOUR })], T0 + 2 * HOUR);
      expect(await s.listAutofixPrs(T0)).toEqual([
        pr(1),
        pr(2, { state: "merged", mergedAt: T0 + HOUR, closedAt: T0 + HOUR }),
        pr(3, { state: "closed", closedAt: T0 + 2 * HOUR }),
      ]);
    });

    it("lists only PRs created at or after the given time, oldest first", async () => {
      const s = store();
      await s.saveAutofixPrs([pr(3), pr(1), pr(2, { createdAt: T0 - 1 })], T0);
      expect((await s.listAutofixPrs(T0)).map((p) => p.number)).toEqual([1, 3]);
      expect(await s.listAutofixPrs(T0 + HOUR)).toEqual([]);
    });

    it("takes the last of one URL given twice in a batch, and an empty batch", async () => {
      const s = store();
      await s.saveAutofixPrs([], T0);
      await s.saveAutofixPrs([pr(5), pr(5, { state: "closed", closedAt: T0 + 9 })], T0);
      expect(await s.listAutofixPrs(0)).toEqual([pr(5, { state: "closed", closedAt: T0 + 9 })]);
    });

    it("is seen by another instance on the same database", async () => {
      await store().saveAutofixPrs([pr(7, { incidentId: "not-a-local-id" })], T0);
      const other = await secondStore();
      expect((await other.listAutofixPrs(T0))[0]).toMatchObject({ number: 7, incidentId: "not-a-local-id" });
    });
  });

  describe("diagnosis feedback", () => {
    const verdict = (incidentId: string, overrides: Partial<DiagnosisFeedback> = {}): DiagnosisFeedback => ({
      incidentId,
      reviewer: "alice",
      verdict: "correct",
      note: null,
      at: T0 + 60_000,
      ...overrides,
    });

    it("keeps one current verdict per incident and reviewer: a later one replaces it", async () => {
      const { incidentId } = await newIncident();
      const s = store();
      await s.saveDiagnosisFeedback(verdict(incidentId));
      await s.saveDiagnosisFeedback(verdict(incidentId, { reviewer: "bob", verdict: "partial" }));
      await s.saveDiagnosisFeedback(
        verdict(incidentId, { verdict: "wrong", note: "it was the cache, not the pool", at: T0 + HOUR }),
      );
      expect(await s.listDiagnosisFeedback({})).toEqual([
        verdict(incidentId, { reviewer: "bob", verdict: "partial" }),
        verdict(incidentId, { verdict: "wrong", note: "it was the cache, not the pool", at: T0 + HOUR }),
      ]);
    });

    it("ignores a verdict older than the one stored (a delayed retry)", async () => {
      const { incidentId } = await newIncident();
      const s = store();
      await s.saveDiagnosisFeedback(verdict(incidentId, { verdict: "wrong", at: T0 + HOUR }));
      await s.saveDiagnosisFeedback(verdict(incidentId, { verdict: "correct", at: T0 + 1 }));
      expect((await s.listDiagnosisFeedback({})).map((f) => f.verdict)).toEqual(["wrong"]);
    });

    it("refuses feedback on an unknown incident", async () => {
      for (const id of ["987654", "abc", "0"]) {
        await expect(store().saveDiagnosisFeedback(verdict(id))).rejects.toThrow(/not found/);
      }
      expect(await store().listDiagnosisFeedback({})).toEqual([]);
    });

    it("answers by period (since inclusive, until exclusive) and by incident", async () => {
      const a = (await newIncident({ fingerprint: "A:x" })).incidentId;
      const b = (await newIncident({ fingerprint: "B:x" })).incidentId;
      const s = store();
      await s.saveDiagnosisFeedback(verdict(a, { at: T0 }));
      await s.saveDiagnosisFeedback(verdict(b, { at: T0 + HOUR }));
      await s.saveDiagnosisFeedback(verdict(b, { reviewer: "carol", at: T0 + 2 * HOUR }));
      const at = async (q: Parameters<typeof s.listDiagnosisFeedback>[0]) =>
        (await s.listDiagnosisFeedback(q)).map((f) => `${f.incidentId === a ? "a" : "b"}@${f.at - T0}`);
      expect(await at({ sinceMs: T0 + HOUR })).toEqual([`b@${HOUR}`, `b@${2 * HOUR}`]);
      expect(await at({ sinceMs: T0, untilMs: T0 + HOUR })).toEqual(["a@0"]);
      expect(await at({ incidentIds: [a, "987654", "junk"] })).toEqual(["a@0"]);
      expect(await at({ incidentIds: [] })).toEqual([]);
      expect(await at({ incidentIds: [b], untilMs: T0 + 2 * HOUR })).toEqual([`b@${HOUR}`]);
    });
  });
}
