/**
 * The shipped Prometheus and Alertmanager configs, checked by the real tools (Debian's promtool and amtool):
 * config and rule syntax, the alert rules' unit tests, Alertmanager's routing of Loki's alerts and its
 * webhook size against ai-monitor's body limit, and `promtool check metrics` on ai-monitor's full registry.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import { createMetrics } from "../src/metrics.js";
import { binaryGate, readYaml, repoPath, runTool } from "./helpers/stack-tools.js";

const PROMTOOL = "/usr/bin/promtool";
const AMTOOL = "/usr/bin/amtool";
const gate = binaryGate("stack-prometheus.test.ts", [
  { bin: PROMTOOL, debianPackage: "prometheus" },
  { bin: AMTOOL, debianPackage: "prometheus-alertmanager" },
]);
beforeAll(() => gate.check());

const ruleFiles = readdirSync(repoPath("prometheus/rules")).map((f) => `prometheus/rules/${f}`);
const testFiles = readdirSync(repoPath("prometheus/tests")).map((f) => `prometheus/tests/${f}`);
const ALERTMANAGER_FILES = ["prometheus/alertmanager.yml", "prometheus/alertmanager-ha.yml"];

interface Route {
  receiver: string;
  matchers?: string[];
  group_by?: string[];
  group_interval?: string;
  routes?: Route[];
}
interface WebhookConfig {
  url: string;
  send_resolved?: boolean;
  max_alerts?: number;
  http_config?: { authorization?: { type?: string; credentials?: string; credentials_file?: string } };
}
interface AlertmanagerConfig {
  route: Route;
  receivers: Array<{ name: string; webhook_configs?: WebhookConfig[] }>;
}

describe("promtool on the shipped Prometheus files", () => {
  it.skipIf(gate.skip)("check config: prometheus.yml and the rule files it names are valid", async () => {
    const result = await runTool(PROMTOOL, ["check", "config", "prometheus/prometheus.yml"]);
    expect(result.output).toMatch(/SUCCESS: prometheus\/prometheus\.yml is valid/);
    expect(result.code, result.output).toBe(0);
  });

  it.skipIf(gate.skip)("check rules: every rule file is valid", async () => {
    const result = await runTool(PROMTOOL, ["check", "rules", ...ruleFiles]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS: 9 rules found/);
  });

  it.skipIf(gate.skip)("test rules: every alert fires when it should and stays quiet otherwise", async () => {
    const result = await runTool(PROMTOOL, ["test", "rules", ...testFiles]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS/);
  });

  it("every alert rule has a unit test", () => {
    const alerts = ruleFiles.flatMap((f) =>
      readYaml<{ groups: Array<{ rules: Array<{ alert: string }> }> }>(f).groups.flatMap((g) =>
        g.rules.map((r) => r.alert),
      ),
    );
    const tested = new Set(
      testFiles.flatMap((f) =>
        readYaml<{ tests: Array<{ alert_rule_test?: Array<{ alertname: string }> }> }>(f).tests.flatMap((t) =>
          (t.alert_rule_test ?? []).map((a) => a.alertname),
        ),
      ),
    );
    expect(alerts.filter((a) => !tested.has(a))).toEqual([]);
    expect(alerts).toEqual(
      expect.arrayContaining([
        "AiMonitorDeliveriesFailing",
        "AiMonitorLlmBudgetNearlySpent",
        "AiMonitorQueueGrowing",
        "AiMonitorTailerStuck",
      ]),
    );
  });

  it.skipIf(gate.skip)(
    "the unit tests fail when an expectation is wrong (the tool really checks)",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "ai-monitor-promtool-"));
      try {
        await cp(repoPath("prometheus/rules"), join(dir, "rules"), { recursive: true });
        const original = await readFile(repoPath(testFiles[0]!), "utf8");
        await writeFile(join(dir, "broken.test.yml"), original.replace("(50 jobs)", "(51 jobs)"));
        const result = await runTool(PROMTOOL, ["test", "rules", "broken.test.yml"], { cwd: dir });
        expect(result.code).not.toBe(0);
        expect(result.output).toMatch(/51 jobs/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("Alertmanager routing of Loki's alerts", () => {
  it.skipIf(gate.skip)("amtool check-config accepts both configs", async () => {
    const result = await runTool(AMTOOL, ["check-config", ...ALERTMANAGER_FILES]);
    expect(result.code, result.output).toBe(0);
    expect(result.output.match(/SUCCESS/g)).toHaveLength(2);
  });

  it.skipIf(gate.skip)(
    "routes the ruler's alerts to ai-monitor and alerts about ai-monitor to ops",
    async () => {
      for (const file of ALERTMANAGER_FILES) {
        const route = (labels: string[]) =>
          runTool(AMTOOL, ["config", "routes", "test", `--config.file=${file}`, ...labels]);
        const loki = await route([
          "alertname=ServerErrorLogged",
          "notify=ai-monitor",
          "error_code=AI_003",
          "target=server::domain::ai::service",
        ]);
        expect(loki.stdout.trim(), loki.output).toBe("ai-monitor");
        const meta = await route(["alertname=AiMonitorDown", "component=ai-monitor", "severity=critical"]);
        expect(meta.stdout.trim(), meta.output).toBe("ops");
      }
    },
  );

  it("groups by error_code and target every 5 minutes, with the bearer token read from a file", () => {
    for (const file of ALERTMANAGER_FILES) {
      const config = readYaml<AlertmanagerConfig>(file);
      const route = config.route.routes?.find((r) => r.receiver === "ai-monitor");
      expect(route?.group_by, file).toEqual(["error_code", "target"]);
      expect(route?.group_interval, file).toBe("5m");
      const hooks = config.receivers.find((r) => r.name === "ai-monitor")?.webhook_configs ?? [];
      expect(hooks.length, file).toBeGreaterThan(0);
      for (const hook of hooks) {
        expect(hook.url).toMatch(/^http:\/\/ai-monitor(-[ab])?:9095\/webhook\/alertmanager$/);
        expect(hook.send_resolved).toBe(true);
        expect(hook.http_config?.authorization).toEqual({
          type: "Bearer",
          credentials_file: "/etc/alertmanager/secrets/webhook-token",
        });
      }
    }
  });

  it("the ha config posts every notification to both replicas", () => {
    const hooks = readYaml<AlertmanagerConfig>("prometheus/alertmanager-ha.yml").receivers.find(
      (r) => r.name === "ai-monitor",
    )?.webhook_configs;
    expect(hooks?.map((h) => h.url)).toEqual([
      "http://ai-monitor-a:9095/webhook/alertmanager",
      "http://ai-monitor-b:9095/webhook/alertmanager",
    ]);
  });
});

/** Loki's default `max_label_value_length`: no label the ruler sends can be longer. */
const LOKI_MAX_LABEL_VALUE = 2048;

