/**
 * Store contract: resolutions and the durable job queue (leases, retries, owners, queue stats), also with two
 * instances claiming at once. Registered from `runStoreContract` for every backend.
 */
import { describe, expect, it } from "vitest";
import { type ContractContext, FP, HOUR, MIN, T0 } from "./store-contract-fixtures.js";

/** The resolve and jobs sections of the contract, over the running test's store. */
export function jobsContract({ store, secondStore, newIncident, incident }: ContractContext): void {
  describe("resolve", () => {
    it("resolves the open incident once and enqueues one resolved job", async () => {
      const { incidentId } = await newIncident();
      const jobId = await store().resolve(FP, T0 + 2 * MIN, T0 + 3 * MIN);
      expect(jobId).toMatch(/^\d+$/);
      expect(await incident(incidentId)).toMatchObject({ status: "resolved", resolvedAt: T0 + 2 * MIN });
      expect(await store().resolve(FP, T0 + 2 * MIN, T0 + 4 * MIN)).toBeNull();
      expect(await store().resolve("NOPE:app", T0, T0)).toBeNull();
      const jobs = await store().claimJobs("w", 30_000, 10, T0 + 5 * MIN);
      expect(jobs.map((j) => [j.kind, j.incidentId])).toEqual([
        ["incident", incidentId],
        ["resolved", incidentId],
      ]);
      expect(jobs[1]).toMatchObject({ id: jobId, runAt: T0 + 3 * MIN, createdAt: T0 + 3 * MIN });
    });

    it("resolves the most recent open incident of the fingerprint first", async () => {
      const older = await newIncident({ timestampMs: T0 });
      const newer = await newIncident({ timestampMs: T0 + 10 * MIN }, T0 + 10 * MIN);
      await newIncident({ fingerprint: "E_AUTH:app::auth" }, T0 + 10 * MIN);
      await store().resolve(FP, T0 + 11 * MIN, T0 + 11 * MIN);
      expect((await incident(newer.incidentId)).status).toBe("resolved");
      expect((await incident(older.incidentId)).status).toBe("open");
      await store().resolve(FP, T0 + 12 * MIN, T0 + 12 * MIN);
      expect((await incident(older.incidentId)).status).toBe("resolved");
    });

    it("ignores a resolution repeated at the same resolvedAt, so it cannot close older open incidents", async () => {
      const older = await newIncident({ timestampMs: T0 });
      const newer = await newIncident({ timestampMs: T0 + 10 * MIN }, T0 + 10 * MIN);
      expect(await store().resolve(FP, T0 + 11 * MIN, T0 + 11 * MIN)).toMatch(/^\d+$/);
      // The same resolution delivered to another replica (or resent): nothing more is closed or enqueued.
      const other = await secondStore();
      expect(await other.resolve(FP, T0 + 11 * MIN, T0 + 11 * MIN + 500)).toBeNull();
      expect(await store().resolve(FP, T0 + 11 * MIN, T0 + 12 * MIN)).toBeNull();
      expect(await incident(older.incidentId)).toMatchObject({ status: "open", resolvedAt: null });
      expect(await incident(newer.incidentId)).toMatchObject({
        status: "resolved",
        resolvedAt: T0 + 11 * MIN,
      });
      const resolvedJobs = async () =>
        (await store().claimJobs("w", 30_000, 10, T0 + 20 * MIN)).filter((j) => j.kind === "resolved");
      expect((await resolvedJobs()).map((j) => j.incidentId)).toEqual([newer.incidentId]);
      // A later resolution is a new fact: it closes the older incident.
      expect(await store().resolve(FP, T0 + 13 * MIN, T0 + 13 * MIN)).toMatch(/^\d+$/);
      expect(await incident(older.incidentId)).toMatchObject({
        status: "resolved",
        resolvedAt: T0 + 13 * MIN,
      });
    });
  });

  describe("jobs", () => {
    /** Three incidents found at T0, T0+1 s and T0+2 s: their jobs in creation order. */
    const threeJobs = async () => {
      const ids: string[] = [];
      for (const [i, fp] of ["A:x", "B:x", "C:x"].entries()) {
        ids.push((await newIncident({ fingerprint: fp }, T0 + i * 1000)).jobId);
      }
      return ids;
    };

    it("leases due jobs oldest first, up to the limit, and not twice", async () => {
      const [a, b, c] = await threeJobs();
      const first = await store().claimJobs("w1", 30_000, 2, T0 + 5000);
      expect(first.map((j) => [j.id, j.attempts])).toEqual([
        [a, 1],
        [b, 1],
      ]);
      expect((await store().claimJobs("w2", 30_000, 10, T0 + 5000)).map((j) => j.id)).toEqual([c]);
      expect(await store().claimJobs("w3", 30_000, 10, T0 + 5000)).toEqual([]);
      expect(await store().claimJobs("w3", 30_000, 0, T0 + 60_000)).toEqual([]);
    });

    it("never gives the same job to two instances claiming at once", async () => {
      for (let i = 0; i < 6; i++) await newIncident({ fingerprint: `E${i}:x` });
      const other = await secondStore();
      const [mine, theirs] = await Promise.all([
        store().claimJobs("a", 30_000, 4, T0),
        other.claimJobs("b", 30_000, 4, T0),
      ]);
      const ids = [...mine, ...theirs].map((j) => j.id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      const rounds = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? store() : other).claimJobs(`c${i}`, 1000, 1, T0 + 30_000),
        ),
      );
      const again = rounds.flat().map((j) => j.id);
      expect(new Set(again).size).toBe(again.length);
      expect(again).toHaveLength(6);
    });

    it("lets another owner take over an expired lease; the old holder then loses it", async () => {
      const { jobId } = await newIncident();
      await store().claimJobs("old", 1000, 1, T0);
      expect(await store().claimJobs("new", 1000, 1, T0 + 999)).toEqual([]);
      const [taken] = await store().claimJobs("new", 1000, 1, T0 + 1000);
      expect(taken).toMatchObject({ id: jobId, attempts: 2 });
      expect(await store().extendLease(jobId, "old", 1000, T0 + 1001)).toBe(false);
      await store().completeJob(jobId, "old");
      await store().retryJob(jobId, "old", T0, "stale holder");
      expect((await store().queueStats(T0 + 1001)).depth).toBe(1);
      expect(await store().claimJobs("third", 1000, 1, T0 + 1001)).toEqual([]);
      await store().completeJob(jobId, "new");
      expect(await store().queueStats(T0 + 1001)).toEqual({ depth: 0, oldestAgeMs: 0 });
    });

    it("extends a lease only for its holder", async () => {
      const { jobId } = await newIncident();
      await store().claimJobs("w", 1000, 1, T0);
      expect(await store().extendLease(jobId, "w", 1000, T0 + 500)).toBe(true);
      expect(await store().extendLease(jobId, "intruder", 60_000, T0 + 500)).toBe(false);
      expect(await store().claimJobs("x", 1000, 1, T0 + 1200)).toEqual([]);
      expect((await store().claimJobs("x", 1000, 1, T0 + 1500)).map((j) => j.id)).toEqual([jobId]);
      expect(await store().extendLease("999999", "x", 1000, T0)).toBe(false);
    });

    it("retries a job later: lease cleared, due again at runAt", async () => {
      const { jobId } = await newIncident();
      await store().claimJobs("w", 30_000, 1, T0);
      await store().retryJob(jobId, "someone-else", T0, "ignored");
      expect(await store().claimJobs("x", 30_000, 1, T0 + 1)).toEqual([]);
      await store().retryJob(jobId, "w", T0 + MIN, "discord 503");
      expect(await store().leaseOwners()).toEqual([]);
      expect(await store().claimJobs("x", 30_000, 1, T0 + MIN - 1)).toEqual([]);
      const [again] = await store().claimJobs("x", 30_000, 1, T0 + MIN);
      expect(again).toMatchObject({ id: jobId, attempts: 2, runAt: T0 + MIN, createdAt: T0 });
    });

    it("completes a job only for its holder", async () => {
      const { jobId } = await newIncident();
      await store().claimJobs("w", 30_000, 1, T0);
      await store().completeJob(jobId, "other");
      expect((await store().queueStats(T0)).depth).toBe(1);
      await store().completeJob(jobId, "w");
      expect((await store().queueStats(T0)).depth).toBe(0);
      expect(await store().claimJobs("w", 30_000, 1, T0 + HOUR)).toEqual([]);
    });

    it("releases every lease of an owner at once, leaving attempts as they are", async () => {
      const [a, b, c] = await threeJobs();
      await store().claimJobs("dying", 30_000, 2, T0 + 5000);
      await store().claimJobs("alive", 30_000, 1, T0 + 5000);
      expect((await store().leaseOwners()).sort()).toEqual(["alive", "dying"]);
      expect(await store().releaseLeases("dying")).toBe(2);
      expect(await store().releaseLeases("nobody")).toBe(0);
      expect(await store().leaseOwners()).toEqual(["alive"]);
      const retaken = await store().claimJobs("heir", 30_000, 10, T0 + 5000);
      expect(retaken.map((j) => [j.id, j.attempts])).toEqual([
        [a, 2],
        [b, 2],
      ]);
      expect(retaken.map((j) => j.id)).not.toContain(c);
    });

    it("reports queue depth (leased jobs included) and the age of the oldest job", async () => {
      expect(await store().queueStats(T0)).toEqual({ depth: 0, oldestAgeMs: 0 });
      await threeJobs();
      await store().claimJobs("w", 30_000, 1, T0 + 5000);
      expect(await store().queueStats(T0 + 10_000)).toEqual({ depth: 3, oldestAgeMs: 10_000 });
    });
  });
}
