/**
 * A small Loki client: `GET /loki/api/v1/query_range` for log queries, with the tenant header, basic auth or a
 * bearer token, a hard timeout and a bounded, zod-validated answer.
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#query-logs-within-a-range-of-time
 */
import { z } from "zod";
import { redactText } from "../domain/redact.js";

/** Largest answer read; a log query with our limits is far smaller. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

const answerSchema = z.object({
  status: z.literal("success"),
  data: z.object({
    resultType: z.literal("streams"),
    result: z.array(
      z.object({
        stream: z.record(z.string(), z.string()),
        // [<unix ns as string>, <line>], plus structured metadata when the server categorizes labels.
        values: z.array(z.tuple([z.string().regex(/^\d{1,20}$/), z.string()], z.unknown())),
      }),
    ),
  }),
});

/** One log line from Loki. */
export interface LokiEntry {
  timestampNs: string;
  timestampMs: number;
  line: string;
  labels: Record<string, string>;
}

/** A query_range request. */
export interface QueryRangeParams {
  query: string;
  startMs: number;
  endMs: number;
  limit: number;
  direction: "forward" | "backward";
}

/** Why a Loki call failed (bounded set: these become `partial` reasons). */
export type LokiFailure = "timeout" | "unreachable" | "http" | "bad_answer";

/** A failed Loki call; the message is safe to show (no credentials). */
export class LokiError extends Error {
  constructor(
    readonly reason: LokiFailure,
    message: string,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "LokiError";
  }
}

export interface LokiClientOptions {
  url: string;
  tenant?: string | null;
  username?: string | null;
  password?: string | null;
  bearerToken?: string | null;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface LokiClient {
  /** Lines matching a log query, oldest first, across all streams of the answer. */
  queryRange(params: QueryRangeParams, signal?: AbortSignal): Promise<LokiEntry[]>;
}

/** Pure: the request headers for the configured tenant and credentials (bearer wins over basic). */
export function lokiHeaders(options: Omit<LokiClientOptions, "url" | "timeoutMs" | "fetch">) {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.tenant) headers["X-Scope-OrgID"] = options.tenant;
  if (options.bearerToken) headers.authorization = `Bearer ${options.bearerToken}`;
  else if (options.username)
    headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}`;
  return headers;
}

const msToNs = (ms: number) => `${BigInt(Math.trunc(ms)) * 1_000_000n}`;

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new LokiError("bad_answer", `answer larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Create a client; credentials inside the URL (`https://user:pass@host`) become basic auth. */
export function createLokiClient(options: LokiClientOptions): LokiClient {
  const base = new URL(options.url);
  const username = options.username ?? (base.username ? decodeURIComponent(base.username) : null);
  const password = options.password ?? (base.password ? decodeURIComponent(base.password) : null);
  base.username = "";
  base.password = "";
  const endpoint = `${base.toString().replace(/\/+$/, "")}/loki/api/v1/query_range`;
  const headers = lokiHeaders({ ...options, username, password });
  const doFetch = options.fetch ?? fetch;

  return {
    async queryRange(params, signal) {
      const url = new URL(endpoint);
      url.searchParams.set("query", params.query);
      url.searchParams.set("start", msToNs(params.startMs));
      url.searchParams.set("end", msToNs(params.endMs));
      url.searchParams.set("limit", String(params.limit));
      url.searchParams.set("direction", params.direction);
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let text: string;
      let status: number;
      try {
        const response = await doFetch(url, { headers, signal: combined });
        status = response.status;
        text = await readBounded(response, MAX_ANSWER_BYTES);
      } catch (err) {
        if (err instanceof LokiError) throw err;
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
        if (timeout.aborted)
          throw new LokiError("timeout", `no answer within ${options.timeoutMs}ms`, null, { cause: err });
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        throw new LokiError("unreachable", `cannot reach ${base.host}: ${cause}`, null, { cause: err });
      }
      if (status < 200 || status > 299) {
        const detail = redactText(text.trim().slice(0, 300));
        throw new LokiError("http", `HTTP ${status}${detail ? `: ${detail}` : ""}`, status);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new LokiError("bad_answer", "answer is not JSON");
      }
      const parsed = answerSchema.safeParse(json);
      if (!parsed.success)
        throw new LokiError("bad_answer", `unexpected answer: ${parsed.error.issues[0]?.message ?? "?"}`);
      const entries: LokiEntry[] = [];
      for (const stream of parsed.data.data.result) {
        for (const [ns, line] of stream.values) {
          entries.push({
            timestampNs: ns,
            timestampMs: Number(BigInt(ns) / 1_000_000n),
            line,
            labels: stream.stream,
          });
        }
      }
      // Streams interleave in time; the caller wants one timeline.
      return entries.sort((a, b) => {
        const x = BigInt(a.timestampNs);
        const y = BigInt(b.timestampNs);
        return x < y ? -1 : x > y ? 1 : 0;
      });
    },
  };
}
