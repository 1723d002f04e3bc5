/**
 * Store contract: what people and the quiet-period sweep do to incidents (resolve, acknowledge, resolveQuiet),
 * and the job queue's claim order by severity. Registered from `runStoreContract` for every backend.
 */
import { describe, expect, it } from "vitest";
import type { Job } from "../src/store/store.js";
import { type ContractContext, diagnosis, FP, MIN, T0 } from "./store-contract-fixtures.js";

const AUTH = { fingerprint: "E_AUTH:app::auth", errorCode: "E_AUTH", target: "app::auth" };

/** The incident actions section of the contract, over the running test's store. */
export function actionsContract({
  store,
  secondStore,
  ingestOne,
  newIncident,
  incident,
}: ContractContext): void {
  const claimAll = async (now: number): Promise<Job[]> => store().claimJobs("w", 30_000, 100, now);
  const runJobs = async (now: number) => {
    const jobs = await claimAll(now);
    for (const job of jobs) await store().completeJob(job.id, "w");
    return jobs;
  };

  describe("manual resolve and ack", () => {
    it("resolves an open incident once, recording who and why, and queues its announcement", async () => {
      const { incidentId } = await newIncident();
      await runJobs(T0);
      const id = Number(incidentId);
      const input = { at: T0 + MIN, by: "alice", note: "pool size raised" };
      expect(await store().resolveIncident(id, input)).toBe("resolved");
      expect(await incident(incidentId)).toMatchObject({
        status: "resolved",
        resolvedAt: T0 + MIN,
        resolvedBy: "alice",
        resolutionNote: "pool size raised",
      });
      const other = await secondStore();
      expect(await other.resolveIncident(id, { at: T0 + 2 * MIN })).toBe("already-resolved");
      expect(await store().resolveIncident(id + 1000, { at: T0 })).toBe("not-found");
      const jobs = await claimAll(T0 + 3 * MIN);
      expect(jobs.map((j) => [j.kind, j.incidentId, j.runAt])).toEqual([["resolved", incidentId, T0 + MIN]]);
      // An Alertmanager resolution of the same fingerprint finds nothing open any more.
      expect(await store().resolve(FP, T0 + 4 * MIN, T0 + 4 * MIN)).toBeNull();
    });

    it("acknowledges once; recurrences of the fingerprint see the acknowledgement until it resolves", async () => {
      const first = await newIncident();
      const id = Number(first.incidentId);
      expect(await store().ackIncident(id + 1000, { at: T0 })).toBe("not-found");
      expect(await store().openAcknowledgement(FP, "0")).toBeNull();
      expect(await store().ackIncident(id, { at: T0 + MIN, by: "bob" })).toBe("acked");
      expect(await store().ackIncident(id, { at: T0 + 2 * MIN, by: "carol" })).toBe("already-acked");
      expect(await incident(first.incidentId)).toMatchObject({
        acknowledgedAt: T0 + MIN,
        acknowledgedBy: "bob",
      });
      // A later window of the same error is a recurrence: it finds the acknowledgement; the incident itself does not.
      const later = await newIncident({ timestampMs: T0 + 10 * MIN }, T0 + 10 * MIN);
      expect(await store().openAcknowledgement(FP, later.incidentId)).toEqual({
        incidentId: first.incidentId,
        at: T0 + MIN,
        by: "bob",
      });
      expect(await store().openAcknowledgement(FP, first.incidentId)).toBeNull();
      expect(await store().openAcknowledgement(AUTH.fingerprint, "0")).toBeNull();
      expect(await store().resolveIncident(id, { at: T0 + 11 * MIN })).toBe("resolved");
      expect(await store().openAcknowledgement(FP, later.incidentId)).toBeNull();
    });

    it("refuses to acknowledge a resolved incident (an acknowledgement lasts until it resolves)", async () => {
      const { incidentId } = await newIncident();
      const id = Number(incidentId);
      expect(await store().resolveIncident(id, { at: T0 + MIN })).toBe("resolved");
      expect(await store().ackIncident(id, { at: T0 + 2 * MIN, by: "bob" })).toBe("already-resolved");
      expect(await incident(incidentId)).toMatchObject({ acknowledgedAt: null, acknowledgedBy: null });
      // Acknowledged, then resolved: the resolution is what the caller needs to hear about.
      const other = await newIncident({ ...AUTH });
      await store().ackIncident(Number(other.incidentId), { at: T0 + MIN });
      await store().resolveIncident(Number(other.incidentId), { at: T0 + 2 * MIN });
      expect(await store().ackIncident(Number(other.incidentId), { at: T0 + 3 * MIN })).toBe(
        "already-resolved",
      );
    });

    it("forgets the acknowledgement and the manual resolution when a repeat reopens the incident", async () => {
      const { incidentId } = await newIncident();
      const id = Number(incidentId);
      await store().ackIncident(id, { at: T0 + MIN, by: "bob" });
      await store().resolveIncident(id, { at: T0 + 2 * MIN, by: "alice", note: "fixed" });
      expect((await incident(incidentId)).acknowledgedBy).toBe("bob");
      expect(await ingestOne({ timestampMs: T0 + 3 * MIN }, T0 + 3 * MIN)).toEqual({
        kind: "duplicate",
        incidentId,
      });
      expect(await incident(incidentId)).toMatchObject({
        status: "open",
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedBy: null,
        resolutionNote: null,
      });
      expect(await store().ackIncident(id, { at: T0 + 4 * MIN })).toBe("acked");
      expect((await incident(incidentId)).acknowledgedBy).toBeNull();
    });
  });

  describe("quiet-period resolution", () => {
    it("resolves incidents whose fingerprint stayed quiet, once, and queues their announcements", async () => {
      const quiet = await newIncident({ timestampMs: T0 });
      const busyOld = await newIncident({ ...AUTH, timestampMs: T0 });
      // The auth error keeps firing in a later window: its older incident is not quiet either.
      await newIncident({ ...AUTH, timestampMs: T0 + 20 * MIN }, T0 + 20 * MIN);
      // An alert has its sender's resolution: a long-firing one is not re-sent as occurrences.
      const alert = await newIncident({ fingerprint: "ALERT:app", source: "alertmanager", timestampMs: T0 });
      const backfill = await ingestOne(
        { fingerprint: "OLD:app", timestampMs: T0 - 3 * 60 * MIN },
        T0 + 20 * MIN,
      );
      await runJobs(T0 + 20 * MIN);
      const now = T0 + 40 * MIN;
      const since = now - 30 * MIN;
      const other = await secondStore();
      const [a, b] = await Promise.all([
        store().resolveQuiet(since, now, 100),
        other.resolveQuiet(since, now, 100),
      ]);
      const backfillId = backfill.kind === "backfill" ? backfill.incidentId : "?";
      expect([...a, ...b].sort()).toEqual([quiet.incidentId, backfillId].sort());
      expect(await incident(quiet.incidentId)).toMatchObject({ status: "resolved", resolvedAt: now });
      expect((await incident(busyOld.incidentId)).status).toBe("open");
      expect((await incident(alert.incidentId)).status).toBe("open");
      // One announcement for the incident that alerted; none for the backfill, which alerted no one.
      const jobs = await claimAll(now);
      expect(jobs.map((j) => [j.kind, j.incidentId])).toEqual([["resolved", quiet.incidentId]]);
      expect(await store().resolveQuiet(since, now + MIN, 100)).toEqual([]);
      // A recurrence reopens it as an Alertmanager-resolved one would be.
      expect(await ingestOne({ timestampMs: T0 + 4 * MIN }, now + MIN)).toEqual({
        kind: "duplicate",
        incidentId: quiet.incidentId,
      });
      expect((await incident(quiet.incidentId)).status).toBe("open");
    });

    it("resolves at most `limit` at a time, quietest first", async () => {
      const a = await newIncident({ timestampMs: T0 });
      const b = await newIncident({ ...AUTH, timestampMs: T0 + MIN });
      const now = T0 + 60 * MIN;
      expect(await store().resolveQuiet(now - 30 * MIN, now, 1)).toEqual([a.incidentId]);
      expect(await store().resolveQuiet(now - 30 * MIN, now, 1)).toEqual([b.incidentId]);
    });
  });

  describe("claim order", () => {
    it("claims the most severe incidents' jobs first, then the oldest, and keeps one incident's jobs in order", async () => {
      const low = await newIncident({ fingerprint: "L:app", level: "INFO", timestampMs: T0 }, T0);
      const medium = await newIncident({ fingerprint: "M:app", level: "WARN" }, T0 + 1);
      const high = await newIncident({ fingerprint: "H:app" }, T0 + 2);
      const high2 = await newIncident({ fingerprint: "H2:app" }, T0 + 3);
      const critical = await newIncident({ fingerprint: "C:app", severityHint: "critical" }, T0 + 4);
      await store().enqueueJob(high.incidentId, "update", T0 + 5, T0 + 5);
      expect(await store().resolve("H:app", T0 + 6, T0 + 6)).toMatch(/^\d+$/);
      const order = (await claimAll(T0 + MIN)).map((j) => [j.incidentId, j.kind]);
      expect(order).toEqual([
        [critical.incidentId, "incident"],
        [high.incidentId, "incident"],
        [high2.incidentId, "incident"],
        [high.incidentId, "update"],
        [high.incidentId, "resolved"],
        [medium.incidentId, "incident"],
        [low.incidentId, "incident"],
      ]);
    });

    it("follows a diagnosis that changes the severity, and serves one claim at a time by priority", async () => {
      const medium = await newIncident({ fingerprint: "M:app", level: "WARN" }, T0);
      const high = await newIncident({ fingerprint: "H:app" }, T0 + 1);
      await store().saveDiagnosis(medium.incidentId, diagnosis({ severity: "critical" }));
      await store().enqueueJob(medium.incidentId, "update", T0 + 2, T0 + 2);
      const one = await store().claimJobs("w", 30_000, 1, T0 + MIN);
      expect(one.map((j) => [j.incidentId, j.kind])).toEqual([[medium.incidentId, "incident"]]);
      const rest = await claimAll(T0 + MIN);
      expect(rest.map((j) => [j.incidentId, j.kind])).toEqual([
        [medium.incidentId, "update"],
        [high.incidentId, "incident"],
      ]);
    });
  });
}
