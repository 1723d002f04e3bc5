/** The console sink: a readable card per incident on stdout, the embedded default. */
import type { Writable } from "node:stream";
import { formatIncidentCard } from "./console-card.js";
import type { Sink } from "./sink.js";

/** Create the console sink writing to `out` (stdout in production). */
export function createConsoleSink(deps: { out: Writable; colour: boolean }): Sink {
  return {
    name: "console",
    accepts: (incident) => incident.suppressed === null,
    async send(incident, event) {
      const ok = deps.out.write(formatIncidentCard(incident, event, deps.colour));
      // Respect backpressure so a slow terminal or pipe cannot make us buffer without bound.
      if (!ok) await new Promise((resolve) => deps.out.once("drain", resolve));
      return { ok: true, remoteRef: null };
    },
  };
}
