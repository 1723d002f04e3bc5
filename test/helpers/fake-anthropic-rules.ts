/**
 * The request rules and usage arithmetic of the fake Messages API: what the real API rejects (with its error
 * shapes), how it counts tokens, caches prompt prefixes and bills thinking. Pure functions, no server here.
 * @see https://platform.claude.com/docs/en/api/messages
 * @see https://platform.claude.com/docs/en/api/errors
 */
import { createHash } from "node:crypto";

/** An API error as the real API writes it. */
export interface ApiErrorReply {
  status: number;
  type: string;
  message: string;
  headers?: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: request bodies are checked field by field below.
type Body = any;

const EFFORTS = new Set(["low", "medium", "high", "xhigh", "max"]);
// Keywords structured outputs accept; the SDK's transform moves the others into descriptions.
const SCHEMA_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "anyOf",
  "allOf",
  "$ref",
  "$defs",
  "description",
  "title",
  "format",
  "minItems",
]);

const bad = (message: string): ApiErrorReply => ({ status: 400, type: "invalid_request_error", message });

/** Pure: the first schema problem the API would report, or null. */
export function schemaProblem(schema: unknown, path = "schema"): string | null {
  if (typeof schema !== "object" || schema === null) return `${path}: must be an object`;
  const node = schema as Record<string, unknown>;
  for (const key of Object.keys(node))
    if (!SCHEMA_KEYWORDS.has(key)) return `${path}: keyword '${key}' is not supported`;
  if (node.type === "object" && node.additionalProperties !== false)
    return `${path}: for 'object' type, 'additionalProperties' must be explicitly set to false`;
  const children: [string, unknown][] = [
    ...Object.entries((node.properties as object) ?? {}).map(
      ([k, v]) => [`${path}.properties.${k}`, v] as [string, unknown],
    ),
    ...Object.entries((node.$defs as object) ?? {}).map(
      ([k, v]) => [`${path}.$defs.${k}`, v] as [string, unknown],
    ),
    ...((node.anyOf as unknown[]) ?? []).map((v, i) => [`${path}.anyOf.${i}`, v] as [string, unknown]),
    ...((node.allOf as unknown[]) ?? []).map((v, i) => [`${path}.allOf.${i}`, v] as [string, unknown]),
    ...(node.items ? [[`${path}.items`, node.items] as [string, unknown]] : []),
  ];
  for (const [childPath, child] of children) {
    const problem = schemaProblem(child, childPath);
    if (problem) return problem;
  }
  return null;
}

function isSonnet5Family(model: string): boolean {
  return /^claude-(sonnet-5|opus-5|haiku-5-5)/.test(model);
}

/** Pure: the error the real API would answer this request body with, or null when it is valid. */
export function requestProblem(body: Body): ApiErrorReply | null {
  if (typeof body !== "object" || body === null) return bad("request body must be a JSON object");
  if (typeof body.model !== "string" || !body.model) return bad("model: Field required");
  if (!/^claude-/.test(body.model))
    return { status: 404, type: "not_found_error", message: `model: ${body.model}` };
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 0) return bad("max_tokens: Field required");
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return bad("messages: at least one message is required");
  for (const [i, m] of body.messages.entries()) {
    if (m?.role !== "user" && m?.role !== "assistant")
      return bad(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    if (typeof m.content === "string" ? m.content.length === 0 : !Array.isArray(m.content))
      return bad(`messages.${i}: all messages must have non-empty content`);
  }
  if (body.system !== undefined && typeof body.system !== "string") {
    if (!Array.isArray(body.system)) return bad("system: Input should be a valid string or list");
    for (const [i, block] of body.system.entries())
      if (block?.type !== "text" || typeof block.text !== "string")
        return bad(`system.${i}: Input should be a text block`);
  }
  const breakpoints = [
    ...(Array.isArray(body.system) ? body.system : []),
    ...body.messages.flatMap((m: Body) => (Array.isArray(m.content) ? m.content : [])),
  ].filter((block: Body) => block?.cache_control).length;
  if (breakpoints > 4)
    return bad(`A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}`);
  const format = body.output_config?.format;
  if (format) {
    if (format.type !== "json_schema") return bad("output_config.format.type: Input should be 'json_schema'");
    const problem = schemaProblem(format.schema, "output_config.format.schema");
    if (problem) return bad(problem);
  }
  const effort = body.output_config?.effort;
  if (effort !== undefined && effort !== null && !EFFORTS.has(effort))
    return bad("output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'");
  const forced = body.tool_choice?.type === "tool" || body.tool_choice?.type === "any";
  if (forced && /^claude-sonnet-5-5/.test(body.model))
    return bad(
      `tool_choice: forced tool use is not supported with ${body.model}; use output_config.format for structured output`,
    );
  if (isSonnet5Family(body.model) && body.thinking?.type === "enabled")
    return bad(`thinking.type: 'enabled' is not supported on ${body.model}; use 'adaptive'`);
  if (isSonnet5Family(body.model) && ["temperature", "top_p", "top_k"].some((k) => body[k] !== undefined))
    return bad(`temperature, top_p and top_k are not supported on ${body.model}`);
  return null;
}

