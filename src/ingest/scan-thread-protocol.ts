/** Messages between `scanOnce` and its scan thread (see scan-thread.ts). */
import type { Level } from "../domain/types.js";
import type { ReadBatch } from "./file-reader.js";

/** Start reading `fd` at `offset` (a line start); `gen` tags every batch of this run. */
export interface ScanRequest {
  type: "scan";
  gen: number;
  fd: number;
  offset: number;
  levels: Level[];
  maxLineBytes: number;
  bufferBytes: number;
}

/** What the main thread sends: start a run, or stop it. */
export type ToScanThread = ScanRequest | { type: "stop"; gen: number };

/**
 * What the scan thread sends: one scanned chunk (with how far it has read), or why the run failed. The
 * signals travel as one JSON string (`batch.signals` is empty): cheaper on the receiving (main, busy
 * storing) thread than structured-cloning thousands of small objects, and the store keeps nothing JSON
 * could not carry. A line without a timestamp has null there (JSON has no NaN): the main thread stamps it.
 */
export type FromScanThread =
  | { gen: number; batch: ReadBatch; signalsJson: string; readPos: number }
  | { gen: number; error: { message: string; code?: string } };

/**
 * Shared between the threads: how many batches the main thread has taken so far (it only grows). The
 * scan thread stays at most SCAN_AHEAD_BATCHES batches ahead of it; a counter in shared memory spares the
 * busy main thread a message per batch.
 */
export type TakenCounter = Int32Array;

/** Batches scanned ahead of the one being stored: bounds memory while keeping both threads busy. */
export const SCAN_AHEAD_BATCHES = 4;
