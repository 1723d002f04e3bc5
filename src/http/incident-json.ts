/** The public JSON shape of an incident (`/api/incidents`, `incidents --json`): a stable external contract. */
import type {
  Delivery,
  Diagnosis,
  Incident,
  IncidentStatus,
  Severity,
  SignalSource,
} from "../domain/types.js";
import type { DiagnosisFeedback } from "../store/store.js";

/** One sink's delivery as published. */
export interface DeliveryJson {
  sink: string;
  state: Delivery["state"];
  remoteRef: string | null;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

/** An incident as published; times are ISO 8601 strings. */
export interface IncidentJson {
  id: string;
  fingerprint: string;
  errorCode: string | null;
  target: string;
  severity: Severity;
  status: IncidentStatus;
  count: number;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  /** Who resolved it by hand and why (null for automatic resolutions). */
  resolvedBy: string | null;
  resolutionNote: string | null;
  /** When and by whom it was acknowledged (null when not, or since it reopened). */
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  source: SignalSource;
  message: string;
  requestId: string | null;
  diagnosis: Diagnosis | null;
  deliveries: DeliveryJson[];
  costUsd: number;
  /** Reviewers' current verdicts on the diagnosis, oldest first (present wherever the API and CLI publish incidents). */
  feedback?: FeedbackJson[];
}

/** One reviewer's verdict on the diagnosis as published. */
export interface FeedbackJson {
  reviewer: string;
  verdict: DiagnosisFeedback["verdict"];
  note: string | null;
  at: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Pure: an Incident as its public JSON (internal fields such as raw labels and lease data stay private), with its feedback when given. */
export function incidentToJson(incident: Incident, feedback?: readonly DiagnosisFeedback[]): IncidentJson {
  return {
    id: incident.id,
    fingerprint: incident.fingerprint,
    errorCode: incident.errorCode,
    target: incident.target,
    severity: incident.severity,
    status: incident.status,
    count: incident.count,
    firstSeen: iso(incident.firstSeen),
    lastSeen: iso(incident.lastSeen),
    resolvedAt: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
    resolvedBy: incident.resolvedBy,
    resolutionNote: incident.resolutionNote,
    acknowledgedAt: incident.acknowledgedAt === null ? null : iso(incident.acknowledgedAt),
    acknowledgedBy: incident.acknowledgedBy,
    source: incident.source,
    message: incident.message,
    requestId: incident.requestId,
    diagnosis: incident.diagnosis,
    deliveries: incident.deliveries.map((d) => ({
      sink: d.sink,
      state: d.state,
      remoteRef: d.remoteRef,
      attempts: d.attempts,
      lastError: d.lastError,
      updatedAt: iso(d.updatedAt),
    })),
    costUsd: incident.costUsd,
    ...(feedback ? { feedback: feedback.map(feedbackToJson) } : {}),
  };
}

/** Pure: a verdict as published. */
export function feedbackToJson(f: DiagnosisFeedback): FeedbackJson {
  return { reviewer: f.reviewer, verdict: f.verdict, note: f.note, at: iso(f.at) };
}
