import { describe, expect, it } from "vitest";
import type { Incident } from "../src/domain/types.js";
import { createDigestGate } from "../src/sinks/digest.js";
import { makeIncident } from "./helpers/incident.js";

const MIN = 60_000;
const incident = (id: number, patch: Partial<Incident> = {}) =>
  makeIncident({ id: String(id), severity: "medium", fingerprint: `E_${id % 3}:app`, ...patch });

describe("digest gate", () => {
  it("lets `threshold` through per window, folds the rest, and hands the digest over once the window ends", () => {
    const gate = createDigestGate({ threshold: 3, windowMs: MIN });
    const decisions = Array.from({ length: 8 }, (_, i) => gate.decide(incident(i + 1), 1000 + i));
    expect(decisions).toEqual(["single", "single", "single", "fold", "fold", "fold", "fold", "fold"]);
    expect(gate.close(1000 + MIN - 1)).toEqual([]);
    const [digest] = gate.close(1000 + MIN);
    expect(digest).toMatchObject({
      fromMs: 1000,
      toMs: 1000 + MIN,
      total: 5,
      bySeverity: { critical: 0, high: 0, medium: 5, low: 0 },
      firstId: "4",
      lastId: "8",
    });
    expect(digest?.top.map((g) => [g.fingerprint, g.incidents])).toEqual([
      ["E_1:app", 2],
      ["E_2:app", 2],
      ["E_0:app", 1],
    ]);
    expect(gate.close(1000 + 2 * MIN)).toEqual([]);
    // The next window starts with the next announcement: singles again.
    expect(gate.decide(incident(9), 1000 + 3 * MIN)).toBe("single");
  });

  it("never folds a critical incident, nor counts it", () => {
    const gate = createDigestGate({ threshold: 1, windowMs: MIN });
    expect(gate.decide(incident(1), 0)).toBe("single");
    expect(gate.decide(incident(2, { severity: "critical" }), 1)).toBe("single");
    expect(gate.decide(incident(3, { severity: "high" }), 2)).toBe("fold");
    expect(gate.decide(incident(4, { severity: "critical" }), 3)).toBe("single");
  });

  it("keeps a window's digest when the next window opens before anyone closed it", () => {
    const gate = createDigestGate({ threshold: 1, windowMs: MIN });
    gate.decide(incident(1), 0);
    gate.decide(incident(2), 1);
    expect(gate.decide(incident(3), MIN + 5)).toBe("single");
    expect(gate.close(MIN + 6).map((d) => d.total)).toEqual([1]);
  });

  it("is off with threshold 0", () => {
    const gate = createDigestGate({ threshold: 0, windowMs: MIN });
    expect(
      Array.from({ length: 50 }, (_, i) => gate.decide(incident(i + 1), i)).every((d) => d === "single"),
    ).toBe(true);
  });
});
