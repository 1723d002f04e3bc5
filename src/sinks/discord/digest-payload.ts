/**
 * Pure: the Discord message of a digest (see sinks/digest.ts): how many new incidents a window folded, by
 * severity, and the fingerprints that fired most. Fingerprints come from logs: untrusted, made inert.
 * @see https://discord.com/developers/docs/resources/message#embed-object
 */
import { SEVERITY_ORDER } from "../../domain/severity.js";
import type { DigestSummary } from "../digest.js";
import { truncateCodePoints } from "../truncate.js";
import { DISCORD_LIMITS, type DiscordMessage, fitDiscordMessage } from "./limits.js";
import { SEVERITY_COLOURS } from "./payload.js";
import { discordCode } from "./safe-text.js";

const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** Pure: the digest message; `incidentsUrl` links to the incident list when ai-monitor has a public address. */
export function buildDigestMessage(
  summary: DigestSummary,
  options: { username?: string; incidentsUrl?: string | null },
): DiscordMessage {
  const counts = SEVERITY_ORDER.filter((s) => summary.bySeverity[s] > 0)
    .map((s) => `${summary.bySeverity[s]} ${s}`)
    .join(" · ");
  const top = summary.top
    .map((g) => {
      const times = g.incidents === 1 ? "1 incident" : `${g.incidents} incidents`;
      return `• ${discordCode(g.fingerprint, 120)} ${times}, ${g.occurrences} occurrence(s)`;
    })
    .join("\n");
  const list = options.incidentsUrl
    ? `[All incidents](${options.incidentsUrl})`
    : "List them with `ai-monitor incidents` or `GET /api/incidents`.";
  const worst = SEVERITY_ORDER.find((s) => summary.bySeverity[s] > 0) ?? "low";
  const description =
    `${summary.total} more new incident(s) between ${time(summary.fromMs)} and ${time(summary.toMs)} UTC ` +
    `(incidents #${summary.firstId} to #${summary.lastId}), folded into this digest so the channel stays ` +
    `readable; critical incidents are still posted one by one.\n\n**Top fingerprints**\n${top}\n\n${list}`;
  return fitDiscordMessage({
    username: options.username ?? "ai-monitor",
    embeds: [
      {
        title: truncateCodePoints(
          `📦 Digest: ${summary.total} new incident(s) · ${counts}`,
          DISCORD_LIMITS.titleCodePoints,
        ),
        color: SEVERITY_COLOURS[worst],
        timestamp: new Date(summary.toMs).toISOString(),
        description: truncateCodePoints(description, DISCORD_LIMITS.descriptionCodePoints),
        footer: { text: "ai-monitor digest" },
      },
    ],
    allowed_mentions: { parse: [] },
  });
}
