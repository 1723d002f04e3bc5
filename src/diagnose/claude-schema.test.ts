import { describe, expect, it } from "vitest";
import { type Answer, answerFormat, answerToDiagnosis, parseAnswer } from "./claude-schema.js";

const answer = (patch: Partial<Answer> = {}): Answer => ({
  severity: "high",
  title: "Claude calls cut off\n by a 30 s timeout",
  root_cause: "TIMEOUT_SECS is 30 while calls take 31 s.",
  impact: "Generation fails.",
  recommendation: ["Raise TIMEOUT_SECS to 60."],
  auto_fixable: true,
  fix_suggestion: "Set TIMEOUT_SECS to 60.",
  confidence: 0.8,
  evidence: ["source:a.rs", "source:a.rs", "logs:made-up"],
  proposed_edit: {
    file: "a.rs",
    find: "const TIMEOUT_SECS: u64 = 30;",
    replace: "const TIMEOUT_SECS: u64 = 60;",
  },
  ...patch,
});
const meta = {
  model: "claude-sonnet-5-5",
  costUsd: 0.01,
  evidenceIds: ["incident:event", "source:a.rs"],
  runbookUrl: null,
};

describe("parseAnswer", () => {
  it("accepts a valid answer", () => {
    expect(parseAnswer(JSON.stringify(answer()))).toEqual({ ok: true, answer: answer() });
  });
  it("keeps the raw text of invalid JSON", () => {
    expect(parseAnswer('{"severity":')).toMatchObject({ ok: false, error: /^not JSON/, raw: '{"severity":' });
  });
  it("names the fields that do not match the schema", () => {
    const result = parseAnswer(JSON.stringify({ ...answer(), severity: "urgent", confidence: 3 }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/schema mismatch: severity: .*; confidence: /);
  });
});

describe("answerFormat", () => {
  it("is the SDK's json_schema format of the answer, strict on extra properties", () => {
    const format = answerFormat();
    expect(format.type).toBe("json_schema");
    expect(format.schema).toMatchObject({ type: "object", additionalProperties: false });
    expect(format.schema.required).toHaveLength(10);
    expect(format.parse("nope")).toMatchObject({ ok: false });
  });
});

describe("answerToDiagnosis", () => {
  it("maps the fields, keeping only evidence ids that were offered", () => {
    const d = answerToDiagnosis(answer(), meta);
    expect(d).toMatchObject({
      severity: "high",
      title: "Claude calls cut off by a 30 s timeout",
      rootCause: "TIMEOUT_SECS is 30 while calls take 31 s.",
      recommendation: ["Raise TIMEOUT_SECS to 60."],
      autoFixable: true,
      by: "claude-sonnet-5-5",
      costUsd: 0.01,
      skippedReason: null,
      evidence: ["source:a.rs"],
    });
    expect(d.proposedEdit?.replace).toContain("60");
  });

  it("is not auto-fixable without an exact edit, or with an edit that changes nothing", () => {
    expect(answerToDiagnosis(answer({ proposed_edit: null }), meta)).toMatchObject({
      autoFixable: false,
      proposedEdit: null,
    });
    const noop = { file: "a.rs", find: "x = 1", replace: "x = 1" };
    expect(answerToDiagnosis(answer({ proposed_edit: noop }), meta).autoFixable).toBe(false);
  });

  it("drops an edit the model proposed for something it calls not auto-fixable", () => {
    expect(answerToDiagnosis(answer({ auto_fixable: false }), meta)).toMatchObject({
      autoFixable: false,
      proposedEdit: null,
    });
  });
});
