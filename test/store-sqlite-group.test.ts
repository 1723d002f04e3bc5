/**
 * Durability and group commit of the SQLite store: FULL by default (a 2xx survives a power loss); webhooks
 * arriving together share transactions (counted as commit frames in the real WAL file), yet each caller gets
 * its own answer, a resent alert is stored once, and a batch SQLite refuses fails alone.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Signal } from "../src/domain/types.js";
import { createSqliteStore, openConnection } from "../src/store/sqlite/sqlite-store.js";
import type { FileOffset, Store } from "../src/store/store.js";
import { prng } from "./helpers/dispatch-incident.js";
import { MIN, makeSignal, offsetOf, policyAt, T0 } from "./store-contract-fixtures.js";

const live = { ...policyAt(T0), maxAgeMs: Number.POSITIVE_INFINITY };
const alert = (n: number, extra = {}) =>
  makeSignal({
    fingerprint: `E_${n}:app::x`,
    errorCode: `E_${n}`,
    source: "alertmanager",
    dedupKey: `alertmanager:${n}:${T0}`,
    ...extra,
  });

/** Commit frames in a WAL file: a frame header's second word is the database size after a commit, else 0. */
function walCommits(file: string): number {
  const wal = fs.readFileSync(`${file}-wal`);
  const pageSize = wal.readUInt32BE(8);
  let commits = 0;
  for (let at = 32; at + 24 <= wal.length; at += 24 + pageSize) if (wal.readUInt32BE(at + 4) !== 0) commits++;
  return commits;
}

async function withStore(fn: (store: ReturnType<typeof createSqliteStore>, file: string) => Promise<void>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-monitor-group-"));
  const file = path.join(dir, "db.sqlite");
  const store = createSqliteStore({ path: file });
  try {
    await store.init();
    await fn(store, file);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("sqlite store: durability", () => {
  it("runs WAL + NORMAL: ingests flush themselves; an unknown level is refused at start", async () => {
    const db = openConnection({ path: ":memory:" });
    expect(db.pragma("synchronous", { simple: true })).toBe(1);
    db.close();
    expect(() => createSqliteStore({ path: ":memory:", synchronous: "OFF" as "FULL" })).toThrow(/OFF/);
  });
});

describe("sqlite store: group commit", () => {
  it("stores 20 webhooks arriving together in a few transactions, each answered with its own incident", () =>
    withStore(async (store, file) => {
      const before = walCommits(file);
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => store.ingest([alert(i)], live)));
      expect(answers.map((a) => a.map((o) => o.kind))).toEqual(Array(20).fill(["new"]));
      const ids = answers.map((a) => (a[0]!.kind === "new" ? a[0]!.incidentId : ""));
      const incidents = await store.listIncidents({ limit: 50 });
      expect(Object.fromEntries(incidents.map((i) => [i.id, i.errorCode]))).toEqual(
        Object.fromEntries(ids.map((id, i) => [id, `E_${i}`])),
      );
      expect(walCommits(file) - before).toBeLessThanOrEqual(2);
    }));

  it("answers a caller only once its own group has committed", () =>
    withStore(async (store, file) => {
      const before = walCommits(file);
      const first = store.ingest([alert(1)], live);
      expect(walCommits(file)).toBe(before);
      await first;
      expect(walCommits(file)).toBe(before + 1);
    }));

  it("stores an ingest queued behind a flush before closing, instead of finding the database closed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-monitor-group-"));
    const file = path.join(dir, "db.sqlite");
    const store = createSqliteStore({ path: file });
    try {
      await store.init();
      const first = store.ingest([alert(1)], live);
      for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
      const second = store.ingest([alert(2)], live); // waits for the first group's flush
      await store.close();
      expect((await Promise.all([first, second])).map((a) => a[0]!.kind)).toEqual(["new", "new"]);
      const reopened = createSqliteStore({ path: file });
      await reopened.init();
      expect((await reopened.listIncidents({ limit: 5 })).map((i) => i.errorCode).sort()).toEqual([
        "E_1",
        "E_2",
      ]);
      await reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stores an alert resent in the same group once", () =>
    withStore(async (store) => {
      const answers = await Promise.all(Array.from({ length: 10 }, () => store.ingest([alert(7)], live)));
      const kinds = answers.flat().map((o) => o.kind);
      expect(kinds.filter((k) => k === "new")).toHaveLength(1);
      expect(kinds.filter((k) => k === "resent")).toHaveLength(9);
      expect((await store.listIncidents({ limit: 10 })).map((i) => i.count)).toEqual([1]);
    }));

  it("decides a group's parts as if each ran alone, in order, each with its own receive time", () =>
    withStore(async (store) => {
      const at = (now: number) => ({ ...live, now });
      const [a, b, c] = await Promise.all([
        store.ingest([alert(1, { timestampMs: T0 })], at(T0 + 1000)),
        // A repeat of a's incident, and a new one.
        store.ingest([alert(1, { timestampMs: T0 + 60_000, dedupKey: "k-b" }), alert(2)], at(T0 + 2000)),
        // a's alert resent, and a line older than the incident: it moves firstSeen back.
        store.ingest(
          [alert(1, { timestampMs: T0 }), alert(1, { timestampMs: T0 - 60_000, dedupKey: "k-c" })],
          at(T0 + 3000),
        ),
      ]);
      const first = a![0]!;
      if (first.kind !== "new") throw new Error("expected a new incident");
      expect(b!.map((o) => o.kind)).toEqual(["duplicate", "new"]);
      expect(b![0]).toEqual({ kind: "duplicate", incidentId: first.incidentId });
      expect(c).toEqual([{ kind: "resent" }, { kind: "duplicate", incidentId: first.incidentId }]);
      const one = await store.getIncident(first.incidentId);
      expect(one).toMatchObject({
        count: 3,
        firstSeen: T0 - 60_000,
        lastSeen: T0 + 60_000,
        createdAt: T0 + 1000,
      });
      const two = (await store.listIncidents({ limit: 5 })).find((i) => i.errorCode === "E_2");
      expect(two?.createdAt).toBe(T0 + 2000);
    }));

  it("fails only the webhook SQLite refuses; the others of its group are stored", () =>
    withStore(async (store) => {
      const calls = Array.from({ length: 8 }, (_, i) =>
        store.ingest([alert(i, i === 5 ? { fields: { huge: 10n } } : {})], live),
      );
      const settled = await Promise.allSettled(calls);
      expect(settled.map((s) => s.status)).toEqual([
        ...Array(5).fill("fulfilled"),
        "rejected",
        "fulfilled",
        "fulfilled",
      ]);
      const stored = (await store.listIncidents({ limit: 10 })).map((i) => i.errorCode).sort();
      expect(stored).toEqual(["E_0", "E_1", "E_2", "E_3", "E_4", "E_6", "E_7"]);
      expect((await store.queueStats(T0)).depth).toBe(7);
    }));
});

