/**
 * The file tailer and `scan` over the real SQLite store through the real intake, with real files: offsets
 * are committed with their signals, so restarts and rotations never lose a line nor count one twice.
 */
import {
  appendFile,
  copyFile,
  mkdir,
  mkdtemp,
  rename,
  rm,
  stat,
  truncate,
  unlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileTailer } from "../src/ingest/file-tailer.js";
import { scanOnce } from "../src/ingest/scan-once.js";
import { silentLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";

const NOW = Date.parse("2026-11-26T09:30:00Z");
const error = (code: string) =>
  `${JSON.stringify({ timestamp: "2026-11-26T09:14:32.620117Z", level: "ERROR", fields: { message: `failed ${code}`, error_code: code }, target: "server::domain::ai::service" })}\n`;
const info = (n: number) =>
  `${JSON.stringify({ timestamp: "2026-11-26T09:14:32Z", level: "INFO", fields: { message: `request ${n}` }, target: "server::http" })}\n`;

let dir: string;
let dbPath: string;
let open: Array<{ stop?: () => Promise<void>; close?: () => Promise<void> }>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ai-monitor-tailer-"));
  dbPath = join(dir, "data", "ai-monitor.db");
  await mkdir(join(dir, "logs"));
  open = [];
});
afterEach(async () => {
  for (const o of open.reverse()) await (o.stop ?? o.close)?.();
  await rm(dir, { recursive: true, force: true });
});

/** A store plus the intake a running ai-monitor would put in front of it. */
async function openStore() {
  const store = createSqliteStore({ path: dbPath });
  await store.init();
  open.push({ close: () => store.close() });
  const intake = createIntake({
    store,
    policy: { windowMs: 5 * 60_000, maxAgeMs: 60 * 60_000 },
    metrics: createMetrics(),
    now: () => NOW,
    wake: () => {},
  });
  return { store, intake };
}

function startTailer(store: Store, intake: ReturnType<typeof createIntake>) {
  const codes: string[] = [];
  const tailer = createFileTailer({
    patterns: [join(dir, "logs", "*.log")],
    store,
    onBatch: async (batch) => {
      await intake.ingest(batch.signals, batch.offset);
      for (const s of batch.signals) codes.push(s.errorCode ?? "");
    },
    levels: ["ERROR"],
    log: silentLogger(),
    now: () => NOW,
    pollIntervalMs: 50,
  });
  open.push({ stop: () => tailer.stop() });
  return { tailer, codes };
}

/** Incident counts by error code: 1 everywhere means no line was read twice. */
async function countsByCode(store: Store): Promise<Record<string, number>> {
  const incidents = await store.listIncidents({ limit: 100 });
  return Object.fromEntries(incidents.map((i) => [i.errorCode, i.count]));
}

describe("file tailer over SQLite", () => {
  it("restarts in the middle of a file: reads only the new lines, none twice, a cut line once", async () => {
    const path = join(dir, "logs", "app.log");
    const first = await openStore();
    const run1 = startTailer(first.store, first.intake);
    await run1.tailer.start();
    await writeFile(path, error("A_1") + info(1) + error("A_2") + error("A_3").slice(0, 40));
    await run1.tailer.settled();
    await run1.tailer.stop();
    await first.store.close();
    expect(run1.codes).toEqual(["A_1", "A_2"]);

    await appendFile(path, error("A_3").slice(40) + info(2) + error("A_4"));
    const second = await openStore();
    const run2 = startTailer(second.store, second.intake);
    await run2.tailer.start();
    await run2.tailer.settled();
    expect(run2.codes).toEqual(["A_3", "A_4"]);
    expect(await countsByCode(second.store)).toEqual({ A_1: 1, A_2: 1, A_3: 1, A_4: 1 });
    const st = await stat(path);
    expect((await second.store.getOffset(st.dev, st.ino))?.offset).toBe(st.size);
  });

  it("restart: a file created while the service was down is read from its beginning", async () => {
    const appLog = join(dir, "logs", "app.log");
    await writeFile(appLog, error("BEFORE_FIRST_START"));
    const first = await openStore();
    expect(await first.store.hasOffsets()).toBe(false);
    const run1 = startTailer(first.store, first.intake);
    await run1.tailer.start();
    await run1.tailer.settled();
    await run1.tailer.stop();
    // First start: what was already in the file is history, not news; its end is stored.
    expect(run1.codes).toEqual([]);
    expect(await first.store.hasOffsets()).toBe(true);
    await first.store.close();

    await appendFile(appLog, error("APP_WHILE_DOWN"));
    const workerLog = join(dir, "logs", "worker.log");
    await writeFile(workerLog, error("W_1") + info(1) + error("W_2"));
    const second = await openStore();
    const run2 = startTailer(second.store, second.intake);
    await run2.tailer.start();
    await run2.tailer.settled();
    expect(run2.codes).toEqual(["APP_WHILE_DOWN", "W_1", "W_2"]);
    expect(await countsByCode(second.store)).toEqual({ APP_WHILE_DOWN: 1, W_1: 1, W_2: 1 });
    const st = await stat(workerLog);
    expect((await second.store.getOffset(st.dev, st.ino))?.offset).toBe(st.size);
  });

  it("follows rename rotation, copytruncate and delete+recreate without losing or repeating a line", async () => {
    const path = join(dir, "logs", "app.log");
    const { store, intake } = await openStore();
    const { tailer, codes } = startTailer(store, intake);
    await tailer.start();

    await writeFile(path, error("R_1"));
    await tailer.settled();
    await rename(path, join(dir, "logs", "app.log.1"));
    await tailer.settled();
    await appendFile(join(dir, "logs", "app.log.1"), error("R_2"));
    await writeFile(path, error("R_3"));
    await tailer.settled();

    await appendFile(path, error("C_1"));
    await tailer.settled();
    await truncate(path, 0);
    await tailer.settled();
    await appendFile(path, error("C_2"));
    await tailer.settled();

    await unlink(path);
    await writeFile(path, error("D_1") + error("D_2"));
    await tailer.settled();

    expect(codes).toEqual(["R_1", "R_2", "R_3", "C_1", "C_2", "D_1", "D_2"]);
    const counts = await countsByCode(store);
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);
    expect(Object.keys(counts)).toHaveLength(7);
  });

  it("restart after logrotate renamed the log while stopped: the lines written before the rename are not lost", async () => {
    const path = join(dir, "logs", "app.log");
    const first = await openStore();
    const run1 = startTailer(first.store, first.intake);
    await run1.tailer.start();
    await writeFile(path, error("E_1"));
    await run1.tailer.settled();
    await run1.tailer.stop();
    await first.store.close();

    await appendFile(path, error("E_2"));
    await rename(path, join(dir, "logs", "app.log.1"));
    await writeFile(path, error("E_3"));
    await writeFile(join(dir, "logs", "unrelated.txt"), error("OTHER_1"));
    const second = await openStore();
    const run2 = startTailer(second.store, second.intake);
    await run2.tailer.start();
    await run2.tailer.settled();
    expect(run2.codes).toEqual(["E_2", "E_3"]);
    expect(await countsByCode(second.store)).toEqual({ E_1: 1, E_2: 1, E_3: 1 });
    const st = await stat(join(dir, "logs", "app.log.1"));
    expect((await second.store.getOffset(st.dev, st.ino))?.offset).toBe(st.size);
  });
});

