/** The row schema of a stored time column, shared by both backends: reading a row never fails on its time. */
import { z } from "zod";
import { readableTimeMs } from "../domain/timestamp.js";

/**
 * An epoch-ms column as Date-safe milliseconds (see readableTimeMs): a poison value (nanoseconds, a float out
 * of range, text written by hand into SQLite's loosely typed column) reads, it does not throw.
 */
export const storedTimeMs = z
  .union([z.number(), z.string()])
  .transform((value) => readableTimeMs(typeof value === "number" ? value : textTimeMs(value)));

function textTimeMs(text: string): number {
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) ? n : Date.parse(text);
}
