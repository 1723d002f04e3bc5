/** The intake dates an incident with the receive time when the source's own time cannot be believed. */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { scanChunk } from "../src/ingest/line-scanner.js";
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

it("replaces and counts a log line's impossible or unusable timestamp, but not a missing one", async () => {
  const metrics = createMetrics();
  const intake = createIntake({
    store,
    policy: { windowMs: 300_000, maxAgeMs: 3_600_000 },
    metrics,
    now: () => T0,
    wake: () => {},
  });
  const stamps = ["2025-02-30T10:00:00Z", "2025-01-15T12:00:00+25:00", "garbage", "", null, true];
  const lines = stamps.map((timestamp, i) =>
    JSON.stringify({
      timestamp,
      level: "ERROR",
      fields: { message: "m", error_code: `E_${i}` },
      target: "t",
    }),
  );
  lines.push(
    JSON.stringify({ level: "ERROR", fields: { message: "m", error_code: "NO_TIME" }, target: "t" }),
  );
  const buf = Buffer.from(`${lines.join("\n")}\n`);
  const { signals } = scanChunk(buf, buf.length, { levels: ["ERROR"], readTimeMs: T0 - 1000 });
  const outcomes = await intake.ingest(signals);
  // Dated now, so live incidents, not a backfill that pages nobody.
  expect(outcomes.map((o) => o.kind)).toEqual(Array(7).fill("new"));
  const seen = Object.fromEntries(
    (await store.listIncidents({ limit: 10 })).map((i) => [i.fingerprint.split(":")[0], i.firstSeen]),
  );
  expect(seen).toEqual({ E_0: T0, E_1: T0, E_2: T0, E_3: T0, E_4: T0, E_5: T0, NO_TIME: T0 - 1000 });
  expect(await metrics.registry.metrics()).toContain('ai_monitor_timestamps_replaced_total{source="file"} 6');
});
