/** Shared pieces of the stack tests: binary gates, tool runs, query-language checks, dashboard walking. */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { join } from "node:path";
import { parser as logqlParser } from "@grafana/lezer-logql";
import type { Registry } from "prom-client";
import { parse as parseYaml } from "yaml";

/** The repository root. */
export const REPO = join(import.meta.dirname, "..", "..");

/** A path inside the repository. */
export const repoPath = (...parts: string[]) => join(REPO, ...parts);

/** Parse a YAML file of the repository (merge keys `<<:` honoured, as Compose does). */
export function readYaml<T = Record<string, unknown>>(...parts: string[]): T {
  return parseYaml(readFileSync(repoPath(...parts), "utf8"), { merge: true }) as T;
}

/** Parse a JSON file of the repository. */
export function readJson<T = Record<string, unknown>>(...parts: string[]): T {
  return JSON.parse(readFileSync(repoPath(...parts), "utf8")) as T;
}

/** A binary a test needs, and the Debian package that provides it. */
export interface Needed {
  bin: string;
  debianPackage: string;
}

/**
 * Decide once per test file whether its binaries exist. Missing outside CI: `skip` is true and the reason is
 * printed. Missing under CI=true: `skip` stays false and `check()` (call it in beforeAll) throws.
 */
export function binaryGate(testFile: string, needed: Needed[]) {
  const missing = needed.filter((n) => !existsSync(n.bin));
  const inCi = process.env.CI === "true";
  const reason = missing.map((n) => `${n.bin} not found (Debian package ${n.debianPackage})`).join("; ");
  if (missing.length > 0 && !inCi) console.warn(`${testFile}: skipping, ${reason}`);
  return {
    skip: missing.length > 0 && !inCi,
    check() {
      if (missing.length > 0) throw new Error(`CI=true but ${reason}: .ci/run must install it`);
    },
  };
}

/** Run a tool; never throws, so a test can show the tool's own words when it fails. */
export function runTool(
  bin: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string; output: string }> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      {
        cwd: options.cwd ?? REPO,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 8 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PROMQL_WORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
  "atan2",
  "inf",
  "nan",
]);

/**
 * Pure: the metric names a PromQL expression selects. Strings, label matchers, ranges and grouping clauses are
 * blanked first; what is left that is neither a function call nor a keyword is a metric name.
 */
export function promqlMetricNames(expr: string): string[] {
  const blanked = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, "{}")
    .replace(/\[[^\]]*\]/g, "[]")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const match of blanked.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*/g)) {
    const word = match[0];
    const after = blanked.slice(match.index + word.length);
    if (/^\s*\(/.test(after) || PROMQL_WORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/** Every series name a registry exposes: histograms as `_bucket`, `_sum`, `_count`; summaries as `_sum`, `_count`. */
export async function exportedNames(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    const type = String(metric.type);
    if (type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(metric.name + s);
    else if (type === "summary") for (const s of ["", "_sum", "_count"]) names.add(metric.name + s);
    else names.add(metric.name);
  }
  return names;
}

/** Pure: the positions where @grafana/lezer-logql found a syntax error (empty = the query parses). */
export function logqlErrors(expr: string): number[] {
  const errors: number[] = [];
  logqlParser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

/** Concrete stand-ins for Grafana's built-in interval variables (the parsers do not know them). */
const GRAFANA_BUILTINS: Record<string, string> = {
  __auto: "1m",
  __interval: "15s",
  __rate_interval: "1m",
  __range: "1h",
};

/** Pure: an expression with `$var`, `${var}` and `${var:format}` replaced (dashboard variables, then built-ins). */
export function substituteVariables(expr: string, variables: Record<string, string> = {}): string {
  const all = { ...GRAFANA_BUILTINS, ...variables };
  return expr.replace(/\$\{([\w.]+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string, bare: string) => {
    const name = braced ?? bare;
    return name in all ? all[name]! : whole;
  });
}

/** One query of a dashboard panel. */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  datasourceUid: string | undefined;
  datasourceType: string | undefined;
  expr?: string;
  rawSql?: string;
}

interface DatasourceRef {
  uid?: string;
  type?: string;
}
interface Panel {
  title?: string;
  type?: string;
  datasource?: DatasourceRef | null;
  targets?: Array<{ datasource?: DatasourceRef; expr?: string; rawSql?: string }>;
  panels?: Panel[];
}
/** The parts of a dashboard JSON the tests read. */
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  links?: Array<{ url?: string }>;
  templating?: { list: Array<{ name: string; query?: string; current?: { value?: string } }> };
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every query of every panel; a query without its own datasource inherits the panel's. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      dashboard: dashboard.uid,
      panel: panel.title ?? "(untitled)",
      datasourceUid: t.datasource?.uid ?? panel.datasource?.uid,
      datasourceType: t.datasource?.type ?? panel.datasource?.type,
      expr: t.expr,
      rawSql: t.rawSql,
    })),
  );
}

/** The dashboard's template variables with their current (or default) value. */
export function dashboardVariables(dashboard: Dashboard): Record<string, string> {
  return Object.fromEntries(
    (dashboard.templating?.list ?? []).map((v) => [v.name, v.current?.value ?? v.query ?? ""]),
  );
}
