/**
 * The Store contract: every backend (SQLite, PostgreSQL) must pass these same tests. Nothing here may assume
 * a backend: every method is awaited, ids are opaque decimal strings, and time is always passed in.
 * This file holds the harness and the basics; the sections live in store-contract-*.ts and are registered here.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Signal } from "../src/domain/types.js";
import type { Store } from "../src/store/store.js";
import { actionsContract } from "./store-contract-actions.js";
import { budgetContract } from "./store-contract-budget.js";
import { filterContract } from "./store-contract-filter.js";
import {
  type ContractContext,
  diagnosis,
  HOUR,
  makeSignal,
  offsetOf,
  policyAt,
  T0,
} from "./store-contract-fixtures.js";
import { ingestContract } from "./store-contract-ingest.js";
import { jobsContract } from "./store-contract-jobs.js";
import { ledgerContract } from "./store-contract-ledger.js";
import { readingContract } from "./store-contract-reading.js";
import { reopenContract } from "./store-contract-reopen.js";
import { reportContract } from "./store-contract-report.js";
import { tokensContract } from "./store-contract-tokens.js";

export { makeSignal };

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

    const context: ContractContext = {
      store: () => store,
      secondStore,
      ingestOne,
      newIncident,
      incident,
    };
    ingestContract(context);
    jobsContract(context);
    reopenContract(context);
    tokensContract(context);
    readingContract(context);
    ledgerContract(context);
    reportContract(context);
    budgetContract(context);
    filterContract(context);
    actionsContract(context);
  });
}
