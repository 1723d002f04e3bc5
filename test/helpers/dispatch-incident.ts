/** Incidents for dispatch tests: a plain one, and one built from the hostile fixture line through the real parser. */
import { readFileSync } from "node:fs";
import type { Incident } from "../../src/domain/types.js";
import { eventToSignal, parseTracingLine } from "../../src/ingest/tracing-json.js";
import { makeIncident as baseIncident, makeDiagnosis } from "./incident.js";

export { makeDiagnosis };

/** The shared fixture of tracing-subscriber shapes (line 10 is hostile). */
export const TRACING_SHAPES = "/work/shared/fixtures/logs/tracing-shapes.jsonl";

const T0 = Date.parse("2026-11-26T09:15:00Z");

/** An open, diagnosed AI_003 incident with the source location and duration; override what a test needs. */
export function makeIncident(patch: Partial<Incident> = {}): Incident {
  return baseIncident({
    id: "7",
    count: 3,
    firstSeen: T0,
    lastSeen: T0 + 60_000,
    createdAt: T0 + 1000,
    filename: "src/domain/ai/service.rs",
    lineNumber: 88,
    fields: { duration_ms: 30500 },
    diagnosis: makeDiagnosis(),
    ...patch,
  });
}

/** The incident the hostile fixture line (mentions, a secret, an injected instruction, a link) produces. */
export function hostileIncident(): Incident {
  const line = readFileSync(TRACING_SHAPES, "utf8").split("\n")[9]!;
  const parsed = parseTracingLine(line);
  if (!parsed.ok) throw new Error("the hostile fixture line no longer parses");
  const s = eventToSignal(parsed.event);
  return makeIncident({
    fingerprint: s.fingerprint,
    errorCode: s.errorCode,
    target: s.target,
    message: s.message,
    requestId: s.requestId,
    fields: s.fields,
    filename: null,
    lineNumber: null,
    // The offline diagnoser quotes the message; an LLM might too. Both must stay inert.
    diagnosis: makeDiagnosis({
      title: s.message,
      rootCause: `server::domain::auth::jwt logged: ${s.message}`,
      impact: "@here everyone is affected, see https://evil.example/impact",
      recommendation: [
        `Reply to <@&123456789> and open https://evil.example/fix`,
        "[click](https://evil.example)",
      ],
      by: "claude-test",
      runbookUrl: "https://evil.example/runbook",
    }),
    context: {
      items: [{ id: "logs:request", kind: "logs", title: "@everyone trail", text: line }],
      partial: [],
    },
  });
}

/** mulberry32: a tiny seeded PRNG, so "random" failures and inputs are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
