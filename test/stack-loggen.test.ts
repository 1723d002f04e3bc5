/**
 * The stack's log generator (deploy/loggen/loggen.mjs), run as the compose service runs it: it writes what
 * ai-monitor's parser accepts as tracing-subscriber JSON, in several shapes, with bursts of one error code,
 * the odd non-JSON panic line, and file rotation.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventToSignal, parseTracingLine } from "../src/ingest/tracing-json.js";
import { repoPath } from "./helpers/stack-tools.js";

const LOGGEN = repoPath("deploy/loggen/loggen.mjs");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ai-monitor-loggen-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Run the generator to completion; returns the lines it wrote. */
async function generate(name: string, args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const file = join(dir, name);
  await promisify(execFile)(process.execPath, [LOGGEN, "--fast", ...args], {
    env: { PATH: process.env.PATH, LOGGEN_FILE: file, ...env },
  });
  return readFileSync(file, "utf8").split("\n").filter(Boolean);
}

describe("log generator", () => {
  it("writes tracing JSON that ai-monitor parses, with ERROR bursts of one error code", async () => {
    const before = Date.now();
    const lines = await generate("burst.log", ["--lines", "800", "--seed", "11", "--burst-every", "40"]);
    expect(lines).toHaveLength(800);
    const parsed = lines.map((line) => parseTracingLine(line));
    const events = parsed.flatMap((p) => (p.ok ? [p.event] : []));
    // The only junk is the occasional panic message, as a real server's file has.
    const junk = parsed.filter((p) => !p.ok);
    expect(junk.length).toBeLessThan(10);
    expect(junk.every((p) => !p.ok && p.reason === "not_json")).toBe(true);
    expect(new Set(events.map((e) => e.level))).toEqual(new Set(["INFO", "WARN", "ERROR"]));

    // Timestamps advance and end around now: the lines look freshly written.
    const times = events.map((e) => e.timestampMs);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times.at(-1)!).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(times.at(-1)!).toBeGreaterThan(before - 5_000);

    // A burst: at least 20 ERROR lines of one fingerprint within 30 seconds.
    const errors = events.filter((e) => e.level === "ERROR").map((e) => eventToSignal(e));
    const byFingerprint = new Map<string, typeof errors>();
    for (const s of errors)
      byFingerprint.set(s.fingerprint, [...(byFingerprint.get(s.fingerprint) ?? []), s]);
    const burst = [...byFingerprint.values()].find((group) =>
      group.some((s, i) => {
        const window = group.slice(i).filter((o) => o.timestampMs - s.timestampMs <= 30_000);
        return window.length >= 20;
      }),
    );
    expect(burst, `fingerprints: ${[...byFingerprint.keys()].join(", ")}`).toBeDefined();
    // Coded errors fingerprint as {error_code}:{target}; uncoded ones by message template.
    expect(errors.some((s) => s.fingerprint === `${s.errorCode}:${s.target}`)).toBe(true);
    expect(errors.some((s) => s.errorCode === null)).toBe(true);
  });

  it("mixes the shapes tracing-subscriber writes: nested fields, flattened with file/line, the design's", async () => {
    const lines = await generate("shapes.log", ["--lines", "400", "--seed", "3"]);
    const objects = lines
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const nested = objects.filter((o) => typeof o.fields === "object" && "message" in (o.fields as object));
    const flat = objects.filter((o) => !("fields" in o) && "line_number" in o);
    const seed = objects.filter((o) => typeof o.fields === "object" && "message" in o);
    expect(nested.length).toBeGreaterThan(100);
    expect(flat.length).toBeGreaterThan(10);
    expect(seed.length).toBeGreaterThan(0);
    expect(objects.every((o) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(String(o.timestamp)))).toBe(
      true,
    );
  });

  it("the same seed writes the same lines (apart from the clock)", async () => {
    const strip = (lines: string[]) => lines.map((l) => l.replace(/"timestamp":"[^"]+"/, ""));
    const a = await generate("a.log", ["--lines", "200", "--seed", "5"]);
    const b = await generate("b.log", [], { LOGGEN_LINES: "200", LOGGEN_SEED: "5" });
    expect(strip(b)).toEqual(strip(a));
  });

  it("rotates the file to .1 past --max-bytes", async () => {
    const lines = await generate("rotating.log", ["--lines", "300", "--seed", "1", "--max-bytes", "20000"]);
    expect(existsSync(join(dir, "rotating.log.1"))).toBe(true);
    expect(lines.length).toBeLessThan(300);
    expect(readFileSync(join(dir, "rotating.log.1"), "utf8").length).toBeGreaterThan(20_000);
  });

  it("refuses a bad option with a message", async () => {
    await expect(generate("bad.log", ["--rate", "fast"])).rejects.toThrow(/--rate must be a number/);
  });
});
