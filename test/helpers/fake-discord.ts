/**
 * A fake Discord webhook API that answers like Discord: 400 `{"embeds": ["0"]}` when a limit is exceeded (counted
 * in code points), Discord's webhook bucket (5 per 2 s: X-RateLimit-Limit/-Remaining/-Reset-After on every
 * answer, 429 with `retry_after` past the limit), the message with `?wait=true`, message
 * edits with PATCH, 404 Unknown Webhook / Unknown Message. Failures can be injected (a rate, or scripted).
 * Standalone: `node --import tsx test/helpers/fake-discord.ts --port 9300` prints the webhook URL and each message.
 * @see https://discord.com/developers/docs/resources/webhook
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type {
  APIMessage,
  RESTPatchAPIWebhookWithTokenMessageJSONBody,
  RESTPostAPIWebhookWithTokenJSONBody,
  RESTRateLimit,
} from "discord-api-types/v10";
import { discordErrors, toMessage } from "./fake-discord-shapes.js";
import { closeServer, listenLocal, standalonePort } from "./local-server.js";

export { discordErrors };

/** A message as the fake stores it, with every version it had. */
export interface FakeMessage {
  message: APIMessage;
  versions: RESTPostAPIWebhookWithTokenJSONBody[];
}

/** Options of the fake. */
export interface FakeDiscordOptions {
  port?: number;
  /** Requests allowed per window before 429 (Discord's webhook bucket: 5 per 2 s). */
  rateLimit?: { requests: number; windowMs: number };
  /** Share of requests answered 500 or 429 (half each) before anything is stored. */
  failRate?: number;
  random?: () => number;
  now?: () => number;
  onEvent?: (line: string) => void;
}

