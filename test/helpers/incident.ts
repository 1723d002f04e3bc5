/** Realistic domain values for unit tests: an incident and a diagnosis; override what a test is about. */
import { freshIncident } from "../../src/domain/incident.js";
import type { Diagnosis, Incident } from "../../src/domain/types.js";

/** Build an open, undiagnosed AI_003 incident with sensible defaults. */
export function makeIncident(patch: Partial<Incident> = {}): Incident {
  return {
    ...freshIncident({
      id: "1",
      fingerprint: "AI_003:server::domain::ai::service",
      errorCode: "AI_003",
      target: "server::domain::ai::service",
      level: "ERROR",
      severity: "high",
      count: 1,
      firstSeen: Date.parse("2026-11-26T09:14:32Z"),
      lastSeen: Date.parse("2026-11-26T09:14:32Z"),
      createdAt: Date.parse("2026-11-26T09:14:33Z"),
      source: "file",
      message: "Claude API timeout after 30000ms",
      requestId: "req_7f3a1c",
      filename: null,
      lineNumber: null,
      fields: {},
    }),
    ...patch,
  };
}

/** A diagnosis with every field set; override what a test needs. */
export function makeDiagnosis(patch: Partial<Diagnosis> = {}): Diagnosis {
  return {
    severity: "high",
    title: "Claude API timeout",
    rootCause: "The request took longer than the client timeout.",
    impact: "AI retrospective generation fails for the affected requests.",
    recommendation: ["Raise TIMEOUT_SECS.", "Limit prompt length."],
    autoFixable: false,
    fixSuggestion: null,
    confidence: 0.5,
    by: "offline",
    runbookUrl: "https://runbooks.example/AI_003",
    costUsd: 0,
    skippedReason: null,
    ...patch,
  };
}
