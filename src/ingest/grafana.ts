/**
 * Grafana-managed alerting webhook (contact point type "webhook", payload version 1): Alertmanager's fields
 * plus Grafana's own, mapped to Signals with the same fingerprints as Alertmanager alerts and log lines.
 * @see https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
 */
import { z } from "zod";
import {
  type AlertLabelNames,
  alertFields,
  alertsToBatch,
  alertToSignal,
  MAX_ANNOTATION_CHARS,
  MAX_URL_CHARS,
  notificationFields,
  parseCount,
  redactAlert,
  redactThenTruncate,
  type WebhookBatch,
} from "./alertmanager.js";

const url = z.string().default("");

/** One Grafana alert: an Alertmanager alert plus links and the query values that made it fire; redacted. */
export const grafanaAlertSchema = alertFields
  .extend({
    silenceURL: url,
    dashboardURL: url,
    panelURL: url,
    // Grafana sends null when the rule has no values (no data, error state).
    values: z.record(z.string(), z.number().nullable()).nullable().default(null),
    valueString: z.string().default(""),
  })
  .transform((alert) => ({
    ...redactAlert(alert),
    silenceURL: redactThenTruncate(alert.silenceURL, MAX_URL_CHARS),
    dashboardURL: redactThenTruncate(alert.dashboardURL, MAX_URL_CHARS),
    panelURL: redactThenTruncate(alert.panelURL, MAX_URL_CHARS),
    valueString: redactThenTruncate(alert.valueString, MAX_ANNOTATION_CHARS),
  }));

/** Grafana webhook body without its alerts, validated whole (each alert is validated on its own). */
export const grafanaEnvelopeSchema = z.object({
  ...notificationFields,
  version: z.literal("1"),
  orgId: z.number().int().optional(),
  state: z.string().default(""),
  title: z.string().default(""),
  message: z.string().default(""),
});

/** Grafana webhook body, payload version 1. */
export const grafanaPayloadSchema = grafanaEnvelopeSchema.extend({
  alerts: z.array(grafanaAlertSchema).min(1),
});

export type GrafanaAlert = z.infer<typeof grafanaAlertSchema>;
/** A validated Grafana webhook body. */
export type GrafanaPayload = z.infer<typeof grafanaPayloadSchema>;

/** Pure: the first numeric query value (`{A: 3, C: 1}` -> 3), the count the rule reported; null without one. */
export function firstValue(values: GrafanaAlert["values"]): number | null {
  // Later values are usually the threshold condition (C = 1 when firing), not the observed count.
  const first = Object.values(values ?? {}).find(
    (value) => typeof value === "number" && Number.isFinite(value),
  );
  return parseCount(first);
}

function grafanaExtras(alert: GrafanaAlert): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  for (const key of ["silenceURL", "dashboardURL", "panelURL", "valueString"] as const) {
    if (alert[key] !== "") extras[key] = alert[key];
  }
  return extras;
}

/** Pure: map one firing Grafana alert to a Signal. */
export function grafanaAlertToSignal(alert: GrafanaAlert, names: AlertLabelNames) {
  return alertToSignal(alert, "grafana", names, {
    count: firstValue(alert.values),
    fields: grafanaExtras(alert),
  });
}

/** Pure: a Grafana notification as signals and resolutions. */
export function mapGrafana(payload: GrafanaPayload, names: AlertLabelNames, nowMs: number): WebhookBatch {
  return alertsToBatch(payload.alerts, (a) => grafanaAlertToSignal(a, names), names, nowMs);
}
