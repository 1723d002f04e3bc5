/**
 * Body of the scan thread: reads and scans chunks of one file at a time with the same reader as the main
 * thread would (carry, oversize skipping, read-ahead), and posts each batch. It stays at most
 * SCAN_AHEAD_BATCHES ahead of what the main thread has taken, so memory is bounded whatever the file holds.
 */
import { read } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { type ChunkSource, createFileReader, createReadBuffer, type ReadBuffer } from "./file-reader.js";
import {
  type FromScanThread,
  SCAN_AHEAD_BATCHES,
  type ScanRequest,
  type TakenCounter,
  type ToScanThread,
} from "./scan-thread-protocol.js";

const port = parentPort;
if (!port) throw new Error("scan-thread-worker must run in a worker thread");
const taken = (workerData as { taken: TakenCounter }).taken;
// Wakes a wait on `taken` even if no notify comes (a stop arrives as a message, not in shared memory).
const WAIT_MS = 50;

/** Positional reads of a descriptor the main thread owns (it stays open until the run has ended). */
function descriptorSource(fd: number): ChunkSource {
  return {
    read: (buffer, offset, length, position) =>
      new Promise((resolve, reject) => {
        read(fd, buffer, offset, length, position, (err, bytesRead) =>
          err ? reject(err) : resolve({ bytesRead }),
        );
      }),
  };
}

let current = 0;
let buffer: ReadBuffer | null = null;
// Runs follow each other: two readers must never use the buffer pair at the same time.
let running: Promise<void> = Promise.resolve();

const send = (message: FromScanThread) => port.postMessage(message);

// Node 20 has Atomics.waitAsync; the ES2022 lib this project compiles against does not declare it yet.
const { waitAsync } = Atomics as unknown as {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
    timeoutMs: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
};

/** Resolve once the main thread has taken more than `seen` batches, or after WAIT_MS. */
async function takenAfter(seen: number): Promise<void> {
  const waited = waitAsync(taken, 0, seen, WAIT_MS);
  if (waited.async) await waited.value;
}

async function scan(request: ScanRequest): Promise<void> {
  const { gen, fd, offset, levels, maxLineBytes, bufferBytes } = request;
  if (current !== gen) return;
  // Batches of an earlier run that were never taken do not count against this one.
  let posted = Atomics.load(taken, 0);
  if (!buffer || buffer.bufs[0].length !== Math.max(bufferBytes, maxLineBytes + 2) + maxLineBytes) {
    buffer = createReadBuffer(bufferBytes, maxLineBytes);
  }
  // No clock here: lines without a timestamp keep NaN and the main thread stamps them with its clock.
  const reader = createFileReader({
    fh: descriptorSource(fd),
    offset,
    buffer,
    levels,
    maxLineBytes,
    now: () => Number.NaN,
  });
  try {
    for (;;) {
      for (;;) {
        const seen = Atomics.load(taken, 0);
        if (current !== gen || posted - seen < SCAN_AHEAD_BATCHES) break;
        await takenAfter(seen);
      }
      if (current !== gen) return;
      const batch = await reader.next();
      if (current !== gen) return;
      const signalsJson = JSON.stringify(batch.signals);
      send({ gen, batch: { ...batch, signals: [] }, signalsJson, readPos: reader.readPos });
      posted++;
      if (batch.eof) return;
    }
  } catch (err) {
    const { message, code } = err as NodeJS.ErrnoException;
    if (current === gen) send({ gen, error: { message: String(message), ...(code ? { code } : {}) } });
  }
}

port.on("message", (message: ToScanThread) => {
  if (message.type === "scan") {
    current = message.gen;
    running = running.then(() => scan(message));
  } else if (message.gen === current) current = 0;
});
