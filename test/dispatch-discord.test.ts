/**
 * The Discord sink against the fake Discord: message ids with ?wait=true, edits, 429 with retry_after, 5xx and
 * network errors retryable, 404 permanent and loud, dry run, and the webhook token in no log or error.
 */
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Delivery, Incident } from "../src/domain/types.js";
import { classifyDiscordAnswer } from "../src/sinks/discord/classify.js";
import { createDiscordSink } from "../src/sinks/discord/discord-sink.js";
import { parseWebhookUrl } from "../src/sinks/discord/webhook-url.js";
import { hostileIncident, makeIncident } from "./helpers/dispatch-incident.js";
import { type FakeDiscord, startFakeDiscord } from "./helpers/fake-discord.js";

const fakes: FakeDiscord[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function setup(options: Parameters<typeof startFakeDiscord>[0] = {}) {
  const fake = await startFakeDiscord(options);
  fakes.push(fake);
  const lines: string[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
  const printed: string[] = [];
  const make = (extra: { dryRun?: boolean; webhookUrl?: string } = {}) =>
    createDiscordSink({
      webhookUrl: extra.webhookUrl ?? fake.webhookUrl,
      log,
      now: Date.now,
      dryRun: extra.dryRun,
      print: (text) => void printed.push(text),
    });
  return { fake, sink: make(), make, lines, printed };
}

const sent = (sink: string, remoteRef: string | null, state: Delivery["state"] = "sent"): Delivery => ({
  sink,
  state,
  attempts: 1,
  remoteRef,
  lastError: null,
  updatedAt: 0,
});

describe("Discord sink", () => {
  it("posts one embed with ?wait=true and keeps the message id; nothing can ping", async () => {
    const { fake, sink } = await setup();
    const result = await sink.send(hostileIncident(), "opened");
    expect(result).toMatchObject({ ok: true, remoteRef: expect.stringMatching(/^\d+$/) });
    const stored = fake.messages.get((result as { remoteRef: string }).remoteRef)!;
    expect(stored.versions[0]?.allowed_mentions).toEqual({ parse: [] });
    expect(stored.message.mention_everyone).toBe(false);
    expect(stored.message.mention_roles).toEqual([]);
    expect(fake.requests[0]).toMatchObject({ method: "POST", path: expect.stringContaining("wait=true") });
  });

  it("edits its message when the issue link arrives and when the incident resolves", async () => {
    const { fake, sink } = await setup();
    const incident = makeIncident();
    const posted = await sink.send(incident, "opened");
    const id = (posted as { remoteRef: string }).remoteRef;
    incident.deliveries = [
      sent("discord", id),
      sent("github", "https://github.example/acme/server/issues/4"),
    ];
    expect(await sink.update(incident)).toEqual({ ok: true, remoteRef: id });
    expect(JSON.stringify(fake.messages.get(id)?.message.embeds)).toContain("GitHub issue #4");

    const resolved: Incident = { ...incident, status: "resolved", resolvedAt: incident.lastSeen + 60_000 };
    expect(await sink.send(resolved, "resolved")).toEqual({ ok: true, remoteRef: id });
    expect(fake.messages.size).toBe(1);
    expect(fake.messages.get(id)?.message.embeds[0]?.title).toMatch(/^✅ RESOLVED/);
    expect(fake.messages.get(id)?.versions).toHaveLength(3);
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "PATCH", "PATCH"]);
  });

  it("posts the resolution as a new message when the alert was deleted", async () => {
    const { fake, sink } = await setup();
    const incident = makeIncident({ status: "resolved", resolvedAt: Date.now() });
    const posted = await sink.send(makeIncident(), "opened");
    const id = (posted as { remoteRef: string }).remoteRef;
    fake.deleteMessage(id);
    incident.deliveries = [sent("discord", id)];
    const result = await sink.send(incident, "resolved");
    expect(result).toMatchObject({ ok: true });
    expect((result as { remoteRef: string }).remoteRef).not.toBe(id);
    expect(fake.messages.size).toBe(1);
  });

  it("past 5 requests in 2 seconds, waits for the webhook's window instead of drawing a 429", async () => {
    const { fake, sink } = await setup();
    const sends = Array.from({ length: 7 }, () => sink.send(makeIncident(), "opened"));
    expect((await Promise.all(sends)).map((r) => r.ok)).toEqual(Array(7).fill(true));
    expect(fake.rateLimited()).toBe(0);
    expect(fake.requests.map((r) => r.status)).toEqual(Array(7).fill(200));
  });

  it("hands a delivery back to the outbox, with the wait, when the window is further off than it may wait", async () => {
    const fake = await startFakeDiscord();
    fakes.push(fake);
    const sink = createDiscordSink({
      webhookUrl: fake.webhookUrl,
      log: pino({ level: "silent" }),
      now: Date.now,
      maxRateWaitMs: 100,
    });
    for (let i = 0; i < 5; i++) expect((await sink.send(makeIncident(), "opened")).ok).toBe(true);
    const limited = await sink.send(makeIncident(), "opened");
    expect(limited).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringContaining("rate limit"),
    });
    const wait = (limited as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(100);
    expect(wait).toBeLessThanOrEqual(2000);
    expect(fake.requests).toHaveLength(5);
  });

  it("classifies 429 (body), 500 and network errors as retryable", async () => {
    const { fake, sink } = await setup();
    fake.failNext(429, 500, 502);
    expect(await sink.send(makeIncident(), "opened")).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 250,
    });
    expect(await sink.send(makeIncident(), "opened")).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringMatching(/^500/),
    });
    expect(await sink.send(makeIncident(), "opened")).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringMatching(/^502/),
    });
    await fake.close();
    const down = await sink.send(makeIncident(), "opened");
    expect(down).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringContaining("network error"),
    });
  });

  it("treats a deleted webhook (404) as permanent and says so loudly, never showing the token", async () => {
    const { fake, sink, lines } = await setup();
    fake.deleteWebhook();
    const result = await sink.send(makeIncident(), "opened");
    expect(result).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining("Unknown Webhook"),
    });
    const loud = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50);
    expect(loud).toMatchObject({
      msg: "Discord webhook refused the alert",
      webhook: expect.stringMatching(/\/\*\*\*$/),
    });
    expect([...lines, JSON.stringify(result)].join("\n")).not.toContain(fake.token);
  });

  it("reports Discord's 400 body (a payload over a limit) as permanent", async () => {
    const { fake } = await setup();
    const tooLong = { embeds: [{ title: "😀".repeat(257) }], allowed_mentions: { parse: [] } };
    const response = await fetch(fake.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(tooLong),
    });
    const body = await response.text();
    expect([response.status, body]).toEqual([400, '{"embeds":["0"]}']);
    const classified = classifyDiscordAnswer({ status: 400, headers: response.headers, body }, Date.now());
    expect(classified).toMatchObject({
      ok: false,
      retryable: false,
      error: '400 Discord refused the message: {"embeds":["0"]}',
    });
  });

  it("in dry-run mode prints the payload instead of sending it", async () => {
    const { fake, make, printed } = await setup();
    const result = await make({ dryRun: true }).send(makeIncident(), "opened");
    expect(result).toEqual({ ok: true, remoteRef: "dry-run" });
    expect(fake.requests).toHaveLength(0);
    expect(printed[0]).toMatch(
      /^\[dry-run\] discord POST http:\/\/127\.0\.0\.1:\d+\/api\/webhooks\/\d+\/\*\*\*\?wait=true\n\{/,
    );
    expect(printed.join("")).not.toContain(fake.token);
  });

  it("refuses a URL that is not a webhook without echoing it", () => {
    const secret = "https://discord.com/api/hooks/123/SECRETSECRETSECRET";
    expect(() => parseWebhookUrl(secret)).toThrow(/does not look like a webhook URL/);
    expect(() => parseWebhookUrl(secret)).not.toThrow(/SECRET/);
    const parsed = parseWebhookUrl("https://discord.com/api/webhooks/123/TOKEN_abcdefgh?thread_id=9");
    expect(parsed.executeUrl).toBe(
      "https://discord.com/api/webhooks/123/TOKEN_abcdefgh?thread_id=9&wait=true",
    );
    expect(parsed.messageUrl("55")).toBe(
      "https://discord.com/api/webhooks/123/TOKEN_abcdefgh/messages/55?thread_id=9",
    );
    expect(parsed.redact(`failed: ${parsed.executeUrl}`)).toBe(
      "failed: https://discord.com/api/webhooks/123/***?thread_id=9&wait=true",
    );
  });
});
