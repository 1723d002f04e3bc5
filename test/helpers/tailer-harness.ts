/** A file tailer over a temp dir, an in-memory offset store and a captured log, for the tailer's unit tests. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach } from "vitest";
import { createFileTailer, type FileTailer, type FileTailerOptions } from "../../src/ingest/file-tailer.js";
import type { TailBatch } from "../../src/ingest/tailed-file.js";
import type { FileOffset, Store } from "../../src/store/store.js";

/** One tracing-json ERROR line with this error_code. */
export const error = (code: string): string =>
  `${JSON.stringify({ timestamp: "2026-11-26T09:14:32.620117Z", level: "ERROR", fields: { message: `failed ${code}`, error_code: code }, target: "server::x" })}\n`;
/** One tracing-json INFO line (never a signal). */
export const info = `${JSON.stringify({ timestamp: "2026-11-26T09:14:32Z", level: "INFO", fields: { message: "ok" }, target: "server::x" })}\n`;

/** The offsets part of the Store, in memory, with its rows open to assertions. */
export type MemoryStore = Pick<Store, "getOffset" | "saveOffset" | "hasOffsets"> & {
  rows: Map<string, FileOffset>;
  /** The stored offsets of real files (without the tailer's first-start mark). */
  fileRows: () => FileOffset[];
};

/** An empty in-memory offset store (so a tailer over it is at its first start). */
export function memoryStore(): MemoryStore {
  const rows = new Map<string, FileOffset>();
  return {
    rows,
    fileRows: () => [...rows.values()].filter((r) => !(r.dev === 0 && r.ino === 0)),
    getOffset: async (dev, ino) => rows.get(`${dev}:${ino}`) ?? null,
    hasOffsets: async () => rows.size > 0,
    saveOffset: async (offset) => void rows.set(`${offset.dev}:${offset.ino}`, { ...offset }),
  };
}

/** Per-test state: the watched temp dir and the clock the tailers read. */
export interface TailerWorld {
  dir: string;
  clock: number;
}

/** Options of a harness: tailer options plus a way to make onBatch fail. */
export type HarnessOptions = Partial<FileTailerOptions> & { fail?: (batch: TailBatch) => boolean };

/** Registers a fresh temp dir and clock per test and stops every harness tailer after it. */
export function useTailerWorld() {
  const world: TailerWorld = { dir: "", clock: 0 };
  let tailers: FileTailer[] = [];
  beforeEach(async () => {
    world.dir = await mkdtemp(join(tmpdir(), "file-tailer-"));
    world.clock = Date.UTC(2026, 10, 26, 9, 30);
    tailers = [];
  });
  afterEach(async () => {
    for (const tailer of tailers) await tailer.stop();
    await rm(world.dir, { recursive: true, force: true });
  });

  function harness(options: HarnessOptions = {}) {
    const store = (options.store as MemoryStore | undefined) ?? memoryStore();
    const batches: TailBatch[] = [];
    const logs: Array<Record<string, unknown>> = [];
    const log = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    const tailer = createFileTailer({
      patterns: [join(world.dir, "*.log")],
      store,
      // Stands in for intake.ingest: signals and offset stored together, or neither.
      onBatch: async (batch) => {
        if (options.fail?.(batch)) throw new Error("database is locked");
        batches.push(batch);
        await store.saveOffset(batch.offset);
      },
      levels: ["ERROR"],
      log,
      now: () => world.clock,
      pollIntervalMs: 50,
      ...options,
    });
    tailers.push(tailer);
    const codes = () => batches.flatMap((b) => b.signals.map((s) => s.errorCode));
    const junk = () =>
      batches.reduce((n, b) => n + b.junk.not_json + b.junk.cut_off + b.junk.oversize + b.junk.too_deep, 0);
    const logged = (msg: RegExp) => logs.filter((l) => msg.test(String(l.msg)));
    return { tailer, store, batches, logs, codes, junk, logged };
  }

  return { world, harness };
}
