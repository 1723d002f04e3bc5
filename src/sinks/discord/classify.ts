/**
 * Pure: classify Discord's answer to a webhook call. 2xx is ok (with the message id when `wait=true`); 429 waits
 * `retry_after` (body, seconds) or `Retry-After`; 5xx and 408 retry; 404 means the webhook (or the message) is
 * gone and 400 that the payload is wrong: both permanent, since repeating them cannot succeed.
 * @see https://discord.com/developers/docs/topics/rate-limits
 * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
 */
import { parseRetryAfter } from "../retry.js";
import type { SendResult } from "../sink.js";

/** Discord JSON error codes the sink reacts to. */
export const DISCORD_ERROR_CODES = { unknownMessage: 10008, unknownWebhook: 10015, invalidToken: 50027 };

/** The parts of an HTTP answer the classifier reads. */
export interface DiscordAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** A classified failure, with what the sink needs to react (a deleted message is not a deleted webhook). */
export type DiscordResult = SendResult & { discordCode?: number };

function parseJson(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Pure: the wait Discord asks for on a 429, in ms (body first, then the headers). */
export function discordRetryAfterMs(
  answer: DiscordAnswer,
  json: Record<string, unknown> | null,
  now: number,
) {
  const seconds = json?.retry_after;
  if (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0)
    return Math.ceil(seconds * 1000);
  return (
    parseRetryAfter(answer.headers.get("retry-after"), now) ??
    parseRetryAfter(answer.headers.get("x-ratelimit-reset-after"), now)
  );
}

/** Pure: classify one answer. Error texts carry Discord's reason, never the request URL. */
export function classifyDiscordAnswer(answer: DiscordAnswer, now: number): DiscordResult {
  const { status } = answer;
  const json = parseJson(answer.body);
  if (status >= 200 && status < 300) {
    const id = json?.id;
    return { ok: true, remoteRef: typeof id === "string" && /^\d+$/.test(id) ? id : null };
  }
  const code = typeof json?.code === "number" ? json.code : undefined;
  const reason = typeof json?.message === "string" ? json.message.slice(0, 200) : answer.body.slice(0, 300);
  if (status === 429) {
    const retryAfterMs = discordRetryAfterMs(answer, json, now);
    const scope = json?.global === true ? "global " : "";
    const wait = retryAfterMs === undefined ? "" : ` (retry after ${(retryAfterMs / 1000).toFixed(1)} s)`;
    return { ok: false, retryable: true, retryAfterMs, error: `429 ${scope}rate limited by Discord${wait}` };
  }
  if (status >= 500 || status === 408)
    return { ok: false, retryable: true, error: `${status} Discord is unavailable: ${reason || "no body"}` };
  if (status === 404 && code === DISCORD_ERROR_CODES.unknownMessage)
    return {
      ok: false,
      retryable: false,
      discordCode: code,
      error: "404 Unknown Message: the alert was deleted",
    };
  if (status === 404)
    return {
      ok: false,
      retryable: false,
      discordCode: code,
      error: "404 Unknown Webhook: the Discord webhook was deleted; create one and set DISCORD_WEBHOOK_URL",
    };
  if (status === 401 || status === 403)
    return {
      ok: false,
      retryable: false,
      discordCode: code,
      error: `${status} Discord refused the webhook token (${reason}); check DISCORD_WEBHOOK_URL`,
    };
  return {
    ok: false,
    retryable: false,
    discordCode: code,
    error: `${status} Discord refused the message: ${reason}`,
  };
}
