/** Pure: an incident as it is before anything happened to it (not yet diagnosed, announced or resolved). */
import type { Incident } from "./types.js";

/** The fields that say what an incident is; the rest start empty. */
export type IncidentIdentity = Pick<
  Incident,
  | "id"
  | "fingerprint"
  | "errorCode"
  | "target"
  | "level"
  | "severity"
  | "count"
  | "firstSeen"
  | "lastSeen"
  | "createdAt"
  | "source"
  | "message"
  | "requestId"
  | "filename"
  | "lineNumber"
  | "fields"
>;

/** A fresh open incident: no diagnosis, context, deliveries, cost, link or suppression. */
export function freshIncident(identity: IncidentIdentity): Incident {
  return {
    ...identity,
    status: "open",
    resolvedAt: null,
    resolvedBy: null,
    resolutionNote: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    url: null,
    suppressed: null,
    diagnosis: null,
    context: null,
    deliveries: [],
    costUsd: 0,
  };
}