/** Pure: the JSON size of the largest alert the shipped Loki rule can produce (every value at Loki's limit). */
function worstAlertBytes(): number {
  const long = "x".repeat(LOKI_MAX_LABEL_VALUE);
  return JSON.stringify({
    status: "firing",
    labels: { alertname: "ServerErrorLogged", error_code: long, target: long, notify: "ai-monitor" },
    annotations: {
      summary: `ERROR logs for ${long} in ${long}`,
      description: "1000000 ERROR lines in the last 5 minutes",
      count: "1000000",
    },
    startsAt: "2026-12-03T10:00:00.000000000Z",
    endsAt: "0001-01-01T00:00:00Z",
    // Loki's generatorURL carries the URL-encoded rule expression (about 1 KB for the shipped rule).
    generatorURL: `http://loki:3100/graph?g0.expr=${"%7B".repeat(1000)}`,
    fingerprint: "e79d033fb2485d55",
  }).length;
}

describe("Alertmanager's webhook fits ai-monitor's body limit", () => {
  const limit = configSchema.parse({}).webhook.bodyLimitBytes;

  it("max_alerts is set, and that many alerts at their largest fit in the default 5 MiB", () => {
    expect(limit).toBe(5 * 1024 * 1024);
    const envelopeBytes = 64 * 1024; // groupLabels, commonLabels and commonAnnotations repeat one alert at most
    for (const file of ALERTMANAGER_FILES) {
      const hooks = readYaml<AlertmanagerConfig>(file).receivers.find((r) => r.name === "ai-monitor")!;
      for (const hook of hooks.webhook_configs ?? []) {
        expect(hook.max_alerts, `${file}: max_alerts 0 means no limit`).toBeGreaterThan(0);
        expect(hook.max_alerts! * worstAlertBytes() + envelopeBytes, file).toBeLessThanOrEqual(limit);
        expect(hook.max_alerts, "a few hundred: enough for any real group").toBeGreaterThanOrEqual(100);
      }
    }
  });
});

describe("promtool check metrics on ai-monitor's exposition", () => {
  it.skipIf(gate.skip)("every metric family, with every label set created, passes the linter", async () => {
    const metrics = createMetrics({
      defaultMetrics: true,
      llmModels: ["claude-sonnet-5-5"],
      sinks: ["console", "discord"],
      build: { version: "0.1.0", store: "sqlite" },
    });
    const text = await metrics.registry.metrics();
    const result = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(`${result.stdout}${result.stderr}`.trim()).toBe("");
    expect(result.status).toBe(0);
  });

  it.skipIf(gate.skip)("the linter really complains (a gauge named *_total)", () => {
    const text = "# HELP bad_total x\n# TYPE bad_total gauge\nbad_total 1\n";
    const result = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/non-counter metrics should not have "_total" suffix/);
  });
});
