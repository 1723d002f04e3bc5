/** The public JSON shape of an incident (`/api/incidents`, `incidents --json`): a stable external contract. */
import type {
  Delivery,
  Diagnosis,
  Incident,
  IncidentStatus,
  Severity,
  SignalSource,
} from "../domain/types.js";

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
  source: SignalSource;
  message: string;
  requestId: string | null;
  diagnosis: Diagnosis | null;
  deliveries: DeliveryJson[];
  costUsd: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Pure: an Incident as its public JSON (internal fields such as raw labels and lease data stay private). */
export function incidentToJson(incident: Incident): IncidentJson {
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
  };
}
