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

/** Several entries on one line (fewer incidents for end-to-end runs): fields merged, keys kept apart. */
export function corpusGroupedLines(
  corpus: readonly CorpusEntry[],
  groupSize: number,
  atMs: number,
): string[] {
  const lines: string[] = [];
  for (let g = 0; g * groupSize < corpus.length; g++) {
    const fields: Record<string, unknown> = { error_code: `SEC_GROUP_${g}` };
    const messages: string[] = [];
    const spans: unknown[] = [];
    corpus.slice(g * groupSize, (g + 1) * groupSize).forEach((entry, k) => {
      const i = g * groupSize + k;
      const parts = lineParts(entry, i);
      const { message, error_code: _code, ...rest } = parts.fields;
      if (entry.placement === "message") messages.push(String(message));
      for (const [key, value] of Object.entries(rest)) fields[key in fields ? `${k}_${key}` : key] = value;
      if (parts.extra.span) spans.push(parts.extra.span);
    });
    fields.message = messages.length > 0 ? messages.join(" | ") : `corpus group ${g} failed`;
    lines.push(
      JSON.stringify({
        timestamp: new Date(atMs + g).toISOString(),
        level: "ERROR",
        fields,
        target: `server::corpus::group${g}`,
        ...(spans.length > 0 ? { span: spans[0], spans } : {}),
      }),
    );
  }
  return lines;
}

/** One alert carrying `entries`: each in a label longer than the limit, the summary, the description, a link. */
function alertOf(entries: readonly CorpusEntry[], i: number, prefix: string) {
  const labels: Record<string, string> = {
    alertname: "CorpusAlert",
    error_code: `${prefix}_${i}`,
    target: `server::corpus::a${i}`,
    severity: "critical",
  };
  const descriptions: string[] = [];
  entries.forEach((entry, k) => {
    // Longer than the label limit (1024), the secret straddling the cut.
    labels[`detail_${k}`] = straddling(entry.text, entry.secret, 1024);
    descriptions.push(entry.text);
  });
  const first = entries[0]!;
  return {
    status: "firing",
    labels,
    annotations: {
      summary: `corpus alert ${i}: ${descriptions.join(" | ")}`,
      description: straddling(first.text, first.secret, 4096),
    },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: `https://admin:${encodeURIComponent(first.secret)}@prometheus.fake/graph?g0.expr=x&note=${encodeURIComponent(first.text)}`,
    fingerprint: `${prefix.toLowerCase()}${i.toString(16).padStart(14, "0")}`,
  };
}

function groups<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const textual = (corpus: readonly CorpusEntry[]) =>
  corpus.filter((e) => e.placement === "message" || e.placement === "field");

/** An Alertmanager (version 4) body with one alert per `groupSize` textual entries. */
export function corpusAlertmanagerBody(
  corpus: readonly CorpusEntry[],
  groupSize = 1,
): Record<string, unknown> {
  const alerts = groups(textual(corpus), groupSize).map((entries, i) => alertOf(entries, i, "AM"));
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

/** A Grafana (version 1) body with one alert per `groupSize` textual entries, secrets in its links too. */
export function corpusGrafanaBody(corpus: readonly CorpusEntry[], groupSize = 1): Record<string, unknown> {
  const alerts = groups(textual(corpus), groupSize).map((entries, i) => ({
    ...alertOf(entries, i, "GF"),
    silenceURL: `https://grafana.fake/alerting/silence/new?token=${encodeURIComponent(entries[0]!.secret)}`,
    dashboardURL: `https://viewer:${encodeURIComponent(entries.at(-1)!.secret)}@grafana.fake/d/abc`,
    panelURL: "https://grafana.fake/d/abc?viewPanel=1",
    values: { A: 3 },
    valueString: `[ var='A' labels={detail=${entries.map((e) => e.text).join(" ")}} value=3 ]`,
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
