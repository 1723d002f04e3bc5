/**
 * The Store contract: every backend (SQLite, PostgreSQL) must pass these same tests. Nothing here may assume
 * a backend: every method is awaited, ids are opaque decimal strings, and time is always passed in.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Diagnosis, Signal } from "../src/domain/types.js";
import type { FileOffset, Store } from "../src/store/store.js";
import { ledgerContract } from "./store-contract-ledger.js";

/** What a backend hands the contract. The contract calls `init()` on every store it is given. */
export interface StoreHarness {
  store: Store;
  /** A fresh store on the same database, after the first one was closed (persistence). */
  reopen?: () => Promise<Store>;
  /** Another store on the same database at the same time, as a second process would have. */
  second?: () => Promise<Store>;
  /** Close every store made and delete the database. */
  cleanup: () => Promise<void>;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const FP = "DB_TIMEOUT:app::db";

const policyAt = (now: number) => ({ windowMs: 5 * MIN, maxAgeMs: HOUR, now });

/** A realistic file signal; override what a test is about. */
export function makeSignal(overrides: Partial<Signal> = {}): Signal {
  return {
    fingerprint: FP,
    errorCode: "DB_TIMEOUT",
    target: "app::db",
    level: "ERROR",
    message: "query timed out after 5000ms",
    timestampMs: T0,
    requestId: "req-1",
    fields: { pool: "main", attempt: 3 },
    source: "file",
    count: 1,
    ...overrides,
  };
}

const offsetOf = (overrides: Partial<FileOffset> = {}): FileOffset => ({
  dev: 2049,
  ino: 2 ** 40 + 7,
  path: "/var/log/app/server.log",
  offset: 4096,
  headHash: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
  headLen: 256,
  ...overrides,
});

const diagnosis = (overrides: Partial<Diagnosis> = {}): Diagnosis => ({
  severity: "critical",
  title: "Database pool exhausted",
  rootCause: "Connections leak on the retry path.",
  impact: "Checkout requests fail.",
  recommendation: ["Raise the pool size", "Release connections on retry"],
  autoFixable: false,
  fixSuggestion: null,
  confidence: 0.8,
  by: "offline",
  runbookUrl: "https://runbooks.example/db-timeout",
  costUsd: 0.012,
  skippedReason: null,
  ...overrides,
});

/** Register the contract suite for one backend. */
export function runStoreContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
      await store.init();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    const secondStore = async (): Promise<Store> => {
      if (!harness.second) {
        console.warn(`store contract ${name}: no second() given, concurrency runs on one instance`);
        return store;
      }
      const other = await harness.second();
      await other.init();
      return other;
    };
    const reopenStore = async (): Promise<Store> => {
      if (!harness.reopen) {
        console.warn(`store contract ${name}: no reopen() given, persistence runs on one instance`);
        return store;
      }
      await store.close();
      const again = await harness.reopen();
      await again.init();
      return again;
    };
    /** Ingest one signal found at `now` and return its outcome. */
    const ingestOne = async (overrides: Partial<Signal>, now = T0) => {
      const [outcome] = await store.ingest([makeSignal(overrides)], policyAt(now));
      return outcome!;
    };
    const newIncident = async (overrides: Partial<Signal> = {}, now = T0) => {
      const outcome = await ingestOne(overrides, now);
      if (outcome.kind !== "new") throw new Error(`expected a new incident, got ${outcome.kind}`);
      return outcome;
    };
    const incident = async (id: string) => {
      const found = await store.getIncident(id);
      if (!found) throw new Error(`incident ${id} not found`);
      return found;
    };

