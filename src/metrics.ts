/** ai-monitor's own Prometheus metrics: one registry, created here and passed in (no global state). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Reasons of ai_monitor_junk_lines_total: skipped lines, and lines read after stripping padding. */
export const JUNK_REASONS = ["not_json", "cut_off", "oversize", "bom", "nul_padding", "too_deep"] as const;
/** Bounded label values for signal outcomes. */
export const SIGNAL_OUTCOMES = ["new", "duplicate", "backfill", "resent", "junk"] as const;
const SOURCES = ["file", "alertmanager", "grafana"] as const;
/** Bounded label values of `ai_monitor_llm_calls_total{outcome}`. */
export const LLM_CALL_OUTCOMES = ["ok", "error", "timeout", "rate_limited", "invalid_output"] as const;
/** Token kinds as the Anthropic usage object reports them (`ai_monitor_llm_tokens_total{kind}`). */
export const LLM_TOKEN_KINDS = ["input", "output", "cache_write", "cache_read"] as const;
/** Budget periods (`ai_monitor_llm_budget_usd{period}`, `ai_monitor_llm_spent_usd{period}`). */
export const BUDGET_PERIODS = ["day", "month"] as const;
/** Why a diagnosis was skipped (`ai_monitor_diagnosis_skipped_total{reason}`). */
export const SKIP_REASONS = ["rate_limited", "over_budget"] as const;
/** Delivery outcomes (`ai_monitor_deliveries_total{outcome}`). */
export const DELIVERY_OUTCOMES = ["ok", "retry", "failed"] as const;

// Log time -> incident and log time -> first message: the goal is under 5 minutes, so 300 s is a bucket edge.
const LATENCY_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 30, 60, 120, 300, 600];
// A webhook answers in milliseconds (one store transaction); the web page and API in tens of milliseconds.
const HTTP_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// An LLM diagnosis takes seconds to a minute or two (thinking, SDK retries included); the timeout is the cap.
const LLM_BUCKETS_S = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
/**
 * prom-client's default metrics include three gauges named `*_total` (active handles, requests, resources);
 * `promtool check metrics` rejects that suffix on a non-counter. Their per-type twins (`nodejs_active_handles`
 * etc., summed by Grafana if needed) carry the same information.
 */
const NON_COUNTER_TOTALS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/** Options of `createMetrics`: label values known at start-up get their series created at zero. */
export interface MetricsOptions {
  /**
   * Also export Node's process metrics (CPU, memory, event loop lag) under their standard names
   * (`process_*`, `nodejs_*`, as every Node.js dashboard expects; the `job` label tells services apart).
   */
  defaultMetrics?: boolean;
  /** What `ai_monitor_build_info` reports; without it the gauge reads version "unknown", store "none". */
  build?: { version: string; store: string };
  /** LLM models configured (e.g. `[config.anthropic.model]`): their call, token and cost series start at 0. */
  llmModels?: readonly string[];
  /** Sink names enabled (e.g. `["console", "discord"]`): their delivery series start at 0. */
  sinks?: readonly string[];
}

