/**
 * A local fake of the Anthropic Messages API for tests and the demo, used through the real @anthropic-ai/sdk
 * via `baseURL`. It checks requests as the real API does (headers, body, output schema, cache breakpoints,
 * forced tool use on Sonnet 5.5), answers in the real shapes (message, usage with cache and thinking tokens,
 * error bodies, `request-id`, `retry-after`), caches prompt prefixes for 5 minutes, and records every request.
 * Tests script answers (`script(...)`); unscripted requests get an instance of the requested JSON schema.
 *
 * Standalone: `node --import tsx test/helpers/fake-anthropic.ts --port 8787`, then
 * `ANTHROPIC_BASE_URL=http://127.0.0.1:8787 ANTHROPIC_API_KEY=fake ai-monitor demo`.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  type ApiErrorReply,
  createPromptCache,
  fakeThinkingTokens,
  fakeTokens,
  promptParts,
  requestProblem,
} from "./fake-anthropic-rules.js";
import { closeServer, listenLocal, standalonePort } from "./local-server.js";

/** One scripted reply. */
export type FakeStep =
  | { kind: "answer"; json?: unknown; text?: string; stopReason?: string }
  | { kind: "error"; status: number; type: string; message?: string; headers?: Record<string, string> }
  | { kind: "hang" };

/** A request as the fake received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: the raw JSON body, for assertions.
  body: any;
  /** The raw body text, to assert what never appears in it. */
  text: string;
}

/** The running fake. */
export interface FakeAnthropic {
  /** Base URL for the SDK's `baseURL` / ANTHROPIC_BASE_URL. */
  url: string;
  requests: RecordedRequest[];
  /** Queue replies for the next requests; unscripted requests get a schema instance. */
  script(...steps: FakeStep[]): void;
  close(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

// biome-ignore lint/suspicious/noExplicitAny: JSON schema nodes.
type Schema = any;

/** Pure: a value that satisfies a JSON schema (enums take their middle value, nullable unions take null). */
export function schemaInstance(
  schema: Schema,
  defs: Record<string, Schema>,
  key: string,
  hint: string,
): unknown {
  if (schema.$ref) return schemaInstance(defs[String(schema.$ref).split("/").pop()!], defs, key, hint);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[Math.floor(schema.enum.length / 2)];
  if (Array.isArray(schema.anyOf)) {
    const nullable = schema.anyOf.some((s: Schema) => s.type === "null");
    return nullable ? null : schemaInstance(schema.anyOf[0], defs, key, hint);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, s]) => [k, schemaInstance(s, defs, k, hint)]),
      );
    case "array":
      return [schemaInstance(schema.items ?? { type: "string" }, defs, key, hint)];
    case "string":
      return `fake ${key.replace(/_/g, " ")}: ${hint}`;
    case "number":
      return 0.5;
    case "integer":
      return 1;
    case "boolean":
      return false;
    default:
      return null;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: request body.
function defaultAnswer(body: any): string {
  const last = body.messages.at(-1);
  const text =
    typeof last.content === "string"
      ? last.content
      : last.content.map((b: { text?: string }) => b.text ?? "").join(" ");
  const hint = (/message: (.*)/.exec(text)?.[1] ?? text).replace(/\s+/g, " ").slice(0, 80);
  const schema = body.output_config?.format?.schema;
  return schema
    ? JSON.stringify(schemaInstance(schema, schema.$defs ?? {}, "answer", hint))
    : `Fake answer to: ${hint}`;
}

