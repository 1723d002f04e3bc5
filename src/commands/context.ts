/**
 * `ai-monitor context --line '<json log line>'`: print, as JSON, the context bundle that would be sent to the
 * LLM for that line (redacted, within the budget). Stores nothing and calls no LLM.
 */
import type { Config } from "../config/schema.js";
import { type ContextConfigSource, createDefaultContextGatherer } from "../context/create-gatherer.js";
import { freshIncident } from "../domain/incident.js";
import { initialSeverity } from "../domain/severity.js";
import type { Incident, Signal } from "../domain/types.js";
import { eventToSignal, parseTracingLine } from "../ingest/tracing-json.js";
import type { Logger } from "../log.js";

/** Pure: the incident a first occurrence of this signal would open (not stored). */
export function previewIncident(signal: Signal, nowMs: number): Incident {
  return freshIncident({
    id: "preview",
    fingerprint: signal.fingerprint,
    errorCode: signal.errorCode,
    target: signal.target,
    level: signal.level,
    severity: initialSeverity(signal.level, signal.severityHint),
    count: 1,
    firstSeen: signal.timestampMs,
    lastSeen: signal.timestampMs,
    createdAt: nowMs,
    source: signal.source,
    message: signal.message,
    requestId: signal.requestId,
    filename: signal.filename ?? null,
    lineNumber: signal.lineNumber ?? null,
    fields: signal.fields,
  });
}

/** Pure: two redaction counts added up by rule. */
export function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [rule, n] of Object.entries(b)) out[rule] = (out[rule] ?? 0) + n;
  return out;
}

/** Output and injectables of the command. */
export interface ContextIo {
  log: Logger;
  out: (text: string) => void;
  err: (text: string) => void;
  now?: () => number;
  fetch?: typeof fetch;
}

/** Returns the exit code: 0 printed, 2 the line is not a tracing JSON log line. */
export async function runContext(
  config: Config | ContextConfigSource,
  options: { line: string },
  io: ContextIo,
): Promise<number> {
  const now = io.now ?? Date.now;
  const parsed = parseTracingLine(options.line);
  if (!parsed.ok) {
    io.err(`not a tracing JSON log line (${parsed.reason}); pass one line as written by the server\n`);
    return 2;
  }
  // Counted here: what the line lost when parsed, which the bundle's own counts do not include.
  const redactions: Record<string, number> = {};
  const signal = eventToSignal(parsed.event, { fallbackTimestampMs: now(), redactions });
  const incident = previewIncident(signal, now());
  const gatherer = createDefaultContextGatherer({
    config,
    log: io.log,
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  const bundle = await gatherer.gather(incident);
  const preview = {
    incident: {
      fingerprint: incident.fingerprint,
      errorCode: incident.errorCode,
      target: incident.target,
      requestId: incident.requestId,
      message: incident.message,
    },
    bundle: { ...bundle, redactions: addCounts(redactions, bundle.redactions) },
  };
  io.out(`${JSON.stringify(preview, null, 2)}\n`);
  return 0;
}
