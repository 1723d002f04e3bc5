/** The printed form of `ai-monitor report`: each indicator with the original design's target and where it stands. */
import { plainText } from "../sinks/console-card.js";
import type { IndicatorReport } from "./collect.js";
import type { LatencyFigures } from "./detection.js";
import type { AccuracyIndicator, AutofixIndicator, CostIndicator } from "./outcomes.js";
import type { IndicatorStatus } from "./targets.js";

/** Pure: a delay for people: `850ms`, `12.4s`, `3m10s`, `2h05m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const pct = (ratio: number) => `${Math.round(ratio * 1000) / 10}%`;
const usd = (n: number) => `$${n.toFixed(2)}`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const minute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/** One indicator's heading: name, target and verdict, aligned. */
function heading(name: string, target: string, status: IndicatorStatus): string {
  return `${name.padEnd(20)}${`target ${target}`.padEnd(18)}${status}`;
}

function latency(label: string, f: LatencyFigures, what: string): string {
  if (f.incidents === 0) return `  ${label.padEnd(17)}no ${what} yet`;
  const cell = (name: string, ms: number | null) => `${name} ${formatDuration(ms ?? 0)}`.padEnd(11);
  return `  ${label.padEnd(17)}${cell("p50", f.p50Ms)}${cell("p95", f.p95Ms)}${cell("max", f.maxMs)}(${f.incidents} ${what})`;
}

function accuracyLines(a: AccuracyIndicator): string[] {
  const head = heading("diagnosis accuracy", `> ${pct(a.target)}`, a.status);
  if (a.accuracy === null) {
    return [
      head,
      `  no feedback yet (0 of ${a.diagnosed} diagnosed incidents reviewed): give a verdict on the incidents page, react 👍/👎 on the GitHub issue, or ai-monitor feedback <id> correct|partial|wrong`,
    ];
  }
  const { correct, partial, wrong } = a.verdicts;
  const { people, githubReactions } = a.verdictSources;
  return [
    head,
    `  ${pct(a.accuracy)} correct over ${a.reviewed} reviewed incidents (${pct(a.reviewedShare ?? 0)} of ${a.diagnosed} diagnosed); verdicts: ${correct} correct, ${partial} partial, ${wrong} wrong`,
    `  verdicts given: ${people} on the page, the API or the CLI, ${githubReactions} as 👍/👎 reactions on GitHub issues`,
    ...a.byDiagnoser.map((d) => `    ${plainText(d.by, 40)}: ${pct(d.accuracy)} of ${d.reviewed}`),
  ];
}

function autofixLines(a: AutofixIndicator): string[] {
  const head = heading("auto-fix success", `> ${pct(a.target)}`, a.status);
  if (a.created === 0) return [head, "  no autofix PR created in the period"];
  const decided =
    a.successRate === null
      ? "no PR merged or closed yet"
      : `${pct(a.successRate)} merged of decided (${a.merged} merged, ${a.closed} closed)`;
  return [
    head,
    `  ${decided}; merged / created ${pct(a.mergedOfCreated ?? 0)} (${a.created} created)`,
    ...a.open.map(
      (p) =>
        `  open: #${p.number} ${plainText(p.url, 200)} (incident ${plainText(p.incidentId, 40)}, since ${day(p.createdAtMs)})`,
    ),
  ];
}

function costLines(c: CostIndicator): string[] {
  const projection =
    c.projectedUsd === null
      ? "too early in the month to project"
      : `projected ${usd(c.projectedUsd)} by ${day(c.monthEndMs)}`;
  const budget = c.budgetUsd === null ? "no monthly budget set" : `monthly budget ${usd(c.budgetUsd)}`;
  return [
    heading("monthly cost", `< ${usd(c.targetUsd)}`, c.status),
    `  ${usd(c.spentUsd)} spent since ${day(c.monthStartMs)} (LLM ledger), ${projection}; ${budget}`,
  ];
}

/** Pure: the printed report. */
export function formatReport(r: IndicatorReport): string {
  const d = r.detection;
  const judged = d.judgedOn === "alert" ? "p95 log -> alert" : "p95 log -> incident (nothing delivered)";
  return [
    `success indicators against their targets, last ${r.period.days} days: ${minute(r.period.sinceMs)} .. ${minute(r.period.untilMs)}, ${r.incidents} incidents`,
    "",
    heading("detection time", `< ${formatDuration(d.targetMs)}`, d.status),
    `  judged on ${judged}${d.backfillsExcluded ? `; ${d.backfillsExcluded} backfills left out` : ""}`,
    latency("log -> alert", d.alert, "incidents delivered"),
    latency("log -> incident", d.detection, "incidents"),
    "",
    ...accuracyLines(r.accuracy),
    "",
    ...autofixLines(r.autofix),
    "",
    ...costLines(r.cost),
    "",
  ].join("\n");
}
