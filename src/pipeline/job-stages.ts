/**
 * One job's path, top to bottom: load the incident, pass the ordering gate, diagnose, deliver (or edit), and
 * schedule what is left. The worker (worker.ts) owns the loop, the lease and its heartbeat; this file owns what a
 * job does once it holds the lease. The incident is read once here; the only re-read is after a diagnosis.
 */
import type { Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { backoffMs } from "../sinks/retry.js";
import { deliveryKey, type Sink } from "../sinks/sink.js";
import type { IncidentActions, Job } from "../store/store.js";
import { type DeliverOutcome, type DeliverStepDeps, runDeliverStep, runUpdateStep } from "./deliver-step.js";
import { type DiagnoseStepDeps, runDiagnoseStep } from "./diagnose-step.js";

/** The steps' dependencies, plus the acknowledgement look-up that keeps a recurrence from paging. */
export type JobStagesDeps = DiagnoseStepDeps &
  DeliverStepDeps & { store: Pick<IncidentActions, "openAcknowledgement">; log: Logger; metrics: Metrics };

/** What the worker lends a job: its lease owner, the attempt bound, and whether the lease is still held. */
export interface JobContext {
  owner: string;
  maxAttempts: number;
  leaseLost: () => boolean;
}

/**
 * Pure: whether the incident's first announcement is still under way: not diagnosed, diagnosed but not yet
 * handed to any sink (the opening job is between its two steps: a resolution claimed then would skip sinks about
 * to post the alert, leaving it open there for good), or deliveries pending.
 */
export function announcing(incident: Incident): boolean {
  if (incident.suppressed !== null) return false;
  if (incident.diagnosis === null) return true;
  const openings = incident.deliveries.filter((d) => !d.sink.includes(":"));
  return openings.length === 0 || openings.some((d) => d.state === "pending" || d.state === "sending");
}

/** The ordering gate's verdict: wait for the opening, drop a resolution made false, or go (leaving some out). */
export type GateVerdict = { go: false; wait: boolean } | { go: true; skip: (sink: Sink) => boolean };

/**
 * Pure: the one place that keeps "resolved" after "opened". A resolution claimed beside its incident's first
 * announcement waits for it (bounded: after maxAttempts it goes out anyway); one whose incident a repeat
 * reopened since is dropped, as announcing it would be false; and it reaches a sink that notifies people only
 * where the opening was sent there: not one left out, refused, or still under way when the attempts ran out
 * (a "resolved" edit needs the message or issue the opening made). Sinks hold no copy of this rule.
 */
export function orderingGate(job: Job, incident: Incident, maxAttempts: number): GateVerdict {
  if (job.kind !== "resolved") return { go: true, skip: () => false };
  if (job.attempts < maxAttempts && announcing(incident)) return { go: false, wait: true };
  if (incident.status !== "resolved") return { go: false, wait: false };
  const announced = new Set(incident.deliveries.filter((d) => d.state === "sent").map((d) => d.sink));
  return {
    go: true,
    skip: (sink) => sink.notifiesPeople === true && !announced.has(deliveryKey(sink.name, "opened")),
  };
}

/**
 * A new incident of a fingerprint whose earlier incident someone acknowledged (and that has not resolved) is a
 * repeat they know about, so it pages no one; console and JSONL still record it.
 */
async function acknowledgedRepeat(deps: JobStagesDeps, incident: Incident, log: Logger) {
  const ack = await deps.store.openAcknowledgement(incident.fingerprint, incident.id);
  if (!ack) return false;
  log.info(
    { acknowledged: ack.incidentId, by: ack.by },
    "recurrence of an acknowledged incident: not paging",
  );
  return true;
}

/** Run one leased job through its stages; errors are the worker's to handle (it retries with backoff). */
export async function runJobStages(deps: JobStagesDeps, job: Job, ctx: JobContext): Promise<void> {
  const { store, now } = deps;
  // Load.
  let incident = await store.getIncident(job.incidentId);
  if (!incident) return await store.completeJob(job.id, ctx.owner);

  // Ordering gate.
  const gate = orderingGate(job, incident, ctx.maxAttempts);
  if (!gate.go && gate.wait)
    return await store.retryJob(job.id, ctx.owner, now() + 1000, "waiting for the opened deliveries");
  if (!gate.go) return await store.completeJob(job.id, ctx.owner);
  const log = deps.log.child({ incident: incident.id, fingerprint: incident.fingerprint, job: job.id });
  const stepDeps = { ...deps, log };

  // Diagnose.
  if (job.kind === "incident" && !incident.diagnosis) {
    await runDiagnoseStep(stepDeps, incident);
    // Re-read: the diagnosis sets severity and cost, and sinks must show the stored truth.
    incident = (await store.getIncident(job.incidentId)) ?? incident;
  }
  if (ctx.leaseLost()) return;

  // Deliver (an "update" job edits what was delivered instead).
  const giveUp = job.attempts >= ctx.maxAttempts;
  let outcome: DeliverOutcome;
  if (job.kind === "update") outcome = await runUpdateStep(stepDeps, incident, giveUp);
  else {
    const quiet = job.kind === "incident" && (await acknowledgedRepeat(deps, incident, log));
    const skip = quiet ? (sink: Sink) => sink.notifiesPeople === true : gate.skip;
    const event = job.kind === "resolved" ? "resolved" : "opened";
    outcome = await runDeliverStep(stepDeps, incident, event, giveUp, skip);
  }

  // Schedule: done, or back in the queue after a backoff for the sinks still pending.
  if (outcome.pending.length === 0) return await store.completeJob(job.id, ctx.owner);
  const delay = backoffMs(job.attempts, outcome.retryAfterMs);
  log.info({ pending: outcome.pending, retryInMs: delay, attempt: job.attempts }, "delivery will be retried");
  await store.retryJob(job.id, ctx.owner, now() + delay, `pending: ${outcome.pending.join(", ")}`);
}
