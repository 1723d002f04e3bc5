/**
 * Store contract: an error coming back inside the window of its resolved incident reopens it. Sinks must be
 * told (an "update" job re-renders their messages) and the next resolution must be announced again.
 * Registered from `runStoreContract` for every backend.
 */
import { describe, expect, it } from "vitest";
import type { Job } from "../src/store/store.js";
import { type ContractContext, FP, MIN, makeSignal, policyAt, T0 } from "./store-contract-fixtures.js";

/** The reopen section of the contract, over the running test's store. */
export function reopenContract({ store, ingestOne, newIncident, incident }: ContractContext): void {
  /** Claim every due job at `now`, complete them as a worker would, and return them. */
  const runJobs = async (now: number): Promise<Job[]> => {
    const jobs = await store().claimJobs("w", 30_000, 100, now);
    for (const job of jobs) await store().completeJob(job.id, "w");
    return jobs;
  };
  /** Record the deliveries of `sinks` as sent, as the deliver step does. */
  const sent = async (incidentId: string, sinks: string[], now: number) => {
    await store().ensureDeliveries(incidentId, sinks, now);
    for (const sink of sinks) {
      await store().updateDelivery(incidentId, sink, { state: "sent", remoteRef: `ref-${sink}` }, now);
    }
  };
  /** An incident alerted on discord and jsonl, then resolved and announced on both. */
  const announcedResolution = async () => {
    const { incidentId } = await newIncident();
    await runJobs(T0);
    await sent(incidentId, ["discord", "jsonl"], T0);
    expect(await store().resolve(FP, T0 + MIN, T0 + MIN)).toMatch(/^\d+$/);
    expect((await runJobs(T0 + MIN)).map((j) => j.kind)).toEqual(["resolved"]);
    await sent(incidentId, ["discord:resolved", "jsonl:resolved"], T0 + MIN);
    return incidentId;
  };
  const sinksOf = async (incidentId: string) => (await incident(incidentId)).deliveries.map((d) => d.sink);

  describe("reopen", () => {
    it("reopens a resolved incident on a repeat in its window: one update job, resolution records gone", async () => {
      const incidentId = await announcedResolution();
      const back = await ingestOne({ timestampMs: T0 + 2 * MIN }, T0 + 2 * MIN);
      expect(back).toEqual({ kind: "duplicate", incidentId });
      expect(await incident(incidentId)).toMatchObject({ status: "open", resolvedAt: null, count: 2 });
      expect(await sinksOf(incidentId)).toEqual(["discord", "jsonl"]);
      expect((await incident(incidentId)).deliveries[0]).toMatchObject({
        state: "sent",
        remoteRef: "ref-discord",
      });
      const jobs = await store().claimJobs("w", 30_000, 10, T0 + 2 * MIN);
      expect(jobs.map((j) => [j.kind, j.incidentId, j.runAt, j.createdAt])).toEqual([
        ["update", incidentId, T0 + 2 * MIN, T0 + 2 * MIN],
      ]);
    });

    it("queues one update job for many repeats of one batch, nothing for repeats of an open incident", async () => {
      const incidentId = await announcedResolution();
      const other = await newIncident({ fingerprint: "E_AUTH:app::auth", target: "app::auth" }, T0 + MIN);
      await runJobs(T0 + MIN);
      const outcomes = await store().ingest(
        [2, 3, 3].flatMap((m) => [
          makeSignal({ timestampMs: T0 + m * MIN }),
          makeSignal({ fingerprint: "E_AUTH:app::auth", target: "app::auth", timestampMs: T0 + m * MIN }),
        ]),
        policyAt(T0 + 4 * MIN),
      );
      expect(new Set(outcomes.map((o) => o.kind))).toEqual(new Set(["duplicate"]));
      expect((await incident(incidentId)).count).toBe(4);
      expect((await incident(other.incidentId)).count).toBe(4);
      expect((await runJobs(T0 + 4 * MIN)).map((j) => [j.kind, j.incidentId])).toEqual([
        ["update", incidentId],
      ]);
      // Open now: a further repeat is a plain duplicate.
      expect((await ingestOne({ timestampMs: T0 + 4 * MIN }, T0 + 4 * MIN)).kind).toBe("duplicate");
      expect(await store().queueStats(T0 + 4 * MIN)).toEqual({ depth: 0, oldestAgeMs: 0 });
    });

    it("announces a second resolution again", async () => {
      const incidentId = await announcedResolution();
      await ingestOne({ timestampMs: T0 + 2 * MIN }, T0 + 2 * MIN);
      await runJobs(T0 + 2 * MIN);
      const jobId = await store().resolve(FP, T0 + 3 * MIN, T0 + 3 * MIN);
      expect(jobId).toMatch(/^\d+$/);
      expect(await incident(incidentId)).toMatchObject({ status: "resolved", resolvedAt: T0 + 3 * MIN });
      const jobs = await store().claimJobs("w", 30_000, 10, T0 + 3 * MIN);
      expect(jobs.map((j) => [j.id, j.kind, j.incidentId])).toEqual([[jobId, "resolved", incidentId]]);
      // The deliver step can record the new announcement: nothing says it was already sent.
      expect(await sinksOf(incidentId)).toEqual(["discord", "jsonl"]);
    });

    it("drops a resolution still queued when the incident reopens before it was announced", async () => {
      const { incidentId } = await newIncident();
      await store().resolve(FP, T0 + MIN, T0 + MIN);
      await ingestOne({ timestampMs: T0 + 2 * MIN }, T0 + 2 * MIN);
      const jobs = await store().claimJobs("w", 30_000, 10, T0 + 2 * MIN);
      expect(jobs.map((j) => [j.kind, j.incidentId])).toEqual([
        ["incident", incidentId],
        ["update", incidentId],
      ]);
      expect((await ingestOne({ timestampMs: T0 + 10 * MIN }, T0 + 10 * MIN)).kind).toBe("new");
    });
  });
}
