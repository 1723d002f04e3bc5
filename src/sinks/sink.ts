/**
 * The sink interface, after Alertmanager's notify/: a sink builds its payload, sends once and classifies the
 * response. It never loops; the worker's outbox and `retry.ts` decide when to try again.
 */
import type { Incident } from "../domain/types.js";

/** What is being announced: a new incident, or its resolution. */
export type SinkEvent = "opened" | "resolved";

/** The classified result of one send. */
export type SendResult =
  | { ok: true; remoteRef: string | null }
  | { ok: false; retryable: boolean; retryAfterMs?: number; error: string };

/** One destination for incidents. */
export interface Sink {
  /** Stable name, used as the outbox key ("console", "jsonl", "discord", "github"). */
  readonly name: string;
  /** Which events this sink wants (a GitHub issue is only for critical/high, say). */
  accepts(incident: Incident, event: SinkEvent): boolean;
  send(incident: Incident, event: SinkEvent): Promise<SendResult>;
  /**
   * After a crash between "sent" and "recorded": find an earlier delivery on the remote side, so it is not
   * sent twice. Returns its reference, null when none exists. Sinks that cannot check omit it.
   */
  lookup?(incident: Incident, event: SinkEvent): Promise<string | null>;
  /**
   * True when this sink's remote reference is a link other sinks show (a GitHub issue, a PR URL): a new one
   * enqueues an "update" job, so messages already posted elsewhere gain the link.
   */
  readonly providesLink?: boolean;
  /**
   * True for sinks that notify people (chat, issues): they skip recurrences of an acknowledged incident, and
   * chat sinks fold storms into digests. Records (console, JSONL) keep one entry per incident regardless.
   */
  readonly notifiesPeople?: boolean;
  /**
   * Re-render a message this sink already delivered from the incident's current state (new links, resolved);
   * idempotent, so an "update" job may run it again after a crash. Sinks that cannot edit omit it.
   */
  update?(incident: Incident): Promise<SendResult>;
  /** Post what the sink holds back (a digest in progress) before the process stops. */
  flush?(): Promise<void>;
}

/** The outbox key of a sink for an event. */
export function deliveryKey(sink: string, event: SinkEvent): string {
  return event === "opened" ? sink : `${sink}:resolved`;
}
