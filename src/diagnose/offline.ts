/**
 * The offline diagnoser: answers from the error-code catalog and the incident itself, with no network and no
 * cost. It is the embedded default, and the basic alert whenever an LLM diagnosis is skipped or fails.
 */
import type { Diagnosis, Incident } from "../domain/types.js";
import type { Catalog } from "./catalog.js";
import type { Diagnoser } from "./diagnoser.js";

/** Pure: the catalog's diagnosis of an incident; `skippedReason` says why no LLM was asked, if so. */
export function catalogDiagnosis(
  incident: Incident,
  catalog: Catalog,
  skippedReason: string | null,
): Diagnosis {
  const entry = incident.errorCode ? catalog.get(incident.errorCode) : undefined;
  const where = incident.filename
    ? `${incident.filename}${incident.lineNumber ? `:${incident.lineNumber}` : ""}`
    : incident.target;
  if (entry) {
    return {
      severity: entry.severity,
      title: entry.title,
      rootCause: entry.cause ?? `${entry.title} (${incident.errorCode}) reported by ${where}.`,
      impact: entry.impact ?? "Not described in the catalog.",
      recommendation:
        entry.hints.length > 0 ? entry.hints : [`Follow the runbook for ${incident.errorCode}.`],
      autoFixable: false,
      fixSuggestion: null,
      confidence: 0.5,
      by: "offline",
      runbookUrl: entry.runbook,
      costUsd: 0,
      skippedReason,
    };
  }
  const known = incident.errorCode
    ? `Error code ${incident.errorCode} is not in the catalog.`
    : "No error code.";
  return {
    // The severity ingest derived (the alert's severity label under its configured name, else the level).
    severity: incident.severity,
    title: incident.message.slice(0, 120) || incident.fingerprint,
    rootCause: `${known} ${where} logged: ${incident.message}`.slice(0, 1000),
    impact: "Unknown: no catalog entry and no LLM diagnosis.",
    recommendation: [
      `Inspect ${where} around the logged message${incident.requestId ? ` and request ${incident.requestId}` : ""}.`,
      incident.errorCode
        ? `Add ${incident.errorCode} to error-codes.yaml so the next alert carries its runbook.`
        : "Give this error an error_code so it groups and carries a runbook.",
    ],
    autoFixable: false,
    fixSuggestion: null,
    confidence: 0.1,
    by: "offline",
    runbookUrl: null,
    costUsd: 0,
    skippedReason,
  };
}

/** The offline diagnoser over a loaded catalog. */
export function createOfflineDiagnoser(deps: { catalog: Catalog }): Diagnoser {
  return {
    name: "offline",
    free: true,
    async diagnose({ incident }) {
      return catalogDiagnosis(incident, deps.catalog, null);
    },
  };
}
