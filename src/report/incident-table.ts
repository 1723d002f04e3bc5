/** The incident table a terminal shows (`incidents`, `demo`): pure formatting of stored incidents. */
import type { Delivery, DeliveryState, Incident } from "../domain/types.js";
import { plainText } from "../sinks/console-card.js";

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