type Part = { signals: Signal[]; now: number; offset?: FileOffset };
type Step = { parts: Part[] } | { resolve: string; at: number; now: number };

/** Rounds of 1-4 concurrent ingests over two fingerprints (repeats, resends, old lines, offsets), resolves between. */
function scenario(seed: number): Step[] {
  const r = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const steps: Step[] = [];
  for (let round = 0; round < 6; round++) {
    if (r() < 0.5)
      steps.push({
        resolve: pick(["A:x", "B:y"]),
        at: T0 + Math.floor((r() - 0.3) * 40) * MIN,
        now: T0 + 120 * MIN,
      });
    const parts = Array.from({ length: 1 + Math.floor(r() * 4) }, (): Part => {
      const signals = Array.from({ length: 1 + Math.floor(r() * 4) }, () =>
        makeSignal({
          fingerprint: pick(["A:x", "B:y"]),
          timestampMs: T0 + Math.floor((r() - 0.5) * 30) * MIN + Math.floor(r() * 3) * 20_000,
          count: 1 + Math.floor(r() * 3),
          ...(r() < 0.4 ? { dedupKey: `k${Math.floor(r() * 6)}` } : {}),
        }),
      );
      const now = T0 + Math.floor(r() * 100) * MIN;
      return { signals, now, ...(r() < 0.5 ? { offset: offsetOf({ offset: Math.floor(r() * 1e6) }) } : {}) };
    });
    steps.push({ parts });
  }
  return steps;
}

/** Run the steps with each round's ingests together (one group) or one after another; everything stored. */
async function replay(steps: Step[], together: boolean) {
  const store: Store = createSqliteStore({ path: ":memory:" });
  await store.init();
  const answers: unknown[] = [];
  for (const step of steps) {
    if ("resolve" in step) answers.push(await store.resolve(step.resolve, step.at, step.now));
    else {
      const go = (p: Part) => store.ingest(p.signals, policyAt(p.now), p.offset);
      if (together) answers.push(...(await Promise.all(step.parts.map(go))));
      else for (const part of step.parts) answers.push(await go(part));
    }
  }
  const incidents = await store.listIncidents({ limit: 1000 });
  const jobs = await store.claimJobs("o", 1000, 1000, T0 + 1e9);
  const offset = await store.getOffset(offsetOf().dev, offsetOf().ino);
  await store.close();
  return { answers, incidents, jobs, offset };
}

describe("sqlite store: a group decides as its parts one after another", () => {
  it("gives the same answers, incidents, jobs (ids and times) and offsets on 300 seeded scenarios", async () => {
    const differ: number[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const steps = scenario(seed);
      const [together, inTurn] = [await replay(steps, true), await replay(steps, false)];
      if (JSON.stringify(together) !== JSON.stringify(inTurn)) differ.push(seed);
    }
    expect(differ).toEqual([]);
  }, 60_000);
});
