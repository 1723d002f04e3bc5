import { describe, expect, it } from "vitest";
import { isLoopback, parseListen } from "./listen-address.js";

describe("parseListen", () => {
  it.each([
    ["127.0.0.1:9095", { host: "127.0.0.1", port: 9095 }],
    ["[::1]:80", { host: "::1", port: 80 }],
    ["0.0.0.0:0", { host: "0.0.0.0", port: 0 }],
    ["localhost:9095", { host: "localhost", port: 9095 }],
  ])("parses %s", (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });
  it.each(["9095", "host:", "host:99999", ":::1:80"])("rejects %s", (text) => {
    expect(() => parseListen(text)).toThrow(/HOST:PORT/);
  });
});

describe("isLoopback", () => {
  it("knows loopback from the rest", () => {
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("127.1.2.3")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("localhost")).toBe(true);
    expect(isLoopback("0.0.0.0")).toBe(false);
    expect(isLoopback("192.168.1.10")).toBe(false);
    expect(isLoopback("::")).toBe(false);
  });
});
