/** Pure: the readable incident card the console sink prints. Log text is untrusted, so it is de-fanged first. */
import { redactText } from "../domain/redact.js";
import type { Incident, Severity } from "../domain/types.js";
import type { SinkEvent } from "./sink.js";

const COLOURS: Record<Severity, string> = {
  critical: "\x1b[1;31m",
  high: "\x1b[31m",
  medium: "\x1b[33m",
  low: "\x1b[36m",
};
const RESET = "\x1b[0m";

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const ESCAPE_SEQUENCE = /\x1b\[[0-?]*[ -/]*[@-~]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Remove terminal control sequences and control characters an attacker could smuggle through a log line, and secrets. */
export function plainText(text: string, maxChars = 500): string {
  // C0/C1 controls, and bidirectional overrides that would make a message display reversed.
  const cleaned = redactText(text.replace(ESCAPE_SEQUENCE, "")).replace(CONTROL_CHARACTERS, " ");
  const flat = cleaned.replace(/\s*\n\s*/g, " ⏎ ");
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Build the card for an incident event; `colour` adds ANSI colours for terminals. */
export function formatIncidentCard(incident: Incident, event: SinkEvent, colour: boolean): string {
  const paint = (text: string) => (colour ? `${COLOURS[incident.severity]}${text}${RESET}` : text);
  const code = incident.errorCode ? plainText(incident.errorCode, 128) : "NO_CODE";
  const head = `[${code}] ${plainText(incident.message, 160)}`;
  if (event === "resolved") {
    const after = incident.resolvedAt ? ` at ${iso(incident.resolvedAt)}` : "";
    return `${paint(`✔ RESOLVED #${incident.id}`)} ${head} (${plainText(incident.target, 200)})${after}\n`;
  }
  const d = incident.diagnosis;
  const where = incident.filename
    ? ` (${plainText(incident.filename, 200)}${incident.lineNumber ? `:${incident.lineNumber}` : ""})`
    : "";
  const lines = [
    `${paint(`━━ ${incident.severity.toUpperCase()} #${incident.id}`)} ${head}`,
    `  target      ${plainText(incident.target, 200)}${where}`,
    `  count       ${incident.count}   first ${iso(incident.firstSeen)}   last ${iso(incident.lastSeen)}`,
    `  source      ${incident.source}${incident.requestId ? `   request ${plainText(incident.requestId, 80)}` : ""}`,
    `  fingerprint ${plainText(incident.fingerprint, 200)}`,
  ];
  if (d) {
    lines.push(`  diagnosis   ${plainText(d.title, 200)} (${d.by}, confidence ${d.confidence.toFixed(2)})`);
    if (d.skippedReason) lines.push(`  note        ${plainText(d.skippedReason, 300)}`);
    lines.push(`  root cause  ${plainText(d.rootCause)}`, `  impact      ${plainText(d.impact)}`);
    for (const [i, step] of d.recommendation.entries())
      lines.push(`  ${i === 0 ? "do" : "  "}          - ${plainText(step, 300)}`);
    if (d.runbookUrl) lines.push(`  runbook     ${plainText(d.runbookUrl, 300)}`);
    if (d.costUsd > 0) lines.push(`  cost        $${d.costUsd.toFixed(4)}`);
  }
  if (incident.url) lines.push(`  link        ${plainText(incident.url, 300)}`);
  return `${lines.join("\n")}\n`;
}

/** Pure: the one line an incident gets on the console while a storm is being digested (instead of its card). */
export function formatIncidentLine(incident: Incident, colour: boolean): string {
  const paint = (text: string) => (colour ? `${COLOURS[incident.severity]}${text}${RESET}` : text);
  const code = incident.errorCode ? plainText(incident.errorCode, 128) : "NO_CODE";
  return `${paint(`• ${incident.severity.toUpperCase()} #${incident.id}`)} [${code}] ${plainText(incident.message, 160)} (${plainText(incident.target, 120)}, ×${incident.count})\n`;
}
