/** The intake dates an incident with the receive time when the source's own time cannot be believed. */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { makeSignal, T0 } from "./store-contract-fixtures.js";

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-intake-"));
  store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
  await store.init();
});
afterEach(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

it("replaces times before 2000, after now + 1 day or not a number, and counts each by source", async () => {
  const metrics = createMetrics();
  const intake = createIntake({
    store,
    policy: { windowMs: 300_000, maxAgeMs: 3_600_000 },
    metrics,
    now: () => T0,
    wake: () => {},
  });
  const cases = [
    makeSignal({ fingerprint: "A:x", timestampMs: 1_764_755_672_123_456 }),
    makeSignal({ fingerprint: "B:x", timestampMs: 0 }),
    makeSignal({ fingerprint: "C:x", timestampMs: T0 + 2 * 86_400_000, source: "alertmanager" }),
    makeSignal({ fingerprint: "D:x", timestampMs: Number.NaN }),
    makeSignal({ fingerprint: "E:x", timestampMs: T0 - 60_000 }),
  ];
  const outcomes = await intake.ingest(cases);
  expect(outcomes.map((o) => o.kind)).toEqual(["new", "new", "new", "new", "new"]);
  const seen = Object.fromEntries(
    (await store.listIncidents({ limit: 10 })).map((i) => [i.fingerprint, i.firstSeen]),
  );
  expect(seen).toEqual({ "A:x": T0, "B:x": T0, "C:x": T0, "D:x": T0, "E:x": T0 - 60_000 });
  const text = await metrics.registry.metrics();
  expect(text).toContain('ai_monitor_timestamps_replaced_total{source="file"} 3');
  expect(text).toContain('ai_monitor_timestamps_replaced_total{source="alertmanager"} 1');
});
