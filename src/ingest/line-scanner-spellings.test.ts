/**
 * The tracing shapes of the fixture in every spelling another JSON logger or a log shipper writes: each gives
 * the same signals as tracing's own compact form, and a stripped BOM or NUL padding is counted.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scanChunk } from "./line-scanner.js";

const FIXTURE = readFileSync(
  new URL("../../test/fixtures/logs/tracing-shapes.jsonl", import.meta.url),
  "utf8",
);
// The complete lines: ten, the panic message among them (the eleventh is cut off mid-write).
const LINES = FIXTURE.split("\n").slice(0, 10);
const OPTIONS = { levels: ["ERROR"] as const, readTimeMs: Date.UTC(2026, 10, 27) };

/** Re-serialise a JSON line; the panic line stays as it is. */
const json = (line: string, write: (value: Record<string, unknown>) => string) =>
  line.startsWith("{") ? write(JSON.parse(line) as Record<string, unknown>) : line;
const withLevel = (value: Record<string, unknown>, level: unknown) => {
  const { level: _, ...rest } = value;
  return { ...rest, level };
};
const escapeAll = (text: string) =>
  [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");

/** Rename tracing's own keys (and fields' message/error_code) as another logger may spell them. */
const renameKeys = (value: Record<string, unknown>, rename: (key: string) => string) => {
  const own = new Set(["timestamp", "level", "fields", "target", "span", "spans"]);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[own.has(key) ? rename(key) : key] = item;
  const fields = value.fields as Record<string, unknown> | undefined;
  if (fields) {
    const renamed: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(fields))
      renamed[key === "message" || key === "error_code" ? rename(key) : key] = item;
    out[rename("fields")] = renamed;
  }
  return out;
};

const SPELLINGS: Record<string, (line: string) => string> = {
  compact: (line) => line,
  "space after colon": (line) => json(line, (v) => JSON.stringify(v, null, 1).replace(/\n\s*/g, "")),
  "pretty-ish, on one line": (line) => json(line, (v) => JSON.stringify(v, null, 2).replace(/\n\s*/g, " ")),
  "level last": (line) => json(line, (v) => JSON.stringify(withLevel(v, v.level))),
  "level in mixed case": (line) =>
    json(line, (v) =>
      JSON.stringify(v).replace(
        /"level":"(\w)(\w+)"/,
        (_m, a, b) => `"level":"${a.toUpperCase()}${b.toLowerCase()}"`,
      ),
    ),
  "escaped level value": (line) =>
    json(line, (v) =>
      JSON.stringify(v).replace(/"level":"(\w+)"/, (_m, level) => `"level":"${escapeAll(level)}"`),
    ),
  "escaped level key, other order": (line) =>
    json(line, (v) => JSON.stringify(withLevel(v, v.level)).replace('"level":', `"${escapeAll("level")}":`)),
  "keys in upper case": (line) => json(line, (v) => JSON.stringify(renameKeys(v, (k) => k.toUpperCase()))),
  "keys capitalised, level first": (line) =>
    json(line, (v) => {
      const { level, ...rest } = renameKeys(v, (k) => k[0]!.toUpperCase() + k.slice(1));
      return JSON.stringify({ Level: level, ...rest });
    }),
  BOM: (line) => `\uFEFF${line}`,
  "NUL padding": (line) => `${"\0".repeat(300)}${line}`,
  "NUL padding, then spaced": (line) =>
    `${"\0".repeat(7)}${json(line, (v) => JSON.stringify(v, null, 1).replace(/\n\s*/g, ""))}`,
};

const scan = (lines: string[]) => {
  const buf = Buffer.from(`${lines.join("\n")}\n`);
  return scanChunk(buf, buf.length, OPTIONS);
};
const compact = scan(LINES);

describe("every spelling of the tracing shapes", () => {
  it("the compact form finds the fixture's seven ERRORs", () => {
    expect(compact.signals).toHaveLength(7);
    expect(compact.junk).toEqual({ not_json: 1, cut_off: 0, bom: 0, nul_padding: 0, too_deep: 0 });
  });

  it.each(Object.entries(SPELLINGS))("%s gives the same signals as the compact form", (name, spell) => {
    const result = scan(LINES.map(spell));
    expect(result.signals).toEqual(compact.signals);
    expect(result.lines).toBe(10);
    expect(result.junk.not_json).toBe(1);
    expect(result.junk.cut_off).toBe(0);
    expect(result.junk.bom).toBe(name === "BOM" ? 10 : 0);
    expect(result.junk.nul_padding).toBe(name.startsWith("NUL") ? 10 : 0);
  });

  it("a BOM at the start of the file only is stripped and counted once", () => {
    const result = scan([`\uFEFF${LINES[0]}`, ...LINES.slice(1)]);
    expect(result.signals).toEqual(compact.signals);
    expect(result.junk).toEqual({ not_json: 1, cut_off: 0, bom: 1, nul_padding: 0, too_deep: 0 });
  });

  it("a line of only NULs (padding before the writer's next line) is counted, not junk", () => {
    const result = scan(["\0\0\0\0", LINES[1]!]);
    expect(result.signals).toHaveLength(1);
    expect(result.junk).toEqual({ not_json: 0, cut_off: 0, bom: 0, nul_padding: 1, too_deep: 0 });
  });

  it("a level spelled with spaces but unwanted stays unparsed and uncounted", () => {
    const result = scan(['{"level" : "INFO", "message": "caf\\u00e9"}', '{"msg":"x","level": "warn"}']);
    expect(result.signals).toEqual([]);
    expect(result.junk).toEqual({ not_json: 0, cut_off: 0, bom: 0, nul_padding: 0, too_deep: 0 });
  });
});
