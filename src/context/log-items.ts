/**
 * The log items of a bundle, whatever their source (Loki or the tailed files): the error line itself, the
 * request's trail and the other occurrences. Lines stay raw here; the gatherer redacts and bounds them.
 */
import type { Incident } from "../domain/types.js";
import type { DraftItem } from "./budget.js";
import type { ContextProvider } from "./context.js";
import { messageLiteral } from "./logql.js";

/** A log line with its time (ms since the epoch; NaN when unknown). */
export interface TimedLine {
  timestampMs: number;
  line: string;
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : "?");

/** Pure: the incident as one JSON log line, the highest-priority item of every bundle. */
export function errorLineItem(incident: Incident): DraftItem {
  const line: Record<string, unknown> = {
    timestamp: iso(incident.firstSeen),
    level: incident.level,
    target: incident.target,
    message: incident.message,
  };
  if (incident.errorCode) line.error_code = incident.errorCode;
  if (incident.requestId) line.request_id = incident.requestId;
  if (incident.filename) line.filename = incident.filename;
  if (incident.lineNumber !== null) line.line_number = incident.lineNumber;
  if (Object.keys(incident.fields).length > 0) line.fields = incident.fields;
  const seen =
    incident.count > 1
      ? `seen ${incident.count} times from ${iso(incident.firstSeen)} to ${iso(incident.lastSeen)}`
      : `seen once at ${iso(incident.firstSeen)}`;
  return {
    id: "logs:error",
    kind: "logs",
    title: `The error line (fingerprint ${incident.fingerprint}; ${seen}; via ${incident.source})`,
    text: JSON.stringify(line),
  };
}

/** The provider of the error line item (no I/O, never fails). */
export function createErrorLineProvider(): ContextProvider {
  return { name: "incident", gather: async (incident) => [errorLineItem(incident)] };
}

/** Pure: index of the line that is the incident's own (the trail keeps it in view when cut). */
export function focusIndex(lines: readonly string[], incident: Incident): number {
  const needle = messageLiteral(incident.message) ?? incident.message;
  const index = lines.findIndex((line) => line.includes(needle) && /error/i.test(line));
  return index >= 0 ? index : Math.max(lines.length - 1, 0);
}

/** Pure: the request trail item, oldest line first. */
export function requestTrailItem(
  incident: Incident,
  lines: readonly TimedLine[],
  from: string,
  limit: number,
): DraftItem {
  const sorted = [...lines].sort((a, b) => (a.timestampMs || 0) - (b.timestampMs || 0));
  const texts = sorted.map((l) => l.line);
  const capped = texts.length >= limit ? ` (the first ${limit})` : "";
  return {
    id: "logs:request",
    kind: "logs",
    title: `Every log line of request ${incident.requestId} from ${from}${capped}, oldest first`,
    text: texts.length > 0 ? texts.join("\n") : `(no line of request ${incident.requestId} found)`,
    focusLine: focusIndex(texts, incident),
  };
}

/** Pure: the other occurrences item, newest first, at most `limit`. */
export function occurrencesItem(
  incident: Incident,
  lines: readonly TimedLine[],
  from: string,
  limit: number,
): DraftItem {
  const newest = [...lines].sort((a, b) => (b.timestampMs || 0) - (a.timestampMs || 0)).slice(0, limit);
  return {
    id: "logs:occurrences",
    kind: "logs",
    title: `Recent occurrences of ${incident.fingerprint} from ${from} (${newest.length}, newest first)`,
    text: newest.length > 0 ? newest.map((l) => l.line).join("\n") : "(no other occurrence found)",
  };
}