/** Pure: the fake's token count of a text (about 3.5 characters a token; the real count needs the tokenizer). */
export function fakeTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

function blockText(block: Body): string {
  return typeof block === "string"
    ? block
    : typeof block?.text === "string"
      ? block.text
      : JSON.stringify(block ?? "");
}

/** Pure: the request's prompt split into the prefix up to its last cache breakpoint and the rest. */
export function promptParts(body: Body): { prefix: string; rest: string } {
  const blocks: { text: string; cached: boolean }[] = [];
  const system =
    body.system === undefined ? [] : typeof body.system === "string" ? [{ text: body.system }] : body.system;
  for (const b of system) blocks.push({ text: blockText(b), cached: Boolean(b.cache_control) });
  for (const m of body.messages)
    for (const b of typeof m.content === "string" ? [{ text: m.content }] : m.content)
      blocks.push({ text: `${m.role}:${blockText(b)}`, cached: Boolean(b.cache_control) });
  if (body.output_config?.format)
    blocks.push({ text: JSON.stringify(body.output_config.format.schema), cached: false });
  const last = blocks.map((b) => b.cached).lastIndexOf(true);
  return {
    prefix: blocks
      .slice(0, last + 1)
      .map((b) => b.text)
      .join("\n"),
    rest: blocks
      .slice(last + 1)
      .map((b) => b.text)
      .join("\n"),
  };
}

/** Minimum cacheable prefix per model, as documented (Sonnet 5.x 1024, Haiku 4096, Opus 5 512). */
export function fakeMinCacheable(model: string): number {
  if (/haiku/.test(model)) return 4096;
  if (/^claude-(opus|fable|mythos)-5/.test(model)) return 512;
  return 1024;
}

/** Thinking tokens the fake bills for an effort level (adaptive thinking; output tokens include them). */
export function fakeThinkingTokens(effort: string | undefined | null): number {
  return { low: 60, medium: 320, high: 900, xhigh: 1800, max: 3000 }[effort ?? "high"] ?? 900;
}

/** A 5-minute prompt cache keyed by model and prefix bytes, refreshed on each hit. */
export function createPromptCache(now: () => number) {
  const entries = new Map<string, number>();
  return {
    /** Returns "write", "read" or "none" for a request and records it. */
    use(model: string, prefix: string): "write" | "read" | "none" {
      if (!prefix || fakeTokens(prefix) < fakeMinCacheable(model)) return "none";
      const key = createHash("sha256").update(model).update("\0").update(prefix).digest("hex");
      const seen = entries.get(key);
      entries.set(key, now());
      return seen !== undefined && now() - seen < 5 * 60_000 ? "read" : "write";
    },
  };
}
