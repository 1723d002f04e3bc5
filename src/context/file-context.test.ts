import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Incident } from "../domain/types.js";
import { createFileContextProvider } from "./file-context.js";
import { readLinesBackward } from "./reverse-lines.js";

async function tempFile(name: string, text: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ai-monitor-ctx-file-"));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function collect(path: string, options: Parameters<typeof readLinesBackward>[1]): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLinesBackward(path, options)) out.push(line);
  return out;
}

describe("readLinesBackward", () => {
  it.each([1, 3, 7, 64 * 1024])("yields every line newest first with %i-byte chunks", async (chunkBytes) => {
    const path = await tempFile("a.log", "one\ntwo\r\n\nthré€\nlast without newline");
    expect(await collect(path, { maxBytes: 1 << 20, maxLineBytes: 1024, chunkBytes })).toEqual([
      "last without newline",
      "thré€",
      "two",
      "one",
    ]);
  });

  it("stops after maxBytes from the end and drops the line cut there", async () => {
    const path = await tempFile("b.log", "aaaa\nbbbb\ncccc\n");
    expect(await collect(path, { maxBytes: 8, maxLineBytes: 1024, chunkBytes: 3 })).toEqual(["cccc"]);
  });

  it("skips lines longer than maxLineBytes whole and goes on", async () => {
    const path = await tempFile("c.log", `first\n${"z".repeat(5000)}\nlast\n`);
    expect(await collect(path, { maxBytes: 1 << 20, maxLineBytes: 100, chunkBytes: 64 })).toEqual([
      "last",
      "first",
    ]);
  });

  it("reads an empty file as no lines", async () => {
    expect(await collect(await tempFile("d.log", ""), { maxBytes: 100, maxLineBytes: 100 })).toEqual([]);
  });
});

const T = Date.parse("2026-11-26T09:14:32.620Z");
const at = (ms: number) => new Date(ms).toISOString();
const line = (
  ms: number,
  level: string,
  message: string,
  fields: Record<string, unknown>,
  target = "server::x",
) => JSON.stringify({ timestamp: at(ms), level, fields: { message, ...fields }, target });

const incident = {
  id: "1",
  fingerprint: "AI_003:server::x",
  errorCode: "AI_003",
  target: "server::x",
  level: "ERROR",
  message: "Claude API timeout after 30000ms",
  requestId: "req_1",
  firstSeen: T,
  lastSeen: T,
  count: 1,
  fields: {},
  filename: null,
  lineNumber: null,
} as unknown as Incident;

const deps = {
  requestWindowMs: 300_000,
  occurrencesLookbackMs: 3_600_000,
  requestLines: 50,
  occurrences: 2,
  scanBytes: 1 << 20,
  maxLineBytes: 1 << 20,
};

describe("file context provider", () => {
  it("finds the request's lines and the latest occurrences in the tailed files", async () => {
    const path = await tempFile(
      "server.log",
      [
        line(T - 7_200_000, "ERROR", "Claude API timeout after 1ms", {
          error_code: "AI_003",
          request_id: "req_old",
        }),
        line(T - 600_000, "INFO", "request started", { request_id: "req_1" }),
        line(T - 60_000, "INFO", "request started", { request_id: "req_1" }),
        line(T - 50_000, "ERROR", "Claude API timeout after 5ms", {
          error_code: "AI_003",
          request_id: "req_0",
        }),
        line(T - 40_000, "ERROR", "Claude API timeout after 6ms", {
          error_code: "AI_003",
          request_id: "req_9",
        }),
        line(T - 1000, "DEBUG", "calling Claude", { request_id: "req_1" }),
        "thread 'main' panicked at src/x.rs:1:1: req_1",
        line(T, "ERROR", "Claude API timeout after 30000ms", { error_code: "AI_003", request_id: "req_1" }),
        line(T + 10, "ERROR", "other", { error_code: "AI_003", request_id: "req_2" }, "server::y"),
        line(T + 20, "INFO", "request finished", { request_id: "req_1" }),
      ].join("\n"),
    );
    const provider = createFileContextProvider({ ...deps, paths: [join(path, "..", "*.log")] });
    const output = await provider.gather(incident, new AbortController().signal);
    if (Array.isArray(output)) throw new Error("expected partial info");
    const [trail, occurrences] = output.items;
    expect(trail!.text.split("\n").map((l) => JSON.parse(l).fields.message)).toEqual([
      "request started",
      "calling Claude",
      "Claude API timeout after 30000ms",
      "request finished",
    ]);
    expect(trail!.focusLine).toBe(2);
    expect(occurrences!.text.split("\n").map((l) => JSON.parse(l).fields.request_id)).toEqual([
      "req_1",
      "req_9",
    ]);
    expect(output.partial).toEqual([]);
  });

  it("says so when no file matches the watch paths", async () => {
    const provider = createFileContextProvider({ ...deps, paths: ["/nonexistent-ai-monitor/*.log"] });
    expect(await provider.gather(incident, new AbortController().signal)).toEqual({
      items: [],
      partial: ["files: no tailed file matches /nonexistent-ai-monitor/*.log"],
    });
  });
});
