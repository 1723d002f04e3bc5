/**
 * Pure: what one Discord answer says about the webhook's rate limit, for the sink's bucket. Every answer carries
 * X-RateLimit-Limit / -Remaining / -Reset-After; a 429 adds `retry_after` (seconds, in the body) and `global`.
 * A global 429 stops this process's requests to Discord just as a per-route one does: the sink has one bucket
 * per webhook and a process has one webhook, so both mean "send nothing until retry_after has passed".
 * @see https://discord.com/developers/docs/topics/rate-limits#header-format
 */
import type { RateAnswer } from "../rate-bucket.js";
import { type DiscordAnswer, discordRetryAfterMs } from "./classify.js";

const number = (value: string | null): number | undefined => {
  if (value === null || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** Pure: the bucket's lesson from an answer (status, headers, body already read). */
export function discordRateAnswer(answer: DiscordAnswer, now: number): RateAnswer {
  const { headers } = answer;
  const limit = number(headers.get("x-ratelimit-limit"));
  const remaining = number(headers.get("x-ratelimit-remaining"));
  const resetAfter = number(headers.get("x-ratelimit-reset-after"));
  const lesson: RateAnswer = {
    ...(limit === undefined ? {} : { limit: Math.floor(limit) }),
    ...(remaining === undefined || resetAfter === undefined
      ? {}
      : { remaining: Math.floor(remaining), resetAfterMs: Math.ceil(resetAfter * 1000) }),
  };
  if (answer.status !== 429) return lesson;
  let json: Record<string, unknown> | null = null;
  try {
    const value: unknown = JSON.parse(answer.body);
    if (value && typeof value === "object" && !Array.isArray(value)) json = value as Record<string, unknown>;
  } catch {
    // A 429 without a JSON body (a proxy's, say): the headers decide.
  }
  // Without any hint, a second is Discord's usual window slice: better than hammering.
  return { ...lesson, retryAfterMs: discordRetryAfterMs(answer, json, now) ?? 1000 };
}
