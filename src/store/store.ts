/**
 * The Store: every durable fact of ai-monitor behind one async interface, so SQLite (one host) and
 * PostgreSQL (shared by replicas) are interchangeable. Atomicity lives here, not in callers.
 */
import type { ContextBundle, Diagnosis, Incident, Signal } from "../domain/types.js";
import type { IncidentActions } from "./incident-actions.js";
import type { IncidentFilter } from "./incident-filter.js";

export type { AckInput, Acknowledgement, IncidentActions, ResolveInput } from "./incident-actions.js";

/** Durable read position of one tailed file, keyed by device and inode. */
export interface FileOffset {
  dev: number;
  ino: number;
  /** Last path seen for this inode (informational; the key is dev+ino). */
  path: string;
  /** Byte offset just after the last fully processed line. */
  offset: number;
  /** sha1 of the first `headLen` bytes, to tell a recreated file that reused the inode. */
  headHash: string;
  headLen: number;
}

/** How ingest decides windows. `now` is passed in so tests control time. */
export interface IngestPolicy {
  windowMs: number;
  /** Occurrences older than this (relative to now) when first found alert no one. */
  maxAgeMs: number;
  now: number;
}

/** What ingest did with one signal. */
export type IngestOutcome =
  | { kind: "new"; incidentId: string; jobId: string }
  | { kind: "duplicate"; incidentId: string }
  | { kind: "backfill"; incidentId: string }
  | { kind: "resent" };

/** Kinds of durable work. */
export type JobKind = "incident" | "resolved" | "update";

/** A claimed unit of work with its lease. */
export interface Job {
  id: string;
  incidentId: string;
  kind: JobKind;
  attempts: number;
  runAt: number;
  createdAt: number;
}

/** Patch for one delivery record of the outbox. */
export interface DeliveryPatch {
  state: "pending" | "sending" | "sent" | "failed";
  remoteRef?: string | null;
  lastError?: string | null;
  /** Count this as one more attempt. */
  attempt?: boolean;
}

/** Queue figures for metrics and health. */
export interface QueueStats {
  depth: number;
  oldestAgeMs: number;
}

/** Listing options for incidents, newest first. */
export interface ListOptions {
  limit: number;
  /** Only incidents with id lower than this (keyset pagination). */
  beforeId?: string;
  /** Only incidents matching this (status, severities, error code, time). */
  filter?: IncidentFilter;
}

/** One LLM call's usage and cost, for budgets and `ai-monitor cost`. */
export interface LlmCall {
  incidentId: string | null;
  model: string;
  at: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
}

/** Spend of one model since a point in time. */
export interface LlmSpend extends Omit<LlmCall, "incidentId" | "at"> {
  calls: number;
}

/** One spending ceiling: ledger spend at or after `sinceMs`, plus reservations held, stays within `limitUsd`. */
export interface LlmCeiling {
  sinceMs: number;
  limitUsd: number;
}

/** Hold an estimated LLM cost against ceilings until the call is settled, released, or the lease runs out. */
export interface LlmReservationRequest {
  /** Idempotency key (the incident id): asking again while it is held grants it without counting it twice. */
  key: string;
  estimateUsd: number;
  ceilings: readonly LlmCeiling[];
  /** How long an unsettled reservation counts (a crashed process's expires on its own). */
  leaseMs: number;
  now: number;
}

/** The answer to a reservation, with what the decision saw. */
export interface LlmReservation {
  granted: boolean;
  /** Ledger spend per ceiling, in the request's order. */
  spentUsd: number[];
  /** Other live reservations (they count against every ceiling). */
  reservedUsd: number;
}

/** One autofix PR as last polled from GitHub, for the original design's "merged PRs / created PRs" (upserted by URL). */
export interface AutofixPrRecord {
  url: string;
  number: number;
  /** From the PR's markers: the incident and fingerprint it fixes. */
  incidentId: string;
  fingerprint: string;
  state: "open" | "merged" | "closed";
  createdAt: number;
  mergedAt: number | null;
  closedAt: number | null;
}

/** A reviewer's verdict on an incident's diagnosis (`partial`: right in part, counted as not correct). */
export type FeedbackVerdict = "correct" | "partial" | "wrong";

/** One reviewer's current verdict on one incident's diagnosis; a later one by the same reviewer replaces it. */
export interface DiagnosisFeedback {
  incidentId: string;
  reviewer: string;
  verdict: FeedbackVerdict;
  note: string | null;
  at: number;
}

/** Which feedback to read: given in [sinceMs, untilMs) and, when set, about these incidents only. */
export interface FeedbackQuery {
  sinceMs?: number;
  untilMs?: number;
  incidentIds?: readonly string[];
}

/** Opening, closing and readiness of the backend. */
export interface StoreLifecycle {
  /** Backend name for logs ("sqlite", "postgres"). */
  readonly kind: string;
  /** Apply migrations; safe to call on every start. */
  init(): Promise<void>;
  close(): Promise<void>;
  /** Throws if the store does not answer (readiness). */
  ping(): Promise<void>;
}

