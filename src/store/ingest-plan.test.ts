import { describe, expect, it } from "vitest";
import type { Signal } from "../domain/types.js";
import {
  batchKeys,
  type Candidate,
  candidateRanges,
  type IngestReads,
  newIncidentRow,
  planIngest,
  settlePlan,
} from "./ingest-plan.js";
import { pickWindow } from "./window.js";

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const policy = { windowMs: 5 * MIN, maxAgeMs: 60 * MIN, now: T0 + MIN };

const signal = (fingerprint: string, timestampMs: number, extra: Partial<Signal> = {}): Signal => ({
  fingerprint,
  errorCode: null,
  target: "app::db",
  level: "ERROR",
  message: "query timed out",
  timestampMs,
  requestId: null,
  fields: {},
  source: "file",
  count: 1,
  ...extra,
});

const reads = (candidates: Record<string, Candidate[]> = {}, freshKeys: string[] = []): IngestReads => ({
  freshKeys: new Set(freshKeys),
  candidates: new Map(Object.entries(candidates)),
});

describe("planIngest", () => {
  const cases: Array<{
    name: string;
    signals: Signal[];
    reads: IngestReads;
    want: { inserts: number; outcomes: unknown[]; bumps: unknown[] };
  }> = [
    {
      name: "a first occurrence opens an incident with its job",
      signals: [signal("A", T0)],
      reads: reads(),
      want: { inserts: 1, outcomes: [{ kind: "new", insert: 0 }], bumps: [] },
    },
    {
      name: "a repeat inside a stored incident's window bumps it",
      signals: [signal("A", T0 + MIN, { count: 3 })],
      reads: reads({ A: [{ id: 7, firstSeen: T0 }] }),
      want: {
        inserts: 0,
        outcomes: [{ kind: "duplicate", incident: { id: 7 } }],
        bumps: [{ incident: { id: 7 }, count: 3, minT: T0 + MIN, maxT: T0 + MIN, earlier: false }],
      },
    },
    {
      name: "a stored incident outside the window does not take the occurrence",
      signals: [signal("A", T0 + 6 * MIN)],
      reads: reads({ A: [{ id: 7, firstSeen: T0 }] }),
      want: { inserts: 1, outcomes: [{ kind: "new", insert: 0 }], bumps: [] },
    },
    {
      name: "repeats later in the batch go to the incident the batch opened",
      signals: [signal("A", T0), signal("A", T0 + MIN), signal("B", T0), signal("A", T0 - MIN)],
      reads: reads(),
      want: {
        inserts: 2,
        outcomes: [
          { kind: "new", insert: 0 },
          { kind: "duplicate", incident: { insert: 0 } },
          { kind: "new", insert: 1 },
          { kind: "duplicate", incident: { insert: 0 } },
        ],
        // T0 - MIN comes before the batch's own first occurrence: first_seen moves earlier.
        bumps: [{ incident: { insert: 0 }, count: 2, minT: T0 - MIN, maxT: T0 + MIN, earlier: true }],
      },
    },
    {
      name: "an occurrence older than maxAge is a backfill (no job)",
      signals: [signal("A", T0 - 2 * 60 * MIN)],
      reads: reads(),
      want: { inserts: 1, outcomes: [{ kind: "backfill", insert: 0 }], bumps: [] },
    },
    {
      name: "a key stored before, or used earlier in the batch, is a resend",
      signals: [
        signal("A", T0, { dedupKey: "old" }),
        signal("A", T0, { dedupKey: "k1" }),
        signal("A", T0, { dedupKey: "k1" }),
      ],
      reads: reads({}, ["k1"]),
      want: {
        inserts: 1,
        outcomes: [{ kind: "resent" }, { kind: "new", insert: 0 }, { kind: "resent" }],
        bumps: [],
      },
    },
    {
      name: "on equal firstSeen the first candidate (the older id) wins",
      signals: [signal("A", T0)],
      reads: reads({
        A: [
          { id: 3, firstSeen: T0 },
          { id: 9, firstSeen: T0 },
        ],
      }),
      want: {
        inserts: 0,
        outcomes: [{ kind: "duplicate", incident: { id: 3 } }],
        bumps: [{ incident: { id: 3 }, count: 1, minT: T0, maxT: T0, earlier: false }],
      },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const plan = planIngest(c.signals, policy, c.reads);
      expect(plan.inserts).toHaveLength(c.want.inserts);
      expect(plan.outcomes).toEqual(c.want.outcomes);
      expect(plan.bumps).toEqual(c.want.bumps);
    });
  }

  it("leaves what it was given untouched", () => {
    const stored = [{ id: 7, firstSeen: T0 }];
    const given = reads({ A: stored }, ["k"]);
    planIngest([signal("A", T0 - MIN, { dedupKey: "k" }), signal("A", T0 + 20 * MIN)], policy, given);
    expect(stored).toEqual([{ id: 7, firstSeen: T0 }]);
    expect([...given.freshKeys]).toEqual(["k"]);
  });
});