/** Start the fake on 127.0.0.1 (port 0 picks a free one). */
export async function startFakeAnthropic(
  options: { port?: number; apiKey?: string; now?: () => number } = {},
): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const steps: FakeStep[] = [];
  const cache = createPromptCache(options.now ?? Date.now);

  function reply(
    res: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(status, { "content-type": "application/json", "request-id": id("req"), ...headers });
    res.end(JSON.stringify(payload));
  }
  function fail(res: ServerResponse, e: ApiErrorReply) {
    reply(
      res,
      e.status,
      { type: "error", error: { type: e.type, message: e.message }, request_id: id("req") },
      e.headers,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Recorded as null; answered below.
    }
    const path = (req.url ?? "/").split("?")[0]!;
    requests.push({ method: req.method ?? "", path, headers, body, text });
    if (req.method !== "POST" || (path !== "/v1/messages" && path !== "/v1/messages/count_tokens"))
      return fail(res, { status: 404, type: "not_found_error", message: `Not found: ${req.method} ${path}` });
    const key = headers["x-api-key"] ?? headers.authorization?.replace(/^Bearer\s+/i, "");
    if (!key || (options.apiKey && key !== options.apiKey))
      return fail(res, { status: 401, type: "authentication_error", message: "invalid x-api-key" });
    if (!headers["anthropic-version"])
      return fail(res, {
        status: 400,
        type: "invalid_request_error",
        message: "anthropic-version: header is required",
      });
    if (body === null)
      return fail(res, {
        status: 400,
        type: "invalid_request_error",
        message: "request body is not valid JSON",
      });
    const problem = requestProblem(body);
    if (problem) return fail(res, problem);
    // biome-ignore lint/suspicious/noExplicitAny: validated above.
    const b = body as any;
    const parts = promptParts(b);
    if (path.endsWith("count_tokens"))
      return reply(res, 200, { input_tokens: fakeTokens(`${parts.prefix}${parts.rest}`) });

    const step = steps.shift() ?? { kind: "answer" };
    if (step.kind === "hang") return; // never answers; close() drops the socket
    if (step.kind === "error")
      return fail(res, {
        status: step.status,
        type: step.type,
        message: step.message ?? step.type,
        headers: step.headers,
      });
    const cached = cache.use(b.model, parts.prefix);
    const prefixTokens = fakeTokens(parts.prefix);
    const thinking = b.thinking?.type === "disabled" ? 0 : fakeThinkingTokens(b.output_config?.effort);
    let answer = step.text ?? (step.json !== undefined ? JSON.stringify(step.json) : defaultAnswer(b));
    let stopReason = step.stopReason ?? "end_turn";
    const room = Math.max(0, b.max_tokens - thinking);
    if (fakeTokens(answer) > room) {
      answer = answer.slice(0, Math.floor(room * 3.5));
      stopReason = "max_tokens";
    }
    const output = Math.min(b.max_tokens, thinking + fakeTokens(answer));
    reply(res, 200, {
      id: id("msg"),
      type: "message",
      role: "assistant",
      model: b.model,
      content: [
        ...(thinking > 0
          ? [{ type: "thinking", thinking: "", signature: randomBytes(24).toString("base64") }]
          : []),
        ...(answer ? [{ type: "text", text: answer }] : []),
      ],
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: cached === "none" ? prefixTokens + fakeTokens(parts.rest) : fakeTokens(parts.rest),
        output_tokens: output,
        cache_creation_input_tokens: cached === "write" ? prefixTokens : 0,
        cache_read_input_tokens: cached === "read" ? prefixTokens : 0,
        cache_creation: {
          ephemeral_5m_input_tokens: cached === "write" ? prefixTokens : 0,
          ephemeral_1h_input_tokens: 0,
        },
        output_tokens_details: { thinking_tokens: Math.min(thinking, output) },
        inference_geo: "global",
        server_tool_use: null,
        service_tier: "standard",
        speed: "standard",
      },
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => fail(res, { status: 500, type: "api_error", message: String(err) }));
  });
  return {
    url: await listenLocal(server, options.port),
    requests,
    script: (...more) => void steps.push(...more),
    close: () => closeServer(server),
  };
}

const port = standalonePort(import.meta.url, 8787);
if (port !== null) {
  const fake = await startFakeAnthropic({ port });
  process.stdout.write(`fake Anthropic Messages API listening on ${fake.url}\n`);
  setInterval(() => {
    while (fake.requests.length > 0) {
      const r = fake.requests.shift()!;
      process.stderr.write(`${r.method} ${r.path} model=${r.body?.model ?? "?"} bytes=${r.text.length}\n`);
    }
  }, 500);
}
