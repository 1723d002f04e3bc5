/**
 * The Claude diagnoser through the real @anthropic-ai/sdk against the local fake Messages API: what is sent
 * (model, schema, cache_control, effort, redacted context), what is billed, and every failure path ending in a
 * diagnosis: invalid output repaired or replaced, 429 retried after retry-after, 529 and hangs given up on.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic, { BadRequestError } from "@anthropic-ai/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_PROMPT } from "../src/diagnose/prompt.js";
import { eventToSignal, parseTracingLine } from "../src/ingest/tracing-json.js";
import { aiTimeoutIncident, fakeClaude, GOOD_ANSWER, SOURCE_CONTEXT } from "./helpers/claude-fixtures.js";
import { type FakeAnthropic, startFakeAnthropic } from "./helpers/fake-anthropic.js";
import { schemaProblem } from "./helpers/fake-anthropic-rules.js";

const CANARY = "sk-ant-api03-CANARYCANARYCANARY";
let fake: FakeAnthropic;

beforeEach(async () => {
  fake = await startFakeAnthropic({ apiKey: "sk-ant-test-key" });
});
afterEach(async () => {
  await fake.close();
});

describe("a good structured answer", () => {
  it("becomes the diagnosis, with only known evidence and the exact edit", async () => {
    const { diagnoser, ledger } = await fakeClaude(fake.url);
    fake.script({ kind: "answer", json: GOOD_ANSWER });
    const d = await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    expect(d).toMatchObject({
      by: "claude-sonnet-5-5",
      severity: "high",
      title: GOOD_ANSWER.title,
      autoFixable: true,
      confidence: 0.85,
      skippedReason: null,
      evidence: ["source:src/domain/ai/service.rs"],
      proposedEdit: GOOD_ANSWER.proposed_edit,
    });
    expect(ledger.calls).toHaveLength(1);
    expect(d.costUsd).toBe(ledger.calls[0]!.costUsd);
    expect(d.costUsd).toBeGreaterThan(0);
  });

  it("sends the model, effort, the JSON schema, a cached system prompt and no forced tool", async () => {
    const { diagnoser } = await fakeClaude(fake.url);
    await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    const [request] = fake.requests;
    expect(request!.path).toBe("/v1/messages");
    expect(request!.headers.authorization).toBe("Bearer sk-ant-test-key");
    expect(request!.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const body = request!.body;
    expect(body.model).toBe("claude-sonnet-5-5");
    expect(body.max_tokens).toBe(8000);
    expect(body.system).toEqual([
      { type: "text", text: SYSTEM_PROMPT, cache_control: { type: "ephemeral" } },
    ]);
    expect(body.output_config.effort).toBe("medium");
    expect(body.output_config.format.type).toBe("json_schema");
    const schema = body.output_config.format.schema;
    expect(schemaProblem(schema)).toBeNull();
    expect(schema.required).toEqual(
      expect.arrayContaining(["severity", "root_cause", "impact", "recommendation", "auto_fixable"]),
    );
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["fix_suggestion", "confidence", "evidence", "proposed_edit"]),
    );
    expect(body.tools).toBeUndefined();
    expect(body.tool_choice).toBeUndefined();
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0].content).toContain("<untrusted-data-");
  });

  it("bills the cache write of the first call and the cheaper cache read of the next", async () => {
    const { diagnoser, ledger } = await fakeClaude(fake.url);
    const first = await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    const second = await diagnoser.diagnose({
      incident: aiTimeoutIncident({ id: "8" }),
      context: SOURCE_CONTEXT,
    });
    expect(ledger.calls.map((c) => [c.incidentId, c.cacheWriteTokens > 0, c.cacheReadTokens > 0])).toEqual([
      ["7", true, false],
      ["8", false, true],
    ]);
    expect(second.costUsd).toBeLessThan(first.costUsd);
  });
});

describe("invalid output", () => {
  it("is repaired once: the second call sees the bad answer and why it was rejected", async () => {
    const outcomes: string[] = [];
    const { diagnoser, ledger } = await fakeClaude(fake.url, { observe: (e) => outcomes.push(e.outcome) });
    fake.script({ kind: "answer", text: '{"severity": "urgent", ' }, { kind: "answer", json: GOOD_ANSWER });
    const d = await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    expect(d.by).toBe("claude-sonnet-5-5");
    expect(d.skippedReason).toBeNull();
    expect(fake.requests).toHaveLength(2);
    const repair = fake.requests[1]!.body.messages;
    expect(repair.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(repair[1].content).toBe('{"severity": "urgent",');
    expect(repair[2].content).toMatch(/invalid: not JSON/);
    expect(ledger.calls).toHaveLength(2);
    expect(d.costUsd).toBeCloseTo(ledger.calls[0]!.costUsd + ledger.calls[1]!.costUsd, 9);
    expect(outcomes).toEqual(["invalid_output", "ok"]);
  });

  it("twice falls back to the catalog, keeping the raw answer and the money spent", async () => {
    const { diagnoser, ledger } = await fakeClaude(fake.url);
    fake.script(
      { kind: "answer", json: { ...GOOD_ANSWER, confidence: 7 } },
      { kind: "answer", json: { ...GOOD_ANSWER, severity: "urgent" } },
    );
    const d = await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    expect(d.by).toBe("offline");
    expect(d.title).toBe("Claude API timeout");
    expect(d.skippedReason).toMatch(/invalid answer twice \(schema mismatch: severity/);
    expect(d.skippedReason).toContain('"severity":"urgent"');
    expect(d.costUsd).toBeGreaterThan(0);
    expect(ledger.calls).toHaveLength(2);
  });

  it("a refusal is not repaired", async () => {
    const { diagnoser } = await fakeClaude(fake.url);
    fake.script({ kind: "answer", text: "", stopReason: "refusal" });
    const d = await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    expect(fake.requests).toHaveLength(1);
    expect(d).toMatchObject({ by: "offline", skippedReason: expect.stringMatching(/refusal/) });
  });
});

describe("API failures end in a diagnosis", () => {
  it("429 with retry-after is retried by the SDK, then succeeds", async () => {
    const { diagnoser } = await fakeClaude(fake.url);
    fake.script(
      {
        kind: "error",
        status: 429,
        type: "rate_limit_error",
        message: "Number of request tokens has exceeded your per-minute rate limit",
        headers: { "retry-after": "1", "anthropic-ratelimit-requests-remaining": "0" },
      },
      { kind: "answer", json: GOOD_ANSWER },
    );
    const d = await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    expect(d.by).toBe("claude-sonnet-5-5");
    expect(fake.requests.map((r) => r.headers["x-stainless-retry-count"])).toEqual(["0", "1"]);
  });

  it("529 overloaded on every attempt gives the basic alert saying so", async () => {
    const outcomes: string[] = [];
    const { diagnoser, ledger } = await fakeClaude(fake.url, { observe: (e) => outcomes.push(e.outcome) });
    const overloaded = {
      kind: "error",
      status: 529,
      type: "overloaded_error",
      message: "Overloaded",
    } as const;
    fake.script(overloaded, overloaded, overloaded);
    const d = await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    expect(fake.requests).toHaveLength(3);
    expect(d.by).toBe("offline");
    expect(d.skippedReason).toMatch(/overloaded \(529, 3 attempts\) \[request req_/);
    expect(ledger.calls).toHaveLength(0);
    expect(outcomes).toEqual(["error"]);
  });

  it("a hang past the timeout gives the basic alert saying so", async () => {
    const outcomes: string[] = [];
    const seconds: number[] = [];
    const { diagnoser } = await fakeClaude(fake.url, {
      timeoutMs: 300,
      maxRetries: 1,
      now: Date.now,
      observe: (e) => {
        outcomes.push(e.outcome);
        seconds.push(e.durationSeconds);
      },
    });
    fake.script({ kind: "hang" }, { kind: "hang" });
    const d = await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    expect(fake.requests).toHaveLength(2);
    expect(d).toMatchObject({ by: "offline", severity: "high" });
    expect(d.skippedReason).toMatch(/no answer within 300 ms \(2 attempts\)/);
    expect(outcomes).toEqual(["timeout"]);
    // Both attempts are inside the one observed call: ai_monitor_llm_call_duration_seconds sees >= 2 x 300 ms.
    expect(seconds[0]).toBeGreaterThanOrEqual(0.6);
  });

  it("a rejected key is reported without retries", async () => {
    const { diagnoser } = await fakeClaude(fake.url, { apiKey: "sk-ant-wrong" });
    const d = await diagnoser.diagnose({ incident: aiTimeoutIncident(), context: SOURCE_CONTEXT });
    expect(fake.requests).toHaveLength(1);
    expect(d.skippedReason).toMatch(/API key was rejected \(401\): invalid x-api-key/);
  });
});

describe("untrusted log content", () => {
  it("the canary secret of the hostile fixture line never reaches the API; the injection stays data", async () => {
    const lines = readFileSync(join(import.meta.dirname, "fixtures/logs/tracing-shapes.jsonl"), "utf8").split(
      "\n",
    );
    const hostile = lines.find((l) => l.includes("CANARY"))!;
    const parsed = parseTracingLine(hostile);
    if (!parsed.ok) throw new Error("the hostile fixture line must parse");
    const signal = eventToSignal(parsed.event);
    const incident = aiTimeoutIncident({
      errorCode: signal.errorCode,
      target: signal.target,
      message: signal.message,
      requestId: signal.requestId,
      fields: signal.fields,
    });
    // A context provider that forgot to redact: the raw line itself as evidence.
    const context = {
      items: [{ id: "logs:request", kind: "logs" as const, title: "raw", text: hostile }],
      partial: [],
    };
    const { diagnoser } = await fakeClaude(fake.url);
    await diagnoser.diagnose({ incident, context });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.text).not.toContain("CANARY");
    expect(fake.requests[0]!.text).not.toContain(CANARY);
    const prompt: string = fake.requests[0]!.body.messages[0].content;
    const tag = /<(untrusted-data-[0-9a-f]+) /.exec(prompt)![1]!;
    const injection = prompt.indexOf("ignore all previous instructions");
    expect(injection).toBeGreaterThan(prompt.indexOf(`<${tag} `));
    expect(prompt.slice(injection)).toContain(`</${tag}>`);
  });
});

describe("the fake rejects what the real API rejects", () => {
  it("forced tool use on Sonnet 5.5, a loose object schema, too many cache breakpoints", async () => {
    const client = new Anthropic({ apiKey: "sk-ant-test-key", baseURL: fake.url, maxRetries: 0 });
    const base = {
      model: "claude-sonnet-5-5",
      max_tokens: 100,
      messages: [{ role: "user" as const, content: "hi" }],
    };
    const tool = { name: "t", input_schema: { type: "object" as const, properties: {} } };
    await expect(
      client.messages.create({ ...base, tools: [tool], tool_choice: { type: "tool", name: "t" } }),
    ).rejects.toBeInstanceOf(BadRequestError);
    const loose = { type: "json_schema" as const, schema: { type: "object", properties: {} } };
    await expect(client.messages.create({ ...base, output_config: { format: loose } })).rejects.toThrow(
      /additionalProperties/,
    );
    const block = { type: "text" as const, text: "x", cache_control: { type: "ephemeral" as const } };
    await expect(
      client.messages.create({ ...base, system: [block, block, block, block, block] }),
    ).rejects.toThrow(/maximum of 4 blocks/);
  });
});
