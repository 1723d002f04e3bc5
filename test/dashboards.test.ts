/**
 * The provisioned Grafana dashboards and the Prometheus rules, checked against what really exists: every panel's
 * datasource uid is provisioned, every PromQL expression selects a metric ai-monitor exports (from the live
 * registry of createMetrics), every LogQL expression parses with @grafana/lezer-logql.
 */
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../src/metrics.js";
import {
  allPanels,
  type Dashboard,
  dashboardVariables,
  exportedNames,
  logqlErrors,
  type PanelQuery,
  panelQueries,
  promqlMetricNames,
  readJson,
  readYaml,
  repoPath,
  substituteVariables,
} from "./helpers/stack-tools.js";

interface ProvisionedDatasource {
  uid: string;
  type: string;
  jsonData?: { derivedFields?: Array<{ url: string; datasourceUid: string }> };
}
const datasources = readYaml<{ datasources: ProvisionedDatasource[] }>(
  "grafana/provisioning/datasources/datasources.yaml",
).datasources;
const uidType = new Map(datasources.map((d) => [d.uid, d.type]));
const dashboardFiles = readdirSync(repoPath("grafana/dashboards")).filter((f) => f.endsWith(".json"));
const dashboards = dashboardFiles.map((f) => readJson<Dashboard>("grafana/dashboards", f));
/** Series Prometheus itself adds to every scrape, not ai-monitor's. */
const PROMETHEUS_BUILTINS = new Set(["up"]);

let exported: Set<string>;
beforeAll(async () => {
  // As main.ts builds it (process metrics on), with label values given so every family is present.
  exported = await exportedNames(
    createMetrics({ defaultMetrics: true, llmModels: ["model"], sinks: ["console"] }).registry,
  );
});

/** Pure: PromQL queries that name a metric ai-monitor does not export, as "dashboard / panel: metric". */
function unknownMetrics(queries: PanelQuery[], known: Set<string>): string[] {
  return queries.flatMap((q) =>
    promqlMetricNames(q.expr ?? "")
      .filter((name) => !known.has(name) && !PROMETHEUS_BUILTINS.has(name))
      .map((name) => `${q.dashboard} / ${q.panel}: ${name}`),
  );
}

const byType = (type: string) =>
  dashboards.flatMap((d) =>
    panelQueries(d)
      .filter((q) => q.datasourceType === type)
      .map((q) => ({ ...q, expr: q.expr && substituteVariables(q.expr, dashboardVariables(d)) })),
  );

/** LogQL found in Explore links (dashboard links and panel data links), URL-decoded. */
function exploreLinkQueries(dashboard: Dashboard): string[] {
  const urls = [
    ...(dashboard.links ?? []).map((l) => l.url ?? ""),
    ...Array.from(JSON.stringify(dashboard.panels).matchAll(/"url":"(\/explore[^"]*)"/g), (m) => m[1]!),
  ].filter((u) => u.startsWith("/explore"));
  return urls.flatMap((url) => {
    const panes = JSON.parse(decodeURIComponent(new URL(url, "http://grafana").searchParams.get("panes")!));
    return Object.values(panes as Record<string, { queries: Array<{ expr: string }> }>).flatMap((p) =>
      p.queries.map((q) => substituteVariables(q.expr, { "__data.fields.error_code": "AI_003" })),
    );
  });
}

