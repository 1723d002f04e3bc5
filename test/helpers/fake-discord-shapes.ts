/**
 * Shapes of the fake Discord: its validation of a webhook body (every limit counted in code points, answered with
 * Discord's error bodies: `{"embeds": ["0"]}` names the first embed that broke a limit) and the message it stores.
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */
import type { APIEmbed, APIMessage, RESTPostAPIWebhookWithTokenJSONBody } from "discord-api-types/v10";

/** Code points, as Discord counts. */
const cp = (s: string | null | undefined) => (s ? [...s].length : 0);

/** Discord's checks of one embed (code points); true when it breaks a limit. */
function embedBroken(e: APIEmbed): boolean {
  const fields = e.fields ?? [];
  return (
    cp(e.title) > 256 ||
    cp(e.description) > 4096 ||
    fields.length > 25 ||
    fields.some((f) => cp(f.name) > 256 || cp(f.value) > 1024 || cp(f.name) === 0 || cp(f.value) === 0) ||
    cp(e.footer?.text) > 2048 ||
    cp(e.author?.name) > 256
  );
}

/** Validate a webhook body as Discord does; the error body it would answer with, or null when valid. */
export function discordErrors(body: RESTPostAPIWebhookWithTokenJSONBody): Record<string, unknown> | null {
  const embeds = body.embeds ?? [];
  if (!body.content && embeds.length === 0) return { message: "Cannot send an empty message", code: 50006 };
  if (cp(body.content) > 2000) return { content: ["Must be 2000 or fewer in length."] };
  if (cp(body.username) > 80) return { username: ["Must be 80 or fewer in length."] };
  if (embeds.length > 10) return { embeds: ["Must be 10 or fewer in length."] };
  let total = 0;
  for (const [i, e] of embeds.entries()) {
    total += cp(e.title) + cp(e.description) + cp(e.footer?.text) + cp(e.author?.name);
    for (const f of e.fields ?? []) total += cp(f.name) + cp(f.value);
    if (embedBroken(e) || total > 6000) return { embeds: [String(i)] };
  }
  return null;
}

/** The message Discord returns for a webhook post (mentions parsed as allowed_mentions permits). */
export function toMessage(
  webhookId: string,
  id: string,
  body: RESTPostAPIWebhookWithTokenJSONBody,
  at: number,
): APIMessage {
  // Mentions are parsed from content only, and only those allowed_mentions permits (absent = all).
  const parse = body.allowed_mentions?.parse ?? ["everyone", "users", "roles"];
  const content = body.content ?? "";
  return {
    id,
    channel_id: "1187000000000000100",
    author: {
      id: webhookId,
      username: body.username ?? "Captain Hook",
      discriminator: "0000",
      global_name: null,
      avatar: null,
      bot: true,
    },
    content,
    timestamp: new Date(at).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: parse.includes("everyone" as never) && /@(everyone|here)/.test(content),
    mentions: [],
    mention_roles: parse.includes("roles" as never)
      ? [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]!)
      : [],
    attachments: [],
    embeds: body.embeds ?? [],
    pinned: false,
    type: 0,
    webhook_id: webhookId,
  };
}
