/**
 * The worker: leases durable jobs and runs their steps (diagnose once, then deliver through the outbox; an
 * "update" job edits messages already delivered).
 * A lease is heartbeated while a job runs; if the process dies, the lease expires (or is released at the next
 * start on the same host) and the job runs again, skipping the steps already recorded as done.
 */
import { hostname } from "node:os";
import type { Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { backoffMs } from "../sinks/retry.js";
import { deliveryKey, type Sink } from "../sinks/sink.js";
import type { IncidentActions, Job, JobQueue } from "../store/store.js";
import { type DeliverStepDeps, runDeliverStep, runUpdateStep } from "./deliver-step.js";
import { type DiagnoseStepDeps, runDiagnoseStep } from "./diagnose-step.js";

/** Worker settings. */
export interface WorkerOptions {
  owner: string;
  leaseMs: number;
  pollMs: number;
  maxAttempts: number;
  concurrency: number;
}

/** The running worker. */
export interface Worker {
  start(): void;
  /** Stop claiming, wait for running jobs, release leases. */
  stop(): Promise<void>;
  /** Look for work now instead of at the next poll. */
  wake(): void;
  /** Process every due job until none is left (one-shot `scan`). */
  drain(): Promise<number>;
}

/** A lease owner id that names this host and process, so a restart can find its dead predecessor's leases. */
export function makeOwnerId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/** Release leases held by processes of this host that are no longer alive (a kill -9 before this start). */
export async function releaseDeadLocalOwners(store: JobQueue, log: Logger): Promise<void> {
  for (const owner of await store.leaseOwners()) {
    const [host, pid] = owner.split(":");
    if (host !== hostname() || !pid || Number(pid) === process.pid) continue;
    let alive = true;
    try {
      process.kill(Number(pid), 0);
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive)
      log.info({ owner, released: await store.releaseLeases(owner) }, "released leases of a dead process");
  }
}

/** Pure: whether the incident's first announcement is still under way (not diagnosed, or deliveries pending). */
export function announcing(incident: Incident): boolean {
  if (incident.suppressed !== null) return false;
  if (incident.diagnosis === null) return true;
  return incident.deliveries.some(
    (d) => !d.sink.includes(":") && (d.state === "pending" || d.state === "sending"),
  );
}

/**
 * Which sinks a job leaves out: a new incident of a fingerprint whose earlier incident someone acknowledged
 * (and that has not resolved) is a repeat they know about, so it pages no one; console and JSONL still record it.
 * A resolution reaches a sink that notifies people only where the opening was announced (not one left out,
 * or folded into a digest).
 */
async function quietSinks(
  store: Pick<IncidentActions, "openAcknowledgement">,
  incident: Incident,
  job: Job,
  log: Logger,
) {
  if (job.kind === "resolved") {
    const announced = new Set(incident.deliveries.map((d) => d.sink));
    return (sink: Sink) => sink.notifiesPeople === true && !announced.has(deliveryKey(sink.name, "opened"));
  }
  if (job.kind !== "incident") return () => false;
  const ack = await store.openAcknowledgement(incident.fingerprint, incident.id);
  if (!ack) return () => false;
  log.info(
    { acknowledged: ack.incidentId, by: ack.by },
    "recurrence of an acknowledged incident: not paging",
  );
  return (sink: Sink) => sink.notifiesPeople === true;
}

/** The steps' dependencies, plus the acknowledgement look-up that keeps a recurrence from paging. */
export type WorkerDeps = DiagnoseStepDeps &
  DeliverStepDeps & { store: Pick<IncidentActions, "openAcknowledgement">; log: Logger; metrics: Metrics };

/** Create the worker over the step dependencies. */
export function createWorker(deps: WorkerDeps, options: WorkerOptions): Worker {
  const { store, log, now } = deps;
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let loop: Promise<void> | null = null;
  let again = false;

  async function runJob(job: Job): Promise<void> {
    // A lease we failed to extend may now belong to another worker: stop before the next step rather than
    // diagnose or send a second time. (What already started finishes; its records make a rerun skip it.)
    let lost = false;
    const heartbeat = setInterval(
      () => {
        store.extendLease(job.id, options.owner, options.leaseMs, now()).then(
          (held) => {
            if (!held) lost = true;
          },
          () => {},
        );
      },
      Math.max(100, options.leaseMs / 3),
    );
    const leaseLost = () => {
      if (lost) log.warn({ job: job.id }, "job lease lost to another worker: leaving the job to it");
      return lost;
    };
    try {
      let incident = await store.getIncident(job.incidentId);
      if (!incident) return await store.completeJob(job.id, options.owner);
      // A resolution claimed beside its incident's first announcement waits for it, so no sink says
      // "resolved" before it said "opened" (bounded: after maxAttempts it goes out anyway).
      if (job.kind === "resolved" && job.attempts < options.maxAttempts && announcing(incident)) {
        return await store.retryJob(job.id, options.owner, now() + 1000, "waiting for the opened deliveries");
      }
      // Reopened by a repeat since this resolution was queued: announcing it now would be false.
      if (job.kind === "resolved" && incident.status !== "resolved")
        return await store.completeJob(job.id, options.owner);
      const child = log.child({ incident: incident.id, fingerprint: incident.fingerprint, job: job.id });
      const event = job.kind === "resolved" ? "resolved" : "opened";
      if (job.kind === "incident" && !incident.diagnosis) {
        await runDiagnoseStep({ ...deps, log: child }, incident);
        // Re-read: the diagnosis sets severity and cost, and sinks must show the stored truth.
        incident = (await store.getIncident(job.incidentId)) ?? incident;
      }
      if (leaseLost()) return;
      const giveUp = job.attempts >= options.maxAttempts;
      const skip = await quietSinks(store, incident, job, child);
      const outcome =
        job.kind === "update"
          ? await runUpdateStep({ ...deps, log: child }, incident, giveUp)
          : await runDeliverStep({ ...deps, log: child }, incident, event, giveUp, skip);
      if (outcome.pending.length === 0) return await store.completeJob(job.id, options.owner);
      const delay = backoffMs(job.attempts, outcome.retryAfterMs);
      child.info(
        { pending: outcome.pending, retryInMs: delay, attempt: job.attempts },
        "delivery will be retried",
      );
      await store.retryJob(job.id, options.owner, now() + delay, `pending: ${outcome.pending.join(", ")}`);
    } catch (err) {
      // Store or programming error: give the job back with backoff; the steps already done stay done. A job
      // that keeps failing this way is dropped after maxAttempts, so it cannot hold the queue's alarms forever.
      if (job.attempts >= options.maxAttempts) {
        log.error(
          { job: job.id, incident: job.incidentId, attempts: job.attempts, err },
          "job failed for good: dropped",
        );
        await store.completeJob(job.id, options.owner).catch(() => {});
        return;
      }
      log.error({ job: job.id, err }, "job failed");
      await store
        .retryJob(job.id, options.owner, now() + backoffMs(job.attempts, undefined), String(err))
        .catch(() => {});
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Claim and run due jobs until none is left; a worker being stopped claims no more (drain always does). */
  async function pass(draining = false): Promise<number> {
    let done = 0;
    while (draining || running) {
      const jobs = await store.claimJobs(options.owner, options.leaseMs, options.concurrency, now());
      if (jobs.length === 0) return done;
      await Promise.all(jobs.map(runJob));
      done += jobs.length;
    }
    return done;
  }

  function schedule(delayMs: number) {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
  }

  function tick() {
    if (!running) return;
    if (loop) {
      again = true;
      return;
    }
    loop = pass()
      .then(async () => {
        const stats = await store.queueStats(now());
        deps.metrics.queueDepth.set(stats.depth);
        deps.metrics.queueOldestSeconds.set(stats.oldestAgeMs / 1000);
      })
      .catch((err) => log.error({ err }, "worker pass failed"))
      .finally(() => {
        loop = null;
        if (again) {
          again = false;
          schedule(0);
        } else schedule(options.pollMs);
      });
  }

  return {
    start() {
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await loop;
      await store.releaseLeases(options.owner);
    },
    wake() {
      if (loop) again = true;
      else schedule(0);
    },
    drain: () => pass(true),
  };
}