/** Create the registry and every metric, with known label combinations pre-created at zero. */
export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) {
    collectDefaultMetrics({ register: registry });
    for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
  }
  const models = options.llmModels ?? [];
  const buildInfo = new Gauge({
    name: "ai_monitor_build_info",
    help: "Always 1: the running ai-monitor's version, Node.js version and store backend, as labels.",
    labelNames: ["version", "node", "store"] as const,
    registers: [registry],
  });
  buildInfo.set(
    {
      version: options.build?.version ?? "unknown",
      node: process.version,
      store: options.build?.store ?? "none",
    },
    1,
  );
  const signals = new Counter({
    name: "ai_monitor_signals_total",
    help: "Signals seen, by source and outcome (new incident, duplicate in window, backfill, resent, junk).",
    labelNames: ["source", "outcome"] as const,
    registers: [registry],
  });
  for (const source of SOURCES) for (const outcome of SIGNAL_OUTCOMES) signals.inc({ source, outcome }, 0);
  const junkLines = new Counter({
    name: "ai_monitor_junk_lines_total",
    help: "Log lines skipped (not_json, cut_off, oversize, too_deep), or read after stripping a byte-order mark (bom) or NUL padding (nul_padding).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  for (const reason of JUNK_REASONS) junkLines.inc({ reason }, 0);
  const timestampsReplaced = new Counter({
    name: "ai_monitor_timestamps_replaced_total",
    help: "Signals whose own time was missing or outside 2000 .. now + 1 day, stored with the receive time instead.",
    labelNames: ["source"] as const,
    registers: [registry],
  });
  for (const source of SOURCES) timestampsReplaced.inc({ source }, 0);
  // reason: the alert field at fault (the schema's keys) or "alert", so the label set stays bounded.
  const webhookAlertsRefused = new Counter({
    name: "ai_monitor_webhook_alerts_refused_total",
    help: "Webhook alerts refused as invalid (the rest of their notification is stored), by source and field.",
    labelNames: ["source", "reason"] as const,
    registers: [registry],
  });
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
    buckets: LATENCY_BUCKETS_S,
    registers: [registry],
  });
  const notifySeconds = new Histogram({
    name: "ai_monitor_notify_seconds",
    help: "From the occurrence's own time to the first successful sink delivery.",
    buckets: LATENCY_BUCKETS_S,
    registers: [registry],
  });
  const diagnosisSkips = new Counter({
    name: "ai_monitor_diagnosis_skipped_total",
    help: "Diagnoses skipped, by reason (rate_limited, over_budget).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  for (const reason of SKIP_REASONS) diagnosisSkips.inc({ reason }, 0);
  const llmCalls = new Counter({
    name: "ai_monitor_llm_calls_total",
    help: "LLM API calls by model and outcome (ok, error, timeout, rate_limited, invalid_output).",
    labelNames: ["model", "outcome"] as const,
    registers: [registry],
  });
  for (const model of models) for (const outcome of LLM_CALL_OUTCOMES) llmCalls.inc({ model, outcome }, 0);
  const llmCallSeconds = new Histogram({
    name: "ai_monitor_llm_call_duration_seconds",
    help: "Duration of one LLM API call (the SDK's own retries included), by model and outcome.",
    labelNames: ["model", "outcome"] as const,
    buckets: LLM_BUCKETS_S,
    registers: [registry],
  });
  for (const model of models)
    for (const outcome of LLM_CALL_OUTCOMES) llmCallSeconds.zero({ model, outcome });
  const llmTokens = new Counter({
    name: "ai_monitor_llm_tokens_total",
    help: "LLM tokens billed, by model and kind (input, output, cache_write, cache_read).",
    labelNames: ["model", "kind"] as const,
    registers: [registry],
  });
  for (const model of models) for (const kind of LLM_TOKEN_KINDS) llmTokens.inc({ model, kind }, 0);
  const llmCostUsd = new Counter({
    name: "ai_monitor_llm_cost_usd_total",
    help: "LLM spend in US dollars, by model, computed from the token counts and the model's price.",
    labelNames: ["model"] as const,
    registers: [registry],
  });
  for (const model of models) llmCostUsd.inc({ model }, 0);
  const llmBudgetUsd = new Gauge({
    name: "ai_monitor_llm_budget_usd",
    help: "Configured LLM budget in US dollars per period (day, month); 0 when no budget is set.",
    labelNames: ["period"] as const,
    registers: [registry],
  });
  const llmSpentUsd = new Gauge({
    name: "ai_monitor_llm_spent_usd",
    help: "LLM spend in US dollars in the current period (day, month), from the shared store's call ledger.",
    labelNames: ["period"] as const,
    registers: [registry],
  });
  for (const period of BUDGET_PERIODS) {
    llmBudgetUsd.set({ period }, 0);
    llmSpentUsd.set({ period }, 0);
  }
  const deliveries = new Counter({
    name: "ai_monitor_deliveries_total",
    help: "Sink delivery attempts by sink and outcome (ok, retry, failed).",
    labelNames: ["sink", "outcome"] as const,
    registers: [registry],
  });
  for (const sink of options.sinks ?? [])
    for (const outcome of DELIVERY_OUTCOMES) deliveries.inc({ sink, outcome }, 0);
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
  const httpRequestSeconds = new Histogram({
    name: "ai_monitor_http_request_duration_seconds",
    help: "HTTP requests by method, route pattern (never the raw path) and status code, with their duration.",
    labelNames: ["method", "route", "code"] as const,
    buckets: HTTP_BUCKETS_S,
    registers: [registry],
  });
  return {
    registry,
    signals,
    junkLines,
    timestampsReplaced,
    webhookAlertsRefused,
    incidents,
    detectionSeconds,
    notifySeconds,
    diagnosisSkips,
    llmCalls,
    llmCallSeconds,
    llmTokens,
    llmCostUsd,
    llmBudgetUsd,
    llmSpentUsd,
    deliveries,
    queueDepth,
    queueOldestSeconds,
    tailerLagBytes,
    httpRequestSeconds,
    buildInfo,
  };
}

/** The metrics bundle passed to every factory. */
export type Metrics = ReturnType<typeof createMetrics>;

/** Create the delivery series of sinks known only after the registry (main builds sinks later), at 0. */
export function zeroDeliverySeries(metrics: Metrics, sinks: readonly string[]): void {
  for (const sink of sinks)
    for (const outcome of DELIVERY_OUTCOMES) metrics.deliveries.inc({ sink, outcome }, 0);
}
