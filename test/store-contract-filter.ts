/**
 * Store contract: listing incidents through a filter (status, severities, error code, time), as the web page,
 * `GET /api/incidents` and `ai-monitor incidents` do. Registered from `runStoreContract` for every backend.
 */
import { describe, expect, it } from "vitest";
import { type ContractContext, diagnosis, HOUR, MIN, T0 } from "./store-contract-fixtures.js";

/** The filter section of the contract, over the running test's store. */
export function filterContract({ store, newIncident }: ContractContext): void {
  describe("listing with a filter", () => {
    /** Four incidents a day apart: ids a (oldest) .. d (newest), with different codes, severities and states. */
    const seed = async () => {
      const at = (days: number) => T0 + days * 24 * HOUR;
      const a = await newIncident({ fingerprint: "A:x", errorCode: "DB_TIMEOUT", timestampMs: at(0) }, at(0));
      const b = await newIncident(
        { fingerprint: "B:x", errorCode: "AUTH_FAILED", timestampMs: at(1) },
        at(1),
      );
      const c = await newIncident({ fingerprint: "C:x", errorCode: null, timestampMs: at(2) }, at(2));
      const d = await newIncident({ fingerprint: "D:x", errorCode: "DB_TIMEOUT", timestampMs: at(3) }, at(3));
      await store().saveDiagnosis(a.incidentId, diagnosis({ severity: "critical" }));
      await store().saveDiagnosis(b.incidentId, diagnosis({ severity: "low" }));
      await store().saveDiagnosis(c.incidentId, diagnosis({ severity: "medium" }));
      await store().saveDiagnosis(d.incidentId, diagnosis({ severity: "high" }));
      await store().resolve("B:x", at(1) + MIN, at(1) + MIN);
      return { a: a.incidentId, b: b.incidentId, c: c.incidentId, d: d.incidentId, at };
    };
    const ids = async (filter: Parameters<ReturnType<typeof store>["listIncidents"]>[0]["filter"]) =>
      (await store().listIncidents({ limit: 50, filter })).map((i) => i.id);

    it("an empty filter lists everything, newest first", async () => {
      const { a, b, c, d } = await seed();
      expect(await ids({})).toEqual([d, c, b, a]);
      expect(await ids(undefined)).toEqual([d, c, b, a]);
    });

    it("narrows by status, by any of several severities and by exact error code", async () => {
      const { a, b, c, d } = await seed();
      expect(await ids({ status: "resolved" })).toEqual([b]);
      expect(await ids({ status: "open" })).toEqual([d, c, a]);
      expect(await ids({ severities: ["critical", "high"] })).toEqual([d, a]);
      expect(await ids({ severities: ["medium"] })).toEqual([c]);
      expect(await ids({ errorCode: "DB_TIMEOUT" })).toEqual([d, a]);
      expect(await ids({ errorCode: "db_timeout" })).toEqual([]);
      expect(await ids({ errorCode: "DB_TIMEOUT", severities: ["high"], status: "open" })).toEqual([d]);
    });

    it("narrows by time: active at or after since, and before until", async () => {
      const { a, b, c, d, at } = await seed();
      expect(await ids({ sinceMs: at(2) })).toEqual([d, c]);
      expect(await ids({ sinceMs: at(2) + 1 })).toEqual([d]);
      expect(await ids({ untilMs: at(1) })).toEqual([a]);
      expect(await ids({ untilMs: at(1) + 1 })).toEqual([b, a]);
      expect(await ids({ sinceMs: at(1), untilMs: at(3) })).toEqual([c, b]);
    });

    it("pages through the filtered incidents only", async () => {
      const { a, d } = await seed();
      const first = await store().listIncidents({ limit: 1, filter: { errorCode: "DB_TIMEOUT" } });
      expect(first.map((i) => i.id)).toEqual([d]);
      const next = await store().listIncidents({
        limit: 1,
        beforeId: d,
        filter: { errorCode: "DB_TIMEOUT" },
      });
      expect(next.map((i) => i.id)).toEqual([a]);
      expect(
        await store().listIncidents({ limit: 1, beforeId: a, filter: { errorCode: "DB_TIMEOUT" } }),
      ).toEqual([]);
    });

    it("treats hostile filter text as data", async () => {
      await seed();
      expect(await ids({ errorCode: "' OR 1=1 --" })).toEqual([]);
      expect(await ids({ errorCode: "%" })).toEqual([]);
    });
  });
}
