/** Severity before any diagnosis: from an alert's severity label when present, else from the log level. */
import type { Level, Severity } from "./types.js";

const HINTS: Record<string, Severity> = {
  critical: "critical",
  fatal: "critical",
  page: "critical",
  high: "high",
  error: "high",
  major: "high",
  medium: "medium",
  warning: "medium",
  warn: "medium",
  minor: "low",
  low: "low",
  info: "low",
};

/** Pure: the severity an alert's severity label names ("critical", "warning", "page"...), else null. */
export function severityOfHint(hint: unknown): Severity | null {
  return typeof hint === "string" ? (HINTS[hint.trim().toLowerCase()] ?? null) : null;
}

/**
 * Pure: the diagnosis with the severity the alert's own label names, when it names one: whoever wrote the
 * alert rule knows its urgency better than a catalog entry shared by every caller of that error code.
 */
export function withLabelledSeverity<D extends { severity: Severity }>(
  diagnosis: D,
  incident: { source: string; fields: Record<string, unknown> },
  severityLabel: string,
): D {
  if (incident.source === "file") return diagnosis;
  const labelled = severityOfHint(incident.fields[severityLabel]);
  return labelled === null || labelled === diagnosis.severity
    ? diagnosis
    : { ...diagnosis, severity: labelled };
}

/** Pure: map an optional severity hint and the level to an initial severity. */
export function initialSeverity(level: Level, hint?: string | null): Severity {
  const fromHint = severityOfHint(hint);
  if (fromHint) return fromHint;
  if (level === "ERROR") return "high";
  if (level === "WARN") return "medium";
  return "low";
}

/** Severities ordered from most to least urgent. */
export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];
