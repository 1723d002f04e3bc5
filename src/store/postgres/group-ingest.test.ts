import { describe, expect, it } from "vitest";
import type { Signal } from "../../domain/types.js";
import type { IngestOutcome, IngestPolicy } from "../store.js";
import { createGroupIngest, type IngestPart, takeGroup } from "./group-ingest.js";

const policy: IngestPolicy = { windowMs: 300_000, maxAgeMs: Number.POSITIVE_INFINITY, now: 1_000 };
const signals = (n: number, tag = "s") =>
  Array.from({ length: n }, (_, i) => ({ fingerprint: `${tag}${i}` }) as Signal);
const part = (n: number, p: IngestPolicy = policy) => ({ part: { signals: signals(n), policy: p } });

/** A run that records each group and answers every signal with "new" (or throws what `fail` says). */
function recorder(fail: (parts: IngestPart[]) => unknown = () => null) {
  const groups: IngestPart[][] = [];
  let release: () => void = () => {};
  let gate = Promise.resolve();
  const run = async (parts: IngestPart[]): Promise<IngestOutcome[][]> => {
    groups.push(parts);
    await gate;
    const err = fail(parts);
    if (err) throw err;
    return parts.map((p) =>
      p.signals.map((s) => ({ kind: "new", incidentId: s.fingerprint, jobId: "1" }) as IngestOutcome),
    );
  };
  const hold = () => {
    gate = new Promise((resolve) => {
      release = resolve;
    });
  };
  return { run, groups, hold, release: () => release() };
}

describe("takeGroup", () => {
  it("takes the oldest part and every later one with the same rules that fits", () => {
    const other = { ...policy, maxAgeMs: 60_000 };
    const queue = [part(3), part(2, other), part(4), part(5), part(1)];
    const group = takeGroup(queue, 9);
    expect(group.map((w) => w.part.signals.length)).toEqual([3, 4, 1]);
    expect(queue.map((w) => w.part.signals.length)).toEqual([2, 5]);
  });

  it("always takes the oldest part, even one larger than the bound", () => {
    const queue = [part(50), part(1)];
    expect(takeGroup(queue, 10).map((w) => w.part.signals.length)).toEqual([50]);
    expect(queue).toHaveLength(1);
  });
});

describe("createGroupIngest", () => {
  it("answers every member of a failed group even when the retry throws synchronously", async () => {
    let calls = 0;
    const run = (parts: IngestPart[]): Promise<IngestOutcome[][]> => {
      calls++;
      if (parts.length > 1) return Promise.reject(new Error("bad data in one request"));
      throw new Error("store closed");
    };
    const ingest = createGroupIngest(run);
    const first = ingest(signals(1, "a"), policy);
    const rest = [ingest(signals(1, "b"), policy), ingest(signals(1, "c"), policy)];
    const answers = await Promise.allSettled([first, ...rest]);
    expect(answers.map((a) => (a.status === "rejected" ? (a.reason as Error).message : "ok"))).toEqual([
      "store closed",
      "store closed",
      "store closed",
    ]);
    expect(calls).toBe(4);
  });

  it("stores ingests arriving during a transaction together in the next one, each with its outcomes", async () => {
    const r = recorder();
    const ingest = createGroupIngest(r.run);
    r.hold();
    const first = ingest(signals(1, "a"), policy);
    const later = [ingest(signals(2, "b"), policy), ingest(signals(1, "c"), { ...policy, now: 2_000 })];
    r.release();
    const answers = await Promise.all([first, ...later]);
    expect(r.groups.map((g) => g.length)).toEqual([1, 2]);
    expect(answers.map((a) => a.map((o) => (o.kind === "new" ? o.incidentId : o.kind)))).toEqual([
      ["a0"],
      ["b0", "b1"],
      ["c0"],
    ]);
  });

  it("stores the members of a group that failed on its data one by one: only the offender fails", async () => {
    const bad = new Error("value refused");
    const r = recorder((parts) => (parts.some((p) => p.signals[0]!.fingerprint === "bad0") ? bad : null));
    const ingest = createGroupIngest(r.run);
    r.hold();
    const first = ingest(signals(1, "a"), policy);
    const good = ingest(signals(1, "b"), policy);
    const offender = ingest(signals(1, "bad"), policy);
    r.release();
    await expect(offender).rejects.toBe(bad);
    expect((await good).map((o) => o.kind)).toEqual(["new"]);
    expect((await first).map((o) => o.kind)).toEqual(["new"]);
    expect(r.groups.map((g) => g.length)).toEqual([1, 2, 1, 1]);
  });

  it("fails every member of a group when the database went away, without storing them again", async () => {
    const lost = Object.assign(new Error("terminating connection"), { code: "57P01" });
    const r = recorder((parts) => (parts.length > 1 ? lost : null));
    const ingest = createGroupIngest(r.run);
    r.hold();
    const first = ingest(signals(1, "a"), policy);
    const members = [ingest(signals(1, "b"), policy), ingest(signals(1, "c"), policy)];
    r.release();
    await first;
    for (const m of members) await expect(m).rejects.toBe(lost);
    expect(r.groups.map((g) => g.length)).toEqual([1, 2]);
  });
});
