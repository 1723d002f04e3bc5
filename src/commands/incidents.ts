/** `ai-monitor incidents`: list stored incidents, newest first, as a table or as JSON. */
import type { Config } from "../config/schema.js";
import type { Delivery, DeliveryState, Incident } from "../domain/types.js";
import { incidentsWithFeedback } from "../http/incident-feedback.js";
import type { Logger } from "../log.js";
import { openStore } from "../main.js";
import { plainText } from "../sinks/console-card.js";
import type { IncidentFilter } from "../store/incident-filter.js";

const MARKS: Record<DeliveryState, string> = { sent: "✓", pending: "…", sending: "…", failed: "✗" };
/** Sinks whose reference is an issue or PR URL: its number says more than a tick. */
const NUMBERED = new Set(["github", "autofix"]);

function deliveryCell(d: Delivery): string {
  const number = /^https?:\/\/\S+\/(\d+)(?:#\S*)?$/.exec(d.remoteRef ?? "")?.[1];
  if (d.state === "sent" && number && NUMBERED.has(d.sink)) return `${d.sink}#${number}`;
  return `${d.sink}${MARKS[d.state]}`;
}

/**
 * Pure: the deliveries in one compact cell, e.g. `console✓ discord✓ github#12 autofix✗` (✓ sent, … pending or
 * sending, ✗ failed). A resolution notice (`discord:resolved`) shows only while not sent: STATUS already says
 * resolved, and a stuck or failed notice is what a reader needs to see.
 */
export function formatDeliveries(deliveries: Delivery[]): string {
  const shown = deliveries.filter((d) => !d.sink.endsWith(":resolved") || d.state !== "sent");
  return shown.length === 0 ? "-" : shown.map(deliveryCell).join(" ");
}

/** Pure: one table row per incident, columns padded for a terminal (MESSAGE last: it may run long). */
export function formatIncidentTable(incidents: Incident[]): string {
  if (incidents.length === 0) return "no incidents yet\n";
  const rows = incidents.map((i) => [
    i.id,
    i.severity,
    i.status + (i.suppressed ? `(${i.suppressed})` : ""),
    String(i.count),
    new Date(i.lastSeen).toISOString().replace(".000Z", "Z"),
    i.errorCode ? plainText(i.errorCode, 40) : "-",
    plainText(i.target, 40),
    formatDeliveries(i.deliveries),
    plainText(i.message, 60),
  ]);
  const header = [
    "ID",
    "SEVERITY",
    "STATUS",
    "COUNT",
    "LAST SEEN",
    "CODE",
    "TARGET",
    "DELIVERIES",
    "MESSAGE",
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

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
