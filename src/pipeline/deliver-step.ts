/**
 * The deliver step: walk the incident's outbox records and send what is not sent yet. A record left in
 * "sending" by a crash is first looked up on the remote side (when the sink can), so it is not sent twice.
 * A new link (GitHub issue, PR), or a link-providing sink failing for good (autofix refused), enqueues an
 * "update" job that edits messages already posted (Discord), so the alert shows the link or why there is none.
 */
import type { Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { deliveryKey, type SendResult, type Sink, type SinkEvent } from "../sinks/sink.js";
import type { IncidentStore, JobQueue, Outbox } from "../store/store.js";

/** Dependencies of the deliver step. */
export interface DeliverStepDeps {
  store: IncidentStore & JobQueue & Outbox;
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

/**
 * Deliver `event` for the incident to every accepting sink; `giveUp` marks retryable failures permanent.
 * `skip` filters sinks out of this delivery (acknowledged recurrences, resolutions: see job-stages.ts).
 */
export async function runDeliverStep(
  deps: DeliverStepDeps,
  incident: Incident,
  event: SinkEvent,
  giveUp: boolean,
  skip: (sink: Sink) => boolean = () => false,
): Promise<DeliverOutcome> {
  const sinks = deps.sinks.filter((sink) => !skip(sink) && sink.accepts(incident, event));
  const keys = sinks.map((sink) => deliveryKey(sink.name, event));
  await deps.store.ensureDeliveries(incident.id, keys, deps.now());
  // No re-read: the job loaded the incident under its lease just now, and the records ensureDeliveries adds
  // are "pending", which this pass treats exactly as a record not seen yet (send it).
  const records = new Map(incident.deliveries.map((d) => [d.sink, d]));
  const outcome: DeliverOutcome = { pending: [], retryAfterMs: undefined };
  const firstDelivery = ![...records.values()].some((d) => d.state === "sent");
  let newLinks = 0;
  let linkFailures = 0;

  await Promise.all(
    sinks.map(async (sink, i) => {
      const key = keys[i]!;
      const record = records.get(key);
      if (record?.state === "sent" || record?.state === "failed") return;
      if (record?.state === "sending" && sink.lookup) {
        // A failed lookup proves nothing either way: sending blind could duplicate, so retry later instead.
        const found = await sink.lookup(incident, event).then(
          (ref) => ({ ref, error: null }),
          (err: Error) => ({ ref: null, error: err.message }),
        );
        if (found.error !== null) {
          deps.log.warn({ sink: sink.name, err: found.error }, "lookup failed");
          await deps.store.updateDelivery(
            incident.id,
            key,
            { state: giveUp ? "failed" : "sending", lastError: `lookup failed: ${found.error}` },
            deps.now(),
          );
          if (!giveUp) outcome.pending.push(key);
          else if (sink.providesLink) linkFailures++;
          return;
        }
        if (found.ref !== null) {
          await deps.store.updateDelivery(
            incident.id,
            key,
            { state: "sent", remoteRef: found.ref },
            deps.now(),
          );
          if (sink.providesLink) newLinks++;
          return;
        }
      }
      await deps.store.updateDelivery(incident.id, key, { state: "sending", attempt: true }, deps.now());
      const result: SendResult = await sink
        .send(incident, event)
        .catch((err: Error) => ({ ok: false, retryable: true, error: `unexpected: ${err.message}` }));
      if (result.ok) {
        if (sink.providesLink && result.remoteRef !== null) newLinks++;
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
      deps.log[permanent ? "error" : "warn"]({ sink: sink.name, err: result.error }, "delivery failed");
      if (permanent && sink.providesLink) linkFailures++;
      if (!permanent) {
        outcome.pending.push(key);
        outcome.retryAfterMs = Math.max(outcome.retryAfterMs ?? 0, result.retryAfterMs ?? 0) || undefined;
      }
    }),
  );
  if (newLinks + linkFailures > 0 && event === "opened" && deps.sinks.some((sink) => sink.update)) {
    // Messages posted in this pass were rendered without the new link (or the reason a link will never come,
    // issue 8: a failed autofix alerts on Discord): edit them in a job of their own.
    await deps.store.enqueueJob(incident.id, "update", deps.now(), deps.now());
  }
  return outcome;
}

/**
 * The update step: re-render the messages already delivered by sinks that can edit (the Discord alert gains
 * the issue link, or shows the resolution). Edits are idempotent, so a crashed job simply runs again.
 */
export async function runUpdateStep(
  deps: DeliverStepDeps,
  incident: Incident,
  giveUp: boolean,
): Promise<DeliverOutcome> {
  const outcome: DeliverOutcome = { pending: [], retryAfterMs: undefined };
  const delivered = new Set(
    incident.deliveries.filter((d) => d.state === "sent" && d.remoteRef !== null).map((d) => d.sink),
  );
  for (const sink of deps.sinks) {
    if (!sink.update || !delivered.has(deliveryKey(sink.name, "opened"))) continue;
    const result: SendResult = await sink
      .update(incident)
      .catch((err: Error) => ({ ok: false, retryable: true, error: `unexpected: ${err.message}` }));
    if (result.ok) continue;
    const permanent = !result.retryable || giveUp;
    deps.log[permanent ? "error" : "warn"]({ sink: sink.name, err: result.error }, "update failed");
    if (!permanent) {
      outcome.pending.push(`${sink.name}:update`);
      outcome.retryAfterMs = Math.max(outcome.retryAfterMs ?? 0, result.retryAfterMs ?? 0) || undefined;
    }
  }
  return outcome;
}
