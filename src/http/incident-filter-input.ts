/**
 * The incident filter as people type it, in a query string (`GET /`, `GET /api/incidents`) or as CLI flags
 * (`ai-monitor incidents`): one zod schema for all three, so they accept and refuse the same things.
 * Times are an age ("30m", "24h", "7d": that long before now) or an ISO 8601 date or date-time.
 */
import { z } from "zod";
import { parseDurationMs } from "../config/duration.js";
import type { Severity } from "../domain/types.js";
import type { IncidentFilter } from "../store/incident-filter.js";

const SEVERITIES = ["critical", "high", "medium", "low"] as const satisfies readonly Severity[];

/** An HTML form sends an untouched field as "": that means "any", not an error. */
const blankIsAbsent = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** A point in time: an age before now, or an absolute instant. */
export type TimeBound = { agoMs: number } | { atMs: number };

const timeBound = z.string().transform((text, ctx): TimeBound => {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?\s*(m|h|d)$/.test(trimmed)) return { agoMs: parseDurationMs(trimmed)! };
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(trimmed);
  const atMs = iso ? Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed) : Number.NaN;
  if (Number.isFinite(atMs)) return { atMs };
  ctx.addIssue({
    code: "custom",
    message: `not a time: ${JSON.stringify(text.slice(0, 40))} (use an age such as 30m, 24h, 7d, or an ISO date such as 2026-01-31 or 2026-01-31T08:00:00Z)`,
  });
  return z.NEVER;
});

const severityList = z
  .string()
  .transform((text) => text.split(",").map((s) => s.trim().toLowerCase()))
  .pipe(z.array(z.enum(SEVERITIES)).min(1).max(SEVERITIES.length));

/** The filter fields, as query parameters or flags; every one optional. */
export const filterInputShape = {
  status: z.preprocess(blankIsAbsent, z.enum(["open", "resolved"]).optional()),
  /** One severity or several, comma-separated: `critical,high`. */
  severity: z.preprocess(blankIsAbsent, severityList.optional()),
  /** Exact error code, e.g. DB_TIMEOUT. */
  code: z.preprocess(blankIsAbsent, z.string().trim().max(200).optional()),
  since: z.preprocess(blankIsAbsent, timeBound.optional()),
  until: z.preprocess(blankIsAbsent, timeBound.optional()),
};

/** The filter fields on their own (CLI flags). */
export const filterInputSchema = z.object(filterInputShape).strict();

/** Validated filter fields. */
export type FilterInput = z.infer<typeof filterInputSchema>;

const resolve = (bound: TimeBound, nowMs: number) => ("agoMs" in bound ? nowMs - bound.agoMs : bound.atMs);

/** Pure: the store's filter for `input`, ages counted back from `nowMs`. */
export function toIncidentFilter(input: FilterInput, nowMs: number): IncidentFilter {
  return {
    ...(input.status ? { status: input.status } : {}),
    ...(input.severity ? { severities: [...new Set(input.severity)] } : {}),
    ...(input.code !== undefined ? { errorCode: input.code } : {}),
    ...(input.since ? { sinceMs: resolve(input.since, nowMs) } : {}),
    ...(input.until ? { untilMs: resolve(input.until, nowMs) } : {}),
  };
}
