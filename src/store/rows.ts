/**
 * zod schemas for the rows of both backends (PostgreSQL's BIGINTs parse to numbers and its JSON stays text, so
 * the shapes are SQLite's), and their mapping to domain types: the database is an edge too.
 */
import { z } from "zod";
import type { ContextBundle, Delivery, Diagnosis, Incident } from "../domain/types.js";
import type { FileOffset, Job } from "./store.js";
import { storedTimeMs } from "./stored-time.js";

const severity = z.enum(["critical", "high", "medium", "low"]);

/** A stored diagnosis (JSON column), validated on the way out. */
export const diagnosisSchema = z.object({
  severity,
  title: z.string(),
  rootCause: z.string(),
  impact: z.string(),
  recommendation: z.array(z.string()),
  autoFixable: z.boolean(),
  fixSuggestion: z.string().nullable(),
  confidence: z.number(),
  by: z.string(),
  runbookUrl: z.string().nullable(),
  costUsd: z.number(),
  skippedReason: z.string().nullable(),
  evidence: z.array(z.string()).optional(),
  proposedEdit: z.object({ file: z.string(), find: z.string(), replace: z.string() }).nullable().optional(),
}) satisfies z.ZodType<Diagnosis>;

/** A stored context bundle (JSON column). */
export const contextSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(["logs", "source", "git", "note"]),
      title: z.string(),
      text: z.string(),
    }),
  ),
  partial: z.array(z.string()),
  redactions: z.record(z.string(), z.number()).optional(),
  tokens: z.object({ estimated: z.number(), budget: z.number() }).optional(),
}) satisfies z.ZodType<ContextBundle>;

const jsonText = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "not JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** A row of `deliveries`. */
export const deliveryRowSchema = z.object({
  sink: z.string(),
  state: z.enum(["pending", "sending", "sent", "failed"]),
  attempts: z.number().int(),
  remote_ref: z.string().nullable(),
  last_error: z.string().nullable(),
  updated_at: storedTimeMs,
});

/** A row of `incidents`. */
export const incidentRowSchema = z.object({
  id: z.number().int(),
  fingerprint: z.string(),
  error_code: z.string().nullable(),
  target: z.string(),
  level: z.enum(["ERROR", "WARN", "INFO", "DEBUG", "TRACE"]),
  severity,
  status: z.enum(["open", "resolved"]),
  count: z.number().int(),
  first_seen: storedTimeMs,
  last_seen: storedTimeMs,
  created_at: storedTimeMs,
  resolved_at: storedTimeMs.nullable(),
  source: z.enum(["file", "alertmanager", "grafana"]),
  message: z.string(),
  request_id: z.string().nullable(),
  filename: z.string().nullable(),
  line_number: z.number().int().nullable(),
  fields: jsonText(z.record(z.string(), z.unknown())),
  url: z.string().nullable(),
  suppressed: z.string().nullable(),
  diagnosis: jsonText(diagnosisSchema).nullable(),
  context: jsonText(contextSchema).nullable().optional(),
  cost_usd: z.number(),
  resolved_by: z.string().nullable(),
  resolution_note: z.string().nullable(),
  acknowledged_at: z.number().nullable(),
  acknowledged_by: z.string().nullable(),
});

/** A row of `jobs` (the columns a Job exposes). */
export const jobRowSchema = z.object({
  id: z.number().int(),
  incident_id: z.number().int(),
  kind: z.enum(["incident", "resolved", "update"]),
  attempts: z.number().int(),
  run_at: storedTimeMs,
  created_at: storedTimeMs,
});

/** A row of `file_offsets`. */
export const offsetRowSchema = z.object({
  dev: z.number(),
  ino: z.number(),
  path: z.string(),
  offset: z.number(),
  head_hash: z.string(),
  head_len: z.number().int(),
});

/** Map a delivery row to the domain type. */
export function toDelivery(row: unknown): Delivery {
  const r = deliveryRowSchema.parse(row);
  return {
    sink: r.sink,
    state: r.state,
    attempts: r.attempts,
    remoteRef: r.remote_ref,
    lastError: r.last_error,
    updatedAt: r.updated_at,
  };
}

/** Map an incident row and its delivery rows to the domain type. */
export function toIncident(row: unknown, deliveryRows: unknown[]): Incident {
  const r = incidentRowSchema.parse(row);
  return {
    id: String(r.id),
    fingerprint: r.fingerprint,
    errorCode: r.error_code,
    target: r.target,
    level: r.level,
    severity: r.severity,
    status: r.status,
    count: r.count,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resolutionNote: r.resolution_note,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    source: r.source,
    message: r.message,
    requestId: r.request_id,
    filename: r.filename,
    lineNumber: r.line_number,
    fields: r.fields,
    url: r.url,
    suppressed: r.suppressed,
    diagnosis: r.diagnosis,
    context: r.context ?? null,
    deliveries: deliveryRows.map(toDelivery),
    costUsd: r.cost_usd,
  };
}

/** Map a job row to the domain type. */
export function toJob(row: unknown): Job {
  const r = jobRowSchema.parse(row);
  return {
    id: String(r.id),
    incidentId: String(r.incident_id),
    kind: r.kind,
    attempts: r.attempts,
    runAt: r.run_at,
    createdAt: r.created_at,
  };
}

/** Map a file offset row to the domain type. */
export function toOffset(row: unknown): FileOffset {
  const r = offsetRowSchema.parse(row);
  return {
    dev: r.dev,
    ino: r.ino,
    path: r.path,
    offset: r.offset,
    headHash: r.head_hash,
    headLen: r.head_len,
  };
}

/** Parse a decimal id string as exposed by the store; null when it cannot name a row. */
export function parseId(id: string | undefined): number | null {
  if (id === undefined || !/^[1-9][0-9]{0,15}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}
