/**
 * Loki as a context source: two providers (the request's trail, the fingerprint's recent occurrences), so
 * one failing query leaves the other's lines in the bundle and names itself in `partial`.
 */
import type { ContextProvider } from "./context.js";
import { occurrencesItem, requestTrailItem } from "./log-items.js";
import { boundLimit, occurrencesQuery, occurrencesRange, requestRange, requestTrailQuery } from "./logql.js";
import type { LokiClient } from "./loki-client.js";

export interface LokiProviderDeps {
  client: LokiClient;
  selector: string;
  requestWindowMs: number;
  occurrencesLookbackMs: number;
  requestLines: number;
  occurrences: number;
}

/** Create the `loki:request` and `loki:occurrences` providers. */
export function createLokiProviders(deps: LokiProviderDeps): ContextProvider[] {
  const trail: ContextProvider = {
    name: "loki:request",
    async gather(incident, signal) {
      if (!incident.requestId) return { items: [], partial: ["loki:request: the error has no request_id"] };
      const limit = boundLimit(deps.requestLines);
      const entries = await deps.client.queryRange(
        {
          query: requestTrailQuery(deps.selector, incident.requestId),
          ...requestRange(incident.firstSeen, incident.lastSeen, deps.requestWindowMs),
          limit,
          direction: "forward",
        },
        signal,
      );
      return [requestTrailItem(incident, entries, "Loki", limit)];
    },
  };
  const occurrences: ContextProvider = {
    name: "loki:occurrences",
    async gather(incident, signal) {
      const limit = boundLimit(deps.occurrences);
      const entries = await deps.client.queryRange(
        {
          query: occurrencesQuery(deps.selector, incident),
          ...occurrencesRange(incident.lastSeen, deps.occurrencesLookbackMs),
          limit,
          direction: "backward",
        },
        signal,
      );
      return [occurrencesItem(incident, entries, "Loki", limit)];
    },
  };
  return [trail, occurrences];
}
