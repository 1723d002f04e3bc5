/**
 * `ai-monitor eval` (and `npm run eval`): run the configured diagnoser over the evaluation scenarios and print
 * accuracy, tokens and cost per diagnosis. With an API key that is Claude (real spend: about $0.01-0.02 a
 * scenario on the default model); without one, the offline catalog diagnoser, so the harness itself is tested.
 */
import { fileURLToPath } from "node:url";
import type { Config } from "../config/schema.js";
import { loadCatalog } from "../diagnose/catalog.js";
import { createClaudeDiagnoser } from "../diagnose/claude.js";
import type { Diagnoser } from "../diagnose/diagnoser.js";
import { loadScenarios } from "../diagnose/eval.js";
import {
  type EvalReport,
  formatEvalResult,
  formatEvalSummary,
  memoryLedger,
  runEvalScenarios,
} from "../diagnose/eval-run.js";
import { createOfflineDiagnoser } from "../diagnose/offline.js";
import { usageError } from "../fatal.js";
import type { Logger } from "../log.js";

/** The scenarios shipped in the repository. */
export const DEFAULT_SCENARIO_DIR = fileURLToPath(new URL("../../test/fixtures/incidents", import.meta.url));

export interface EvalOptions {
  dir?: string;
  /** Run only these scenario ids. */
  only?: string[];
  json?: boolean;
  /** Exit 1 when accuracy is below this (0-1); for CI gates on a real model. */
  minAccuracy?: number;
}

/** Said before an offline run: its low accuracy is expected, not a fault of the harness. */
export const OFFLINE_NOTE =
  "note: the catalog gives each error code's title, severity and runbook, but it cannot name an incident's " +
  "root cause, so its accuracy stays near 0%; set ANTHROPIC_API_KEY to evaluate Claude";

/** Run the evaluation; returns the report and the exit code. */
export async function runEval(
  config: Config,
  options: EvalOptions,
  io: { log: Logger; write: (text: string) => void; now?: () => number },
): Promise<{ report: EvalReport; exitCode: number }> {
  const all = await loadScenarios(options.dir ?? DEFAULT_SCENARIO_DIR);
  const unknown = (options.only ?? []).filter((id) => !all.some((s) => s.id === id));
  if (unknown.length > 0)
    throw usageError(
      `no evaluation scenario named ${unknown.join(", ")}`,
      `scenarios: ${all.map((s) => s.id).join(", ")}`,
    );
  const scenarios = options.only?.length ? all.filter((s) => options.only!.includes(s.id)) : all;
  const catalog = await loadCatalog(config.diagnosis.catalog);
  const ledger = memoryLedger();
  let diagnoser: Diagnoser;
  if (config.anthropic.apiKey) {
    const settings = config.claude;
    diagnoser = createClaudeDiagnoser({
      apiKey: config.anthropic.apiKey,
      baseUrl: config.anthropic.baseUrl,
      model: config.anthropic.model,
      ...settings,
      catalog,
      store: ledger,
      log: io.log,
      now: io.now ?? Date.now,
    });
  } else {
    diagnoser = createOfflineDiagnoser({ catalog });
  }
  if (!options.json) {
    const how = config.anthropic.apiKey
      ? "ANTHROPIC_API_KEY is set"
      : "no API key: the offline catalog diagnoser";
    io.write(`evaluating ${scenarios.length} scenarios with ${diagnoser.name} (${how})\n`);
    if (!config.anthropic.apiKey) io.write(`${OFFLINE_NOTE}\n`);
  }
  const report = await runEvalScenarios({
    diagnoser,
    scenarios,
    ledger,
    onResult: (r) => {
      if (!options.json) io.write(`${formatEvalResult(r)}\n`);
    },
  });
  io.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${formatEvalSummary(report)}\n`);
  const exitCode = options.minAccuracy !== undefined && report.accuracy < options.minAccuracy ? 1 : 0;
  return { report, exitCode };
}
