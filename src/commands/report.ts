/** `ai-monitor report`: the original design's success indicators over the last days, each against its target. */
import type { Config } from "../config/schema.js";
import type { Logger } from "../log.js";
import { openStore } from "../main.js";
import { collectReport, type IndicatorReport } from "../report/collect.js";
import { formatReport } from "../report/format.js";

/** Print the indicators of the `days` before now (JSON with `json`); `now` is for tests. */
export async function runReport(
  config: Config,
  options: { days: number; json: boolean },
  io: { log: Logger; write: (text: string) => void; now?: () => number },
): Promise<IndicatorReport> {
  const nowMs = (io.now ?? Date.now)();
  const store = await openStore(config, io.log, { existing: true });
  try {
    const report = await collectReport(store, {
      nowMs,
      days: options.days,
      budgetUsd: config.budget.monthlyUsd,
    });
    io.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report;
  } finally {
    await store.close();
  }
}
