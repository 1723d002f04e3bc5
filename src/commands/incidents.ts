/** `ai-monitor incidents`: list stored incidents, newest first, as a table or as JSON. */
import type { Config } from "../config/schema.js";
import type { Incident } from "../domain/types.js";
import { incidentToJson } from "../http/incident-json.js";
import type { Logger } from "../log.js";
import { openStore } from "../main.js";
import { plainText } from "../sinks/console-card.js";

/** Pure: one table row per incident, columns padded for a terminal. */
export function formatIncidentTable(incidents: Incident[]): string {
  if (incidents.length === 0) return "no incidents yet\n";
  const rows = incidents.map((i) => [
    i.id,
    i.severity,
    i.status + (i.suppressed ? `(${i.suppressed})` : ""),
    String(i.count),
    new Date(i.lastSeen).toISOString().replace(".000Z", "Z"),
    i.errorCode ?? "-",
    plainText(i.target, 40),
    plainText(i.message, 60),
  ]);
  const header = ["ID", "SEVERITY", "STATUS", "COUNT", "LAST SEEN", "CODE", "TARGET", "MESSAGE"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

/** Print the newest `limit` incidents. */
export async function runIncidents(
  config: Config,
  options: { json: boolean; limit: number },
  io: { log: Logger; write: (text: string) => void },
): Promise<void> {
  const store = await openStore(config, io.log);
  try {
    const incidents = await store.listIncidents({ limit: options.limit });
    io.write(
      options.json
        ? `${JSON.stringify(incidents.map(incidentToJson), null, 2)}\n`
        : formatIncidentTable(incidents),
    );
  } finally {
    await store.close();
  }
}
