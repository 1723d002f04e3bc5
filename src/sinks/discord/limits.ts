/**
 * Discord's message limits, counted in code points, and a fitter that makes any message respect them. Bridges
 * that ignore them get `400 {"embeds": ["0"]}` and the alert is lost; here the payload is cut before sending.
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * @see https://discord.com/developers/docs/resources/webhook#execute-webhook
 */
import type { APIEmbed, APIEmbedField, RESTPostAPIWebhookWithTokenJSONBody } from "discord-api-types/v10";
import { codePointLength, truncateCodePoints } from "../truncate.js";

/** The limits (code points unless named otherwise). */
export const DISCORD_LIMITS = {
  titleCodePoints: 256,
  descriptionCodePoints: 4096,
  fieldCount: 25,
  fieldNameCodePoints: 256,
  fieldValueCodePoints: 1024,
  footerCodePoints: 2048,
  authorNameCodePoints: 256,
  /** Sum of title, description, field names and values, footer and author name over all embeds. */
  embedsTotalCodePoints: 6000,
  embedCount: 10,
  contentCodePoints: 2000,
  usernameCodePoints: 80,
} as const;

/** One embed field (Discord's own type, as the fake Discord in test/ checks against). */
export type DiscordField = APIEmbedField;

/** An embed; ai-monitor sends title, description, url, color, timestamp, footer, author and fields. */
export type DiscordEmbed = APIEmbed;

/** A webhook message body (execute and edit): always with embeds, and never pinging anyone. */
export type DiscordMessage = Pick<RESTPostAPIWebhookWithTokenJSONBody, "content" | "username"> & {
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: [] };
};

const L = DISCORD_LIMITS;
const len = (text: string | undefined) => (text ? codePointLength(text) : 0);

/** Pure: the code points an embed adds to the 6000 total. */
export function embedCodePoints(embed: DiscordEmbed): number {
  let total = len(embed.title) + len(embed.description) + len(embed.footer?.text) + len(embed.author?.name);
  for (const field of embed.fields ?? []) total += len(field.name) + len(field.value);
  return total;
}

const nonEmpty = (text: string) => (text.trim() === "" ? "-" : text);

function fitParts(embed: DiscordEmbed): DiscordEmbed {
  const out: DiscordEmbed = { ...embed };
  if (out.title !== undefined) out.title = truncateCodePoints(out.title, L.titleCodePoints);
  if (out.description !== undefined)
    out.description = truncateCodePoints(out.description, L.descriptionCodePoints);
  if (out.footer) out.footer = { text: truncateCodePoints(out.footer.text, L.footerCodePoints) };
  if (out.author) out.author = { name: truncateCodePoints(out.author.name, L.authorNameCodePoints) };
  if (out.fields)
    out.fields = out.fields.slice(0, L.fieldCount).map((f) => ({
      ...f,
      name: nonEmpty(truncateCodePoints(f.name, L.fieldNameCodePoints)),
      value: nonEmpty(truncateCodePoints(f.value, L.fieldValueCodePoints)),
    }));
  return out;
}

/** Shrink one embed (already within its per-part limits) to `budget` code points; null when nothing fits. */
function fitToBudget(embed: DiscordEmbed, budget: number): DiscordEmbed | null {
  const out = { ...embed, fields: embed.fields ? [...embed.fields] : undefined };
  let excess = embedCodePoints(out) - budget;
  // The description goes first: fields hold the facts (code, target, counts) a reader scans for.
  if (excess > 0 && out.description) {
    const keep = len(out.description) - excess;
    out.description = keep >= 2 ? truncateCodePoints(out.description, keep) : undefined;
    excess = embedCodePoints(out) - budget;
  }
  const fields = out.fields ?? [];
  const sizes = fields.map((f) => len(f.value));
  while (excess > 0 && fields.length > 0) {
    const longest = sizes.indexOf(Math.max(...sizes));
    const keep = sizes[longest]! - excess;
    if (keep >= 16) {
      const field = fields[longest]!;
      fields[longest] = { ...field, value: truncateCodePoints(field.value, keep) };
      const size = len(fields[longest]!.value);
      excess -= sizes[longest]! - size;
      sizes[longest] = size;
    } else {
      excess -= len(fields.pop()!.name) + sizes.pop()!;
    }
  }
  for (const part of ["footer", "author", "title"] as const) {
    if (excess <= 0) break;
    const text = part === "footer" ? out.footer?.text : part === "author" ? out.author?.name : out.title;
    if (!text) continue;
    const keep = len(text) - excess;
    const cut = keep >= 2 ? truncateCodePoints(text, keep) : undefined;
    if (part === "footer") out.footer = cut ? { text: cut } : undefined;
    else if (part === "author") out.author = cut ? { name: cut } : undefined;
    else out.title = cut;
    excess = embedCodePoints(out) - budget;
  }
  if (out.fields?.length === 0) out.fields = undefined;
  const empty = !out.title && !out.description && !out.fields && !out.footer && !out.author;
  return excess > 0 || empty ? null : out;
}

/** Pure: a copy of `message` that respects every Discord limit, cutting text with an ellipsis. */
export function fitDiscordMessage(message: DiscordMessage): DiscordMessage {
  const out: DiscordMessage = { ...message, allowed_mentions: { parse: [] }, embeds: [] };
  if (message.content !== undefined) out.content = truncateCodePoints(message.content, L.contentCodePoints);
  if (message.username !== undefined)
    out.username = truncateCodePoints(message.username, L.usernameCodePoints);
  let budget: number = L.embedsTotalCodePoints;
  for (const embed of message.embeds.slice(0, L.embedCount)) {
    const fitted = fitToBudget(fitParts(embed), budget);
    if (!fitted) break;
    out.embeds.push(fitted);
    budget -= embedCodePoints(fitted);
  }
  return out;
}
