import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { levelNeedles, scanChunk } from "./line-scanner.js";

const FIXTURE = readFileSync(new URL("../../test/fixtures/logs/tracing-shapes.jsonl", import.meta.url));
const ERROR_ONLY = { levels: ["ERROR"] as const, readTimeMs: 1_000 };

function scan(text: string | Buffer, options: Parameters<typeof scanChunk>[2] = ERROR_ONLY) {
  const buf = typeof text === "string" ? Buffer.from(text) : text;
  return scanChunk(buf, buf.length, options);
}

describe("scanChunk over the fixture", () => {
  it("stops before the cut-off last line that has no newline yet", () => {
    const result = scan(FIXTURE);
    const lastLineStart = FIXTURE.lastIndexOf(10) + 1;
    expect(result.consumed).toBe(lastLineStart);
    expect(result.lines).toBe(10);
    expect(result.junk).toEqual({ not_json: 1, cut_off: 0, bom: 0, nul_padding: 0, too_deep: 0 });
    expect(result.signals.map((s) => s.errorCode)).toEqual([
      "AI_003",
      "AI_003",
      "AI_003",
      "DB_001",
      null,
      null,
      "AUTH_002",
    ]);
    expect(result.signals.every((s) => s.level === "ERROR" && s.source === "file")).toBe(true);
    expect(result.signals[4]!.fingerprint).toBe(result.signals[5]!.fingerprint);
    expect(JSON.stringify(result.signals)).not.toContain("CANARY");
  });

  it("counts the last line as cut_off once its newline arrives", () => {
    const result = scan(Buffer.concat([FIXTURE, Buffer.from("\n")]));
    expect(result.consumed).toBe(FIXTURE.length + 1);
    expect(result.lines).toBe(11);
    expect(result.junk).toEqual({ not_json: 1, cut_off: 1, bom: 0, nul_padding: 0, too_deep: 0 });
    expect(result.signals).toHaveLength(7);
  });

  it("gives the same result for CRLF line endings", () => {
    const crlf = Buffer.from(`${FIXTURE.toString("utf8")}\n`.replaceAll("\n", "\r\n"));
    const result = scan(crlf);
    expect(result.consumed).toBe(crlf.length);
    expect(result.junk).toEqual({ not_json: 1, cut_off: 1, bom: 0, nul_padding: 0, too_deep: 0 });
    expect(result.signals.map((s) => s.message)).toEqual(scan(FIXTURE).signals.map((s) => s.message));
  });

  it("includes WARN lines when WARN is configured", () => {
    const result = scan(FIXTURE, { levels: ["ERROR", "WARN"], readTimeMs: 1 });
    expect(result.signals).toHaveLength(8);
    expect(result.signals.filter((s) => s.level === "WARN").map((s) => s.message)).toEqual([
      "slow query: 1204ms",
    ]);
  });

  it("looks only at buf[0, end) and returns consumed at the last newline before end", () => {
    const thirdLineStart = FIXTURE.indexOf(10, FIXTURE.indexOf(10) + 1) + 1;
    const result = scanChunk(FIXTURE, thirdLineStart + 40, ERROR_ONLY);
    expect(result.consumed).toBe(thirdLineStart);
    expect(result.lines).toBe(2);
    expect(result.signals.map((s) => s.requestId)).toEqual(["req_7f3a1c"]);
  });

  it("returns consumed 0 when the chunk holds no complete line", () => {
    expect(scan('{"level":"ERROR","fields":{"mess')).toEqual({
      signals: [],
      junk: { not_json: 0, cut_off: 0, bom: 0, nul_padding: 0, too_deep: 0 },
      lines: 0,
      consumed: 0,
    });
  });
});

describe("scanChunk line handling", () => {
  it("does not take an INFO line mentioning the ERROR level for a signal", () => {
    const lines = [
      JSON.stringify({
        level: "INFO",
        fields: { message: 'got "level":"ERROR" from upstream' },
        target: "t",
      }),
      JSON.stringify({
        level: "INFO",
        fields: { message: "nested" },
        extra: { level: "ERROR" },
        target: "t",
      }),
      JSON.stringify({ level: "ERROR", fields: { message: "real" }, target: "t" }),
    ];
    const result = scan(`${lines.join("\n")}\n`);
    expect(result.signals.map((s) => s.message)).toEqual(["real"]);
    expect(result.junk).toEqual({ not_json: 0, cut_off: 0, bom: 0, nul_padding: 0, too_deep: 0 });
  });

  it("skips empty lines and classifies junk without parsing", () => {
    const text = [
      "",
      "   ",
      '{"level":"INFO","fields":{}}',
      '{"level":"INFO","fie',
      "}",
      "panic at x.rs:1",
      "",
    ].join("\n");
    const result = scan(text);
    expect(result.lines).toBe(4);
    expect(result.junk).toEqual({ not_json: 2, cut_off: 1, bom: 0, nul_padding: 0, too_deep: 0 });
  });

  it("finds wanted lines in any key order, mixing the in-place and the search paths", () => {
    const lines = [
      '{"fields":{"message":"odd info"},"level":"INFO","target":"t"}',
      '{"fields":{"message":"odd error"},"level":"ERROR","target":"t"}',
      '{"timestamp":"2026-11-26T09:15:12Z","level":"ERROR","fields":{"message":"standard"}}',
      '{"level":"Error","fields":{"message":"no time, mixed case"}}',
      '{"target":"t","level":"error","fields":{"message":"odd lower"}}',
      '{"fields":{"message":"odd cut"},"level":"ERROR"',
      '{"timestamp":"2026-11-26T09:15:12Z","level":"INFO","fields":{"message":"standard info"}}',
    ];
    const result = scan(`${lines.join("\n")}\n`);
    expect(result.signals.map((s) => s.message)).toEqual([
      "odd error",
      "standard",
      "no time, mixed case",
      "odd lower",
    ]);
    expect(result.junk).toEqual({ not_json: 0, cut_off: 1, bom: 0, nul_padding: 0, too_deep: 0 });
  });

  it("stamps lines without a timestamp with the read time", () => {
    const result = scan('{"level":"error","fields":{"message":"no time"},"target":"t"}\n', {
      levels: ["ERROR"],
      readTimeMs: 123,
    });
    expect(result.signals[0]!.timestampMs).toBe(123);
  });

  it("handles many candidates for several needles in one chunk", () => {
    const body: string[] = [];
    for (let i = 0; i < 500; i++) {
      const level = i % 3 === 0 ? "ERROR" : i % 3 === 1 ? "warn" : "INFO";
      body.push(JSON.stringify({ timestamp: "2026-11-26T09:15:12Z", level, fields: { message: `m ${i}` } }));
    }
    const result = scan(`${body.join("\n")}\n`, { levels: ["ERROR", "WARN"] });
    expect(result.lines).toBe(500);
    expect(result.signals).toHaveLength(334);
    expect(new Set(result.signals.map((s) => s.fingerprint))).toEqual(new Set(["m <n>:unknown"]));
  });
});

describe("levelNeedles", () => {
  it("builds upper- and lower-case spellings per level", () => {
    expect(levelNeedles(["ERROR"]).map((b) => b.toString())).toEqual(['"level":"ERROR"', '"level":"error"']);
  });
});
