/**
 * The structured answer Claude must give: a zod schema, sent as `output_config.format` (JSON schema through the
 * SDK's zod helper), validated again on receipt, then mapped to a Diagnosis. The model's word is checked, never
 * trusted: unknown evidence ids are dropped and "auto-fixable" without an exact edit is not auto-fixable.
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 */
import type { AutoParseableOutputFormat } from "@anthropic-ai/sdk";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import { z } from "zod";
import type { Diagnosis } from "../domain/types.js";

/** The answer, in the original design's field names (snake_case) plus confidence, evidence and proposed_edit. */
export const answerSchema = z.object({
  severity: z.enum(["critical", "high", "medium", "low"]),
  title: z.string().min(1).max(200).describe("at most 80 characters, for a chat notification"),
  root_cause: z.string().min(1),
  impact: z.string().min(1),
  recommendation: z.array(z.string().min(1)).min(1).max(8).describe("concrete steps, most urgent first"),
  auto_fixable: z.boolean().describe("only for a configuration value; see the auto-fix policy"),
  fix_suggestion: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()).max(20).describe("ids from the list of valid evidence ids"),
  proposed_edit: z
    .object({
      file: z.string().min(1),
      find: z.string().min(1).describe("exact text copied from the source element"),
      replace: z.string(),
    })
    .nullable()
    .describe("required when auto_fixable, else null"),
});

export type Answer = z.infer<typeof answerSchema>;

/** What parsing the model's text gave: the answer, or why it is invalid with the raw text kept. */
export type ParsedAnswer = { ok: true; answer: Answer } | { ok: false; error: string; raw: string };

/** Pure: parse and validate the model's text; never throws. */
export function parseAnswer(raw: string): ParsedAnswer {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}`, raw };
  }
  const result = answerSchema.safeParse(json);
  if (result.success) return { ok: true, answer: result.data };
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  return { ok: false, error: `schema mismatch: ${issues.join("; ")}`, raw };
}

/**
 * The `output_config.format` to send: the SDK's JSON schema of `answerSchema`, with a parse that reports
 * invalid output instead of throwing, so `messages.parse` still returns the message (and its usage to bill).
 */
export function answerFormat(): AutoParseableOutputFormat<ParsedAnswer> {
  return { ...zodOutputFormat(answerSchema), parse: parseAnswer };
}

/** Pure: map a validated answer to a Diagnosis, enforcing what the schema cannot. */
export function answerToDiagnosis(
  answer: Answer,
  meta: { model: string; costUsd: number; evidenceIds: readonly string[]; runbookUrl: string | null },
): Diagnosis {
  const known = new Set(meta.evidenceIds);
  const evidence = [...new Set(answer.evidence)].filter((id) => known.has(id));
  const edit = answer.proposed_edit;
  const autoFixable = answer.auto_fixable && edit !== null && edit.find !== edit.replace;
  return {
    severity: answer.severity,
    title: answer.title.replace(/\s+/g, " ").trim().slice(0, 120),
    rootCause: answer.root_cause.trim().slice(0, 4000),
    impact: answer.impact.trim().slice(0, 2000),
    recommendation: answer.recommendation.map((r) => r.trim().slice(0, 1000)),
    autoFixable,
    fixSuggestion: answer.fix_suggestion?.trim().slice(0, 2000) || null,
    confidence: answer.confidence,
    by: meta.model,
    runbookUrl: meta.runbookUrl,
    costUsd: meta.costUsd,
    skippedReason: null,
    evidence,
    proposedEdit: autoFixable ? edit : null,
  };
}
