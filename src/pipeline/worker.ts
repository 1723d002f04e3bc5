/**
 * The worker: leases durable jobs and runs each through its stages (job-stages.ts: load, ordering gate,
 * diagnose, deliver, schedule). This file is the machinery around them: the poll loop, leases and heartbeats.
 * A lease is heartbeated while a job runs; if the process dies, the lease expires (or is released at the next
 * start on the same host) and the job runs again, skipping the steps already recorded as done.
 */
import { hostname } from "node:os";
import type { Logger } from "../log.js";
import { backoffMs } from "../sinks/retry.js";
import type { Job, JobQueue } from "../store/store.js";
import { type JobStagesDeps, runJobStages } from "./job-stages.js";

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

/** The job stages' dependencies (job-stages.ts). */
export type WorkerDeps = JobStagesDeps;

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
      await runJobStages(deps, job, { owner: options.owner, maxAttempts: options.maxAttempts, leaseLost });
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
