/**
 * Run a diagnoser over the evaluation scenarios, one at a time (no burst against rate limits), and report
 * accuracy, tokens and cost per diagnosis. Token and cost figures come from the diagnoser's own ledger entries.
 */
import type { LlmCall } from "../store/store.js";
import type { Diagnoser } from "./diagnoser.js";
import { type Scenario, type Score, scenarioIncident, scoreDiagnosis } from "./eval.js";

/** One scenario's score plus what the diagnosis cost. */
export interface EvalResult extends Score {
  by: string;
  skippedReason: string | null;
  calls: number;
  /** Prompt tokens: input + cache reads + cache writes. */
  inputTokens: number;
  /** Output tokens, thinking included. */
  outputTokens: number;
  costUsd: number;
}

/** The whole run. */
export interface EvalReport {
  diagnoser: string;
  results: EvalResult[];
  total: number;
  correct: number;
  accuracy: number;
  severityExact: number;
  unsafeAutofixes: number;
  /** Diagnoses that fell back to the catalog (API failure, invalid answer twice). */
  fallbacks: number;
  meanInputTokens: number;
  meanOutputTokens: number;
  meanCostUsd: number;
  totalCostUsd: number;
}

/** An in-memory call ledger (the `store` of a diagnoser under evaluation). */
export function memoryLedger(): { calls: LlmCall[]; recordLlmCall(call: LlmCall): Promise<void> } {
  const calls: LlmCall[] = [];
  return {
    calls,
    async recordLlmCall(call) {
      calls.push(call);
    },
  };
}

const mean = (values: number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

/** Diagnose every scenario in order and score it. */
export async function runEvalScenarios(deps: {
  diagnoser: Diagnoser;
  scenarios: readonly Scenario[];
  ledger: { calls: readonly LlmCall[] };
  onResult?: (result: EvalResult) => void;
}): Promise<EvalReport> {
  const results: EvalResult[] = [];
  for (const [index, scenario] of deps.scenarios.entries()) {
    const incident = scenarioIncident(scenario, String(index + 1));
    const diagnosis = await deps.diagnoser.diagnose({ incident, context: scenario.context });
    const calls = deps.ledger.calls.filter((c) => c.incidentId === incident.id);
    const result: EvalResult = {
      ...scoreDiagnosis(scenario, diagnosis),
      by: diagnosis.by,
      skippedReason: diagnosis.skippedReason,
      calls: calls.length,
      inputTokens: calls.reduce((n, c) => n + c.inputTokens + c.cacheReadTokens + c.cacheWriteTokens, 0),
      outputTokens: calls.reduce((n, c) => n + c.outputTokens, 0),
      costUsd: calls.reduce((n, c) => n + c.costUsd, 0),
    };
    results.push(result);
    deps.onResult?.(result);
  }
  const correct = results.filter((r) => r.correct).length;
  return {
    diagnoser: deps.diagnoser.name,
    results,
    total: results.length,
    correct,
    accuracy: results.length === 0 ? 0 : correct / results.length,
    severityExact: results.filter((r) => r.severityExact).length,
    unsafeAutofixes: results.filter((r) => r.unsafeAutofix).length,
    fallbacks: results.filter((r) => r.skippedReason !== null).length,
    meanInputTokens: mean(results.map((r) => r.inputTokens)),
    meanOutputTokens: mean(results.map((r) => r.outputTokens)),
    meanCostUsd: mean(results.map((r) => r.costUsd)),
    totalCostUsd: results.reduce((n, r) => n + r.costUsd, 0),
  };
}

const pct = (n: number, d: number) => `${d === 0 ? 0 : Math.round((100 * n) / d)}%`;

/** Pure: one line per scenario, then the summary. */
export function formatEvalResult(r: EvalResult): string {
  const mark = r.correct ? "PASS" : "FAIL";
  const why = [
    ...(r.missing.length > 0 ? [`missing ${r.missing.map((g) => g[0]).join(", ")}`] : []),
    ...(r.forbiddenHits.length > 0 ? [`repeats ${r.forbiddenHits.join(", ")}`] : []),
    ...(r.unsafeAutofix ? ["unsafe auto-fix"] : []),
    ...(r.skippedReason ? [`fallback: ${r.skippedReason.slice(0, 80)}`] : []),
  ];
  return (
    `${mark} ${r.id.padEnd(38)} severity ${r.severity.padEnd(8)} (want ${r.expectedSeverity.padEnd(8)}) ` +
    `keywords ${r.keywordHits}/${r.keywordGroups}  ${r.inputTokens} in / ${r.outputTokens} out  ` +
    `$${r.costUsd.toFixed(4)}${why.length > 0 ? `  ${why.join("; ")}` : ""}`
  );
}

/** Pure: the summary block of a report. */
export function formatEvalSummary(report: EvalReport): string {
  return [
    `diagnoser: ${report.diagnoser}`,
    `accuracy: ${report.correct}/${report.total} (${pct(report.correct, report.total)}; target > 70%)`,
    `severity exact: ${report.severityExact}/${report.total} (${pct(report.severityExact, report.total)})`,
    `unsafe auto-fix proposals: ${report.unsafeAutofixes}; catalog fallbacks: ${report.fallbacks}`,
    `mean tokens per diagnosis: ${Math.round(report.meanInputTokens)} in, ${Math.round(report.meanOutputTokens)} out`,
    `mean cost per diagnosis: $${report.meanCostUsd.toFixed(4)} (target < $0.02); total $${report.totalCostUsd.toFixed(4)}`,
  ].join("\n");
}
