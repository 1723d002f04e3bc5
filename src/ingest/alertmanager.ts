/**
 * Alertmanager webhook payload (version 4): its zod schema and the pure mapping of each alert to a Signal.
 * @see https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */
import { z } from "zod";
import { fingerprintOf } from "../domain/fingerprint.js";
import { redactFields, redactText } from "../domain/redact.js";
import type { Signal, SignalSource } from "../domain/types.js";
import { cutRedacted } from "./bounded-text.js";
import { wellFormedAlert } from "./well-formed-alert.js";

/** Longest label value kept; longer ones are cut, not rejected (a noisy rule must still page). */
export const MAX_LABEL_CHARS = 1024;
/** Longest annotation value kept (descriptions run longer than labels). */
export const MAX_ANNOTATION_CHARS = 4096;
/** Longest generatorURL kept. */
export const MAX_URL_CHARS = 4096;

/** Pure: redact, then cut: a secret at the cut is found whole (a half secret would survive redaction). */
export function redactThenTruncate(value: string, maxChars: number): string {
  return cutRedacted(redactText(value), maxChars);
}

// Redacted whole (names too: a secret can be a label's name, and a label's name can say its value is one), then cut.
function boundRecord(record: Record<string, string>, maxChars: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(redactFields(record)))
    out[key] = cutRedacted(value as string, maxChars);
  return out;
}

const stringRecord = z.record(z.string(), z.string());
const boundedRecord = (maxChars: number) => stringRecord.transform((record) => boundRecord(record, maxChars));

// Alertmanager writes RFC 3339 with up to nanosecond precision; Date.parse keeps the milliseconds.
const timestamp = z.iso.datetime({ offset: true });

/** One alert's fields as Alertmanager posts them, checked but not yet redacted. Unknown keys are dropped. */
export const alertFields = z.object({
  status: z.enum(["firing", "resolved"]),
  labels: stringRecord,
  annotations: stringRecord.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().default(""),
  fingerprint: z.string().min(1).max(256),
});

/** Pure: an alert with its labels, annotations and URL redacted, then cut to their limits. */
export function redactAlert<A extends z.output<typeof alertFields>>(alert: A): A {
  return {
    ...alert,
    labels: boundRecord(alert.labels, MAX_LABEL_CHARS),
    annotations: boundRecord(alert.annotations, MAX_ANNOTATION_CHARS),
    generatorURL: redactThenTruncate(alert.generatorURL, MAX_URL_CHARS),
  };
}

/**
 * One alert as Alertmanager posts it, redacted. One transform for the whole alert: a transform per field cost a
 * storm of alerts more than storing them did (zod's per-transform machinery, not the redaction).
 */
export const alertSchema = alertFields.transform(redactAlert);

/** Pure: what `alertSchema` outputs for a well-formed alert, without zod; null for anything else (zod decides). */
export function quickAlert(item: unknown): AlertmanagerAlert | null {
  const fields = wellFormedAlert(item);
  return fields && redactAlert(fields);
}

/** The notification envelope shared by Alertmanager (version 4) and Grafana (version 1). */
export const notificationFields = {
  receiver: z.string().default(""),
  status: z.enum(["firing", "resolved"]),
  groupLabels: boundedRecord(MAX_LABEL_CHARS).default({}),
  commonLabels: boundedRecord(MAX_LABEL_CHARS).default({}),
  commonAnnotations: boundedRecord(MAX_ANNOTATION_CHARS).default({}),
  externalURL: z.string().default(""),
  groupKey: z.string().default(""),
  truncatedAlerts: z.number().int().min(0).default(0),
};

/** Alertmanager webhook body without its alerts, validated whole (each alert is validated on its own). */
export const alertmanagerEnvelopeSchema = z.object({ ...notificationFields, version: z.literal("4") });

/** Alertmanager webhook body, payload version 4. */
export const alertmanagerPayloadSchema = alertmanagerEnvelopeSchema.extend({
  alerts: z.array(alertSchema).min(1),
});

export type AlertmanagerAlert = z.infer<typeof alertSchema>;
/** A validated Alertmanager webhook body. */
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

/** Which labels carry what (config `webhook.labels`). */
export interface AlertLabelNames {
  errorCode: string;
  target: string;
  /**
   * Where an alert without the target label takes its target from: the first label present; "a/b" joins two
   * labels (namespace/pod) and needs both.
   */
  targetFallbacks: readonly string[];
  severity: string;
  count: string;
}

/** A resolved alert: close the open incident of this fingerprint at `resolvedAt`. */
export interface Resolution {
  fingerprint: string;
  resolvedAtMs: number;
}

/** What one webhook body asks of the intake. */
export interface WebhookBatch {
  signals: Signal[];
  resolutions: Resolution[];
}

/** Extra facts a source adds to the common alert mapping. */
export interface AlertExtras {
  /** Occurrences the rule reported, when it reported some. */
  count?: number | null;
  fields?: Record<string, unknown>;
}

/** Pure: a positive whole count from a label or annotation value ("3", "3.0"), else null. */
export function parseCount(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return Math.min(1_000_000_000, Math.max(1, Math.round(n)));
}

