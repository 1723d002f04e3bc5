/**
 * A real Prometheus (Debian's `prometheus`) scraping a real `ai-monitor serve` (the built CLI) every second,
 * with the shipped alert rules loaded. ERROR lines go into the file ai-monitor tails; the assertions go
 * through Prometheus' query API, as Grafana's do: the detection and notify histograms have data, the LLM cost
 * series exist (at 0: no LLM is wired here, the diagnosis is offline), the rules evaluate cleanly, and every
 * PromQL query of the overview dashboard runs. `promtool check metrics` lints the server's live `/metrics`.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoggedChild, spawnLogged } from "./helpers/logged-child.js";
import { readJsonl, type ServeProcess, startServe } from "./helpers/serve-process.js";
import {
  binaryGate,
  type Dashboard,
  freePort,
  panelQueries,
  readJson,
  repoPath,
  substituteVariables,
} from "./helpers/stack-tools.js";
import { until } from "./helpers/wait.js";

const PROMETHEUS = "/usr/bin/prometheus";
const PROMTOOL = "/usr/bin/promtool";
const WAIT_MS = 20_000;
const gate = binaryGate("prometheus-real.test.ts", [
  { bin: PROMETHEUS, debianPackage: "prometheus" },
  { bin: PROMTOOL, debianPackage: "prometheus" },
]);

let dir: string;
let serve: ServeProcess | null = null;
let prometheus: LoggedChild | null = null;
let prometheusUrl: string;
let logFile: string;
let jsonl: string;

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query through Prometheus' HTTP API. */
async function query(expr: string): Promise<Sample[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: Sample[] } };
  if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
  return body.data!.result;
}

/** How long to wait for Prometheus or ai-monitor; a timeout shows Prometheus' log. */
const waiting = {
  timeoutMs: WAIT_MS,
  intervalMs: 200,
  context: () => `prometheus log:\n${prometheus?.log() ?? ""}`,
};

const errorLine = (code: string, target: string, i: number) =>
  `${JSON.stringify({
    timestamp: new Date(Date.now() - 2_000).toISOString(),
    level: "ERROR",
    fields: { message: `probe failure ${i}`, error_code: code, request_id: `req_${code}_${i}` },
    target,
  })}\n`;

const single = async (expr: string) => {
  const result = await query(expr);
  return result.length === 1 ? Number(result[0]!.value[1]) : undefined;
};