describe("Grafana provisioning", () => {
  it("provisions Loki, Prometheus and PostgreSQL with stable, distinct uids", () => {
    expect([...uidType.entries()].sort()).toEqual([
      ["ai-monitor-loki", "loki"],
      ["ai-monitor-postgres", "grafana-postgresql-datasource"],
      ["ai-monitor-prometheus", "prometheus"],
    ]);
  });

  it("ships the overview, errors and incidents dashboards with unique uids, linked to each other", () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual([
      "ai-monitor-errors",
      "ai-monitor-incidents",
      "ai-monitor-overview",
    ]);
    const uids = new Set(dashboards.map((d) => d.uid));
    const links = dashboards.flatMap((d) => (d.links ?? []).map((l) => l.url ?? ""));
    for (const link of links.filter((l) => l.startsWith("/d/"))) expect(uids).toContain(link.slice(3));
  });

  it("every panel and query uses a provisioned datasource uid of the matching type", () => {
    const problems: string[] = [];
    for (const d of dashboards) {
      for (const panel of allPanels(d)) {
        const uid = panel.datasource?.uid;
        if (panel.type !== "row" && (!uid || !uidType.has(uid)))
          problems.push(`${d.uid} / ${panel.title}: panel datasource ${uid}`);
      }
      for (const q of panelQueries(d)) {
        if (!q.datasourceUid || uidType.get(q.datasourceUid) !== q.datasourceType)
          problems.push(`${d.uid} / ${q.panel}: query datasource ${q.datasourceUid} (${q.datasourceType})`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("PromQL names only metrics ai-monitor exports", () => {
  it("every dashboard expression", () => {
    const queries = byType("prometheus");
    expect(queries.length).toBeGreaterThan(20);
    expect(unknownMetrics(queries, exported)).toEqual([]);
  });

  it("every Prometheus alert rule", () => {
    const rules = readYaml<{ groups: Array<{ rules: Array<{ alert: string; expr: string }> }> }>(
      "prometheus/rules/ai-monitor.rules.yml",
    ).groups.flatMap((g) => g.rules);
    const queries = rules.map((r) => ({
      dashboard: "prometheus/rules",
      panel: r.alert,
      datasourceUid: undefined,
      datasourceType: "prometheus",
      expr: r.expr,
    }));
    expect(unknownMetrics(queries, exported)).toEqual([]);
  });

  it("the check fails for a panel naming a metric ai-monitor does not export", () => {
    const bogus: PanelQuery = {
      dashboard: "test",
      panel: "bogus",
      datasourceUid: "ai-monitor-prometheus",
      datasourceType: "prometheus",
      expr: 'sum by (le) (rate(ai_monitor_bogus_seconds_bucket{job="x"}[5m])) / on (job) ai_monitor_queue_depth',
    };
    expect(unknownMetrics([bogus], exported)).toEqual(["test / bogus: ai_monitor_bogus_seconds_bucket"]);
  });

  it("extracts metric names, not functions, labels, keywords or durations", () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (le, job) (rate(a_bucket{le="+Inf", x=~"b|c"}[5m] offset 1h))) > 300 ' +
          "and on (job) max_over_time(b[10m:1m]) unless bool c or vector(0)",
      ).sort(),
    ).toEqual(["a_bucket", "b", "c"]);
  });

  it("the overview shows detection, notify, severity, cost, budget, tokens, skips, deliveries and queue", () => {
    const overview = dashboards.find((d) => d.uid === "ai-monitor-overview")!;
    const used = new Set(panelQueries(overview).flatMap((q) => promqlMetricNames(q.expr ?? "")));
    for (const name of [
      "ai_monitor_detection_seconds_bucket",
      "ai_monitor_notify_seconds_bucket",
      "ai_monitor_incidents_total",
      "ai_monitor_llm_cost_usd_total",
      "ai_monitor_llm_spent_usd",
      "ai_monitor_llm_budget_usd",
      "ai_monitor_llm_tokens_total",
      "ai_monitor_llm_calls_total",
      "ai_monitor_diagnosis_skipped_total",
      "ai_monitor_deliveries_total",
      "ai_monitor_queue_depth",
      "ai_monitor_queue_oldest_seconds",
      "ai_monitor_llm_call_duration_seconds_bucket",
      "ai_monitor_http_request_duration_seconds_bucket",
    ])
      expect(used, name).toContain(name);
  });
});

describe("LogQL parses with @grafana/lezer-logql", () => {
  it("every Loki panel query", () => {
    const queries = byType("loki");
    expect(queries.length).toBeGreaterThanOrEqual(4);
    const broken = queries.filter((q) => logqlErrors(q.expr ?? "").length > 0);
    expect(broken.map((q) => `${q.panel}: ${q.expr}`)).toEqual([]);
  });

  it("every Explore link and the request_id derived field", () => {
    const links = dashboards.flatMap(exploreLinkQueries);
    expect(links.length).toBeGreaterThanOrEqual(2);
    const derived = datasources.flatMap((d) => d.jsonData?.derivedFields ?? []);
    expect(derived.map((f) => f.datasourceUid)).toEqual(["ai-monitor-loki"]);
    const all = [...links, ...derived.map((f) => substituteVariables(f.url, { "__value.raw": "req_1" }))];
    expect(all.filter((q) => logqlErrors(q).length > 0)).toEqual([]);
  });

  it("the Loki ruler's alert expressions, the OpenTelemetry variant included", () => {
    const files = ["loki/rules", "loki/rules-otel"].flatMap((dir) =>
      readdirSync(repoPath(dir, "fake")).map((f) => `${dir}/fake/${f}`),
    );
    expect(files).toHaveLength(2);
    const rules = files.flatMap((file) =>
      readYaml<{ groups: Array<{ rules: Array<{ expr: string }> }> }>(file).groups.flatMap((g) => g.rules),
    );
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const rule of rules) expect(logqlErrors(rule.expr), rule.expr).toEqual([]);
  });

  it("the check reports a broken query", () => {
    expect(logqlErrors('sum(rate({job="server"} |= "x" [5m])')).not.toEqual([]);
    expect(logqlErrors('{job="server"} | json | level=')).not.toEqual([]);
  });
});

describe("incidents dashboard (PostgreSQL, ha profile)", () => {
  it("reads the incidents table with severity, count, root cause and links", () => {
    const incidents = dashboards.find((d) => d.uid === "ai-monitor-incidents")!;
    const sql = panelQueries(incidents).map((q) => q.rawSql ?? "");
    expect(sql.length).toBeGreaterThanOrEqual(2);
    const table = sql.find((s) => s.includes("rootCause"))!;
    for (const column of ["severity", "count", "fingerprint", "deliveries", "last_seen"])
      expect(table).toContain(column);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's data-link variable, not a JS template
    expect(JSON.stringify(incidents.panels)).toContain("/api/incidents/${__value.raw}");
  });
});
