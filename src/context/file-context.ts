/**
 * Context from the tailed files when there is no Loki: the request's lines around the error and the last
 * occurrences of the fingerprint, found by reading each file backwards from its end (bounded bytes).
 */
import { stat } from "node:fs/promises";
import { glob } from "tinyglobby";
import type { Incident } from "../domain/types.js";
import { eventToSignal, parseTracingLine } from "../ingest/tracing-json.js";
import type { DraftItem } from "./budget.js";
import type { ContextProvider } from "./context.js";
import { occurrencesItem, requestTrailItem, type TimedLine } from "./log-items.js";
import { readLinesBackward } from "./reverse-lines.js";

/** Most files scanned (the most recently written first: rotated files come after the live one). */
export const MAX_FILES = 5;

/** What the file provider needs. */
export interface FileContextDeps {
  /** Globs of the tailed files (config `watch.paths`). */
  paths: readonly string[];
  requestWindowMs: number;
  occurrencesLookbackMs: number;
  requestLines: number;
  occurrences: number;
  /** Bytes read backwards from each file at most. */
  scanBytes: number;
  maxLineBytes: number;
}

interface Found {
  trail: TimedLine[];
  occurrences: TimedLine[];
}

async function newestFiles(patterns: readonly string[]): Promise<string[]> {
  const files = await glob([...patterns], { absolute: true, onlyFiles: true });
  const dated = await Promise.all(
    files.map(async (file) => ({ file, mtimeMs: (await stat(file).catch(() => null))?.mtimeMs ?? 0 })),
  );
  return dated
    .sort((a, b) => b.mtimeMs - a.mtimeMs)
    .slice(0, MAX_FILES)
    .map((d) => d.file);
}

async function scanFile(
  file: string,
  incident: Incident,
  deps: FileContextDeps,
  found: Found,
  signal: AbortSignal,
) {
  const requestId = incident.requestId;
  const trailStart = incident.firstSeen - deps.requestWindowMs;
  const trailEnd = incident.lastSeen + deps.requestWindowMs;
  const occurrencesStart = incident.lastSeen - deps.occurrencesLookbackMs;
  const marker = incident.errorCode ?? incident.target;
  const occurrencesFull = () => found.occurrences.length >= deps.occurrences;
  const trailFull = () => requestId === null || found.trail.length >= deps.requestLines;
  const lines = readLinesBackward(file, {
    maxBytes: deps.scanBytes,
    maxLineBytes: deps.maxLineBytes,
    signal,
  });
  // No early stop on time: files are mostly but not always in order (clock steps, merged writers); the byte
  // bound keeps the scan cheap, and a substring check skips unrelated lines before any JSON parse.
  for await (const line of lines) {
    if (occurrencesFull() && trailFull()) return;
    const inTrail = requestId !== null && !trailFull() && line.includes(requestId);
    const maybeOccurrence = !occurrencesFull() && line.includes(marker);
    if (!inTrail && !maybeOccurrence) continue;
    const parsed = parseTracingLine(line, { maxLineChars: deps.maxLineBytes });
    if (!parsed.ok) continue;
    const event = parsed.event;
    const at = event.timestampMs;
    const known = !Number.isNaN(at);
    if (inTrail && event.requestId === requestId && (!known || (at >= trailStart && at <= trailEnd)))
      found.trail.push({ timestampMs: at, line });
    if (maybeOccurrence && event.level === incident.level && (!known || at >= occurrencesStart)) {
      if (eventToSignal(event).fingerprint === incident.fingerprint)
        found.occurrences.push({ timestampMs: at, line });
    }
  }
}

/** Create the `files` provider (request trail and occurrences from the tailed files). */
export function createFileContextProvider(deps: FileContextDeps): ContextProvider {
  return {
    name: "files",
    async gather(incident, signal) {
      const files = await newestFiles(deps.paths);
      if (files.length === 0)
        return { items: [], partial: [`files: no tailed file matches ${deps.paths.join(", ")}`] };
      const found: Found = { trail: [], occurrences: [] };
      for (const file of files) await scanFile(file, incident, deps, found, signal);
      const from = files.length === 1 ? "the tailed file" : `${files.length} tailed files`;
      const items: DraftItem[] = [];
      if (incident.requestId) items.push(requestTrailItem(incident, found.trail, from, deps.requestLines));
      items.push(occurrencesItem(incident, found.occurrences, from, deps.occurrences));
      return { items, partial: incident.requestId ? [] : ["files: the error has no request_id"] };
    },
  };
}