describe("scan (cron mode) over SQLite", () => {
  /** One cron run: a fresh process opens the store, scans `logs/*.log`, closes the store. */
  async function scan(codes: string[] = []) {
    const { store, intake } = await openStore();
    const summary = await scanOnce({
      patterns: [join(dir, "logs", "*.log")],
      store,
      onBatch: async (batch) => {
        await intake.ingest(batch.signals, batch.offset);
        for (const s of batch.signals) codes.push(s.errorCode ?? "");
      },
      levels: ["ERROR"],
      log: silentLogger(),
      now: () => NOW,
    });
    await store.close();
    return summary;
  }

  async function incidents() {
    const { store } = await openStore();
    return countsByCode(store);
  }

  it("reads each file once per run from its stored offset", async () => {
    const path = join(dir, "logs", "app.log");
    await writeFile(path, error("S_1") + error("S_2").slice(0, 20));
    expect((await scan()).totals.signals).toBe(1);
    await appendFile(path, error("S_2").slice(20) + error("S_3"));
    expect((await scan()).totals.signals).toBe(2);
    expect((await scan()).totals.signals).toBe(0);
    expect(await incidents()).toEqual({ S_1: 1, S_2: 1, S_3: 1 });
  });

  it("logrotate renames between two runs: the lines written before the rename are not lost", async () => {
    const path = join(dir, "logs", "app.log");
    const codes: string[] = [];
    await writeFile(path, error("E_1"));
    await scan(codes);
    await appendFile(path, error("E_2"));
    await rename(path, join(dir, "logs", "app.log.1"));
    await writeFile(path, error("E_3"));
    // Neither matches the glob; without a stored offset neither may be read.
    await writeFile(join(dir, "logs", "app.log.2.gz"), error("GZ_1"));
    await writeFile(join(dir, "logs", "unrelated.txt"), error("OTHER_1"));

    await scan(codes);
    expect(codes).toEqual(["E_1", "E_2", "E_3"]);
    expect((await scan(codes)).totals).toMatchObject({ lines: 0, signals: 0 });
    expect(codes).toHaveLength(3);
    expect(await incidents()).toEqual({ E_1: 1, E_2: 1, E_3: 1 });
  });

  it("copytruncate between two runs: the truncated file is read from its start, the copy is not read", async () => {
    const path = join(dir, "logs", "app.log");
    const codes: string[] = [];
    await writeFile(path, error("C_1"));
    await scan(codes);
    await copyFile(path, join(dir, "logs", "app.log.1"));
    await truncate(path, 0);
    await appendFile(path, error("C_2"));

    await scan(codes);
    await scan(codes);
    expect(codes).toEqual(["C_1", "C_2"]);
    expect(await incidents()).toEqual({ C_1: 1, C_2: 1 });
  });
});
