/**
 * The secret corpus through every intake path, in process: free text, log lines (message, fields, field names,
 * span fields), Alertmanager and Grafana bodies (labels longer than the limit, annotations, links). Also checks
 * that the synchronous secretlint scan finds what @secretlint/core finds.
 */
import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { describe, expect, it } from "vitest";
import { createRedactor } from "../src/context/redaction-stats.js";
import { mightHoldSecret, redactText } from "../src/domain/redact.js";
import { asyncRules, scanUngated, scanWithSecretlint } from "../src/domain/secretlint-scan.js";
import { alertmanagerPayloadSchema, mapAlertmanager } from "../src/ingest/alertmanager.js";
import { grafanaPayloadSchema, mapGrafana } from "../src/ingest/grafana.js";
import { eventToSignal, parseTracingLine } from "../src/ingest/tracing-json.js";
import { buildCorpus, type CorpusEntry, needles } from "./fixtures/secret-corpus.js";
import { corpusAlertmanagerBody, corpusGrafanaBody, corpusLogLines } from "./helpers/secret-lines.js";

const corpus = buildCorpus();
const names = {
  errorCode: "error_code",
  target: "target",
  targetFallbacks: ["service", "job", "namespace/pod", "instance"],
  severity: "severity",
  count: "count",
};

function leaks(text: string, entries: readonly CorpusEntry[] = corpus): string[] {
  return entries.flatMap((e) =>
    needles(e)
      .filter((n) => text.includes(n))
      .map((n) => `${e.format}: ${n}`),
  );
}

describe("secret corpus", () => {
  it("holds at least 80 secrets across at least 40 formats", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(80);
    expect(new Set(corpus.map((e) => e.format)).size).toBeGreaterThanOrEqual(40);
  });

  it.each(
    corpus.filter((e) => e.placement === "message" || e.placement === "field").map((e) => [e.format, e]),
  )("%s is redacted in free text", (_format, entry) => {
    const out = redactText(entry.text);
    expect(leaks(out, [entry])).toEqual([]);
    expect(out).toMatch(/\[REDACTED:[\w-]+\]/);
  });

  it("passes the cheap line-level gate with every entry (a skipped line is never redacted)", () => {
    // Entries whose field name is the clue are covered by the name (checked with the lines below).
    for (const entry of corpus.filter((e) => e.placement === "message" || e.placement === "field"))
      expect(mightHoldSecret(entry.text), entry.format).toBe(true);
  });

  it("leaves nothing of any secret in the signals parsed from the corpus lines", () => {
    const signals = corpusLogLines(corpus, Date.now()).map((line) => {
      const parsed = parseTracingLine(line);
      if (!parsed.ok) throw new Error(`corpus line not parsed: ${parsed.reason}`);
      return eventToSignal(parsed.event);
    });
    expect(signals).toHaveLength(corpus.length);
    expect(leaks(JSON.stringify(signals))).toEqual([]);
  });

  it("leaves nothing in the raw lines as the context bundle redacts them (span fields included)", () => {
    const redactor = createRedactor();
    const out = corpusLogLines(corpus, Date.now()).map((line) => redactor.logLine(line));
    expect(leaks(out.join("\n"))).toEqual([]);
  });

  it("redacts Alertmanager labels before cutting them, annotations and generator URLs", () => {
    const body = alertmanagerPayloadSchema.parse(corpusAlertmanagerBody(corpus));
    expect(Object.values(body.alerts[0]!.labels).some((v) => v.endsWith("…"))).toBe(true);
    const batch = mapAlertmanager(body, names, Date.now());
    expect(batch.signals.length).toBe(body.alerts.length);
    expect(leaks(JSON.stringify(body))).toEqual([]);
    expect(leaks(JSON.stringify(batch))).toEqual([]);
  });

  it("redacts Grafana labels, annotations, silence/dashboard links and value strings", () => {
    const body = grafanaPayloadSchema.parse(corpusGrafanaBody(corpus));
    const batch = mapGrafana(body, names, Date.now());
    expect(leaks(JSON.stringify(body))).toEqual([]);
    expect(leaks(JSON.stringify(batch))).toEqual([]);
  });
});

describe("secretlint rules run synchronously", () => {
  it("every text rule of the preset reports synchronously", () => {
    for (const entry of corpus) scanUngated(entry.text);
    expect([...asyncRules]).toEqual([]);
  });

  it("the cheap gate skips no text the rules would flag", () => {
    for (const entry of corpus) expect(scanWithSecretlint(entry.text)).toEqual(scanUngated(entry.text));
  });

  it("finds exactly what @secretlint/core's lintSource finds on the corpus", async () => {
    const config = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended }] };
    let flagged = 0;
    for (const entry of corpus) {
      const result = await lintSource({
        source: { content: entry.text, filePath: "/corpus.txt", ext: ".txt", contentType: "text" },
        options: { config: config as never },
      });
      const core = result.messages.map((m) => [m.range[0], m.range[1]]);
      const ours = scanUngated(entry.text).map((r) => [r.start, r.end]);
      expect(ours, entry.format).toEqual(core);
      flagged += core.length > 0 ? 1 : 0;
    }
    // The preset is a real part of detection, not a bystander.
    expect(flagged).toBeGreaterThan(25);
  });
});