describe("settlePlan", () => {
  it("names the inserted incidents and jobs by the ids the backend got", () => {
    const plan = planIngest(
      [signal("A", T0), signal("A", T0 + MIN), signal("B", T0 - 2 * 60 * MIN), signal("C", T0)],
      policy,
      reads({ C: [{ id: 4, firstSeen: T0 - MIN }] }),
    );
    const settled = settlePlan(plan, [
      { incidentId: 10, jobId: 20 },
      { incidentId: 11, jobId: null },
    ]);
    expect(settled.outcomes).toEqual([
      { kind: "new", incidentId: "10", jobId: "20" },
      { kind: "duplicate", incidentId: "10" },
      { kind: "backfill", incidentId: "11" },
      { kind: "duplicate", incidentId: "4" },
    ]);
    expect(settled.bumps).toEqual([
      { id: 10, count: 1, minT: T0 + MIN, maxT: T0 + MIN, earlier: false },
      { id: 4, count: 1, minT: T0, maxT: T0, earlier: false },
    ]);
  });
});

describe("batchKeys and candidateRanges", () => {
  it("lists each key once and one covering range per fingerprint", () => {
    const signals = [
      signal("A", T0, { dedupKey: "k" }),
      signal("A", T0 + 30 * MIN, { dedupKey: "k" }),
      signal("B", T0),
    ];
    expect(batchKeys(signals)).toEqual(["k"]);
    expect(candidateRanges(signals, policy)).toEqual([
      { fingerprint: "A", fromMs: T0 - 5 * MIN, toMs: T0 + 35 * MIN },
      { fingerprint: "B", fromMs: T0 - 5 * MIN, toMs: T0 + 5 * MIN },
    ]);
  });
});

describe("planIngest over a whole batch", () => {
  it("decides exactly as pickWindow row by row, with creations and out-of-order times", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const stored: Candidate[] = [{ id: 1, firstSeen: T0 - 3 * MIN }];
    const batch = Array.from({ length: 2000 }, (_, i) =>
      signal("A", Math.floor(T0 + i * 20_000 + (random() - 0.7) * 8 * MIN)),
    );
    // Reference: one signal at a time, each insert and bump applied to the rows at once.
    const rows = stored.map((c) => ({ ...c, count: 0 }));
    const expected = batch.map(({ timestampMs: t }) => {
      const hit = pickWindow(rows, t, policy.windowMs);
      if (hit) {
        hit.firstSeen = Math.min(hit.firstSeen, t);
        hit.count++;
        return hit.id;
      }
      rows.push({ id: rows.length + 1, firstSeen: t, count: 1 });
      return rows.length;
    });
    const plan = planIngest(batch, policy, reads({ A: stored }));
    const ids = plan.inserts.map((_, i) => ({ incidentId: i + 2, jobId: null }));
    const settled = settlePlan(plan, ids);
    expect(settled.outcomes.map((o) => ("incidentId" in o ? Number(o.incidentId) : 0))).toEqual(expected);
    expect(plan.inserts.length).toBeGreaterThan(10);
    for (const bump of settled.bumps) {
      // A created incident's first occurrence is counted by its insert, the rest by its bump.
      expect(bump.count + (bump.id === 1 ? 0 : 1)).toBe(rows.find((r) => r.id === bump.id)!.count);
    }
  });
});

describe("newIncidentRow", () => {
  it("gives the columns in the order PostgreSQL's INSERT numbers them; a backfill is suppressed", () => {
    const row = newIncidentRow({
      signal: signal("A", T0, { fields: { pool: "main" } }),
      backfill: true,
      now: T0 + 1,
    });
    expect(Object.keys(row)).toEqual(
      "fingerprint errorCode target level severity count t now source message requestId filename lineNumber fields url suppressed".split(
        " ",
      ),
    );
    expect(row).toMatchObject({ t: T0, now: T0 + 1, fields: '{"pool":"main"}', suppressed: "backfill" });
    expect(newIncidentRow({ signal: signal("A", T0), backfill: false, now: T0 }).suppressed).toBeNull();
  });
});
