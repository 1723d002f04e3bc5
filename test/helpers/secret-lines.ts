/** Turn the secret corpus into what ai-monitor receives: tracing JSON lines, Alertmanager and Grafana bodies. */
import type { CorpusEntry } from "../fixtures/secret-corpus.js";

/** The fields of a log line that carries `entry` where its placement says. */
function lineParts(entry: CorpusEntry, i: number) {
  const fields: Record<string, unknown> = { message: `corpus ${i} failed`, error_code: `SEC_${i}` };
  const extra: Record<string, unknown> = {};
  switch (entry.placement) {
    case "message":
      fields.message = `corpus ${i} failed: ${entry.text}`;
      break;
    case "field":
      fields.detail = entry.text;
      break;
    case "sensitive-field":
      fields[i % 2 === 0 ? "password" : "dbPassword"] = entry.secret;
      break;
    case "nested-field":
      fields.upstream = { settings: { client_secret: entry.secret, region: "eu-west-1" } };
      break;
    case "field-key":
      fields[entry.secret] = "present";
      break;
    case "span":
      extra.span = { name: "http_request", request_id: `req_${i}`, password: entry.secret };
      extra.spans = [{ name: "http_request", token: entry.secret }];
      break;
  }
  return { fields, extra };
}

/** One ERROR line per entry, each its own fingerprint (error code SEC_i). */
export function corpusLogLines(corpus: readonly CorpusEntry[], atMs: number): string[] {
  return corpus.map((entry, i) => {
    const { fields, extra } = lineParts(entry, i);
    return JSON.stringify({
      timestamp: new Date(atMs + i).toISOString(),
      level: "ERROR",
      fields,
      target: `server::corpus::f${i}`,
      ...extra,
    });
  });
}

/** Padding that puts the middle of `secret` on the `limit`-th character of the label value. */
export function straddling(text: string, secret: string, limit: number): string {
  const at = text.indexOf(secret) + Math.floor(secret.length / 2);
  return "x".repeat(Math.max(0, limit - at)) + text;
}

/** Alert labels and annotations carrying the entries that are text (one alert each). */
function alertOf(entry: CorpusEntry, i: number, prefix: string) {
  return {
    status: "firing",
    labels: {
      alertname: "CorpusAlert",
      error_code: `${prefix}_${i}`,
      target: `server::corpus::a${i}`,
      severity: "critical",
      // Longer than the label limit (1024), the secret straddling the cut.
      detail: straddling(entry.text, entry.secret, 1024),
    },
    annotations: {
      summary: `corpus alert ${i}: ${entry.text}`,
      description: straddling(entry.text, entry.secret, 4096),
    },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: `https://admin:${encodeURIComponent(entry.secret)}@prometheus.fake/graph?g0.expr=x&note=${encodeURIComponent(entry.text)}`,
    fingerprint: `${prefix.toLowerCase()}${i.toString(16).padStart(15, "0")}`,
  };
}

const textual = (corpus: readonly CorpusEntry[]) =>
  corpus.filter((e) => e.placement === "message" || e.placement === "field");

/** An Alertmanager (version 4) body with one alert per textual entry. */
export function corpusAlertmanagerBody(corpus: readonly CorpusEntry[]): Record<string, unknown> {
  const alerts = textual(corpus).map((entry, i) => alertOf(entry, i, "AM"));
  return {
    version: "4",
    receiver: "ai-monitor",
    status: "firing",
    groupLabels: { alertname: "CorpusAlert" },
    commonLabels: { alertname: "CorpusAlert" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.fake:9093",
    groupKey: '{}:{alertname="CorpusAlert"}',
    truncatedAlerts: 0,
    alerts,
  };
}

/** A Grafana (version 1) body with one alert per textual entry, secrets in its links too. */
export function corpusGrafanaBody(corpus: readonly CorpusEntry[]): Record<string, unknown> {
  const alerts = textual(corpus).map((entry, i) => ({
    ...alertOf(entry, i, "GF"),
    silenceURL: `https://grafana.fake/alerting/silence/new?token=${encodeURIComponent(entry.secret)}`,
    dashboardURL: `https://viewer:${encodeURIComponent(entry.secret)}@grafana.fake/d/abc`,
    panelURL: "https://grafana.fake/d/abc?viewPanel=1",
    values: { A: 3 },
    valueString: `[ var='A' labels={detail=${entry.text}} value=3 ]`,
  }));
  return {
    version: "1",
    receiver: "ai-monitor",
    status: "firing",
    orgId: 1,
    state: "alerting",
    title: "[FIRING] CorpusAlert",
    message: "corpus",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "https://grafana.fake/",
    groupKey: "{}",
    truncatedAlerts: 0,
    alerts,
  };
}
