/**
 * The Claude diagnoser: one Messages API call through @anthropic-ai/sdk with a cached system prompt and a JSON
 * schema answer (`output_config.format`; not a forced tool call, which Sonnet 5.5 rejects), one repair attempt
 * on invalid output, then the catalog's basic diagnosis. Every call is billed into the ledger, repair included.
 * It never throws for API trouble: the incident always gets a diagnosis, with the reason when it is the basic one.
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 */
import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import type { Diagnosis } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { LlmCall, Store } from "../store/store.js";
import type { Catalog } from "./catalog.js";
import { apiFailureOf, describeApiError } from "./claude-errors.js";
import { answerFormat, answerToDiagnosis, type ParsedAnswer } from "./claude-schema.js";
import type { Diagnoser } from "./diagnoser.js";
import { catalogDiagnosis } from "./offline.js";
import { costUsd, priceOf, type Rates } from "./pricing.js";
import { buildUserPrompt, type PromptLimits, SYSTEM_PROMPT } from "./prompt.js";

/** `output_config.effort`: the cost/quality knob of adaptive thinking (thinking bills as output tokens). */
export type Effort = "low" | "medium" | "high" | "xhigh" | "max";

/** One API call's outcome, for metrics (`ai_monitor_llm_calls_total{model,outcome}`, tokens, cost). */
export interface ClaudeCallEvent {
  model: string;
  outcome: "ok" | "invalid_output" | "timeout" | "rate_limited" | "error";
  /** Zero when the call failed (the API bills nothing for an error answer). */
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  /** The call's wall time by the diagnoser's clock, the SDK's retries included. */
  durationSeconds: number;
}

export interface ClaudeDiagnoserDeps {
  apiKey: string;
  /** ANTHROPIC_BASE_URL; null for the real API. */
  baseUrl: string | null;
  model: string;
  /** null leaves the model's default (for models without the effort parameter). */
  effort: Effort | null;
  /** Per request attempt; the SDK retries timeouts, 429, 529 and 5xx `maxRetries` times. */
  timeoutMs: number;
  maxRetries: number;
  /** `max_tokens`: answer plus thinking. Bounds the worst-case cost of one call. */
  maxOutputTokens: number;
  catalog: Catalog;
  /** Where each call's usage and cost go (`store.recordLlmCall`); null to keep no ledger. */
  store: Pick<Store, "recordLlmCall"> | null;
  /** Per-model rate overrides (config `anthropic.pricing`). */
  pricing?: Readonly<Record<string, Rates>>;
  limits?: PromptLimits;
  log: Logger;
  now: () => number;
  /** A fetch implementation for the SDK (tests); the global one otherwise. */
  fetch?: typeof fetch;
  /** Told about every call (after the SDK's retries): wire metrics here. */
  observe?: (event: ClaudeCallEvent) => void;
}

/** The system prompt as sent: one text block, marked for the 5-minute prompt cache. */
export function systemBlocks(): Anthropic.TextBlockParam[] {
  return [{ type: "text", text: SYSTEM_PROMPT, cache_control: { type: "ephemeral" } }];
}

interface CallResult {
  parsed: ParsedAnswer;
  stopReason: string | null;
  costUsd: number;
}

