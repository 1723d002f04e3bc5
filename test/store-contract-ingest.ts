/**
 * Store contract: ingest. New incidents and their fields, dedup windows on occurrence time, backfill, resent
 * keys, batch atomicity and file offsets. Registered from `runStoreContract` for every backend.
 */
import { describe, expect, it } from "vitest";
import {
  type ContractContext,
  FP,
  HOUR,
  MIN,
  makeSignal,
  offsetOf,
  policyAt,
  T0,
} from "./store-contract-fixtures.js";

/** The ingest sections of the contract, over the running test's store. */
export function ingestContract({ store, ingestOne, newIncident, incident }: ContractContext): void {
  describe("ingest: new incidents", () => {
    it("stores a new incident with every field, and one incident job", async () => {
      const now = T0 + 2_000;
      const outcome = await newIncident(
        { filename: "src/db.rs", lineNumber: 42, url: "http://grafana/alert/1", count: 3 },
        now,
      );
      expect(outcome.incidentId).toMatch(/^\d+$/);
      expect(outcome.jobId).toMatch(/^\d+$/);
      expect(await store().getIncident(outcome.incidentId)).toEqual({
        id: outcome.incidentId,
        fingerprint: FP,
        errorCode: "DB_TIMEOUT",
        target: "app::db",
        level: "ERROR",
        severity: "high",
        status: "open",
        count: 3,
        firstSeen: T0,
        lastSeen: T0,
        createdAt: now,
        resolvedAt: null,
        resolvedBy: null,
        resolutionNote: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        source: "file",
        message: "query timed out after 5000ms",
        requestId: "req-1",
        filename: "src/db.rs",
        lineNumber: 42,
        fields: { pool: "main", attempt: 3 },
        url: "http://grafana/alert/1",
        suppressed: null,
        diagnosis: null,
        context: null,
        deliveries: [],
        costUsd: 0,
      });
      expect(await store().claimJobs("w", 30_000, 10, now)).toEqual([
        {
          id: outcome.jobId,
          incidentId: outcome.incidentId,
          kind: "incident",
          attempts: 1,
          runAt: now,
          createdAt: now,
        },
      ]);
    });

    it("stores absent optional fields as null", async () => {
      const { incidentId } = await newIncident({ errorCode: null, requestId: null, fields: {} });
      expect(await incident(incidentId)).toMatchObject({
        errorCode: null,
        requestId: null,
        filename: null,
        lineNumber: null,
        url: null,
        fields: {},
      });
    });

    it.each([
      ["ERROR", null, "high"],
      ["WARN", null, "medium"],
      ["ERROR", "critical", "critical"],
      ["WARN", "page", "critical"],
    ] as const)("level %s with hint %s starts as %s", async (level, severityHint, expected) => {
      const { incidentId } = await newIncident({ level, severityHint });
      expect((await incident(incidentId)).severity).toBe(expected);
    });

    it("keeps fingerprints apart", async () => {
      const outcomes = await store().ingest(
        [makeSignal(), makeSignal({ fingerprint: "E_AUTH:app::auth", target: "app::auth" })],
        policyAt(T0),
      );
      expect(outcomes.map((o) => o.kind)).toEqual(["new", "new"]);
    });
  });

  describe("ingest: windows on occurrence time", () => {
    it("merges a duplicate: count adds up, lastSeen moves, no new job", async () => {
      const { incidentId } = await newIncident({ count: 5 });
      const dup = await ingestOne({ timestampMs: T0 + MIN, count: 3 }, T0 + MIN);
      expect(dup).toEqual({ kind: "duplicate", incidentId });
      expect(await incident(incidentId)).toMatchObject({ count: 8, firstSeen: T0, lastSeen: T0 + MIN });
      expect((await store().queueStats(T0 + MIN)).depth).toBe(1);
    });

    it("two lines 4 minutes apart, found 10 minutes later in one scan, make one incident", async () => {
      const outcomes = await store().ingest(
        [makeSignal({ timestampMs: T0 }), makeSignal({ timestampMs: T0 + 4 * MIN })],
        policyAt(T0 + 14 * MIN),
      );
      expect(outcomes.map((o) => o.kind)).toEqual(["new", "duplicate"]);
      const [only] = await store().listIncidents({ limit: 10 });
      expect(only).toMatchObject({ count: 2, firstSeen: T0, lastSeen: T0 + 4 * MIN });
      expect((await store().queueStats(T0 + 14 * MIN)).depth).toBe(1);
    });

    it("two lines 6 minutes apart make two incidents, even when found together", async () => {
      const outcomes = await store().ingest(
        [makeSignal({ timestampMs: T0 }), makeSignal({ timestampMs: T0 + 6 * MIN })],
        policyAt(T0 + 16 * MIN),
      );
      expect(outcomes.map((o) => o.kind)).toEqual(["new", "new"]);
      expect(await store().listIncidents({ limit: 10 })).toHaveLength(2);
      expect((await store().queueStats(T0 + 16 * MIN)).depth).toBe(2);
    });

    it("anchors the window on the first sighting, not the last", async () => {
      const outcomes = await store().ingest(
        [0, 4, 8].map((m) => makeSignal({ timestampMs: T0 + m * MIN })),
        policyAt(T0 + 9 * MIN),
      );
      expect(outcomes.map((o) => o.kind)).toEqual(["new", "duplicate", "new"]);
    });

    it("takes an out-of-order line into the window after it, moving firstSeen back", async () => {
      const outcomes = await store().ingest(
        [makeSignal({ timestampMs: T0 + 4 * MIN }), makeSignal({ timestampMs: T0 })],
        policyAt(T0 + 5 * MIN),
      );
      expect(outcomes.map((o) => o.kind)).toEqual(["new", "duplicate"]);
      const [only] = await store().listIncidents({ limit: 10 });
      expect(only).toMatchObject({ count: 2, firstSeen: T0, lastSeen: T0 + 4 * MIN });
    });

    it("between two windows, prefers the one that started before the occurrence", async () => {
      const first = await newIncident({ timestampMs: T0 }, T0 + 10 * MIN);
      const second = await newIncident({ timestampMs: T0 + 6 * MIN }, T0 + 10 * MIN);
      expect(await ingestOne({ timestampMs: T0 + 3 * MIN }, T0 + 10 * MIN)).toEqual({
        kind: "duplicate",
        incidentId: first.incidentId,
      });
      expect(await ingestOne({ timestampMs: T0 - MIN }, T0 + 10 * MIN)).toEqual({
        kind: "duplicate",
        incidentId: first.incidentId,
      });
      expect(await incident(first.incidentId)).toMatchObject({ count: 3, firstSeen: T0 - MIN });
      expect((await incident(second.incidentId)).count).toBe(1);
    });
  });

  describe("ingest: backfill, resent keys, atomicity, offsets", () => {
    it("stores a line older than maxAge as a suppressed incident with no job", async () => {
      const outcome = await ingestOne({ timestampMs: T0 }, T0 + 2 * HOUR);
      expect(outcome.kind).toBe("backfill");
      if (outcome.kind !== "backfill") return;
      expect(await incident(outcome.incidentId)).toMatchObject({ suppressed: "backfill", status: "open" });
      expect(await store().queueStats(T0 + 2 * HOUR)).toEqual({ depth: 0, oldestAgeMs: 0 });
      const dup = await ingestOne({ timestampMs: T0 + MIN }, T0 + 2 * HOUR);
      expect(dup).toEqual({ kind: "duplicate", incidentId: outcome.incidentId });
      expect((await store().queueStats(T0 + 2 * HOUR)).depth).toBe(0);
    });

    it("alerts for a line exactly maxAge old", async () => {
      expect((await ingestOne({ timestampMs: T0 }, T0 + HOUR)).kind).toBe("new");
    });

    it("ignores a resent signal entirely, in the same batch or later", async () => {
      const outcomes = await store().ingest(
        [makeSignal({ dedupKey: "am:abc" }), makeSignal({ dedupKey: "am:abc", count: 5 })],
        policyAt(T0),
      );
      expect(outcomes.map((o) => o.kind)).toEqual(["new", "resent"]);
      expect(await ingestOne({ dedupKey: "am:abc", count: 7 }, T0 + 23 * HOUR)).toEqual({ kind: "resent" });
      const [only] = await store().listIncidents({ limit: 10 });
      expect(only?.count).toBe(1);
      expect((await ingestOne({ dedupKey: "am:def", timestampMs: T0 + MIN }, T0 + MIN)).kind).toBe(
        "duplicate",
      );
    });

    it("stores nothing of a batch whose third signal fails, nor its offset", async () => {
      const existing = await newIncident();
      const batch = [
        makeSignal({ timestampMs: T0 + MIN, dedupKey: "k-1" }),
        makeSignal({ fingerprint: "E_AUTH:app::auth", target: "app::auth", dedupKey: "k-2" }),
        makeSignal({ fingerprint: "E_BIG:app::x", fields: { huge: 10n } }),
      ];
      await expect(store().ingest(batch, policyAt(T0 + MIN), offsetOf())).rejects.toThrow();
      expect(await store().getOffset(offsetOf().dev, offsetOf().ino)).toBeNull();
      const all = await store().listIncidents({ limit: 10 });
      expect(all.map((i) => [i.id, i.count])).toEqual([[existing.incidentId, 1]]);
      expect((await store().queueStats(T0 + MIN)).depth).toBe(1);
      // The keys of the failed batch were not remembered: the retried batch goes through.
      const retried = await store().ingest(batch.slice(0, 2), policyAt(T0 + MIN), offsetOf());
      expect(retried.map((o) => o.kind)).toEqual(["duplicate", "new"]);
      expect(await store().getOffset(offsetOf().dev, offsetOf().ino)).toEqual(offsetOf());
    });

    it("saves the offset with the batch, also when the batch is empty", async () => {
      await store().ingest([makeSignal()], policyAt(T0), offsetOf({ offset: 100 }));
      expect((await store().getOffset(offsetOf().dev, offsetOf().ino))?.offset).toBe(100);
      await store().ingest([], policyAt(T0), offsetOf({ offset: 200 }));
      expect((await store().getOffset(offsetOf().dev, offsetOf().ino))?.offset).toBe(200);
    });

    it("upserts offsets by device and inode", async () => {
      expect(await store().getOffset(1, 2)).toBeNull();
      expect(await store().hasOffsets()).toBe(false);
      await store().saveOffset(offsetOf());
      expect(await store().hasOffsets()).toBe(true);
      await store().saveOffset(offsetOf({ path: "/var/log/app/server.log.1", offset: 9000, headLen: 1024 }));
      await store().saveOffset(offsetOf({ ino: 99, offset: 1 }));
      expect(await store().getOffset(offsetOf().dev, offsetOf().ino)).toEqual(
        offsetOf({ path: "/var/log/app/server.log.1", offset: 9000, headLen: 1024 }),
      );
      expect((await store().getOffset(offsetOf().dev, 99))?.offset).toBe(1);
    });
  });
}
