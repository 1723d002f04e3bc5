/** `ai-monitor cost`: LLM spend today and this month (UTC), per model, and what the budgets leave. */
import type { Config } from "../config/schema.js";
import {
  type BudgetStatus,
  budgetStatus,
  startOfUtcDayMs,
  startOfUtcMonthMs,
  totalUsd,
} from "../diagnose/budget.js";
import type { Logger } from "../log.js";
import { openStore } from "../main.js";
import type { LlmSpend } from "../store/store.js";

/** What `cost` reports (also its --json shape). */
export interface CostReport {
  today: LlmSpend[];
  month: LlmSpend[];
  budget: BudgetStatus;
  /** ISO start of the UTC day and month the figures cover. */
  dayStart: string;
  monthStart: string;
}

const usd = (n: number) => `$${n.toFixed(n > 0 && n < 0.01 ? 4 : 2)}`;

function table(title: string, rows: LlmSpend[]): string[] {
  if (rows.length === 0) return [`${title}: no LLM calls`];
  const header = ["MODEL", "CALLS", "INPUT", "CACHE READ", "CACHE WRITE", "OUTPUT", "COST"];
  const body = rows.map((r) => [
    r.model,
    String(r.calls),
    String(r.inputTokens),
    String(r.cacheReadTokens),
    String(r.cacheWriteTokens),
    String(r.outputTokens),
    usd(r.costUsd),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  return [`${title}: ${usd(totalUsd(rows))}`, `  ${line(header)}`, ...body.map((row) => `  ${line(row)}`)];
}

function left(limit: number | null, spent: number, leftUsd: number | null): string {
  if (limit === null || leftUsd === null) return `no ceiling (${usd(spent)} spent)`;
  return `${usd(leftUsd)} left of ${usd(limit)}${leftUsd <= 0 ? " (reached: diagnoses fall back to the catalog)" : ""}`;
}

/** Pure: the printed report. Tokens include thinking in OUTPUT; INPUT excludes cache reads and writes. */
export function formatCostReport(report: CostReport): string {
  const b = report.budget;
  return [
    ...table(`today (UTC, since ${report.dayStart})`, report.today),
    "",
    ...table(`this month (since ${report.monthStart})`, report.month),
    "",
    `daily budget:   ${left(b.dailyUsd, b.todayUsd, b.dailyLeftUsd)}`,
    `monthly budget: ${left(b.monthlyUsd, b.monthUsd, b.monthlyLeftUsd)}`,
    "",
  ].join("\n");
}

/** Print the spend report; `now` is for tests. */
export async function runCost(
  config: Config,
  options: { json: boolean },
  io: { log: Logger; write: (text: string) => void; now?: () => number },
): Promise<CostReport> {
  const now = (io.now ?? Date.now)();
  const store = await openStore(config, io.log, { existing: true });
  try {
    const dayStart = startOfUtcDayMs(now);
    const monthStart = startOfUtcMonthMs(now);
    const [today, month] = await Promise.all([store.llmSpend(dayStart), store.llmSpend(monthStart)]);
    const report: CostReport = {
      today,
      month,
      budget: budgetStatus(config.budget, totalUsd(today), totalUsd(month)),
      dayStart: new Date(dayStart).toISOString(),
      monthStart: new Date(monthStart).toISOString(),
    };
    io.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatCostReport(report));
    return report;
  } finally {
    await store.close();
  }
}
