/**
 * Pure: the Discord message for an incident. One embed, coloured by severity (green once resolved), with the
 * diagnosis in the description and the facts in fields; links to Grafana Explore, the GitHub issue and the PR
 * (or, when autofix failed for good, why there is no PR).
 * Every text from the incident is untrusted and goes through safe-text; the message is then fitted to the limits.
 * @see https://discord.com/developers/docs/resources/message#embed-object
 */
import { VERDICT_PROMPT } from "../../domain/incident-page.js";
import type { Incident, Severity } from "../../domain/types.js";
import { codePointLength, truncateCodePoints } from "../truncate.js";
import {
  DISCORD_LIMITS,
  type DiscordEmbed,
  type DiscordField,
  type DiscordMessage,
  embedCodePoints,
  fitDiscordMessage,
} from "./limits.js";
import { discordCode, discordPlain, discordText } from "./safe-text.js";

/** Embed colours (Discord's palette) by severity, and for a resolved incident. */
export const SEVERITY_COLOURS: Record<Severity | "resolved", number> = {
  critical: 0x992d22,
  high: 0xe74c3c,
  medium: 0xe67e22,
  low: 0x3498db,
  resolved: 0x2ecc71,
};

/** A link shown in the alert; only URLs ai-monitor made itself (config, GitHub answers) become links. */
export interface AlertLink {
  label: string;
  url: string;
}

/** What the payload needs besides the incident. */
export interface DiscordPayloadOptions {
  /** Grafana Explore link for the incident's logs, when Grafana is configured. */
  exploreUrl: string | null;
  /** The incident's page on ai-monitor (publicUrl), where a verdict takes one click. */
  pageUrl?: string | null;
  username?: string;
}

const MAX_LINK_URL = 900;
const isHttpUrl = (url: string | null | undefined): url is string =>
  !!url && /^https?:\/\/[^\s<>()]+$/.test(url) && url.length <= MAX_LINK_URL;