/** Durable read positions of tailed files (committed with their signals by `IncidentStore.ingest`). */
export interface OffsetStore {
  getOffset(dev: number, ino: number): Promise<FileOffset | null>;
  /** Whether any file offset was ever stored (false only before the very first tail). */
  hasOffsets(): Promise<boolean>;
  saveOffset(offset: FileOffset): Promise<void>;
}

/** Incidents: deduplicated in, diagnosed, read back. */
export interface IncidentStore {
  /**
   * In one transaction: dedup each signal into its fingerprint's window, create incidents and their
   * jobs for new ones, and save the file offset if given. Either all of it is stored or none.
   */
  ingest(signals: Signal[], policy: IngestPolicy, offset?: FileOffset): Promise<IngestOutcome[]>;
  /** Mark the open incident of a fingerprint resolved (at `resolvedAt`) and enqueue a "resolved" job. */
  resolve(fingerprint: string, resolvedAt: number, now: number): Promise<string | null>;
  saveDiagnosis(incidentId: string, diagnosis: Diagnosis): Promise<void>;
  /** Store the context bundle the diagnoser was shown. */
  saveContext(incidentId: string, bundle: ContextBundle): Promise<void>;
  getIncident(id: string): Promise<Incident | null>;
  listIncidents(options: ListOptions): Promise<Incident[]>;
}

/** The durable job queue of the worker, with leases. */
export interface JobQueue {
  /** Lease up to `limit` due jobs to `owner` until now + leaseMs: most severe incident first, then oldest. */
  claimJobs(owner: string, leaseMs: number, limit: number, now: number): Promise<Job[]>;
  /** Extend a lease still held by owner; false if it was lost. */
  extendLease(jobId: string, owner: string, leaseMs: number, now: number): Promise<boolean>;
  completeJob(jobId: string, owner: string): Promise<void>;
  /** Give the job back to run again at runAt, recording the error. */
  retryJob(jobId: string, owner: string, runAt: number, error: string): Promise<void>;
  /** Release every lease held by owner (graceful shutdown, or a dead owner on this host). */
  releaseLeases(owner: string): Promise<number>;
  /** Owners currently holding leases (to find dead local processes). */
  leaseOwners(): Promise<string[]>;
  queueStats(now: number): Promise<QueueStats>;
  /** Enqueue a job for an existing incident (e.g. "update": edit sink messages after a new link). */
  enqueueJob(incidentId: string, kind: JobKind, runAt: number, now: number): Promise<string>;
}

/** Rate-limit tokens shared by every process of the store. */
export interface TokenStore {
  /**
   * Sliding-window limiter: record one use of `bucket` for `key` if fewer than `limit` uses happened in
   * the last windowMs. Idempotent per key: asking again for the same key returns the first answer.
   */
  takeToken(bucket: string, key: string, limit: number, windowMs: number, now: number): Promise<boolean>;
}

/** The LLM ledger: calls made, spend, and reservations held against budgets. */
export interface LlmLedger {
  /** Append one LLM call to the ledger. */
  recordLlmCall(call: LlmCall): Promise<void>;
  /** Spend per model of calls at or after sinceMs, ordered by model. */
  llmSpend(sinceMs: number): Promise<LlmSpend[]>;
  /**
   * In one transaction serialised across instances: sum each ceiling's spend plus other live reservations and,
   * if the estimate fits every ceiling (`fitsCeilings`), hold it for `key`. Expired reservations count for nothing.
   */
  reserveLlmBudget(request: LlmReservationRequest): Promise<LlmReservation>;
  /** Drop `key`'s reservation; with `call`, append it to the ledger in the same transaction (real cost replaces estimate). */
  settleLlmReservation(key: string, call: LlmCall | null): Promise<void>;
}

/** The outbox: one delivery record per incident and sink. */
export interface Outbox {
  /** Create pending delivery records for sinks that have none yet. */
  ensureDeliveries(incidentId: string, sinks: string[], now: number): Promise<void>;
  updateDelivery(incidentId: string, sink: string, patch: DeliveryPatch, now: number): Promise<void>;
}

/** Autofix PRs as last polled from GitHub. */
export interface AutofixPrStore {
  /** Upsert autofix PRs by URL: the latest poll's state and times replace what was stored. */
  saveAutofixPrs(prs: readonly AutofixPrRecord[], now: number): Promise<void>;
  /** Autofix PRs created at or after sinceMs, oldest first. */
  listAutofixPrs(sinceMs: number): Promise<AutofixPrRecord[]>;
}

/** Reviewers' verdicts on diagnoses. */
export interface FeedbackStore {
  /** Record a verdict, replacing the reviewer's earlier (not a later) one on that incident; throws when the incident is unknown. */
  saveDiagnosisFeedback(feedback: DiagnosisFeedback): Promise<void>;
  /** Current verdicts matching the query, oldest first. */
  listDiagnosisFeedback(query: FeedbackQuery): Promise<DiagnosisFeedback[]>;
}

/** The durable store: the intersection of every role, in one backend. Every method is atomic on its own. */
export interface Store
  extends StoreLifecycle,
    OffsetStore,
    IncidentStore,
    JobQueue,
    TokenStore,
    LlmLedger,
    Outbox,
    AutofixPrStore,
    FeedbackStore,
    IncidentActions {}
