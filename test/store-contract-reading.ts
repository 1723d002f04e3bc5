/**
 * Store contract: diagnoses and deliveries written to an incident, and incidents read back (by id, in pages,
 * in the documented JSON shape). Registered from `runStoreContract` for every backend.
 */
import { describe, expect, it } from "vitest";
import { type ContractContext, diagnosis, T0 } from "./store-contract-fixtures.js";

/** The diagnosis, deliveries and reading sections of the contract, over the running test's store. */
export function readingContract({ store, newIncident, incident }: ContractContext): void {
  describe("diagnosis and deliveries", () => {
    it("saves the diagnosis, takes its severity and adds up its cost", async () => {
      const { incidentId } = await newIncident();
      await store().saveDiagnosis(incidentId, diagnosis());
      expect(await incident(incidentId)).toMatchObject({ severity: "critical", diagnosis: diagnosis() });
      const second = diagnosis({ severity: "medium", by: "claude-sonnet", costUsd: 0.003 });
      await store().saveDiagnosis(incidentId, second);
      const found = await incident(incidentId);
      expect(found).toMatchObject({ severity: "medium", diagnosis: second });
      expect(found.costUsd).toBeCloseTo(0.015, 10);
    });

    it("creates pending deliveries once, ordered by sink, leaving existing ones alone", async () => {
      const { incidentId } = await newIncident();
      await store().ensureDeliveries(incidentId, ["github", "discord"], T0);
      expect((await incident(incidentId)).deliveries).toEqual([
        { sink: "discord", state: "pending", attempts: 0, remoteRef: null, lastError: null, updatedAt: T0 },
        { sink: "github", state: "pending", attempts: 0, remoteRef: null, lastError: null, updatedAt: T0 },
      ]);
      await store().updateDelivery(
        incidentId,
        "discord",
        { state: "sent", remoteRef: "m-1", attempt: true },
        T0 + 1,
      );
      await store().ensureDeliveries(incidentId, ["discord", "console", "github"], T0 + 2);
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
      await store().updateDelivery(incidentId, "github", { state: "sending", attempt: true }, T0 + 1);
      expect(await get()).toEqual({
        sink: "github",
        state: "sending",
        attempts: 1,
        remoteRef: null,
        lastError: null,
        updatedAt: T0 + 1,
      });
      await store().updateDelivery(
        incidentId,
        "github",
        { state: "failed", lastError: "502", attempt: true },
        T0 + 2,
      );
      await store().updateDelivery(incidentId, "github", { state: "sent", remoteRef: "#12" }, T0 + 3);
      expect(await get()).toMatchObject({ state: "sent", attempts: 2, remoteRef: "#12", lastError: "502" });
      await store().updateDelivery(incidentId, "github", { state: "sent", lastError: null }, T0 + 4);
      expect(await get()).toMatchObject({
        attempts: 2,
        remoteRef: "#12",
        lastError: null,
        updatedAt: T0 + 4,
      });
    });

    it("refuses to write diagnosis or deliveries for an unknown incident", async () => {
      await expect(store().saveDiagnosis("999999", diagnosis())).rejects.toThrow();
      await expect(store().ensureDeliveries("999999", ["discord"], T0)).rejects.toThrow();
      await expect(store().updateDelivery("999999", "discord", { state: "sent" }, T0)).rejects.toThrow();
    });
  });

  describe("reading incidents", () => {
    it("answers null for unknown or malformed ids", async () => {
      await newIncident();
      for (const id of ["999999", "abc", "", "1.5", "-1", "0", "1e3", "99999999999999999999999"]) {
        expect(await store().getIncident(id)).toBeNull();
      }
    });

    it("lists newest first with keyset pagination", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await newIncident({ fingerprint: `E${i}:x` })).incidentId);
      const newestFirst = [...ids].reverse();
      const page1 = await store().listIncidents({ limit: 3 });
      expect(page1.map((i) => i.id)).toEqual(newestFirst.slice(0, 3));
      const page2 = await store().listIncidents({ limit: 3, beforeId: page1.at(-1)!.id });
      expect(page2.map((i) => i.id)).toEqual(newestFirst.slice(3));
      expect(await store().listIncidents({ limit: 3, beforeId: ids[0]! })).toEqual([]);
      expect(await store().listIncidents({ limit: 0 })).toEqual([]);
    });

    it("gives incidents the documented JSON shape", async () => {
      const { incidentId } = await newIncident();
      await store().saveDiagnosis(incidentId, diagnosis());
      await store().updateDelivery(incidentId, "discord", { state: "sent", remoteRef: "m-1" }, T0);
      const [listed] = await store().listIncidents({ limit: 1 });
      const json = JSON.parse(JSON.stringify(listed)) as Record<string, unknown>;
      expect(json).toEqual(JSON.parse(JSON.stringify(await store().getIncident(incidentId))));
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
          "resolvedBy",
          "resolutionNote",
          "acknowledgedAt",
          "acknowledgedBy",
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
}
