/** Incidents as published with their reviewers' verdicts: one feedback query for a whole page of incidents. */
import type { Incident } from "../domain/types.js";
import type { DiagnosisFeedback, FeedbackStore } from "../store/store.js";
import { type IncidentJson, incidentToJson } from "./incident-json.js";

/** Pure: verdicts grouped by incident id, each group in the order given. */
export function feedbackByIncident(feedback: readonly DiagnosisFeedback[]): Map<string, DiagnosisFeedback[]> {
  const groups = new Map<string, DiagnosisFeedback[]>();
  for (const f of feedback) groups.set(f.incidentId, [...(groups.get(f.incidentId) ?? []), f]);
  return groups;
}

/** The public JSON of `incidents`, each with its `feedback` (empty when nobody reviewed it). */
export async function incidentsWithFeedback(
  store: FeedbackStore,
  incidents: readonly Incident[],
): Promise<IncidentJson[]> {
  if (incidents.length === 0) return [];
  const groups = feedbackByIncident(
    await store.listDiagnosisFeedback({ incidentIds: incidents.map((i) => i.id) }),
  );
  return incidents.map((i) => incidentToJson(i, groups.get(i.id) ?? []));
}
