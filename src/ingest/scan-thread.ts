/**
 * `scanOnce` on two cores: a worker thread reads and scans the chunks (the CPU-heavy part) while the main
 * thread stores the batches it has already handed out. Batches arrive in file order and carry the same
 * offsets as the in-thread reader's, so an offset is still stored only with the signals before it.
 */
import { Worker } from "node:worker_threads";
import type { Level, Signal } from "../domain/types.js";
import type { FileReader, ReadBatch } from "./file-reader.js";
import type { FromScanThread, TakenCounter, ToScanThread } from "./scan-thread-protocol.js";

/** A worker thread that reads for one file reader at a time. */
export interface ScanThread {
  /** A reader of the open descriptor `fd` from `offset` (a line start); the caller keeps `fd` open. */
  reader(fd: number, offset: number): FileReader;
  /** Stop the thread; readers must not be used afterwards. */
  close(): Promise<void>;
}

export interface ScanThreadOptions {
  levels: readonly Level[];
  maxLineBytes: number;
  bufferBytes: number;
  /** Stamps lines that carry no timestamp (the thread has no clock of its own). */
  now: () => number;
}

// From sources (tests run the TypeScript directly) the thread registers tsx (a dev dependency) first.
const fromSource = import.meta.url.endsWith(".ts");

/** Start the worker thread (its module loads while the main thread opens the first file). */
export function startScanThread(options: ScanThreadOptions): ScanThread {
  const { levels, maxLineBytes, bufferBytes, now } = options;
  const taken: TakenCounter = new Int32Array(new SharedArrayBuffer(4));
  const workerData = { taken };
  const worker = fromSource
    ? new Worker(
        `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(
          new URL("./scan-thread-worker.ts", import.meta.url).href,
        )}); })`,
        { eval: true, workerData },
      )
    : new Worker(new URL("./scan-thread-worker.js", import.meta.url), { workerData });
  let gens = 0;
  let failure: Error | null = null;
  // The reader whose run is live; messages of older runs are dropped.
  let active: { gen: number; deliver(message: FromScanThread): void; fail(err: Error): void } | null = null;
  const post = (message: ToScanThread) => worker.postMessage(message);
  worker.on("message", (message: FromScanThread) => {
    if (active && message.gen === active.gen) active.deliver(message);
  });
  const die = (err: Error) => {
    failure ??= err;
    active?.fail(failure);
  };
  worker.on("error", die);
  worker.on("exit", (code) => die(new Error(`scan thread exited (code ${code})`)));

  return {
    reader(fd, start) {
      let offset = start;
      let readPos = start;
      let gen = 0;
      const queue: FromScanThread[] = [];
      let waiting: { resolve(m: FromScanThread): void; reject(err: Error): void } | null = null;
      const run = {
        get gen() {
          return gen;
        },
        deliver(message: FromScanThread) {
          if (waiting) waiting.resolve(message);
          else queue.push(message);
          waiting = null;
        },
        fail(err: Error) {
          waiting?.reject(err);
          waiting = null;
        },
      };
      const stop = () => {
        if (gen !== 0) post({ type: "stop", gen });
        Atomics.notify(taken, 0);
        gen = 0;
        queue.length = 0;
      };
      return {
        get offset() {
          return offset;
        },
        get readPos() {
          return readPos;
        },
        rewind(to) {
          stop();
          offset = to;
          readPos = to;
        },
        async next(): Promise<ReadBatch> {
          if (failure) throw failure;
          if (gen === 0) {
            gen = ++gens;
            active = run;
            post({ type: "scan", gen, fd, offset, levels: [...levels], maxLineBytes, bufferBytes });
          }
          const message =
            queue.shift() ??
            (await new Promise<FromScanThread>((resolve, reject) => {
              waiting = { resolve, reject };
            }));
          Atomics.add(taken, 0, 1);
          Atomics.notify(taken, 0);
          if ("error" in message) {
            stop();
            throw Object.assign(new Error(message.error.message), { code: message.error.code });
          }
          const { batch } = message;
          batch.signals = JSON.parse(message.signalsJson) as Signal[];
          for (const signal of batch.signals) {
            if (typeof signal.timestampMs !== "number") signal.timestampMs = now();
          }
          offset = batch.toOffset;
          readPos = message.readPos;
          // The run ended at the file's end: a later call starts a new one from the offset.
          if (batch.eof) gen = 0;
          return batch;
        },
      };
    },
    async close() {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}
