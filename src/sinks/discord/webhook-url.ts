/**
 * The Discord webhook URL holds its secret token in the path. It is parsed once, and every text that could
 * carry it (errors, logs, dry-run output) is passed through `redact` before it leaves the sink.
 * @see https://discord.com/developers/docs/resources/webhook#execute-webhook
 */

/** A parsed webhook URL. */
export interface DiscordWebhook {
  /** POST target: the webhook URL with `wait=true` (kept `thread_id` and other query parameters). */
  executeUrl: string;
  /** PATCH/GET target of one message the webhook posted. */
  messageUrl(messageId: string): string;
  /** The URL with its token replaced, safe to log. */
  redactedUrl: string;
  /** Replace the token (and the full URL) wherever it occurs in `text`. */
  redact(text: string): string;
}

const PATH = /^(.*\/webhooks\/)(\d+)\/([^/?#]+)\/?$/;

/** Parse a webhook URL; throws an error that does not contain the token when it is not one. */
export function parseWebhookUrl(raw: string): DiscordWebhook {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error("DISCORD_WEBHOOK_URL is not a URL (expected https://discord.com/api/webhooks/ID/TOKEN)");
  }
  const match = PATH.exec(url.pathname);
  if (!match || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new Error(
      `DISCORD_WEBHOOK_URL does not look like a webhook URL (${url.protocol}//${url.host}/...; expected ` +
        "https://discord.com/api/webhooks/ID/TOKEN)",
    );
  }
  const [, prefix, id, token] = match as unknown as [string, string, string, string];
  const origin = `${url.protocol}//${url.host}`;
  const base = `${origin}${prefix}${id}/${token}`;
  const extra = new URLSearchParams(url.search);
  extra.delete("wait");
  const threadId = extra.get("thread_id");
  extra.set("wait", "true");
  const redactedUrl = `${origin}${prefix}${id}/***`;
  return {
    executeUrl: `${base}?${extra.toString()}`,
    messageUrl: (messageId) =>
      `${base}/messages/${encodeURIComponent(messageId)}${threadId ? `?thread_id=${encodeURIComponent(threadId)}` : ""}`,
    redactedUrl,
    redact: (text) => text.split(token).join("***"),
  };
}
