import { describe, expect, it } from "vitest";
import type { Incident } from "../domain/types.js";
import { errorLineItem, occurrencesItem, requestTrailItem } from "./log-items.js";

const T = Date.parse("2026-11-26T09:14:32.620Z");
const incident = {
  fingerprint: "AI_003:server::domain::ai::service",
  errorCode: "AI_003",
  target: "server::domain::ai::service",
  level: "ERROR",
  message: "Claude API timeout after 30000ms",
  requestId: "req_7f3a1c",
  filename: null,
  lineNumber: null,
  fields: { duration_ms: 30500 },
  count: 3,
  firstSeen: T,
  lastSeen: T + 60_000,
  source: "file",
} as unknown as Incident;

describe("log items", () => {
  it("the error line carries what the log said, and how often it was seen", () => {
    const item = errorLineItem(incident);
    expect(item.id).toBe("logs:error");
    expect(item.title).toBe(
      "The error line (fingerprint AI_003:server::domain::ai::service; seen 3 times from 2026-11-26T09:14:32.620Z to 2026-11-26T09:15:32.620Z; via file)",
    );
    expect(JSON.parse(item.text)).toEqual({
      timestamp: "2026-11-26T09:14:32.620Z",
      level: "ERROR",
      target: "server::domain::ai::service",
      message: "Claude API timeout after 30000ms",
      error_code: "AI_003",
      request_id: "req_7f3a1c",
      fields: { duration_ms: 30500 },
    });
  });

  it("the trail runs oldest first and keeps the error line in focus", () => {
    const item = requestTrailItem(
      incident,
      [
        { timestampMs: T, line: '{"level":"ERROR","message":"Claude API timeout after 30000ms"}' },
        { timestampMs: T - 30_000, line: '{"level":"INFO","message":"request started"}' },
        { timestampMs: T + 5, line: '{"level":"INFO","message":"request finished"}' },
      ],
      "Loki",
      200,
    );
    expect(item.text.split("\n").map((l) => JSON.parse(l).message)).toEqual([
      "request started",
      "Claude API timeout after 30000ms",
      "request finished",
    ]);
    expect(item.focusLine).toBe(1);
    expect(item.title).toBe("Every log line of request req_7f3a1c from Loki, oldest first");
  });

  it("says when the trail reached its limit, and when nothing was found", () => {
    const one = [{ timestampMs: T, line: "x" }];
    expect(requestTrailItem(incident, one, "Loki", 1).title).toContain("(the first 1)");
    expect(requestTrailItem(incident, [], "Loki", 1).text).toBe("(no line of request req_7f3a1c found)");
  });

  it("occurrences run newest first, at most the limit", () => {
    const lines = [1, 3, 2].map((n) => ({ timestampMs: T + n, line: `occurrence ${n}` }));
    const item = occurrencesItem(incident, lines, "the tailed file", 2);
    expect(item.text).toBe("occurrence 3\noccurrence 2");
    expect(item.title).toBe(
      "Recent occurrences of AI_003:server::domain::ai::service from the tailed file (2, newest first)",
    );
  });
});
