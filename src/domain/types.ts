/** Core domain types shared by every stage. Pure data: no I/O lives here. */

/** Log levels as tracing writes them, normalised to upper case. */
export type Level = "ERROR" | "WARN" | "INFO" | "DEBUG" | "TRACE";

/** Incident severity, the original design's four grades. */
export type Severity = "critical" | "high" | "medium" | "low";

/** Where a Signal came from. */
export type SignalSource = "file" | "alertmanager" | "grafana";

/** One normalised occurrence of an error, whatever its source. */
export interface Signal {
  fingerprint: string;
  errorCode: string | null;
  target: string;
  level: Level;
  message: string;
  /** Occurrence time in ms since the epoch (log timestamp or alert startsAt). */
  timestampMs: number;
  requestId: string | null;
  /** Remaining structured fields of the log line or labels of the alert (already bounded). */
  fields: Record<string, unknown>;
  source: SignalSource;
  /** How many occurrences this signal stands for (an alert may report several). */
  count: number;
  /** Source file and line when the log carries them (`with_file`, `with_line_number`). */
  filename?: string | null;
  lineNumber?: number | null;
  /** Severity hint from an alert label, if any. */
  severityHint?: string | null;
  /** Link back to the producer (alert generatorURL). */
  url?: string | null;
  /**
   * Idempotency key: a second signal with the same key is ignored entirely (a resent webhook).
   * File signals need none: their exactly-once comes from committing offsets with the signals.
   */
  dedupKey?: string | null;
}

/** One piece of evidence for diagnosis, shown to the diagnoser as untrusted data. */
export interface ContextItem {
  /** Stable id the diagnosis can cite as evidence ("logs:request", "source:domain/ai/service.rs"). */
  id: string;
  kind: "logs" | "source" | "git" | "note";
  title: string;
  text: string;
}

/** Everything gathered for one incident, as sent to the diagnoser (stored with the incident). */
export interface ContextBundle {
  items: ContextItem[];
  /** Why the bundle is incomplete, one reason per provider that failed or was skipped. */
  partial: string[];
  /** Redactions made while gathering, by kind. */
  redactions?: Record<string, number>;
  /** Estimated size against the token budget. */
  tokens?: { estimated: number; budget: number };
}

/** An exact text edit an LLM proposes for the autofix stage. */
export interface ProposedEdit {
  file: string;
  find: string;
  replace: string;
}

/** The diagnosis of an incident, from the offline catalog or from an LLM. */
export interface Diagnosis {
  severity: Severity;
  title: string;
  rootCause: string;
  impact: string;
  recommendation: string[];
  autoFixable: boolean;
  fixSuggestion: string | null;
  confidence: number;
  /** Which diagnoser produced it: "offline" (catalog) or a model name. */
  by: string;
  runbookUrl: string | null;
  costUsd: number;
  /** Why no LLM diagnosis was made, when it was not (rate limited, over budget, no API key). */
  skippedReason: string | null;
  /** Context item ids that support the diagnosis. */
  evidence?: string[];
  /** When autoFixable: the exact edit proposed (checked by the autofix policy, never trusted). */
  proposedEdit?: ProposedEdit | null;
}

/** State of one (incident, sink) delivery in the outbox. */
export type DeliveryState = "pending" | "sending" | "sent" | "failed";

/** One sink's delivery record for an incident. */
export interface Delivery {
  sink: string;
  state: DeliveryState;
  attempts: number;
  /** Remote reference: Discord message id, issue number, JSONL line key. */
  remoteRef: string | null;
  lastError: string | null;
  updatedAt: number;
}

export type IncidentStatus = "open" | "resolved";

/** One fingerprint inside its window. */
export interface Incident {
  id: string;
  fingerprint: string;
  errorCode: string | null;
  target: string;
  level: Level;
  severity: Severity;
  status: IncidentStatus;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** When ai-monitor stored it (detection time = createdAt - firstSeen). */
  createdAt: number;
  resolvedAt: number | null;
  /** Who resolved it by hand (CLI, API, web page) and why; null for automatic resolutions. */
  resolvedBy: string | null;
  resolutionNote: string | null;
  /** When and by whom it was acknowledged; cleared when it reopens. */
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  source: SignalSource;
  message: string;
  requestId: string | null;
  filename: string | null;
  lineNumber: number | null;
  fields: Record<string, unknown>;
  url: string | null;
  /** Set when the incident alerts no one (a backfill older than maxAge). */
  suppressed: string | null;
  diagnosis: Diagnosis | null;
  /** What the diagnoser was shown (null until gathered). */
  context: ContextBundle | null;
  deliveries: Delivery[];
  costUsd: number;
}
