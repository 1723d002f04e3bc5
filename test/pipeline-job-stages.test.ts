import { describe, expect, it } from "vitest";
import type { Delivery, Incident } from "../src/domain/types.js";
import { orderingGate } from "../src/pipeline/job-stages.js";
import type { Sink } from "../src/sinks/sink.js";
import type { Job, JobKind } from "../src/store/store.js";
import { makeDiagnosis, makeIncident } from "./helpers/incident.js";

const job = (kind: JobKind, attempts = 1): Job => ({
  id: "9",
  incidentId: "1",
  kind,
  attempts,
  runAt: 0,
  createdAt: 0,
});
const record = (sink: string, state: Delivery["state"]): Delivery => ({
  sink,
  state,
  attempts: 1,
  remoteRef: state === "sent" ? "ref" : null,
  lastError: null,
  updatedAt: 0,
});
const resolved = (deliveries: Delivery[], patch: Partial<Incident> = {}) =>
  makeIncident({ status: "resolved", resolvedAt: 1, diagnosis: makeDiagnosis(), deliveries, ...patch });
const sink = (name: string, notifiesPeople: boolean) => ({ name, notifiesPeople }) as Sink;

describe("the ordering gate: no sink says resolved before it said opened", () => {
  it("lets openings and edits through untouched", () => {
    const open = makeIncident();
    for (const kind of ["incident", "update"] as const) {
      const gate = orderingGate(job(kind), open, 5);
      expect(gate.go && gate.skip(sink("discord", true))).toBe(false);
    }
  });

  it("holds a resolution while the opening is undiagnosed or still being delivered, until attempts run out", () => {
    expect(orderingGate(job("resolved"), resolved([], { diagnosis: null }), 5)).toEqual({
      go: false,
      wait: true,
    });
    // Diagnosed, but its deliver step has not recorded a single delivery yet.
    expect(orderingGate(job("resolved"), resolved([]), 5)).toEqual({ go: false, wait: true });
    const sending = resolved([record("discord", "sending"), record("console", "sent")]);
    expect(orderingGate(job("resolved"), sending, 5)).toEqual({ go: false, wait: true });
    expect(orderingGate(job("resolved", 5), sending, 5).go).toBe(true);
  });

  it("drops a resolution whose incident a repeat reopened", () => {
    const reopened = resolved([record("discord", "sent")], { status: "open", resolvedAt: null });
    expect(orderingGate(job("resolved"), reopened, 5)).toEqual({ go: false, wait: false });
  });

  it("announces a resolution on a people-facing sink only where the opening was sent, and always records it", () => {
    const gate = orderingGate(
      job("resolved"),
      resolved([record("console", "sent"), record("github", "failed"), record("discord", "sent")]),
      5,
    );
    if (!gate.go) throw new Error("expected the resolution to go");
    expect(gate.skip(sink("discord", true))).toBe(false); // the alert exists: its message is edited
    expect(gate.skip(sink("github", true))).toBe(true); // the issue was never filed: nothing to resolve
    expect(gate.skip(sink("slack", true))).toBe(true); // never opened there (left out by the routing table)
    expect(gate.skip(sink("jsonl", false))).toBe(false); // records keep every event
  });

  it("when the attempts run out with the opening still under way, leaves that sink out of the resolution", () => {
    const stuck = resolved([record("discord", "pending"), record("github", "sent")]);
    const gate = orderingGate(job("resolved", 5), stuck, 5);
    if (!gate.go) throw new Error("expected the resolution to go");
    expect(gate.skip(sink("discord", true))).toBe(true); // no message to edit: no lone "resolved" post
    expect(gate.skip(sink("github", true))).toBe(false);
  });
});