/** Create the diagnoser; the SDK client is built once and reused (keep-alive). */
export function createClaudeDiagnoser(deps: ClaudeDiagnoserDeps): Diagnoser {
  const client = new Anthropic({
    apiKey: deps.apiKey,
    baseURL: deps.baseUrl ?? undefined,
    timeout: deps.timeoutMs,
    maxRetries: deps.maxRetries,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    logLevel: "warn",
    logger: {
      error: (msg, ...rest) => deps.log.error({ sdk: rest }, msg),
      warn: (msg, ...rest) => deps.log.warn({ sdk: rest }, msg),
      info: (msg, ...rest) => deps.log.info({ sdk: rest }, msg),
      debug: (msg, ...rest) => deps.log.debug({ sdk: rest }, msg),
    },
  });
  const { price } = priceOf(deps.model, deps.pricing);

  // Told once per API call (after the SDK's retries): a failed call bills nothing, so its tokens are zero.
  function observeFailure(err: unknown, durationSeconds: number): void {
    const failure = apiFailureOf(err);
    deps.observe?.({
      model: deps.model,
      outcome: failure === "timeout" || failure === "rate_limited" ? failure : "error",
      inputTokens: 0,
      outputTokens: 0,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
      costUsd: 0,
      durationSeconds,
    });
  }

  async function call(incidentId: string, messages: MessageParam[], log: Logger): Promise<CallResult> {
    const startedMs = deps.now();
    const seconds = () => Math.max(0, deps.now() - startedMs) / 1000;
    const message = await client.messages
      .parse({
        model: deps.model,
        max_tokens: deps.maxOutputTokens,
        system: systemBlocks(),
        messages,
        output_config: { format: answerFormat(), ...(deps.effort ? { effort: deps.effort } : {}) },
      })
      .catch((err: unknown) => {
        observeFailure(err, seconds());
        throw err;
      });
    const usage = message.usage;
    const tokens = {
      inputTokens: usage.input_tokens,
      outputTokens: usage.output_tokens,
      cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
      cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    };
    const cost = costUsd(tokens, price);
    const entry: LlmCall = { incidentId, model: deps.model, at: deps.now(), ...tokens, costUsd: cost };
    log.info(
      {
        ...tokens,
        thinkingTokens: usage.output_tokens_details?.thinking_tokens ?? null,
        costUsd: cost,
        stopReason: message.stop_reason,
      },
      "claude call",
    );
    await deps.store
      ?.recordLlmCall(entry)
      .catch((err) => log.error({ err }, "could not record the LLM call"));
    const raw = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
    const parsed: ParsedAnswer = message.parsed_output ?? {
      ok: false,
      error: `no text in the answer (stop_reason ${message.stop_reason})`,
      raw,
    };
    deps.observe?.({
      model: deps.model,
      outcome: parsed.ok ? "ok" : "invalid_output",
      ...tokens,
      costUsd: cost,
      durationSeconds: seconds(),
    });
    return { parsed, stopReason: message.stop_reason, costUsd: cost };
  }

  return {
    name: deps.model,
    async diagnose({ incident, context }): Promise<Diagnosis> {
      const log = deps.log.child({ incident: incident.id, model: deps.model });
      const entry = incident.errorCode ? deps.catalog.get(incident.errorCode) : undefined;
      const prompt = buildUserPrompt({ incident, context, catalogEntry: entry, limits: deps.limits });
      const messages: MessageParam[] = [{ role: "user", content: prompt.text }];
      const meta = (spent: number) => ({
        model: deps.model,
        costUsd: spent,
        evidenceIds: prompt.evidenceIds,
        runbookUrl: entry?.runbook ?? null,
      });
      const basic = (reason: string, spent: number): Diagnosis => ({
        ...catalogDiagnosis(incident, deps.catalog, reason.slice(0, 1500)),
        costUsd: spent,
      });
      let spent = 0;
      try {
        const first = await call(incident.id, messages, log);
        spent += first.costUsd;
        if (first.parsed.ok) return answerToDiagnosis(first.parsed.answer, meta(spent));
        if (first.stopReason === "refusal")
          return basic(`diagnosis declined by ${deps.model} (refusal); basic alert only`, spent);
        log.warn(
          { error: first.parsed.error, raw: first.parsed.raw.slice(0, 10_000) },
          "invalid answer, repairing",
        );
        const repair: MessageParam[] = [
          ...messages,
          { role: "assistant", content: first.parsed.raw.trim() || "(empty answer)" },
          {
            role: "user",
            content:
              `That answer is invalid: ${first.parsed.error.slice(0, 500)}. ` +
              "Reply again with only the JSON object that matches the output schema.",
          },
        ];
        const second = await call(incident.id, repair, log);
        spent += second.costUsd;
        if (second.parsed.ok) return answerToDiagnosis(second.parsed.answer, meta(spent));
        log.error(
          { error: second.parsed.error, raw: second.parsed.raw.slice(0, 10_000) },
          "invalid answer twice",
        );
        return basic(
          `diagnosis failed (${deps.model}): invalid answer twice (${second.parsed.error.slice(0, 300)}); ` +
            `basic alert only. Raw answer: ${second.parsed.raw.slice(0, 800)}`,
          spent,
        );
      } catch (err) {
        const reason = describeApiError(err, { timeoutMs: deps.timeoutMs, maxRetries: deps.maxRetries });
        log.error({ err, reason }, "claude call failed");
        return basic(`diagnosis failed (${deps.model}): ${reason}; basic alert only`, spent);
      }
    },
  };
}
