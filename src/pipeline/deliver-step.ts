/**
 * The deliver step: walk the incident's outbox records and send what is not sent yet. A record left in
 * "sending" by a crash is first looked up on the remote side (when the sink can), so it is not sent twice.
 */
import type { Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { deliveryKey, type SendResult, type Sink, type SinkEvent } from "../sinks/sink.js";
import type { Store } from "../store/store.js";

/** Dependencies of the deliver step. */
export interface DeliverStepDeps {
  store: Store;
  sinks: Sink[];
  metrics: Metrics;
  log: Logger;
  now: () => number;
}

/** What is left after one pass. */
export interface DeliverOutcome {
  /** Sinks still pending (retryable failures). */
  pending: string[];
  /** Longest Retry-After asked by a pending sink. */
  retryAfterMs: number | undefined;
}

/** Deliver `event` for the incident to every accepting sink; `giveUp` marks retryable failures permanent. */
export async function runDeliverStep(
  deps: DeliverStepDeps,
  incident: Incident,
  event: SinkEvent,
  giveUp: boolean,
): Promise<DeliverOutcome> {
  const sinks = deps.sinks.filter((sink) => sink.accepts(incident, event));
  const keys = sinks.map((sink) => deliveryKey(sink.name, event));
  await deps.store.ensureDeliveries(incident.id, keys, deps.now());
  const records = new Map(
    (await deps.store.getIncident(incident.id))?.deliveries.map((d) => [d.sink, d]) ?? [],
  );
  const outcome: DeliverOutcome = { pending: [], retryAfterMs: undefined };
  const firstDelivery = ![...records.values()].some((d) => d.state === "sent");

  await Promise.all(
    sinks.map(async (sink, i) => {
      const key = keys[i]!;
      const record = records.get(key);
      if (record?.state === "sent" || record?.state === "failed") return;
      if (record?.state === "sending" && sink.lookup) {
        const ref = await sink.lookup(incident, event).catch(() => null);
        if (ref !== null) {
          await deps.store.updateDelivery(incident.id, key, { state: "sent", remoteRef: ref }, deps.now());
          return;
        }
      }
      await deps.store.updateDelivery(incident.id, key, { state: "sending", attempt: true }, deps.now());
      const result: SendResult = await sink
        .send(incident, event)
        .catch((err: Error) => ({ ok: false, retryable: true, error: `unexpected: ${err.message}` }));
      if (result.ok) {
        await deps.store.updateDelivery(
          incident.id,
          key,
          { state: "sent", remoteRef: result.remoteRef },
          deps.now(),
        );
        deps.metrics.deliveries.inc({ sink: sink.name, outcome: "ok" });
        if (firstDelivery && event === "opened") {
          deps.metrics.notifySeconds.observe(Math.max(0, deps.now() - incident.firstSeen) / 1000);
        }
        return;
      }
      const permanent = !result.retryable || giveUp;
      await deps.store.updateDelivery(
        incident.id,
        key,
        { state: permanent ? "failed" : "pending", lastError: result.error },
        deps.now(),
      );
      deps.metrics.deliveries.inc({ sink: sink.name, outcome: permanent ? "failed" : "retry" });
      deps.log[permanent ? "error" : "warn"](
        { sink: sink.name, err: result.error },
        "delivery failed",
      );
      if (!permanent) {
        outcome.pending.push(key);
        outcome.retryAfterMs = Math.max(outcome.retryAfterMs ?? 0, result.retryAfterMs ?? 0) || undefined;
      }
    }),
  );
  return outcome;
}
