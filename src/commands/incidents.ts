/** `ai-monitor incidents`: list stored incidents, newest first, as a table or as JSON. */
import type { Config } from "../config/schema.js";
import { incidentsWithFeedback } from "../http/incident-feedback.js";
import type { Logger } from "../log.js";
import { openStore } from "../main.js";
import { formatIncidentTable } from "../report/incident-table.js";
import type { IncidentFilter } from "../store/incident-filter.js";

/** Print the newest `limit` incidents matching `filter` (the flags `--status`, `--severity`, `--code`, `--since`, `--until`). */
export async function runIncidents(
  config: Config,
  options: { json: boolean; limit: number; filter?: IncidentFilter },
  io: { log: Logger; write: (text: string) => void },
): Promise<void> {
  const store = await openStore(config, io.log, { existing: true });
  try {
    const incidents = await store.listIncidents({ limit: options.limit, filter: options.filter ?? {} });
    const filtered = Object.keys(options.filter ?? {}).length > 0;
    io.write(
      options.json
        ? `${JSON.stringify(await incidentsWithFeedback(store, incidents), null, 2)}\n`
        : incidents.length === 0 && filtered
          ? "no incidents match these filters\n"
          : formatIncidentTable(incidents),
    );
  } finally {
    await store.close();
  }
}
