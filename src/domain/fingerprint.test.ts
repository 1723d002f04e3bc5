import { describe, expect, it } from "vitest";
import { fingerprintOf, MAX_TEMPLATE_CHARS, messageTemplate } from "./fingerprint.js";

describe("messageTemplate", () => {
  it.each([
    ["user 4812 not found in retrospective 99321", "user <n> not found in retrospective <n>"],
    ["Claude API timeout after 30000ms", "Claude API timeout after <n>ms"],
    ["took 1.5s, offset -42", "took <n>s, offset <n>"],
    ["version 1.2.3 released", "version <n> released"],
    ["session 550e8400-e29b-41d4-a716-446655440000 expired", "session <uuid> expired"],
    ["bad pointer 0xDEADbeef", "bad pointer <hex>"],
    ["commit 9fceb02d0ae598e95dc970b74767f19372d61af8 missing", "commit <hex> missing"],
    ["request req_7f3a1c failed", "request req_<id> failed"],
    ["request req_abc123 failed", "request req_<id> failed"],
    ["code AI_003 stays", "code AI_003 stays"],
    ["no such key 'retro:42:title'", "no such key <str>"],
    ['field "email" is invalid', "field <str> is invalid"],
    ["can't connect, won't retry", "can't connect, won't retry"],
    ["connect to 10.0.12.7:5432 refused", "connect to <ip> refused"],
    ["mail to jane.doe+x@example.co.uk bounced", "mail to <email> bounced"],
    ["nonce aZ3kq9PzX1bQ7rT2w arrived", "nonce <id> arrived"],
    ["at 2026-11-26T09:15:12.999999999Z the job stopped", "at <ts> the job stopped"],
    ["http2 stream reset", "http2 stream reset"],
    ["  spaced \t out\n  message ", "spaced out message"],
    ["", ""],
  ])("%j -> %j", (input, expected) => {
    expect(messageTemplate(input)).toBe(expected);
  });

  it("gives one template for messages that differ only in numbers", () => {
    expect(messageTemplate("user 4812 not found in retrospective 99321")).toBe(
      messageTemplate("user 77 not found in retrospective 12"),
    );
  });

  it("bounds the length and never ends on half a surrogate pair", () => {
    expect(messageTemplate("word ".repeat(1000)).length).toBe(MAX_TEMPLATE_CHARS);
    const emoji = `${"a".repeat(MAX_TEMPLATE_CHARS - 1)}😀 tail`;
    expect(messageTemplate(emoji)).toBe("a".repeat(MAX_TEMPLATE_CHARS - 1));
  });

  it("stays cheap on a hostile megabyte message", () => {
    expect(messageTemplate("1.".repeat(500_000)).length).toBeLessThanOrEqual(MAX_TEMPLATE_CHARS);
  });
});

describe("fingerprintOf", () => {
  it.each([
    [
      { errorCode: "AI_003", target: "server::domain::ai::service", message: "x 1" },
      "AI_003:server::domain::ai::service",
    ],
    [{ errorCode: "AI_003", target: "", message: "x" }, "AI_003:unknown"],
    [{ errorCode: null, target: "svc", message: "user 7 not found" }, "user <n> not found:svc"],
    [{ errorCode: "", target: "svc", message: "user 7 not found" }, "user <n> not found:svc"],
    [{ errorCode: null, target: "", message: "boom" }, "boom:unknown"],
  ])("%j -> %s", (input, expected) => {
    expect(fingerprintOf(input)).toBe(expected);
  });

  it("ignores the message when an error code exists (the original design's rule)", () => {
    const a = fingerprintOf({ errorCode: "DB_001", target: "db", message: "pool timed out" });
    const b = fingerprintOf({ errorCode: "DB_001", target: "db", message: "something else entirely" });
    expect(a).toBe(b);
  });
});
