/** The console sink: a readable card per incident on stdout, the embedded default. */
import type { Writable } from "node:stream";
import { formatIncidentCard, formatIncidentLine } from "./console-card.js";
import { createDigestGate, type DigestSettings } from "./digest.js";
import type { SendResult, Sink } from "./sink.js";

/**
 * Create the console sink writing to `out` (stdout in production). With `digest`, past its threshold in a window
 * each new incident prints as one line instead of a full card (critical ones keep their card).
 */
export function createConsoleSink(deps: {
  out: Writable;
  colour: boolean;
  digest?: { settings: DigestSettings; now: () => number };
}): Sink {
  const gate = deps.digest ? createDigestGate(deps.digest.settings) : null;
  const render: typeof formatIncidentCard = (incident, event, colour) => {
    if (!gate || !deps.digest || event !== "opened") return formatIncidentCard(incident, event, colour);
    const now = deps.digest.now();
    gate.close(now); // The console keeps no summary: the lines were the digest.
    return gate.decide(incident, now) === "fold"
      ? formatIncidentLine(incident, colour)
      : formatIncidentCard(incident, event, colour);
  };
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
        deps.out.write(render(incident, event, deps.colour), (err) =>
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
