import { describe, expect, it } from "vitest";
import type { Signal } from "../domain/types.js";
import { createGroupCommit, type IngestPart } from "./group-commit.js";
import type { IngestOutcome } from "./store.js";

const policy = { windowMs: 300_000, maxAgeMs: 3_600_000, now: 0 };
const signal = (n: number) => ({ fingerprint: `E${n}:app` }) as Signal;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Let the event loop go round a few times: whatever can happen without the test's help has happened. */
const turns = async () => {
  for (let i = 0; i < 5; i++) await turn();
};

/** A backend that records each group's signals and whose flushes the test finishes by hand. */
function manualBackend() {
  const groups: string[][] = [];
  const flushes: Array<{ finish: () => void; fail: (err: Error) => void }> = [];
  const run = (parts: IngestPart[]): IngestOutcome[][] => {
    groups.push(parts.flatMap((p) => p.signals.map((s) => s.fingerprint)));
    return parts.map((p) => p.signals.map(() => ({ kind: "resent" as const })));
  };
  const durable = () => new Promise<void>((finish, fail) => flushes.push({ finish, fail }));
  return { groups, flushes, ingest: createGroupCommit(run, { durable, defer: turn }) };
}

describe("group commit with a durable step", () => {
  it("stores the next group once the last one is on disk, with everything that arrived meanwhile", async () => {
    const { groups, flushes, ingest } = manualBackend();
    const answered: number[] = [];
    const send = (n: number) => void ingest([signal(n)], policy).then(() => answered.push(n));
    send(1);
    await turns();
    expect(groups).toEqual([["E1:app"]]);
    // Three webhooks arrive while the first group's flush runs: none is stored before it ends.
    send(2);
    await turns();
    send(3);
    send(4);
    await turns();
    expect(groups).toHaveLength(1);
    expect(answered).toEqual([]);
    flushes[0]!.finish();
    await turns();
    expect(answered).toEqual([1]);
    expect(groups).toEqual([["E1:app"], ["E2:app", "E3:app", "E4:app"]]);
    flushes[1]!.finish();
    await turns();
    expect(answered).toEqual([1, 2, 3, 4]);
  });

  it("tells a group's callers that its flush failed, then stores the next group", async () => {
    const { groups, flushes, ingest } = manualBackend();
    const first = ingest([signal(1)], policy);
    await turns();
    const second = ingest([signal(2)], policy);
    flushes[0]!.fail(new Error("EIO: flush failed"));
    await expect(first).rejects.toThrow("EIO");
    await turns();
    expect(groups).toEqual([["E1:app"], ["E2:app"]]);
    flushes[1]!.finish();
    await expect(second).resolves.toEqual([{ kind: "resent" }]);
  });
});
