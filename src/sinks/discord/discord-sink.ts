/**
 * The Discord sink: posts one embed per incident with `?wait=true` and keeps the message id as the delivery's
 * remote reference, then edits that message when the GitHub issue or PR link arrives and when the incident
 * resolves. It sends once and classifies; the worker's outbox and retry.ts decide when to try again.
 * Discord has no idempotency key for webhooks, so there is no `lookup`: a kill in the instant between Discord
 * storing the message and the outbox recording it repeats the alert (at-least-once, never lost).
 * @see https://discord.com/developers/docs/resources/webhook
 */
import { SEVERITY_ORDER } from "../../domain/severity.js";
import type { Incident } from "../../domain/types.js";
import type { Logger } from "../../log.js";
import type { DigestSummary } from "../digest.js";
import { createRateBucket, type RateBucket } from "../rate-bucket.js";
import { deliveryKey, type SendResult, type Sink } from "../sink.js";
import { classifyDiscordAnswer, DISCORD_ERROR_CODES, type DiscordResult } from "./classify.js";
import { buildDigestMessage } from "./digest-payload.js";
import type { DiscordMessage } from "./limits.js";
import { buildDiscordMessage } from "./payload.js";
import { discordRateAnswer } from "./rate-limit.js";
import { parseWebhookUrl } from "./webhook-url.js";

/** Dependencies and settings of the Discord sink. */
export interface DiscordSinkOptions {
  webhookUrl: string;
  fetch?: typeof fetch;
  log: Logger;
  now: () => number;
  /** Grafana Explore link for an incident's logs (see grafana-explore.ts); none when omitted. */
  grafanaExploreUrl?: (incident: Incident) => string | null;
  /** The incident's page on ai-monitor (publicUrl), linked for a verdict; none when omitted. */
  incidentPageUrl?: (incident: Incident) => string | null;
  /** Print payloads instead of sending them. */
  dryRun?: boolean;
  /** Where dry-run payloads go (stdout in the CLI); the logger when omitted. */
  print?: (text: string) => void;
  timeoutMs?: number;
  username?: string;
  /** The webhook's rate-limit bucket (one per webhook); a new one when omitted. */
  bucket?: RateBucket;
  /** Longest wait for the bucket before handing the delivery back to the outbox (default 20 s). */
  maxRateWaitMs?: number;
  /** Link to the incident list in digests (the web page, when ai-monitor has a public address). */
  incidentsUrl?: string | null;
}

/** The Discord sink: a Sink that can also edit the message it posted, and post a digest. */
export type DiscordSink = Sink & {
  update(incident: Incident): Promise<SendResult>;
  sendDigest(summary: DigestSummary): Promise<SendResult>;
};

/** Reference recorded for dry-run deliveries (never a real message id). */
export const DRY_RUN_REF = "dry-run";

/** Create the Discord sink; throws at start-up (without the token in the text) if the URL is not a webhook. */
export function createDiscordSink(options: DiscordSinkOptions): DiscordSink {
  const webhook = parseWebhookUrl(options.webhookUrl);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.log.child({ sink: "discord" });
  const print = options.print ?? ((text: string) => log.info({ payload: text }, "dry run: not sent"));
  const name = "discord";
  const bucket = options.bucket ?? createRateBucket({ now: options.now });
  const maxRateWaitMs = options.maxRateWaitMs ?? 20_000;
  const rank = (incident: Incident) => SEVERITY_ORDER.indexOf(incident.severity);

  const render = (incident: Incident): DiscordMessage =>
    buildDiscordMessage(incident, {
      exploreUrl: options.grafanaExploreUrl?.(incident) ?? null,
      pageUrl: options.incidentPageUrl?.(incident) ?? null,
      username: options.username,
    });

  async function call(
    method: "POST" | "PATCH",
    url: string,
    message: DiscordMessage,
    priority: number,
  ): Promise<DiscordResult> {
    if (options.dryRun) {
      print(`[dry-run] discord ${method} ${webhook.redact(url)}\n${JSON.stringify(message, null, 2)}\n`);
      return { ok: true, remoteRef: DRY_RUN_REF };
    }
    // Every sender waits on the webhook's bucket, most severe first, instead of sending blind.
    const slot = await bucket.acquire(priority, maxRateWaitMs);
    if (!slot.ok) {
      const seconds = (slot.retryAfterMs / 1000).toFixed(1);
      return {
        ok: false,
        retryable: true,
        retryAfterMs: slot.retryAfterMs,
        error: `waiting ${seconds} s for Discord's rate limit`,
      };
    }
    let result: DiscordResult;
    try {
      const response = await doFetch(url, {
        method,
        headers: { "content-type": "application/json", "user-agent": "ai-monitor" },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await response.text();
      const answer = { status: response.status, headers: response.headers, body };
      slot.settle(discordRateAnswer(answer, options.now()));
      result = classifyDiscordAnswer(answer, options.now());
    } catch (err) {
      slot.settle(null);
      const e = err as Error & { cause?: { code?: string } };
      const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
      const detail = timedOut
        ? `Discord did not answer in ${timeoutMs} ms`
        : `network error talking to Discord: ${e.message}${e.cause?.code ? ` (${e.cause.code})` : ""}`;
      result = { ok: false, retryable: true, error: detail };
    }
    if (result.ok) return result;
    const error = webhook.redact(result.error);
    if (result.discordCode !== DISCORD_ERROR_CODES.unknownMessage && !result.retryable) {
      // A dead webhook silences every alert: say it as loudly as the log allows.
      log.error({ webhook: webhook.redactedUrl, err: error }, "Discord webhook refused the alert");
    }
    return { ...result, error };
  }

  /** The id of the message this sink posted for the incident, once recorded. */
  const postedId = (incident: Incident) => {
    const opened = incident.deliveries.find((d) => d.sink === deliveryKey(name, "opened"));
    return opened?.state === "sent" ? opened.remoteRef : null;
  };

  return {
    name,
    notifiesPeople: true,
    accepts: (incident) => incident.suppressed === null,

    async send(incident, event) {
      const message = render(incident);
      if (event === "opened") return call("POST", webhook.executeUrl, message, rank(incident));
      // The worker's ordering gate sends a resolution only after the alert was posted: edit that message.
      const id = postedId(incident);
      if (id) {
        const edited = await call("PATCH", webhook.messageUrl(id), message, rank(incident));
        if (edited.ok) return { ok: true, remoteRef: id };
        if (edited.discordCode !== DISCORD_ERROR_CODES.unknownMessage) return edited;
        log.warn(
          { message: id },
          "the alert was deleted from Discord; posting the resolution as a new message",
        );
      }
      return call("POST", webhook.executeUrl, message, rank(incident));
    },

    // A digest folds what is not critical: it waits its turn as a medium incident would.
    sendDigest: (summary) =>
      call(
        "POST",
        webhook.executeUrl,
        buildDigestMessage(summary, { username: options.username, incidentsUrl: options.incidentsUrl }),
        SEVERITY_ORDER.indexOf("medium"),
      ),

    async update(incident) {
      const id = postedId(incident);
      if (!id) return { ok: true, remoteRef: null };
      const edited = await call("PATCH", webhook.messageUrl(id), render(incident), rank(incident));
      if (edited.ok || edited.discordCode === DISCORD_ERROR_CODES.unknownMessage)
        return { ok: true, remoteRef: id };
      return edited;
    },
  };
}
