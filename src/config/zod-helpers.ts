/** zod building blocks shared by every config section. */
import { z } from "zod";
import { parseDurationMs } from "./duration.js";

/** A duration ("500ms", "30s", "5m", "1h", or milliseconds) with a default; parses to milliseconds. */
export function duration(fallback: string, minMs = 0) {
  return z
    .union([z.string(), z.number()])
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === null || ms < minMs) {
        const floor = minMs > 0 ? ` of at least ${minMs} ms` : "";
        ctx.addIssue({
          code: "custom",
          message: `not a duration${floor}: ${JSON.stringify(value)} (use 500ms, 30s, 5m, 1h)`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

/** A duration that may be `null` (off), with a default; parses to milliseconds or null. */
export function nullableDuration(fallback: string, minMs = 0) {
  return z
    .union([z.null(), z.string(), z.number()])
    .default(fallback)
    .transform((value, ctx) => {
      if (value === null) return null;
      const ms = parseDurationMs(value);
      if (ms === null || ms < minMs) {
        const floor = minMs > 0 ? ` of at least ${minMs} ms` : "";
        ctx.addIssue({
          code: "custom",
          message: `not a duration${floor}: ${JSON.stringify(value)} (use 30s, 5m, 1h, or null for never)`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

/** A number that may arrive as text from an environment variable ("2.5"). */
export const numberish = z.union([
  z.number(),
  z
    .string()
    .regex(/^\s*-?\d+(\.\d+)?\s*$/, "expected a number")
    .transform(Number),
]);