// Alert text comes from log lines (the ruler copies them into labels and annotations): the schema redacted every
// label, annotation and URL (names too) before anything here reads them, so the mapping below does not scan them
// again (a storm paid for each value three times); only what a source adds on top (`extras.fields`) is redacted.
const nonEmpty = (value: string | undefined): string | null => (value && value.trim() !== "" ? value : null);

/** Pure: the fingerprint this alert maps to, shared with a log line of the same error. */
export function alertFingerprint(alert: AlertmanagerAlert, names: AlertLabelNames): string {
  return identityFingerprint(alertIdentity(alert, names));
}

const identityFingerprint = ({ errorCode, target, message, key }: ReturnType<typeof alertIdentity>) =>
  fingerprintOf({ errorCode, target, message: key ?? message });

function fallbackTarget(labels: Record<string, string>, names: AlertLabelNames): string | null {
  for (const name of names.targetFallbacks) {
    const parts = name.split("/").map((part) => nonEmpty(labels[part]));
    if (parts.every((part) => part !== null)) return parts.join("/");
  }
  return null;
}

/**
 * With an error code, the identity a log line of the same error has (`{code}:{target}`). Without one, the
 * alert's own: its alertname on the target the first present label names, so two rules, or one rule on two
 * services, stay two incidents; the message leads with the alertname so the incident shows which rule fired.
 */
function alertIdentity(alert: AlertmanagerAlert, names: AlertLabelNames) {
  const { labels, annotations } = alert;
  const errorCode = nonEmpty(labels[names.errorCode]);
  const text = nonEmpty(annotations.summary) ?? nonEmpty(annotations.description);
  const alertname = nonEmpty(labels.alertname);
  const target = nonEmpty(labels[names.target]) ?? (errorCode ? null : fallbackTarget(labels, names));
  if (errorCode !== null || alertname === null)
    return { errorCode, target: target ?? "unknown", message: text ?? alertname ?? "alert", key: null };
  return {
    errorCode,
    target: target ?? "unknown",
    message: text && text !== alertname ? `${alertname}: ${text}` : alertname,
    key: alertname,
  };
}

/**
 * Pure: map one firing alert, as `alertSchema` output it (redacted), to a Signal. `dedupKey` makes a resent
 * notification a no-op.
 */
export function alertToSignal(
  alert: AlertmanagerAlert,
  source: SignalSource,
  names: AlertLabelNames,
  extras: AlertExtras = {},
): Signal {
  const identity = alertIdentity(alert, names);
  const { errorCode, target, message } = identity;
  const count =
    parseCount(alert.labels[names.count]) ?? parseCount(alert.annotations[names.count]) ?? extras.count ?? 1;
  return {
    fingerprint: identityFingerprint(identity),
    errorCode,
    target,
    level: "ERROR",
    message,
    timestampMs: Date.parse(alert.startsAt),
    requestId: nonEmpty(alert.labels.request_id),
    fields: { ...alert.labels, ...alert.annotations, ...(extras.fields ? redactFields(extras.fields) : {}) },
    source,
    count,
    severityHint: nonEmpty(alert.labels[names.severity]),
    url: nonEmpty(alert.generatorURL),
    // Same alert + same startsAt = the same notification resent (after a 5xx) or repeated (repeat_interval).
    dedupKey: `${source}:${alert.fingerprint}:${alert.startsAt}`,
  };
}

/** Pure: when a resolved alert ended; Alertmanager's zero time or a missing endsAt means "now". */
export function resolvedAtMs(alert: AlertmanagerAlert, nowMs: number): number {
  const endsAt = alert.endsAt ? Date.parse(alert.endsAt) : Number.NaN;
  return Number.isFinite(endsAt) && endsAt > 0 ? endsAt : nowMs;
}

/**
 * Pure: split a notification's alerts into signals (firing) and resolutions (resolved). A fingerprint that
 * still has a firing alert in the same notification is not resolved (two rules can share error code + target).
 */
export function alertsToBatch<A extends AlertmanagerAlert>(
  alerts: A[],
  toSignal: (alert: A) => Signal,
  names: AlertLabelNames,
  nowMs: number,
): WebhookBatch {
  const signals = alerts.filter((a) => a.status === "firing").map(toSignal);
  const firing = new Set(signals.map((s) => s.fingerprint));
  const resolutions = new Map<string, number>();
  for (const alert of alerts) {
    if (alert.status !== "resolved") continue;
    const fingerprint = alertFingerprint(alert, names);
    if (firing.has(fingerprint)) continue;
    resolutions.set(fingerprint, Math.max(resolutions.get(fingerprint) ?? 0, resolvedAtMs(alert, nowMs)));
  }
  return {
    signals,
    resolutions: [...resolutions].map(([fingerprint, at]) => ({ fingerprint, resolvedAtMs: at })),
  };
}

/** Pure: an Alertmanager notification as signals and resolutions. */
export function mapAlertmanager(
  payload: AlertmanagerPayload,
  names: AlertLabelNames,
  nowMs: number,
): WebhookBatch {
  return alertsToBatch(payload.alerts, (a) => alertToSignal(a, "alertmanager", names), names, nowMs);
}
