import { describe, expect, it } from "vitest";
import { classifyDiscordAnswer } from "./classify.js";

const NOW = Date.parse("2026-11-26T09:00:00Z");
const answer = (status: number, body: unknown = "", headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("classifyDiscordAnswer", () => {
  it("reads the message id of a ?wait=true answer, and accepts a 204", () => {
    expect(classifyDiscordAnswer(answer(200, { id: "1300000000000000001" }), NOW)).toEqual({
      ok: true,
      remoteRef: "1300000000000000001",
    });
    expect(classifyDiscordAnswer(answer(204), NOW)).toEqual({ ok: true, remoteRef: null });
  });

  it.each([
    [
      "body retry_after (seconds, fractional)",
      answer(429, { retry_after: 1.5, global: false }, { "retry-after": "9" }),
      1500,
    ],
    ["Retry-After header when the body has none", answer(429, "", { "retry-after": "3" }), 3000],
    [
      "X-RateLimit-Reset-After as a last resort",
      answer(429, "{}", { "x-ratelimit-reset-after": "0.25" }),
      250,
    ],
  ])("429: waits as asked (%s)", (_name, reply, waitMs) => {
    expect(classifyDiscordAnswer(reply, NOW)).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: waitMs,
    });
  });

  it("says when a 429 is global", () => {
    const result = classifyDiscordAnswer(answer(429, { retry_after: 2, global: true }), NOW);
    expect(result).toMatchObject({ error: "429 global rate limited by Discord (retry after 2.0 s)" });
  });

  it.each([500, 502, 503, 504, 408])("%i is retryable", (status) => {
    expect(classifyDiscordAnswer(answer(status, "<html>bad gateway</html>"), NOW)).toMatchObject({
      ok: false,
      retryable: true,
    });
  });

  it("404 Unknown Webhook and 401 are permanent and tell what to fix", () => {
    expect(
      classifyDiscordAnswer(answer(404, { message: "Unknown Webhook", code: 10015 }), NOW),
    ).toMatchObject({
      retryable: false,
      error: expect.stringContaining("set DISCORD_WEBHOOK_URL"),
    });
    expect(
      classifyDiscordAnswer(answer(401, { message: "Invalid Webhook Token", code: 50027 }), NOW),
    ).toMatchObject({
      retryable: false,
      error: expect.stringContaining("Invalid Webhook Token"),
    });
  });

  it("tells a deleted message from a deleted webhook", () => {
    expect(
      classifyDiscordAnswer(answer(404, { message: "Unknown Message", code: 10008 }), NOW),
    ).toMatchObject({
      retryable: false,
      discordCode: 10008,
    });
  });

  it("a 400 is permanent and carries Discord's reason", () => {
    expect(classifyDiscordAnswer(answer(400, { embeds: ["0"] }), NOW)).toEqual({
      ok: false,
      retryable: false,
      discordCode: undefined,
      error: '400 Discord refused the message: {"embeds":["0"]}',
    });
  });
});