    describe("basics", () => {
      it("names its backend and answers ping", async () => {
        expect(store.kind).toMatch(/\w+/);
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it("init is idempotent: running it again keeps the data", async () => {
        const { incidentId } = await newIncident();
        await store.init();
        await store.init();
        expect((await incident(incidentId)).count).toBe(1);
      });

      it("keeps everything across a reopen, and migrations run again harmlessly", async () => {
        const { incidentId } = await newIncident();
        await store.saveOffset(offsetOf());
        await store.saveDiagnosis(incidentId, diagnosis());
        await store.ensureDeliveries(incidentId, ["discord"], T0);
        expect(await store.takeToken("llm", "k1", 1, HOUR, T0)).toBe(true);
        await store.claimJobs("worker-a", 30_000, 10, T0);

        const again = await reopenStore();
        await again.init();
        const found = await again.getIncident(incidentId);
        expect(found).toMatchObject({ count: 1, severity: "critical", deliveries: [{ sink: "discord" }] });
        expect(found?.diagnosis).toEqual(diagnosis());
        expect(await again.getOffset(offsetOf().dev, offsetOf().ino)).toEqual(offsetOf());
        expect(await again.takeToken("llm", "k2", 1, HOUR, T0 + 1)).toBe(false);
        expect(await again.takeToken("llm", "k1", 1, HOUR, T0 + 2)).toBe(true);
        expect(await again.leaseOwners()).toEqual(["worker-a"]);
        expect(await again.claimJobs("worker-b", 30_000, 10, T0 + 1)).toEqual([]);
        expect(await again.queueStats(T0)).toEqual({ depth: 1, oldestAgeMs: 0 });
      });
    });

    describe("ingest: new incidents", () => {
      it("stores a new incident with every field, and one incident job", async () => {
        const now = T0 + 2_000;
        const outcome = await newIncident(
          { filename: "src/db.rs", lineNumber: 42, url: "http://grafana/alert/1", count: 3 },
          now,
        );
        expect(outcome.incidentId).toMatch(/^\d+$/);
        expect(outcome.jobId).toMatch(/^\d+$/);
        expect(await store.getIncident(outcome.incidentId)).toEqual({
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
        expect(await store.claimJobs("w", 30_000, 10, now)).toEqual([
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
        const outcomes = await store.ingest(
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
        expect((await store.queueStats(T0 + MIN)).depth).toBe(1);
      });

      it("two lines 4 minutes apart, found 10 minutes later in one scan, make one incident", async () => {
        const outcomes = await store.ingest(
          [makeSignal({ timestampMs: T0 }), makeSignal({ timestampMs: T0 + 4 * MIN })],
          policyAt(T0 + 14 * MIN),
        );
        expect(outcomes.map((o) => o.kind)).toEqual(["new", "duplicate"]);
        const [only] = await store.listIncidents({ limit: 10 });
        expect(only).toMatchObject({ count: 2, firstSeen: T0, lastSeen: T0 + 4 * MIN });
        expect((await store.queueStats(T0 + 14 * MIN)).depth).toBe(1);
      });

      it("two lines 6 minutes apart make two incidents, even when found together", async () => {
        const outcomes = await store.ingest(
          [makeSignal({ timestampMs: T0 }), makeSignal({ timestampMs: T0 + 6 * MIN })],
          policyAt(T0 + 16 * MIN),
        );
        expect(outcomes.map((o) => o.kind)).toEqual(["new", "new"]);
        expect(await store.listIncidents({ limit: 10 })).toHaveLength(2);
        expect((await store.queueStats(T0 + 16 * MIN)).depth).toBe(2);
      });

      it("anchors the window on the first sighting, not the last", async () => {
        const outcomes = await store.ingest(
          [0, 4, 8].map((m) => makeSignal({ timestampMs: T0 + m * MIN })),
          policyAt(T0 + 9 * MIN),
        );
        expect(outcomes.map((o) => o.kind)).toEqual(["new", "duplicate", "new"]);
      });

      it("takes an out-of-order line into the window after it, moving firstSeen back", async () => {
        const outcomes = await store.ingest(
          [makeSignal({ timestampMs: T0 + 4 * MIN }), makeSignal({ timestampMs: T0 })],
          policyAt(T0 + 5 * MIN),
        );
        expect(outcomes.map((o) => o.kind)).toEqual(["new", "duplicate"]);
        const [only] = await store.listIncidents({ limit: 10 });
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
        expect(await store.queueStats(T0 + 2 * HOUR)).toEqual({ depth: 0, oldestAgeMs: 0 });
        const dup = await ingestOne({ timestampMs: T0 + MIN }, T0 + 2 * HOUR);
        expect(dup).toEqual({ kind: "duplicate", incidentId: outcome.incidentId });
        expect((await store.queueStats(T0 + 2 * HOUR)).depth).toBe(0);
      });

      it("alerts for a line exactly maxAge old", async () => {
        expect((await ingestOne({ timestampMs: T0 }, T0 + HOUR)).kind).toBe("new");
      });

      it("ignores a resent signal entirely, in the same batch or later", async () => {
        const outcomes = await store.ingest(
          [makeSignal({ dedupKey: "am:abc" }), makeSignal({ dedupKey: "am:abc", count: 5 })],
          policyAt(T0),
        );
        expect(outcomes.map((o) => o.kind)).toEqual(["new", "resent"]);
        expect(await ingestOne({ dedupKey: "am:abc", count: 7 }, T0 + 23 * HOUR)).toEqual({ kind: "resent" });
        const [only] = await store.listIncidents({ limit: 10 });
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
        await expect(store.ingest(batch, policyAt(T0 + MIN), offsetOf())).rejects.toThrow();
        expect(await store.getOffset(offsetOf().dev, offsetOf().ino)).toBeNull();
        const all = await store.listIncidents({ limit: 10 });
        expect(all.map((i) => [i.id, i.count])).toEqual([[existing.incidentId, 1]]);
        expect((await store.queueStats(T0 + MIN)).depth).toBe(1);
        // The keys of the failed batch were not remembered: the retried batch goes through.
        const retried = await store.ingest(batch.slice(0, 2), policyAt(T0 + MIN), offsetOf());
        expect(retried.map((o) => o.kind)).toEqual(["duplicate", "new"]);
        expect(await store.getOffset(offsetOf().dev, offsetOf().ino)).toEqual(offsetOf());
      });

      it("saves the offset with the batch, also when the batch is empty", async () => {
        await store.ingest([makeSignal()], policyAt(T0), offsetOf({ offset: 100 }));
        expect((await store.getOffset(offsetOf().dev, offsetOf().ino))?.offset).toBe(100);
        await store.ingest([], policyAt(T0), offsetOf({ offset: 200 }));
        expect((await store.getOffset(offsetOf().dev, offsetOf().ino))?.offset).toBe(200);
      });

      it("upserts offsets by device and inode", async () => {
        expect(await store.getOffset(1, 2)).toBeNull();
        expect(await store.hasOffsets()).toBe(false);
        await store.saveOffset(offsetOf());
        expect(await store.hasOffsets()).toBe(true);
        await store.saveOffset(offsetOf({ path: "/var/log/app/server.log.1", offset: 9000, headLen: 1024 }));
        await store.saveOffset(offsetOf({ ino: 99, offset: 1 }));
        expect(await store.getOffset(offsetOf().dev, offsetOf().ino)).toEqual(
          offsetOf({ path: "/var/log/app/server.log.1", offset: 9000, headLen: 1024 }),
        );
        expect((await store.getOffset(offsetOf().dev, 99))?.offset).toBe(1);
      });
    });

    describe("resolve", () => {
      it("resolves the open incident once and enqueues one resolved job", async () => {
        const { incidentId } = await newIncident();
        const jobId = await store.resolve(FP, T0 + 2 * MIN, T0 + 3 * MIN);
        expect(jobId).toMatch(/^\d+$/);
        expect(await incident(incidentId)).toMatchObject({ status: "resolved", resolvedAt: T0 + 2 * MIN });
        expect(await store.resolve(FP, T0 + 2 * MIN, T0 + 4 * MIN)).toBeNull();
        expect(await store.resolve("NOPE:app", T0, T0)).toBeNull();
        const jobs = await store.claimJobs("w", 30_000, 10, T0 + 5 * MIN);
        expect(jobs.map((j) => [j.kind, j.incidentId])).toEqual([
          ["incident", incidentId],
          ["resolved", incidentId],
        ]);
        expect(jobs[1]).toMatchObject({ id: jobId, runAt: T0 + 3 * MIN, createdAt: T0 + 3 * MIN });
      });

      it("reopens a resolved incident when the error comes back inside its window, without a new job", async () => {
        const { incidentId } = await newIncident();
        await store.resolve(FP, T0 + MIN, T0 + MIN);
        const back = await ingestOne({ timestampMs: T0 + 2 * MIN }, T0 + 2 * MIN);
        expect(back).toEqual({ kind: "duplicate", incidentId });
        expect(await incident(incidentId)).toMatchObject({ status: "open", resolvedAt: null, count: 2 });
        expect((await store.queueStats(T0 + 2 * MIN)).depth).toBe(2);
        expect((await ingestOne({ timestampMs: T0 + 10 * MIN }, T0 + 10 * MIN)).kind).toBe("new");
      });

      it("resolves the most recent open incident of the fingerprint first", async () => {
        const older = await newIncident({ timestampMs: T0 });
        const newer = await newIncident({ timestampMs: T0 + 10 * MIN }, T0 + 10 * MIN);
        await newIncident({ fingerprint: "E_AUTH:app::auth" }, T0 + 10 * MIN);
        await store.resolve(FP, T0 + 11 * MIN, T0 + 11 * MIN);
        expect((await incident(newer.incidentId)).status).toBe("resolved");
        expect((await incident(older.incidentId)).status).toBe("open");
        await store.resolve(FP, T0 + 12 * MIN, T0 + 12 * MIN);
        expect((await incident(older.incidentId)).status).toBe("resolved");
      });

      it("ignores a resolution repeated at the same resolvedAt, so it cannot close older open incidents", async () => {
        const older = await newIncident({ timestampMs: T0 });
        const newer = await newIncident({ timestampMs: T0 + 10 * MIN }, T0 + 10 * MIN);
        expect(await store.resolve(FP, T0 + 11 * MIN, T0 + 11 * MIN)).toMatch(/^\d+$/);
        // The same resolution delivered to another replica (or resent): nothing more is closed or enqueued.
        const other = await secondStore();
        expect(await other.resolve(FP, T0 + 11 * MIN, T0 + 11 * MIN + 500)).toBeNull();
        expect(await store.resolve(FP, T0 + 11 * MIN, T0 + 12 * MIN)).toBeNull();
        expect(await incident(older.incidentId)).toMatchObject({ status: "open", resolvedAt: null });
        expect(await incident(newer.incidentId)).toMatchObject({
          status: "resolved",
          resolvedAt: T0 + 11 * MIN,
        });
        const resolvedJobs = async () =>
          (await store.claimJobs("w", 30_000, 10, T0 + 20 * MIN)).filter((j) => j.kind === "resolved");
        expect((await resolvedJobs()).map((j) => j.incidentId)).toEqual([newer.incidentId]);
        // A later resolution is a new fact: it closes the older incident.
        expect(await store.resolve(FP, T0 + 13 * MIN, T0 + 13 * MIN)).toMatch(/^\d+$/);
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
        const first = await store.claimJobs("w1", 30_000, 2, T0 + 5000);
        expect(first.map((j) => [j.id, j.attempts])).toEqual([
          [a, 1],
          [b, 1],
        ]);
        expect((await store.claimJobs("w2", 30_000, 10, T0 + 5000)).map((j) => j.id)).toEqual([c]);
        expect(await store.claimJobs("w3", 30_000, 10, T0 + 5000)).toEqual([]);
        expect(await store.claimJobs("w3", 30_000, 0, T0 + 60_000)).toEqual([]);
      });

      it("never gives the same job to two instances claiming at once", async () => {
        for (let i = 0; i < 6; i++) await newIncident({ fingerprint: `E${i}:x` });
        const other = await secondStore();
        const [mine, theirs] = await Promise.all([
          store.claimJobs("a", 30_000, 4, T0),
          other.claimJobs("b", 30_000, 4, T0),
        ]);
        const ids = [...mine, ...theirs].map((j) => j.id);
        expect(ids).toHaveLength(6);
        expect(new Set(ids).size).toBe(6);
        const rounds = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? store : other).claimJobs(`c${i}`, 1000, 1, T0 + 30_000),
          ),
        );
        const again = rounds.flat().map((j) => j.id);
        expect(new Set(again).size).toBe(again.length);
        expect(again).toHaveLength(6);
      });

      it("lets another owner take over an expired lease; the old holder then loses it", async () => {
        const { jobId } = await newIncident();
        await store.claimJobs("old", 1000, 1, T0);
        expect(await store.claimJobs("new", 1000, 1, T0 + 999)).toEqual([]);
        const [taken] = await store.claimJobs("new", 1000, 1, T0 + 1000);
        expect(taken).toMatchObject({ id: jobId, attempts: 2 });
        expect(await store.extendLease(jobId, "old", 1000, T0 + 1001)).toBe(false);
        await store.completeJob(jobId, "old");
        await store.retryJob(jobId, "old", T0, "stale holder");
        expect((await store.queueStats(T0 + 1001)).depth).toBe(1);
        expect(await store.claimJobs("third", 1000, 1, T0 + 1001)).toEqual([]);
        await store.completeJob(jobId, "new");
        expect(await store.queueStats(T0 + 1001)).toEqual({ depth: 0, oldestAgeMs: 0 });
      });

      it("extends a lease only for its holder", async () => {
        const { jobId } = await newIncident();
        await store.claimJobs("w", 1000, 1, T0);
        expect(await store.extendLease(jobId, "w", 1000, T0 + 500)).toBe(true);
        expect(await store.extendLease(jobId, "intruder", 60_000, T0 + 500)).toBe(false);
        expect(await store.claimJobs("x", 1000, 1, T0 + 1200)).toEqual([]);
        expect((await store.claimJobs("x", 1000, 1, T0 + 1500)).map((j) => j.id)).toEqual([jobId]);
        expect(await store.extendLease("999999", "x", 1000, T0)).toBe(false);
      });

      it("retries a job later: lease cleared, due again at runAt", async () => {
        const { jobId } = await newIncident();
        await store.claimJobs("w", 30_000, 1, T0);
        await store.retryJob(jobId, "someone-else", T0, "ignored");
        expect(await store.claimJobs("x", 30_000, 1, T0 + 1)).toEqual([]);
        await store.retryJob(jobId, "w", T0 + MIN, "discord 503");
        expect(await store.leaseOwners()).toEqual([]);
        expect(await store.claimJobs("x", 30_000, 1, T0 + MIN - 1)).toEqual([]);
        const [again] = await store.claimJobs("x", 30_000, 1, T0 + MIN);
        expect(again).toMatchObject({ id: jobId, attempts: 2, runAt: T0 + MIN, createdAt: T0 });
      });

      it("completes a job only for its holder", async () => {
        const { jobId } = await newIncident();
        await store.claimJobs("w", 30_000, 1, T0);
        await store.completeJob(jobId, "other");
        expect((await store.queueStats(T0)).depth).toBe(1);
        await store.completeJob(jobId, "w");
        expect((await store.queueStats(T0)).depth).toBe(0);
        expect(await store.claimJobs("w", 30_000, 1, T0 + HOUR)).toEqual([]);
      });

      it("releases every lease of an owner at once, leaving attempts as they are", async () => {
        const [a, b, c] = await threeJobs();
        await store.claimJobs("dying", 30_000, 2, T0 + 5000);
        await store.claimJobs("alive", 30_000, 1, T0 + 5000);
        expect((await store.leaseOwners()).sort()).toEqual(["alive", "dying"]);
        expect(await store.releaseLeases("dying")).toBe(2);
        expect(await store.releaseLeases("nobody")).toBe(0);
        expect(await store.leaseOwners()).toEqual(["alive"]);
        const retaken = await store.claimJobs("heir", 30_000, 10, T0 + 5000);
        expect(retaken.map((j) => [j.id, j.attempts])).toEqual([
          [a, 2],
          [b, 2],
        ]);
        expect(retaken.map((j) => j.id)).not.toContain(c);
      });

      it("reports queue depth (leased jobs included) and the age of the oldest job", async () => {
        expect(await store.queueStats(T0)).toEqual({ depth: 0, oldestAgeMs: 0 });
        await threeJobs();
        await store.claimJobs("w", 30_000, 1, T0 + 5000);
        expect(await store.queueStats(T0 + 10_000)).toEqual({ depth: 3, oldestAgeMs: 10_000 });
      });
    });

    describe("takeToken", () => {
      it("grants up to limit in a sliding window of (now - windowMs, now]", async () => {
        const take = (key: string, now: number) => store.takeToken("llm", key, 2, 1000, now);
        expect(await take("k1", T0)).toBe(true);
        expect(await take("k2", T0 + 10)).toBe(true);
        expect(await take("k3", T0 + 20)).toBe(false);
        expect(await take("k4", T0 + 1000)).toBe(true);
        expect(await take("k5", T0 + 1005)).toBe(false);
        expect(await take("k6", T0 + 1010)).toBe(true);
      });

      it("does not count denied requests", async () => {
        const take = (key: string, now: number) => store.takeToken("llm", key, 1, 1000, now);
        expect(await take("k1", T0)).toBe(true);
        expect(await take("k2", T0 + 1)).toBe(false);
        expect(await take("k3", T0 + 2)).toBe(false);
        expect(await take("k4", T0 + 1000)).toBe(true);
      });

      it("answers the same key the same way as the first time", async () => {
        const take = (key: string, now: number) => store.takeToken("llm", key, 1, 1000, now);
        expect(await take("k1", T0)).toBe(true);
        expect(await take("k2", T0 + 1)).toBe(false);
        expect(await take("k1", T0 + 2)).toBe(true);
        expect(await take("k2", T0 + 5000)).toBe(false);
        expect(await take("k3", T0 + 5000)).toBe(true);
      });

      it("never grants with limit 0, and keeps buckets apart", async () => {
        expect(await store.takeToken("off", "k1", 0, HOUR, T0)).toBe(false);
        expect(await store.takeToken("a", "k1", 1, HOUR, T0)).toBe(true);
        expect(await store.takeToken("b", "k1", 1, HOUR, T0)).toBe(true);
        expect(await store.takeToken("a", "k2", 1, HOUR, T0)).toBe(false);
      });

      it("grants exactly limit of 20 parallel requests across two instances", async () => {
        const other = await secondStore();
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? store : other).takeToken("llm", `k${i}`, 10, HOUR, T0),
          ),
        );
        expect(answers.filter(Boolean)).toHaveLength(10);
        const again = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? other : store).takeToken("llm", `k${i}`, 10, HOUR, T0 + 1),
          ),
        );
        expect(again).toEqual(answers);
      });
    });

    describe("diagnosis and deliveries", () => {
      it("saves the diagnosis, takes its severity and adds up its cost", async () => {
        const { incidentId } = await newIncident();
        await store.saveDiagnosis(incidentId, diagnosis());
        expect(await incident(incidentId)).toMatchObject({ severity: "critical", diagnosis: diagnosis() });
        const second = diagnosis({ severity: "medium", by: "claude-sonnet", costUsd: 0.003 });
        await store.saveDiagnosis(incidentId, second);
        const found = await incident(incidentId);
        expect(found).toMatchObject({ severity: "medium", diagnosis: second });
        expect(found.costUsd).toBeCloseTo(0.015, 10);
      });

      it("creates pending deliveries once, ordered by sink, leaving existing ones alone", async () => {
        const { incidentId } = await newIncident();
        await store.ensureDeliveries(incidentId, ["github", "discord"], T0);
        expect((await incident(incidentId)).deliveries).toEqual([
          { sink: "discord", state: "pending", attempts: 0, remoteRef: null, lastError: null, updatedAt: T0 },
          { sink: "github", state: "pending", attempts: 0, remoteRef: null, lastError: null, updatedAt: T0 },
        ]);
        await store.updateDelivery(
          incidentId,
          "discord",
          { state: "sent", remoteRef: "m-1", attempt: true },
          T0 + 1,
        );
        await store.ensureDeliveries(incidentId, ["discord", "console", "github"], T0 + 2);
        const byName = Object.fromEntries((await incident(incidentId)).deliveries.map((d) => [d.sink, d]));
        expect(Object.keys(byName)).toEqual(["console", "discord", "github"]);
        expect(byName.discord).toMatchObject({
          state: "sent",
          attempts: 1,
          remoteRef: "m-1",
          updatedAt: T0 + 1,
        });
        expect(byName.console).toMatchObject({ state: "pending", updatedAt: T0 + 2 });
      });

      it("patches a delivery: undefined keeps a value, null clears it, attempt counts", async () => {
        const { incidentId } = await newIncident();
        const get = async () => (await incident(incidentId)).deliveries[0];
        await store.updateDelivery(incidentId, "github", { state: "sending", attempt: true }, T0 + 1);
        expect(await get()).toEqual({
          sink: "github",
          state: "sending",
          attempts: 1,
          remoteRef: null,
          lastError: null,
          updatedAt: T0 + 1,
        });
        await store.updateDelivery(
          incidentId,
          "github",
          { state: "failed", lastError: "502", attempt: true },
          T0 + 2,
        );
        await store.updateDelivery(incidentId, "github", { state: "sent", remoteRef: "#12" }, T0 + 3);
        expect(await get()).toMatchObject({ state: "sent", attempts: 2, remoteRef: "#12", lastError: "502" });
        await store.updateDelivery(incidentId, "github", { state: "sent", lastError: null }, T0 + 4);
        expect(await get()).toMatchObject({
          attempts: 2,
          remoteRef: "#12",
          lastError: null,
          updatedAt: T0 + 4,
        });
      });

      it("refuses to write diagnosis or deliveries for an unknown incident", async () => {
        await expect(store.saveDiagnosis("999999", diagnosis())).rejects.toThrow();
        await expect(store.ensureDeliveries("999999", ["discord"], T0)).rejects.toThrow();
        await expect(store.updateDelivery("999999", "discord", { state: "sent" }, T0)).rejects.toThrow();
      });
    });

    describe("reading incidents", () => {
      it("answers null for unknown or malformed ids", async () => {
        await newIncident();
        for (const id of ["999999", "abc", "", "1.5", "-1", "0", "1e3", "99999999999999999999999"]) {
          expect(await store.getIncident(id)).toBeNull();
        }
      });

      it("lists newest first with keyset pagination", async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await newIncident({ fingerprint: `E${i}:x` })).incidentId);
        const newestFirst = [...ids].reverse();
        const page1 = await store.listIncidents({ limit: 3 });
        expect(page1.map((i) => i.id)).toEqual(newestFirst.slice(0, 3));
        const page2 = await store.listIncidents({ limit: 3, beforeId: page1.at(-1)!.id });
        expect(page2.map((i) => i.id)).toEqual(newestFirst.slice(3));
        expect(await store.listIncidents({ limit: 3, beforeId: ids[0]! })).toEqual([]);
        expect(await store.listIncidents({ limit: 0 })).toEqual([]);
      });

      it("gives incidents the documented JSON shape", async () => {
        const { incidentId } = await newIncident();
        await store.saveDiagnosis(incidentId, diagnosis());
        await store.updateDelivery(incidentId, "discord", { state: "sent", remoteRef: "m-1" }, T0);
        const [listed] = await store.listIncidents({ limit: 1 });
        const json = JSON.parse(JSON.stringify(listed)) as Record<string, unknown>;
        expect(json).toEqual(JSON.parse(JSON.stringify(await store.getIncident(incidentId))));
        expect(Object.keys(json).sort()).toEqual(
          [
            "id",
            "fingerprint",
            "errorCode",
            "target",
            "level",
            "severity",
            "status",
            "count",
            "firstSeen",
            "lastSeen",
            "createdAt",
            "resolvedAt",
            "source",
            "message",
            "requestId",
            "filename",
            "lineNumber",
            "fields",
            "url",
            "suppressed",
            "diagnosis",
            "context",
            "deliveries",
            "costUsd",
          ].sort(),
        );
        expect(json).toMatchObject({
          id: incidentId,
          firstSeen: T0,
          costUsd: 0.012,
          diagnosis: { title: "Database pool exhausted", recommendation: expect.any(Array) },
          deliveries: [{ sink: "discord", state: "sent", remoteRef: "m-1" }],
        });
      });
    });

    ledgerContract(() => store, newIncident);
  });
}
