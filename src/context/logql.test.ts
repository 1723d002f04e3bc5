import { parser } from "@grafana/lezer-logql";
import { describe, expect, it } from "vitest";
import {
  boundLimit,
  logqlString,
  MAX_QUERY_LIMIT,
  MAX_QUERY_RANGE_MS,
  messageLiteral,
  occurrencesQuery,
  occurrencesRange,
  requestRange,
  requestTrailQuery,
} from "./logql.js";

/** Number of error nodes lezer-logql finds (0 = the query parses). */
function errorNodes(query: string): number {
  let errors = 0;
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.isError) errors++;
    },
  });
  return errors;
}

const SELECTOR = '{app="server"}';
const seed = {
  errorCode: "AI_003",
  target: "server::domain::ai::service",
  message: "Claude API timeout after 30000ms",
  requestId: "req_7f3a1c",
};

describe("LogQL built from an incident", () => {
  it("occurrences: line filter first, then | json with Loki's flattened names", () => {
    expect(occurrencesQuery(SELECTOR, seed)).toBe(
      '{app="server"} |= "AI_003" | json | fields_error_code="AI_003" or error_code="AI_003" | target="server::domain::ai::service"',
    );
  });

  it("occurrences without an error code filter on the message's literal text and the target", () => {
    expect(
      occurrencesQuery(SELECTOR, {
        ...seed,
        errorCode: null,
        message: "user 4812 not found in retrospective 99321",
      }),
    ).toBe('{app="server"} |= "not found in retrospective" | json | target="server::domain::ai::service"');
    expect(
      occurrencesQuery(SELECTOR, { ...seed, errorCode: null, message: "failed to acquire connection 5000" }),
    ).toBe('{app="server"} |= "failed to acquire connection" | json | target="server::domain::ai::service"');
  });

  it("the request trail matches the id wherever tracing put it (fields, top level, span)", () => {
    expect(requestTrailQuery(SELECTOR, "req_7f3a1c")).toBe(
      '{app="server"} |= "req_7f3a1c" | json | fields_request_id="req_7f3a1c" or request_id="req_7f3a1c" or span_request_id="req_7f3a1c"',
    );
  });

  it.each([
    ["plain", seed],
    ["quotes and backslashes", { ...seed, errorCode: 'A"I\\_0"03', requestId: 'r"e\\q' }],
    ["newlines and tabs", { ...seed, errorCode: "AI\n003\t", target: "x\r\ny", requestId: "a\nb" }],
    ["a closing brace and pipes", { ...seed, errorCode: '"} | line_format "{{.x}}', requestId: "|= `x`" }],
    ["unicode and a lone surrogate", { ...seed, errorCode: "AI_😀\uD800", requestId: "\uDC00req" }],
    ["very long", { ...seed, errorCode: "A".repeat(100_000), requestId: "r".repeat(100_000) }],
    ["control characters", { ...seed, errorCode: "\u0000\u0001\u001f", requestId: "\u007f\u2028" }],
  ])("every query parses with lezer-logql (%s)", (_, subject) => {
    const queries = [occurrencesQuery(SELECTOR, subject), requestTrailQuery(SELECTOR, subject.requestId)];
    for (const query of queries) {
      expect(errorNodes(query), query).toBe(0);
      expect(query.length).toBeLessThan(2000);
    }
  });

  it("the sanity check itself catches a broken query", () => {
    expect(errorNodes('{app="server"} |= "unterminated')).toBeGreaterThan(0);
  });

  it("escapes values so they cannot end the string", () => {
    expect(logqlString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(logqlString("x\uD800")).toBe('"x\uFFFD"');
    expect(logqlString("z".repeat(1000))).toHaveLength(256 + 2);
  });

  it("messageLiteral keeps the longest text between numbers, ids and quotes", () => {
    expect(messageLiteral("Claude API timeout after 30000ms")).toBe("Claude API timeout after");
    expect(messageLiteral('upstream said "no"')).toBe("upstream said");
    expect(messageLiteral("user 4812 not found in retrospective 99321")).toBe("not found in retrospective");
    expect(messageLiteral("code 42: 7")).toBeNull();
  });
});

describe("bounds", () => {
  const t = Date.parse("2026-11-26T09:14:32Z");

  it("the trail covers the window either side of the incident, capped at 1h each side", () => {
    expect(requestRange(t, t + 1000, 300_000)).toEqual({ startMs: t - 300_000, endMs: t + 1000 + 300_000 });
    expect(requestRange(t, t, 10 * 3_600_000)).toEqual({ startMs: t - 3_600_000, endMs: t + 3_600_000 });
  });

  it("occurrences look back at most 24h and end just after the last one", () => {
    expect(occurrencesRange(t, 3_600_000)).toEqual({ startMs: t + 1000 - 3_600_000, endMs: t + 1000 });
    const wide = occurrencesRange(t, 90 * 86_400_000);
    expect(wide.endMs - wide.startMs).toBe(MAX_QUERY_RANGE_MS);
  });

  it("a long incident still yields a range of at most 24h", () => {
    const r = requestRange(t - 10 * 86_400_000, t, 300_000);
    expect(r.endMs - r.startMs).toBe(MAX_QUERY_RANGE_MS);
    expect(r.endMs).toBe(t + 300_000);
  });

  it("limits stay between 1 and the maximum", () => {
    expect(boundLimit(0)).toBe(1);
    expect(boundLimit(Number.NaN)).toBe(1);
    expect(boundLimit(50.7)).toBe(50);
    expect(boundLimit(1e9)).toBe(MAX_QUERY_LIMIT);
  });
});
