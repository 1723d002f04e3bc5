/**
 * Context for diagnosis: what the diagnoser may look at besides the incident itself. Providers (Loki, the
 * tailed file, source mapping, git history) each add items; a failing provider marks the bundle partial.
 */
import type { ContextBundle, ContextItem, Incident } from "../domain/types.js";

export type { ContextBundle, ContextItem };

import type { Logger } from "../log.js";

/** One source of context. */
export interface ContextProvider {
  readonly name: string;
  gather(incident: Incident, signal: AbortSignal): Promise<ContextItem[]>;
}

/** The stage interface the worker calls. */
export interface ContextGatherer {
  gather(incident: Incident): Promise<ContextBundle>;
}

/** Run every provider in parallel under one timeout; failures become `partial` reasons, never errors. */
export function createContextGatherer(deps: {
  providers: ContextProvider[];
  timeoutMs: number;
  log: Logger;
}): ContextGatherer {
  return {
    async gather(incident) {
      const bundle: ContextBundle = { items: [], partial: [] };
      if (deps.providers.length === 0) return bundle;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error("context timeout")), deps.timeoutMs);
      try {
        const results = await Promise.allSettled(
          deps.providers.map((provider) => provider.gather(incident, controller.signal)),
        );
        results.forEach((result, i) => {
          const name = deps.providers[i]!.name;
          if (result.status === "fulfilled") bundle.items.push(...result.value);
          else {
            const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
            bundle.partial.push(`${name}: ${reason}`);
            deps.log.warn({ provider: name, incident: incident.id, err: reason }, "context provider failed");
          }
        });
      } finally {
        clearTimeout(timer);
      }
      return bundle;
    },
  };
}
