/** Shared values of the Store contract parts, and what `runStoreContract` hands each part. */
import type { Diagnosis, Incident, Signal } from "../src/domain/types.js";
import type { FileOffset, IngestOutcome, Store } from "../src/store/store.js";

/** One minute and one hour in ms, and the contract's reference time and fingerprint. */
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
export const FP = "DB_TIMEOUT:app::db";

/** The ingest policy of the contract (5-minute window, 1-hour backfill age) at `now`. */
export const policyAt = (now: number) => ({ windowMs: 5 * MIN, maxAgeMs: HOUR, now });

/** A realistic file signal; override what a test is about. */
export function makeSignal(overrides: Partial<Signal> = {}): Signal {
  return {
    fingerprint: FP,
    errorCode: "DB_TIMEOUT",
    target: "app::db",
    level: "ERROR",
    message: "query timed out after 5000ms",
    timestampMs: T0,
    requestId: "req-1",
    fields: { pool: "main", attempt: 3 },
    source: "file",
    count: 1,
    ...overrides,
  };
}

/** A file offset past a hashed head; override what a test is about. */
export const offsetOf = (overrides: Partial<FileOffset> = {}): FileOffset => ({
  dev: 2049,
  ino: 2 ** 40 + 7,
  path: "/var/log/app/server.log",
  offset: 4096,
  headHash: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
  headLen: 256,
  ...overrides,
});

/** A complete diagnosis; override what a test is about. */
export const diagnosis = (overrides: Partial<Diagnosis> = {}): Diagnosis => ({
  severity: "critical",
  title: "Database pool exhausted",
  rootCause: "Connections leak on the retry path.",
  impact: "Checkout requests fail.",
  recommendation: ["Raise the pool size", "Release connections on retry"],
  autoFixable: false,
  fixSuggestion: null,
  confidence: 0.8,
  by: "offline",
  runbookUrl: "https://runbooks.example/db-timeout",
  costUsd: 0.012,
  skippedReason: null,
  ...overrides,
});

/** What each part of the contract gets: the running test's store and shortcuts over it. */
export interface ContractContext {
  /** The store of the running test (a fresh one per test). */
  store(): Store;
  /** Another initialised store on the same database, as a second process would have (or the same one). */
  secondStore(): Promise<Store>;
  /** Ingest one signal (`makeSignal(overrides)`) found at `now` and return its outcome. */
  ingestOne(overrides: Partial<Signal>, now?: number): Promise<IngestOutcome>;
  /** Ingest one signal that must open a new incident. */
  newIncident(overrides?: Partial<Signal>, now?: number): Promise<Extract<IngestOutcome, { kind: "new" }>>;
  /** The stored incident; throws when it is missing. */
  incident(id: string): Promise<Incident>;
}
