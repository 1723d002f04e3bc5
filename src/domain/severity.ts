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

/** Pure: map an optional severity hint and the level to an initial severity. */
export function initialSeverity(level: Level, hint?: string | null): Severity {
  const fromHint = hint ? HINTS[hint.trim().toLowerCase()] : undefined;
  if (fromHint) return fromHint;
  if (level === "ERROR") return "high";
  if (level === "WARN") return "medium";
  return "low";
}

/** Severities ordered from most to least urgent. */
export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];
