/** ai-monitor's own Prometheus metrics: one registry, created here and passed in (no global state). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Bounded label values for signal outcomes. */
export const SIGNAL_OUTCOMES = ["new", "duplicate", "backfill", "resent", "junk"] as const;
const SOURCES = ["file", "alertmanager", "grafana"] as const;

/** Create the registry and every metric, with known label combinations pre-created at zero. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "ai_monitor_" });
  const signals = new Counter({
    name: "ai_monitor_signals_total",
    help: "Signals seen, by source and outcome (new incident, duplicate in window, backfill, resent, junk).",
    labelNames: ["source", "outcome"] as const,
    registers: [registry],
  });
  for (const source of SOURCES) for (const outcome of SIGNAL_OUTCOMES) signals.inc({ source, outcome }, 0);
  const junkLines = new Counter({
    name: "ai_monitor_junk_lines_total",
    help: "Log lines skipped: not JSON, cut off, or over the line size limit.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  for (const reason of ["not_json", "cut_off", "oversize"]) junkLines.inc({ reason }, 0);
  const incidents = new Counter({
    name: "ai_monitor_incidents_total",
    help: "Incidents diagnosed, by severity.",
    labelNames: ["severity"] as const,
    registers: [registry],
  });
  for (const severity of ["critical", "high", "medium", "low"]) incidents.inc({ severity }, 0);
  const detectionSeconds = new Histogram({
    name: "ai_monitor_detection_seconds",
    help: "From the occurrence's own time (log timestamp, alert startsAt) to the incident being stored.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const notifySeconds = new Histogram({
    name: "ai_monitor_notify_seconds",
    help: "From the occurrence's own time to the first successful sink delivery.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const diagnosisSkips = new Counter({
    name: "ai_monitor_diagnosis_skipped_total",
    help: "Diagnoses skipped, by reason (rate_limited, over_budget).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  diagnosisSkips.inc({ reason: "rate_limited" }, 0);
  const deliveries = new Counter({
    name: "ai_monitor_deliveries_total",
    help: "Sink delivery attempts by sink and outcome (ok, retry, failed).",
    labelNames: ["sink", "outcome"] as const,
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: "ai_monitor_queue_depth",
    help: "Jobs waiting or running in the durable queue.",
    registers: [registry],
  });
  const queueOldestSeconds = new Gauge({
    name: "ai_monitor_queue_oldest_seconds",
    help: "Age of the oldest job in the queue.",
    registers: [registry],
  });
  const tailerLagBytes = new Gauge({
    name: "ai_monitor_tailer_lag_bytes",
    help: "Bytes written to tailed files and not yet processed.",
    labelNames: ["path"] as const,
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: "ai_monitor_http_requests_total",
    help: "HTTP requests by route and status code.",
    labelNames: ["route", "status"] as const,
    registers: [registry],
  });
  return {
    registry,
    signals,
    junkLines,
    incidents,
    detectionSeconds,
    notifySeconds,
    diagnosisSkips,
    deliveries,
    queueDepth,
    queueOldestSeconds,
    tailerLagBytes,
    httpRequests,
  };
}

/** The metrics bundle passed to every factory. */
export type Metrics = ReturnType<typeof createMetrics>;