beforeAll(async () => {
  gate.check();
  if (gate.skip) return;
  dir = await mkdtemp(join(tmpdir(), "ai-monitor-prom-"));
  logFile = join(dir, "server.log");
  jsonl = join(dir, "incidents.jsonl");
  writeFileSync(logFile, "");
  const config = join(dir, "ai-monitor.yaml");
  writeFileSync(
    config,
    `listen: 127.0.0.1:0\nstore:\n  sqlitePath: ${JSON.stringify(join(dir, "db.sqlite"))}\n` +
      `watch:\n  paths: [${JSON.stringify(logFile)}]\n  pollInterval: 100ms\n` +
      `sinks:\n  console: false\n  jsonl: ${JSON.stringify(jsonl)}\ndiagnosis:\n  ratePerHour: 1000\n`,
  );
  serve = await startServe(["--config", config]);
  const target = new URL(serve.url).host;

  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  const promConfig = join(dir, "prometheus.yml");
  writeFileSync(
    promConfig,
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n` +
      `rule_files:\n  - ${JSON.stringify(repoPath("prometheus/rules/ai-monitor.rules.yml"))}\n` +
      `scrape_configs:\n  - job_name: ai-monitor\n    static_configs:\n      - targets: [${JSON.stringify(target)}]\n`,
  );
  prometheus = spawnLogged(PROMETHEUS, [
    `--config.file=${promConfig}`,
    `--storage.tsdb.path=${join(dir, "tsdb")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--log.level=warn",
  ]);
  await until(
    "ai-monitor scraped",
    async () => ((await single('up{job="ai-monitor"}')) === 1 ? true : undefined),
    waiting,
  );

  // Three fingerprints, two lines each: three incidents, three duplicates.
  const codes: Array<[string, string]> = [
    ["PR_001", "server::probe::a"],
    ["PR_002", "server::probe::b"],
    ["PR_003", "server::probe::c"],
  ];
  for (let i = 0; i < 2; i++)
    for (const [code, target] of codes) appendFileSync(logFile, errorLine(code, target, i));
  await until(
    "three incidents delivered",
    async () => (readJsonl(jsonl).length >= 3 ? true : undefined),
    waiting,
  );
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  if (serve && serve.child.exitCode === null) await serve.terminate();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("Prometheus scraping a running ai-monitor", () => {
  it.skipIf(gate.skip)("the detection histogram has the three incidents, well under 5 minutes", async () => {
    const count = await until(
      "three detections scraped",
      async () => {
        const n = await single("sum(ai_monitor_detection_seconds_count)");
        return n !== undefined && n >= 3 ? n : undefined;
      },
      waiting,
    );
    expect(count).toBe(3);
    const p95 = await single("histogram_quantile(0.95, sum by (le) (ai_monitor_detection_seconds_bucket))");
    expect(p95).toBeGreaterThan(0);
    expect(p95).toBeLessThan(300);
    expect(await single('sum(ai_monitor_signals_total{source="file", outcome="duplicate"})')).toBe(3);
  });

  it.skipIf(gate.skip)("the notify histogram counts the deliveries", async () => {
    const notified = await until(
      "notifications scraped",
      async () => {
        const n = await single("sum(ai_monitor_notify_seconds_count)");
        return n !== undefined && n >= 3 ? n : undefined;
      },
      waiting,
    );
    expect(notified).toBe(3);
    expect(await single('sum(ai_monitor_deliveries_total{sink="jsonl", outcome="ok"})')).toBe(3);
  });

  it.skipIf(gate.skip)(
    "the LLM budget, spend and skip series exist at 0 (offline diagnosis, no LLM wired)",
    async () => {
      for (const name of ["ai_monitor_llm_budget_usd", "ai_monitor_llm_spent_usd"]) {
        const series = await query(name);
        expect(series.map((s) => [s.metric.period, s.value[1]]).sort(), name).toEqual([
          ["day", "0"],
          ["month", "0"],
        ]);
      }
      expect(await single('ai_monitor_diagnosis_skipped_total{reason="over_budget"}')).toBe(0);
      // Cost, token and call counters carry a model label: ai-monitor creates them at 0 for the models it is
      // configured with (createMetrics({ llmModels })); whatever it exposes must reach Prometheus unchanged.
      const exposition = await (await fetch(`${serve!.url}/metrics`)).text();
      for (const family of [
        "ai_monitor_llm_cost_usd_total",
        "ai_monitor_llm_tokens_total",
        "ai_monitor_llm_calls_total",
      ])
        expect(exposition).toContain(`# TYPE ${family} counter`);
      const exposed = exposition.split("\n").filter((l) => l.startsWith("ai_monitor_llm_cost_usd_total{"));
      const scraped = await query("ai_monitor_llm_cost_usd_total");
      expect(scraped.length).toBe(exposed.length);
      expect(scraped.every((s) => s.value[1] === "0")).toBe(true);
      if (exposed.length === 0)
        console.info(
          "prometheus-real.test.ts: no model-labelled LLM series yet (main.ts passes no llmModels)",
        );
    },
  );

  it.skipIf(gate.skip)("the shipped alert rules evaluate without error, and none fires", async () => {
    type Rule = { name: string; health: string; lastError?: string; state: string };
    const rules = await until(
      "a first evaluation of every rule",
      async () => {
        const res = await fetch(`${prometheusUrl}/api/v1/rules`);
        const body = (await res.json()) as { data: { groups: Array<{ rules: Array<Rule> }> } };
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((r) => r.health !== "unknown") ? all : undefined;
      },
      waiting,
    );
    expect(rules).toHaveLength(9);
    expect(rules.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    expect(rules.filter((r) => r.state !== "inactive").map((r) => r.name)).toEqual([]);
  });

  it.skipIf(gate.skip)("every PromQL query of the dashboards runs against the scraped data", async () => {
    const dashboard = readJson<Dashboard>("grafana/dashboards/ai-monitor-overview.json");
    const queries = panelQueries(dashboard).filter((q) => q.datasourceType === "prometheus");
    const failures: string[] = [];
    for (const q of queries) {
      const expr = substituteVariables(q.expr ?? "");
      await query(expr).catch((err: Error) => failures.push(`${q.panel}: ${err.message}`));
    }
    expect(failures).toEqual([]);
    const detection = queries.find((q) => q.panel.startsWith("Detection p95"))!;
    expect(await single(substituteVariables(detection.expr!))).toBeLessThan(300);
  });

  it.skipIf(gate.skip)(
    "promtool check metrics finds nothing to complain about in the live /metrics",
    async () => {
      const exposition = await (await fetch(`${serve!.url}/metrics`)).text();
      const lint = spawnSync(PROMTOOL, ["check", "metrics"], { input: exposition, encoding: "utf8" });
      expect(`${lint.stdout}${lint.stderr}`.trim()).toBe("");
      expect(lint.status).toBe(0);
      // What the lint ran on: Node's process metrics, the build, and the HTTP histogram of the scrapes themselves.
      const version = JSON.parse(readFileSync(repoPath("package.json"), "utf8")).version;
      expect(exposition).toContain(`ai_monitor_build_info{version="${version}",node="${process.version}"`);
      expect(exposition).toMatch(/^ai_monitor_build_info\{.*store="sqlite"\} 1$/m);
      expect(exposition).toMatch(/^process_cpu_seconds_total \d/m);
      expect(exposition).toMatch(
        /^ai_monitor_http_request_duration_seconds_count\{method="GET",route="\/metrics",code="200"\} [1-9]/m,
      );
    },
  );

  it.skipIf(gate.skip)("Prometheus scrapes the build info and the HTTP histogram", async () => {
    const build = await until(
      "build info scraped",
      async () =>
        (await query("ai_monitor_build_info")).length === 1 ? query("ai_monitor_build_info") : undefined,
      waiting,
    );
    expect(build[0]!.metric).toMatchObject({ store: "sqlite", node: process.version });
    const p95 = await single(
      'histogram_quantile(0.95, sum by (le) (rate(ai_monitor_http_request_duration_seconds_bucket{route="/metrics"}[1m])))',
    );
    expect(p95).toBeGreaterThan(0);
  });
});
