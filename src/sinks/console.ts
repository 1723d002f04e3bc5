/** The console sink: a readable card per incident on stdout, the embedded default. */
import type { Writable } from "node:stream";
import { formatIncidentCard } from "./console-card.js";
import type { SendResult, Sink } from "./sink.js";

/** Create the console sink writing to `out` (stdout in production). */
export function createConsoleSink(deps: { out: Writable; colour: boolean }): Sink {
  return {
    name: "console",
    accepts: (incident) => incident.suppressed === null,
    send(incident, event) {
      // Waiting for each write's callback bounds what we buffer for a slow pipe, and turns a closed
      // stdout (EPIPE) into a recorded failure instead of a hung delivery.
      return new Promise<SendResult>((resolve) => {
        if (deps.out.destroyed || deps.out.writableEnded) {
          resolve({ ok: false, retryable: false, error: "console output is closed" });
          return;
        }
        deps.out.write(formatIncidentCard(incident, event, deps.colour), (err) =>
          resolve(
            err
              ? { ok: false, retryable: false, error: `console: ${err.message}` }
              : { ok: true, remoteRef: null },
          ),
        );
      });
    },
  };
}
