import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isSaneTimeMs, UNPARSABLE_TIME_MS } from "../domain/timestamp.js";
import {
  eventToSignal,
  type LogEvent,
  MAX_JSON_DEPTH,
  parseTimestampMs,
  parseTracingLine,
} from "./tracing-json.js";

const FIXTURE = new URL("../../test/fixtures/logs/tracing-shapes.jsonl", import.meta.url);
const LINES = readFileSync(FIXTURE, "utf8").split("\n");

function eventAt(lineNo: number): LogEvent {
  const result = parseTracingLine(LINES[lineNo - 1]!);
  if (!result.ok) throw new Error(`line ${lineNo} did not parse: ${result.reason}`);
  return result.event;
}

function eventOf(line: string): LogEvent {
  const result = parseTracingLine(line);
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

const AI = "server::domain::ai::service";
const RETRO = "server::domain::retrospective::service";
const TIMEOUT = "Claude API timeout after 30000ms";

describe("parseTracingLine over every fixture shape", () => {
  it.each([
    [1, "INFO", "server::global::middleware", null, "req_7f3a1c", "request started", null, null],
    [2, "ERROR", AI, "AI_003", "req_7f3a1c", TIMEOUT, null, null],
    [3, "ERROR", AI, "AI_003", "req_91bd04", TIMEOUT, "src/domain/ai/service.rs", 88],
    [4, "ERROR", AI, "AI_003", "req_abc123", TIMEOUT, null, null],
    [5, "WARN", "server::infra::db", null, "req_1c2d3e", "slow query: 1204ms", null, null],
    [
      6,
      "ERROR",
      "server::infra::db::pool",
      "DB_001",
      "req_1c2d3e",
      expect.stringContaining("pool timed out"),
      null,
      null,
    ],
    [7, "ERROR", RETRO, null, null, "user 4812 not found in retrospective 99321", null, null],
    [8, "ERROR", RETRO, null, null, "user 77 not found in retrospective 12", null, null],
    [
      10,
      "ERROR",
      "server::domain::auth::jwt",
      "AUTH_002",
      "req_inj01",
      expect.stringContaining("ignore all"),
      null,
      null,
    ],
  ])("line %i", (lineNo, level, target, errorCode, requestId, message, filename, lineNumber) => {
    expect(eventAt(lineNo)).toMatchObject({
      level,
      target,
      errorCode,
      requestId,
      message,
      filename,
      lineNumber,
    });
  });

  it("keeps remaining fields, nested or flattened, without the promoted ones", () => {
    expect(eventAt(1).fields).toEqual({ method: "POST", path: "/api/retrospectives" });
    expect(eventAt(2).fields).toEqual({ duration_ms: 30500 });
    expect(eventAt(3).fields).toEqual({ duration_ms: 30007 });
    expect(eventAt(4).fields).toEqual({ duration_ms: 30500 });
  });

  it("reads thread names and timestamps, nanoseconds truncated to ms", () => {
    expect(eventAt(6).threadName).toBe("tokio-runtime-worker");
    expect(eventAt(7).timestampMs).toBe(Date.UTC(2026, 10, 26, 9, 15, 12, 999));
    expect(eventAt(2).timestampMs).toBe(Date.UTC(2026, 10, 26, 9, 14, 32, 620));
    expect(eventAt(4).timestampMs).toBe(Date.UTC(2026, 0, 31, 14, 23, 45));
  });

  it("classifies the panic line as not_json and the cut-off last line as cut_off", () => {
    expect(parseTracingLine(LINES[8]!)).toEqual({ ok: false, reason: "not_json" });
    expect(LINES).toHaveLength(11);
    expect(parseTracingLine(LINES[10]!)).toEqual({ ok: false, reason: "cut_off" });
  });
});

describe("parseTracingLine edge cases", () => {
  it.each([
    ["", "not_json"],
    ["plain text", "not_json"],
    ["[1,2]", "not_json"],
    ['{"level":"ERROR"', "cut_off"],
    ['{"msg":"no level"}', "not_json"],
    ['{"level":"FATAL","fields":{"message":"x"}}', "not_json"],
  ])("%j -> %s", (line, reason) => {
    expect(parseTracingLine(line)).toEqual({ ok: false, reason });
  });

  it("rejects lines over the size bound as oversize", () => {
    const line = JSON.stringify({ level: "ERROR", fields: { message: "x".repeat(100) } });
    expect(parseTracingLine(line, { maxLineChars: 50 })).toEqual({ ok: false, reason: "oversize" });
  });

  it("keeps NaN for a missing timestamp and tolerates CR and spaces", () => {
    const result = parseTracingLine('  {"level":"error","fields":{"message":"m"}}\r');
    expect(result.ok && result.event.timestampMs).toBeNaN();
    expect(result.ok && result.event.target).toBe("");
  });

  it.each([
    ["impossible day", "2026-02-30T10:00:00Z"],
    ["impossible offset", "2026-12-03T15:00:00+25:00"],
    ["garbage", "garbage"],
    ["empty", ""],
    ["null", null],
    ["boolean", true],
  ])(
    "marks a present but unusable timestamp (%s) as unbelievable, so the intake replaces and counts it",
    (_name, timestamp) => {
      const result = parseTracingLine(
        JSON.stringify({ timestamp, level: "ERROR", fields: { message: "m" } }),
      );
      const ms = result.ok ? result.event.timestampMs : Number.NaN;
      expect(ms).toBe(UNPARSABLE_TIME_MS);
      // Survives the JSON trip from the scan thread, and no clock believes it.
      expect(JSON.parse(JSON.stringify(ms))).toBe(ms);
      expect(isSaneTimeMs(ms, Date.UTC(2026, 11, 3))).toBe(false);
    },
  );

  it("reads tracing's keys in any case; the exact spelling wins when both are there", () => {
    const line =
      '{"Timestamp":"2026-11-26T09:15:12Z","LEVEL":"ERROR","Fields":{"Message":"m","ERROR_CODE":"X_1","n":1},"Target":"t","SPANS":[{"request_id":"r"}]}';
    expect(eventOf(line)).toMatchObject({
      timestampMs: Date.UTC(2026, 10, 26, 9, 15, 12),
      level: "ERROR",
      message: "m",
      errorCode: "X_1",
      target: "t",
      requestId: "r",
      fields: { n: 1 },
    });
    expect(eventOf('{"level":"ERROR","Level":"INFO","fields":{"message":"a","Message":"b"}}')).toMatchObject({
      level: "ERROR",
      message: "a",
      fields: { Message: "b" },
    });
  });

  it("takes the innermost span's request id and the tracing-log bridge's target/file/line", () => {
    const line = JSON.stringify({
      timestamp: "2026-11-26T09:15:12+02:00",
      level: "ERROR",
      fields: { message: "m", "log.target": "legacy::mod", "log.file": "src/a.rs", "log.line": 7 },
      spans: [{ request_id: "outer" }, { request_id: "inner" }, { name: "leaf" }],
    });
    expect(eventOf(line)).toMatchObject({
      requestId: "inner",
      target: "legacy::mod",
      filename: "src/a.rs",
      lineNumber: 7,
      fields: {},
      timestampMs: Date.UTC(2026, 10, 26, 7, 15, 12),
    });
  });
});

describe("parseTimestampMs", () => {
  it.each([
    ["2026-11-26T09:15:12.999999999Z", Date.UTC(2026, 10, 26, 9, 15, 12, 999)],
    ["2026-11-26T09:15:12.5Z", Date.UTC(2026, 10, 26, 9, 15, 12, 500)],
    ["2026-11-26T09:15:12-0130", Date.UTC(2026, 10, 26, 10, 45, 12)],
    [1_700_000_000_000, 1_700_000_000_000],
    ["2026-11-26T09:15:12.1234567891234Z", Date.UTC(2026, 10, 26, 9, 15, 12, 123)],
    ["2026-11-26t09:15:12,25+02:00", Date.UTC(2026, 10, 26, 7, 15, 12, 250)],
    [1_764_755_672, 1_764_755_672_000],
    [1_764_755_672.5, 1_764_755_672_500],
    [1_764_755_672_123, 1_764_755_672_123],
    [1_764_755_672_123_456, 1_764_755_672_123],
    [Number("1764755672123456789"), 1_764_755_672_123],
    ["1764755672123456789", 1_764_755_672_123],
  ])("%j", (input, expected) => {
    expect(parseTimestampMs(input)).toBe(expected);
  });

  it.each([["yesterday"], [null], [undefined], [{}]])("%j -> NaN", (input) => {
    expect(parseTimestampMs(input)).toBeNaN();
  });
});

describe("eventToSignal", () => {
  it("builds a file signal fingerprinted by error code and target", () => {
    expect(eventToSignal(eventAt(2))).toEqual({
      fingerprint: `AI_003:${AI}`,
      errorCode: "AI_003",
      target: AI,
      level: "ERROR",
      message: TIMEOUT,
      timestampMs: Date.UTC(2026, 10, 26, 9, 14, 32, 620),
      requestId: "req_7f3a1c",
      fields: { duration_ms: 30500 },
      source: "file",
      count: 1,
      filename: null,
      lineNumber: null,
      severityHint: null,
      dedupKey: null,
    });
  });

  it("gives lines 7 and 8 (no error code, numbers differ) one fingerprint", () => {
    const a = eventToSignal(eventAt(7)).fingerprint;
    expect(a).toBe(eventToSignal(eventAt(8)).fingerprint);
    expect(a).toBe(`user <n> not found in retrospective <n>:${RETRO}`);
  });

  it("never lets the canary secret of line 10 through", () => {
    const signal = eventToSignal(eventAt(10));
    expect(JSON.stringify(signal)).not.toContain("CANARY");
    expect(signal.fields.authorization).toBe("[REDACTED:sensitive-field]");
  });

  it("redacts and bounds long messages and field values", () => {
    const event = eventOf(
      JSON.stringify({
        level: "ERROR",
        fields: { message: `token=abc ${"m".repeat(5000)}`, body: `${"b".repeat(3000)} Bearer xyz`, n: 1 },
      }),
    );
    const signal = eventToSignal(event, { maxFieldChars: 100 });
    expect(signal.message.startsWith("token=[REDACTED:key-value] m")).toBe(true);
    expect(signal.message.length).toBeLessThanOrEqual(101);
    expect(String(signal.fields.body).length).toBeLessThanOrEqual(101);
    expect(signal.fields.n).toBe(1);
  });

  it("scans a cut value again: the cut's ellipsis can end a key glued to more letters", () => {
    const key = ["AKIA", "IOSFODNN7EXAMPLE"].join("");
    const glued = `${"m".repeat(99 - key.length)}${key}abcdef`; // a cut at 100 keeps 99 characters: the key last
    const event = eventOf(JSON.stringify({ level: "ERROR", fields: { message: glued, body: glued, n: 1 } }));
    const counts: Record<string, number> = {};
    const signal = eventToSignal(event, { maxFieldChars: 100, redactions: counts });
    expect(JSON.stringify(signal)).not.toContain(key);
    expect(signal.message.length).toBeLessThanOrEqual(100);
    expect(counts["aws-access-key"]).toBe(2);
  });

  it("substitutes the fallback time only when the line had no timestamp", () => {
    const undated = eventOf('{"level":"ERROR","fields":{"message":"m"}}');
    expect(eventToSignal(undated, { fallbackTimestampMs: 42 }).timestampMs).toBe(42);
    expect(eventToSignal(eventAt(8), { fallbackTimestampMs: 42 }).timestampMs).toBe(
      Date.UTC(2026, 10, 26, 9, 15, 13, 100),
    );
  });
});

describe("parseTracingLine on deeply nested JSON", () => {
  const nested = (depth: number) =>
    `{"timestamp":"2026-12-03T15:12:00Z","level":"ERROR","fields":{"message":"m","d":${"[".repeat(depth)}${"]".repeat(depth)}},"target":"t"}`;

  it("skips a line nested deeper than the limit as too_deep, whatever the depth", () => {
    expect(parseTracingLine(nested(10_000))).toEqual({ ok: false, reason: "too_deep" });
    expect(parseTracingLine(nested(MAX_JSON_DEPTH - 1))).toEqual({ ok: false, reason: "too_deep" });
  });

  it("keeps a line at the limit, and brackets inside strings do not count", () => {
    // The object and `fields` take two levels.
    expect(parseTracingLine(nested(MAX_JSON_DEPTH - 2)).ok).toBe(true);
    const text = `{"level":"ERROR","fields":{"message":"${"[{".repeat(500)}\\"${"[".repeat(100)}"}}`;
    expect(eventOf(text).message).toContain("[{[{");
  });
});