/** Pure: the links of an incident: Grafana, the GitHub issue and the draft PR once their sinks reported them. */
export function incidentLinks(incident: Incident, exploreUrl: string | null): AlertLink[] {
  const links: AlertLink[] = [];
  if (isHttpUrl(exploreUrl)) links.push({ label: "Logs in Grafana", url: exploreUrl });
  for (const [sink, label] of [
    ["github", "GitHub issue"],
    ["autofix", "Draft PR"],
  ] as const) {
    const ref = incident.deliveries.find((d) => d.sink === sink && d.state === "sent")?.remoteRef;
    if (!isHttpUrl(ref)) continue;
    const number = /\/(\d+)(?:#.*)?$/.exec(ref)?.[1];
    links.push({ label: number ? `${label} #${number}` : label, url: ref });
  }
  // The catalog's runbook is configuration, so trusted; an LLM's could be steered by log text.
  const d = incident.diagnosis;
  if (d?.by === "offline" && isHttpUrl(d.runbookUrl)) links.push({ label: "Runbook", url: d.runbookUrl });
  return links;
}

/** Longest autofix refusal shown: the reason is one line (policy, cap, test failure), not a log. */
const MAX_AUTOFIX_REASON = 500;

/**
 * Pure: the alert field for an autofix attempt that failed for good (issue 8: a failure alerts on Discord), null
 * when autofix succeeded (the "Draft PR" link says it), is still running, or was never asked (no record).
 */
export function autofixFailureField(incident: Incident): DiscordField | null {
  const delivery = incident.deliveries.find((d) => d.sink === "autofix");
  if (delivery?.state !== "failed") return null;
  // The reason may quote the code or the log line the edit came from: untrusted, like every incident text.
  const reason = discordText(delivery.lastError ?? "", true) || "no reason recorded";
  return { name: "Auto-fix: not applied", value: truncateCodePoints(reason, MAX_AUTOFIX_REASON) };
}

const unix = (ms: number) => Math.floor(ms / 1000);
const when = (ms: number) => `<t:${unix(ms)}:f> (<t:${unix(ms)}:R>)`;

function linksValue(links: AlertLink[]): string | null {
  let value = "";
  for (const link of links) {
    const line = `[${link.label}](${link.url})`;
    // A link is never cut in half: one that does not fit is left out.
    if (codePointLength(value) + codePointLength(line) + 1 > DISCORD_LIMITS.fieldValueCodePoints) continue;
    value += value ? `\n${line}` : line;
  }
  return value || null;
}

function fields(incident: Incident, links: AlertLink[]): DiscordField[] {
  const d = incident.diagnosis;
  const where = incident.filename
    ? `${incident.filename}${incident.lineNumber ? `:${incident.lineNumber}` : ""}`
    : null;
  const out: DiscordField[] = [
    { name: "Severity", value: (d?.severity ?? incident.severity).toUpperCase(), inline: true },
    { name: "Error code", value: discordCode(incident.errorCode ?? "none", 64), inline: true },
    { name: "Count", value: String(incident.count), inline: true },
    {
      name: "Target",
      value: `${discordCode(incident.target, 200)}${where ? `\n${discordCode(where, 200)}` : ""}`,
    },
    { name: "First seen", value: when(incident.firstSeen), inline: true },
    { name: "Last seen", value: when(incident.lastSeen), inline: true },
  ];
  if (incident.status === "resolved" && incident.resolvedAt !== null)
    out.push({ name: "Resolved", value: when(incident.resolvedAt), inline: true });
  if (incident.requestId)
    out.push({ name: "Request id", value: discordCode(incident.requestId, 100), inline: true });
  if (d && d.recommendation.length > 0) {
    const steps = d.recommendation.slice(0, 8).map((step) => `• ${discordText(step, true)}`);
    out.push({
      name: "Recommendation",
      value: truncateCodePoints(steps.join("\n"), DISCORD_LIMITS.fieldValueCodePoints),
    });
  }
  out.push({
    name: "Cost",
    value: d ? `$${d.costUsd.toFixed(4)} (${discordPlain(d.by).slice(0, 60)})` : "$0.0000",
    inline: true,
  });
  const autofix = autofixFailureField(incident);
  if (autofix) out.push(autofix);
  const linkValue = linksValue(links);
  if (linkValue) out.push({ name: "Links", value: linkValue });
  return out;
}

function describe(incident: Incident): string {
  const d = incident.diagnosis;
  if (!d) return "_No diagnosis yet: basic alert._";
  const parts = [`**Root cause**\n${discordText(d.rootCause)}`, `**Impact**\n${discordText(d.impact)}`];
  if (d.skippedReason) parts.push(`_${discordText(d.skippedReason, true)}_`);
  return parts.join("\n\n");
}

/** Pure: the webhook message for the incident in its current state (open, or resolved). */
export function buildDiscordMessage(incident: Incident, options: DiscordPayloadOptions): DiscordMessage {
  const resolved = incident.status === "resolved";
  const code = incident.errorCode ?? "NO_CODE";
  const d = incident.diagnosis;
  const links = incidentLinks(incident, options.exploreUrl);
  if (isHttpUrl(options.pageUrl))
    links.unshift({ label: d && !resolved ? VERDICT_PROMPT : "Incident page", url: options.pageUrl });
  // Titles are plain: escapes would show as backslashes there, and defang already breaks mentions and links.
  const title = `${resolved ? "✅ RESOLVED · " : ""}[${discordPlain(code)}] ${discordPlain(incident.message)}`;
  const confidence = d ? ` · ${discordPlain(d.by).slice(0, 60)} ${Math.round(d.confidence * 100)}%` : "";
  const embed: DiscordEmbed = {
    title: truncateCodePoints(title, DISCORD_LIMITS.titleCodePoints),
    color: SEVERITY_COLOURS[resolved ? "resolved" : (d?.severity ?? incident.severity)],
    timestamp: new Date(incident.firstSeen).toISOString(),
    fields: fields(incident, links),
    footer: {
      text: truncateCodePoints(
        `ai-monitor #${incident.id} · ${discordPlain(incident.fingerprint)}${confidence}`,
        300,
      ),
    },
  };
  const issue = links.find((l) => l.label.startsWith("GitHub issue"));
  if (issue) embed.url = issue.url;
  // The description takes what the other parts leave of the 6000 total, so the fitter rarely has to cut.
  const room = Math.min(
    DISCORD_LIMITS.descriptionCodePoints,
    DISCORD_LIMITS.embedsTotalCodePoints - embedCodePoints(embed),
  );
  embed.description = truncateCodePoints(describe(incident), room);
  return fitDiscordMessage({
    username: options.username ?? "ai-monitor",
    embeds: [embed],
    allowed_mentions: { parse: [] },
  });
}
