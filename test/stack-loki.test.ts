/**
 * Loki's config and ruler rule, and the two shippers (Alloy, Promtail), checked against each other and against
 * ai-monitor: the ruler finds the rules where compose mounts them and alerts the Alertmanager service; the rule
 * keys alerts on the same labels ai-monitor fingerprints on; no shipper promotes request_id or error_code to
 * a stream label. (Loki itself has no package here: test/stack-loki-containers.test.ts runs the real image.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import { alertFingerprint } from "../src/ingest/alertmanager.js";
import { eventToSignal, parseTracingLine } from "../src/ingest/tracing-json.js";
import { logqlErrors, readYaml, repoPath } from "./helpers/stack-tools.js";

interface LokiConfig {
  auth_enabled: boolean;
  schema_config: { configs: Array<{ store: string; schema: string; object_store: string }> };
  ruler: {
    evaluation_interval: string;
    alertmanager_url: string;
    storage: { type: string; local: { directory: string } };
  };
}
interface RuleFile {
  groups: Array<{
    name: string;
    interval: string;
    rules: Array<{
      alert: string;
      expr: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }>;
  }>;
}
interface Compose {
  services: Record<string, { volumes?: string[]; command?: string[] | string }>;
}

const loki = readYaml<LokiConfig>("loki/loki.yaml");
const ruleFile = readYaml<RuleFile>("loki/rules/fake/server-errors.yaml");
const rule = ruleFile.groups[0]!.rules[0]!;
const otelFile = readYaml<RuleFile>("loki/rules-otel/fake/server-errors.yaml");
const otelRule = otelFile.groups[0]!.rules[0]!;

/** Pure: a Prometheus-style duration ("1m", "90s", "1h") in seconds. */
function durationSeconds(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`not a simple duration: ${text}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
}

/** Pure: the range of every range vector in a LogQL expression, in seconds. */
const rangesOf = (expr: string) =>
  Array.from(expr.matchAll(/\[(\d+[smh])\]/g), (m) => durationSeconds(m[1]!));
const compose = readYaml<Compose>("deploy/docker-compose.yml");
const alloy = readFileSync(repoPath("loki/alloy/config.alloy"), "utf8");
const promtail = readYaml<{
  scrape_configs: Array<{
    static_configs: Array<{ labels: Record<string, string> }>;
    pipeline_stages: Array<Record<string, unknown>>;
  }>;
}>("loki/promtail.yaml");
const fixtureLines = readFileSync(repoPath("test/fixtures/logs/tracing-shapes.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean);

/** The mount target of a repository path in a compose service, e.g. ../loki/rules -> /etc/loki/rules. */
const mountOf = (service: string, source: string) =>
  compose.services[service]?.volumes?.map((v) => v.split(":")).find(([from]) => from === source)?.[1];

/**
 * The rule's label extraction written out: `| json ... fields_error_code="fields.error_code",
 * flat_error_code="error_code"` then `label_format error_code={{ or .fields_error_code .flat_error_code }}`.
 */
function ruleLabels(line: Record<string, unknown>): { error_code: string; target: string } {
  const fields = (line.fields ?? {}) as Record<string, unknown>;
  const code = fields.error_code ?? line.error_code ?? "";
  return { error_code: String(code), target: String(line.target ?? "") };
}

describe("Loki single binary config", () => {
  it("uses TSDB schema v13 on the filesystem", () => {
    expect(loki.schema_config.configs.at(-1)).toMatchObject({
      store: "tsdb",
      schema: "v13",
      object_store: "filesystem",
    });
  });

  it("the ruler reads the rules where compose mounts them, in the single tenant's directory", () => {
    expect(loki.auth_enabled).toBe(false); // tenant "fake", hence rules/fake/
    expect(loki.ruler.storage.type).toBe("local");
    expect(mountOf("loki", "../loki/rules")).toBe(loki.ruler.storage.local.directory);
    expect(mountOf("loki", "../loki/loki.yaml")).toBe("/etc/loki/loki.yaml");
    expect(compose.services.loki?.command).toEqual(["-config.file=/etc/loki/loki.yaml"]);
  });

  it("the ruler sends to the compose Alertmanager service", () => {
    const url = new URL(loki.ruler.alertmanager_url);
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(url.port).toBe("9093");
  });
});

describe("the ruler's ERROR-line alert", () => {
  it("is grouped by error_code and target, the parts of ai-monitor's fingerprint", () => {
    expect(rule.expr).toMatch(/sum by \(error_code, target\)/);
    expect(logqlErrors(rule.expr)).toEqual([]);
  });

  it("extracts the code from both tracing shapes (fields_error_code and the flattened error_code)", () => {
    expect(rule.expr).toContain('fields_error_code="fields.error_code"');
    expect(rule.expr).toContain('flat_error_code="error_code"');
    expect(rule.expr).toContain("{{ or .fields_error_code .flat_error_code }}");
  });

  it("carries the labels Alertmanager routes on and ai-monitor reads", () => {
    const names = configSchema.parse({}).webhook.labels;
    expect(rule.labels.notify).toBe("ai-monitor");
    expect(rule.annotations[names.count]).toBe("{{ $value }}");
    expect(rule.expr).toContain(names.errorCode);
    expect(rule.expr).toContain(names.target);
  });

  it("an alert for a logged error has the same fingerprint as the line read from the file", () => {
    const names = configSchema.parse({}).webhook.labels;
    const errors = fixtureLines
      .map((text) => ({ text, parsed: parseTracingLine(text) }))
      .filter((l) => l.parsed.ok && l.parsed.event.level === "ERROR" && l.parsed.event.errorCode);
    expect(errors.length).toBeGreaterThanOrEqual(4); // nested, flattened and seed shapes
    for (const { text, parsed } of errors) {
      if (!parsed.ok) continue;
      const fromFile = eventToSignal(parsed.event).fingerprint;
      const alert = {
        status: "firing" as const,
        labels: { alertname: rule.alert, ...rule.labels, ...ruleLabels(JSON.parse(text)) },
        annotations: { summary: "ERROR logs" },
        startsAt: new Date().toISOString(),
        generatorURL: "",
        fingerprint: "f",
      };
      expect(alertFingerprint(alert, names), text).toBe(fromFile);
    }
  });

  it("the stream selector matches the labels both shippers set", () => {
    const selector = /\{([^}]*)\}/.exec(rule.expr)![1]!;
    for (const [, name, value] of selector.matchAll(/(\w+)="([^"]*)"/g)) {
      expect(alloy).toMatch(new RegExp(`"${name}"\\s*=\\s*"${value}"`));
      expect(promtail.scrape_configs[0]!.static_configs[0]!.labels[name!]).toBe(value);
    }
  });
});

describe("a late line is still counted", () => {
  it("every rule looks back several evaluation intervals, so a line reaching Loki minutes late still fires", () => {
    const evaluation = durationSeconds(loki.ruler.evaluation_interval);
    for (const file of [ruleFile, otelFile]) {
      for (const group of file.groups) {
        const interval = durationSeconds(group.interval);
        expect(interval).toBe(evaluation);
        for (const r of group.rules) {
          const ranges = rangesOf(r.expr);
          expect(ranges.length, r.expr).toBeGreaterThan(0);
          // A line late by d is seen iff some evaluation falls in [arrival, timestamp + range]: d <= range - interval.
          for (const range of ranges) expect(range - interval, r.expr).toBeGreaterThanOrEqual(3 * 60);
        }
      }
    }
  });

  it("the range check reads the range out of the expression", () => {
    expect(rangesOf('sum(count_over_time({a="b"} [1m])) > 0')).toEqual([60]);
    expect(rangesOf(rule.expr)).toEqual([300]);
  });
});

describe("the OpenTelemetry variant of the rule", () => {
  it("parses, and reads structured metadata instead of parsing JSON", () => {
    expect(logqlErrors(otelRule.expr)).toEqual([]);
    expect(otelRule.expr).not.toMatch(/\|\s*json/);
    expect(otelRule.expr).toMatch(/severity_text/);
  });

  it("produces the same alert as the JSON rule: name, grouping, labels and annotations", () => {
    expect(otelRule.alert).toBe(rule.alert);
    expect(otelRule.expr).toMatch(/sum by \(error_code, target\)/);
    expect(otelRule.labels).toEqual(rule.labels);
    expect(otelRule.annotations).toEqual(rule.annotations);
  });

  it("is not loaded next to the JSON rule (the ruler reads only loki/rules/)", () => {
    expect(mountOf("loki", "../loki/rules")).toBe(loki.ruler.storage.local.directory);
    expect(mountOf("loki", "../loki/rules-otel")).toBeUndefined();
  });
});

describe("shippers keep stream labels bounded", () => {
  const FORBIDDEN = ["request_id", "error_code", "fields_request_id", "fields_error_code"];

  it("Alloy promotes nothing from the line to a label", () => {
    expect(alloy).not.toMatch(/stage\.labels|stage\.structured_metadata/);
    for (const name of FORBIDDEN) expect(alloy).not.toMatch(new RegExp(`"${name}"\\s*=`));
    expect(mountOf("alloy", "../loki/alloy/config.alloy")).toBe("/etc/alloy/config.alloy");
  });

  it("Promtail sets only job, service_name and the path, and has no labels stage", () => {
    const job = promtail.scrape_configs[0]!;
    expect(Object.keys(job.static_configs[0]!.labels).sort()).toEqual(["__path__", "job", "service_name"]);
    expect(job.pipeline_stages.flatMap((s) => Object.keys(s))).not.toContain("labels");
    expect(mountOf("promtail", "../loki/promtail.yaml")).toBe("/etc/promtail/promtail.yaml");
  });

  it("both tail the log generator's volume", () => {
    expect(alloy).toContain("/var/log/server/*.log");
    expect(promtail.scrape_configs[0]!.static_configs[0]!.labels.__path__).toBe("/var/log/server/*.log");
    for (const service of ["alloy", "promtail", "loggen"])
      expect(
        compose.services[service]?.volumes?.some((v) => v.startsWith("server-logs:/var/log/server")),
      ).toBe(true);
  });
});