/** The running fake. */
export interface FakeDiscord {
  webhookUrl: string;
  token: string;
  messages: Map<string, FakeMessage>;
  /** How many requests the rate limit refused with 429 (injected failures not counted). */
  rateLimited(): number;
  /** Every request: method, path without the token, status answered. */
  requests: Array<{ method: string; path: string; status: number }>;
  /** Answer the next requests with these statuses (500, 502, 429, 404...) before anything is stored. */
  failNext(...statuses: number[]): void;
  /** Hold the next POST after reading its body; `release(store)` answers it, or drops it unprocessed. */
  holdNextPost(): { received: Promise<void>; release(process: boolean): void };
  deleteWebhook(): void;
  deleteMessage(id: string): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): number {
  res.writeHead(status, {
    ...(body === undefined ? {} : { "content-type": "application/json" }),
    ...headers,
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
  return status;
}

/** Start the fake on 127.0.0.1 (port 0 = any free port). */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const webhookId = "1187000000000000001";
  const token = "fAkE-T0KEN_ai-monitor-test-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";
  const limit = options.rateLimit ?? { requests: 5, windowMs: 2000 };
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const messages = new Map<string, FakeMessage>();
  const requests: FakeDiscord["requests"] = [];
  const scripted: number[] = [];
  let limitedCount = 0;
  let holdArmed: { arrived: () => void; decide: Promise<boolean> } | null = null;
  let deleted = false;
  let nextId = 1_300_000_000_000_000_000n;

  /**
   * Discord's webhook bucket: `requests` per window, the window starting at the first request after a reset and
   * refilling whole when it ends. Every answer carries the headers; past the limit, 429 with `retry_after`.
   */
  let windowEnd = 0;
  let used = 0;
  /** The headers for the request's answer, or null after answering 429. */
  function rateLimited(res: ServerResponse): Record<string, string> | null {
    const t = now();
    if (t >= windowEnd) {
      windowEnd = t + limit.windowMs;
      used = 0;
    }
    const resetAfterS = Math.max(0.001, (windowEnd - t) / 1000);
    const headers = {
      "x-ratelimit-limit": String(limit.requests),
      "x-ratelimit-reset": (windowEnd / 1000).toFixed(3),
      "x-ratelimit-reset-after": resetAfterS.toFixed(3),
      "x-ratelimit-bucket": "fake-webhook-bucket",
    };
    if (used < limit.requests) {
      used++;
      return { ...headers, "x-ratelimit-remaining": String(limit.requests - used) };
    }
    limitedCount++;
    const body: RESTRateLimit = {
      message: "You are being rate limited.",
      retry_after: resetAfterS,
      global: false,
    };
    send(res, 429, body, {
      ...headers,
      "retry-after": String(Math.ceil(resetAfterS)),
      "x-ratelimit-remaining": "0",
      "x-ratelimit-scope": "shared",
    });
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? "/", "http://fake");
    const match = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?\/?$/.exec(
      url.pathname,
    );
    const raw = await readBody(req);
    if (!match) return send(res, 404, { message: "404: Not Found", code: 0 });
    const [, id, tok, messageId] = match;
    if (id !== webhookId || deleted) return send(res, 404, { message: "Unknown Webhook", code: 10015 });
    if (tok !== token) return send(res, 401, { message: "Invalid Webhook Token", code: 50027 });
    if (req.method === "GET") {
      const found = messageId ? messages.get(messageId) : undefined;
      return found
        ? send(res, 200, found.message)
        : send(res, 404, { message: "Unknown Message", code: 10008 });
    }
    const injected =
      scripted.shift() ??
      (options.failRate && random() < options.failRate ? (random() < 0.5 ? 500 : 429) : null);
    if (injected === 429) {
      const body: RESTRateLimit = {
        message: "You are being rate limited.",
        retry_after: 0.25,
        global: false,
      };
      return send(res, 429, body, { "retry-after": "1" });
    }
    if (injected === 404) return send(res, 404, { message: "Unknown Webhook", code: 10015 });
    if (injected !== null) return send(res, injected, { message: "Internal Server Error", code: 0 });
    const rate = rateLimited(res);
    if (rate === null) return 429;
    const reply = (status: number, answer?: unknown) => send(res, status, answer, rate);
    let body: RESTPostAPIWebhookWithTokenJSONBody;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(400, { message: "Cannot send an empty message", code: 50006 });
    }
    if (req.method === "POST" && !messageId) {
      const errors = discordErrors(body);
      if (errors) return reply(400, errors);
      if (holdArmed) {
        const hold = holdArmed;
        holdArmed = null;
        hold.arrived();
        if (!(await hold.decide)) {
          res.socket?.destroy();
          return 0;
        }
      }
      const newId = String(nextId++);
      messages.set(newId, { message: toMessage(webhookId, newId, body, now()), versions: [body] });
      options.onEvent?.(`POST message ${newId}: ${body.embeds?.[0]?.title ?? body.content ?? ""}`);
      if (url.searchParams.get("wait") !== "true") return reply(204);
      return reply(200, messages.get(newId)!.message);
    }
    const stored = messageId ? messages.get(messageId) : undefined;
    if (!stored) return reply(404, { message: "Unknown Message", code: 10008 });
    if (req.method !== "PATCH") return reply(405, { message: "405: Method Not Allowed", code: 0 });
    const patch = body as RESTPatchAPIWebhookWithTokenMessageJSONBody;
    const merged: RESTPostAPIWebhookWithTokenJSONBody = {
      ...stored.versions.at(-1),
      ...(patch.content !== undefined ? { content: patch.content ?? undefined } : {}),
      ...(patch.embeds !== undefined ? { embeds: patch.embeds ?? [] } : {}),
      ...(patch.allowed_mentions !== undefined
        ? { allowed_mentions: patch.allowed_mentions ?? undefined }
        : {}),
    };
    const errors = discordErrors(merged);
    if (errors) return reply(400, errors);
    stored.versions.push(merged);
    stored.message = {
      ...toMessage(webhookId, stored.message.id, merged, Date.parse(stored.message.timestamp)),
      edited_timestamp: new Date(now()).toISOString(),
    };
    options.onEvent?.(
      `PATCH message ${stored.message.id}: ${merged.embeds?.[0]?.title ?? merged.content ?? ""}`,
    );
    return reply(200, stored.message);
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split(token).join("***");
    handle(req, res).then(
      (status) => requests.push({ method: req.method ?? "?", path, status }),
      (err: Error) => {
        requests.push({ method: req.method ?? "?", path, status: 500 });
        if (!res.headersSent) send(res, 500, { message: err.message, code: 0 });
      },
    );
  });
  const url = await listenLocal(server, options.port);
  return {
    webhookUrl: `${url}/api/webhooks/${webhookId}/${token}`,
    token,
    messages,
    requests,
    rateLimited: () => limitedCount,
    failNext: (...statuses) => void scripted.push(...statuses),
    holdNextPost() {
      let arrived!: () => void;
      let decide!: (process: boolean) => void;
      const received = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const decision = new Promise<boolean>((resolve) => {
        decide = resolve;
      });
      holdArmed = { arrived, decide: decision };
      return { received, release: decide };
    },
    deleteWebhook: () => {
      deleted = true;
    },
    deleteMessage: (id) => void messages.delete(id),
    close: () => closeServer(server),
  };
}

const port = standalonePort(import.meta.url, 9300);
if (port !== null) {
  const fake = await startFakeDiscord({
    port,
    onEvent: (line) => process.stdout.write(`fake-discord: ${line}\n`),
  });
  process.stdout.write(`fake-discord: listening; DISCORD_WEBHOOK_URL=${fake.webhookUrl}\n`);
}
