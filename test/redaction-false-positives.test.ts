/**
 * False positives stay low: the 15 evaluation scenarios and the demo logs lose nothing but their secrets. Every
 * redaction made in them is pinned here, so a rule that starts eating ordinary text fails this test.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoLogs } from "../src/commands/demo-logs.js";
import { createRedactor } from "../src/context/redaction-stats.js";
import { findSecrets, isRedacted, isSensitiveKey, redactFields, redactText } from "../src/domain/redact.js";
import { eventToSignal, parseTracingLine } from "../src/ingest/tracing-json.js";

const DIR = join(import.meta.dirname, "fixtures", "incidents");

/** Every redaction a value would get: `path rule: removed text`. */
function redactionsIn(value: unknown, path: string, out: string[]): string[] {
  if (typeof value === "string") {
    for (const r of findSecrets(value)) out.push(`${path} ${r.rule}: ${value.slice(r.start, r.end)}`);
    // Log lines inside a context item: their field names count too.
    for (const [n, line] of value.split("\n").entries()) {
      if (line.startsWith("{")) redactionsIn(JSON.parse(line), `${path}#${n}`, out);
    }
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) redactionsIn(item, `${path}[${i}]`, out);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (isSensitiveKey(key) && item !== null && !isRedacted(item))
        out.push(`${path}.${key} sensitive-field`);
      else redactionsIn(item, `${path}.${key}`, out);
    }
  }
  return out;
}

// What the scenarios hold that is a secret; nothing else may be redacted. (The prompt-injection scenario's
// credential was redacted when the scenario was written: a bare marker is kept as it is, "Bearer [REDACTED]"
// under a credential's name is hidden whole.)
const PINNED: Record<string, string[]> = {
  "prompt-injection-auth": ["context.items[0].text#1.fields.authorization sensitive-field"],
};

describe("evaluation scenarios", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));

  it("are all here", () => expect(files).toHaveLength(15));

  it.each(files)("%s loses only its secrets", (file) => {
    const scenario = JSON.parse(readFileSync(join(DIR, file), "utf8"));
    const id = file.replace(/\.json$/, "");
    const found = [
      ...redactionsIn(scenario.incident, "incident", []),
      ...redactionsIn(scenario.context, "context", []),
    ];
    expect(found).toEqual(PINNED[id] ?? []);
    // The text the diagnoser reads is the text as written, but for those.
    expect(redactText(scenario.incident.message)).toBe(scenario.incident.message);
    const redactor = createRedactor();
    for (const item of scenario.context?.items ?? []) {
      for (const line of String(item.text).split("\n")) {
        if (line.trim().startsWith("{"))
          expect(JSON.parse(redactor.logLine(line))).toEqual(redactFields(JSON.parse(line)));
        else expect(redactor.text(line)).toBe(line);
      }
    }
  });

  it("the prompt-injection scenario keeps its earlier marker and everything else", () => {
    const scenario = JSON.parse(readFileSync(join(DIR, "prompt-injection-auth.json"), "utf8"));
    expect(redactFields(scenario.incident.fields)).toEqual(scenario.incident.fields);
  });
});

describe("demo logs", () => {
  it("lose only the demo's fake API key (under `authorization`)", () => {
    const { beforeRotation, afterRotation } = demoLogs(Date.parse("2026-11-26T09:00:00Z"));
    const counts: Record<string, number> = {};
    let parsedLines = 0;
    for (const line of [...beforeRotation, ...afterRotation]) {
      const parsed = parseTracingLine(line);
      if (!parsed.ok) continue;
      parsedLines++;
      const signal = eventToSignal(parsed.event, { redactions: counts });
      expect(signal.message).toBe(parsed.event.message);
      expect(signal.target).toBe(parsed.event.target);
      const { authorization: _a, ...fields } = parsed.event.fields;
      const { authorization: redacted, ...kept } = signal.fields;
      expect(kept).toEqual(fields);
      if (redacted !== undefined) expect(redacted).toBe("[REDACTED:sensitive-field]");
    }
    expect(parsedLines).toBeGreaterThan(10);
    expect(counts).toEqual({ "sensitive-field": 1 });
  });
});
