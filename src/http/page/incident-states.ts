/**
 * Acknowledge and resolve as the page uses them: the store's `ackIncident` and `resolveIncident`, and the
 * acknowledgement an incident carries, if any.
 */
import type { Incident } from "../../domain/types.js";

/** The two store methods behind the acknowledge and resolve forms. */
export interface IncidentStates {
  resolveIncident(
    id: string,
    options: { at: number; note?: string; by?: string },
  ): Promise<"resolved" | "already-resolved" | "not-found">;
  ackIncident(
    id: string,
    options: { at: number; by?: string },
  ): Promise<"acked" | "already-acked" | "not-found">;
}

/** Pure: who acknowledged the incident and when, or null. */
export function incidentAck(incident: Incident): { at: number; by: string | null } | null {
  const { acknowledgedAt, acknowledgedBy } = incident as Incident & {
    acknowledgedAt?: number | null;
    acknowledgedBy?: string | null;
  };
  return typeof acknowledgedAt === "number" ? { at: acknowledgedAt, by: acknowledgedBy ?? null } : null;
}
