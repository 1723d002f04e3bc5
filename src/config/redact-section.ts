/**
 * The `redact:` section: what a deployment adds to the built-in secret rules. Both apply at intake (every line and
 * alert, before it is stored) and to the context sent to the LLM.
 */
import { z } from "zod";

// A group repeated by a quantifier whose body has a quantifier too: `(a+)+`, `(\w*)*`, `(x+){2,}`. On hostile
// log text such a pattern can take exponential time, and it runs on every error line.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/;

/** Pure: why `source` is not usable as a redaction pattern, or null when it is. */
export function patternProblem(source: string): string | null {
  if (source.length === 0) return "empty pattern";
  let regex: RegExp;
  try {
    regex = new RegExp(source, "g");
  } catch (err) {
    return `not a valid regular expression: ${(err as Error).message}`;
  }
  if (regex.test("")) return "matches the empty string (it would redact nothing and match everywhere)";
  if (NESTED_QUANTIFIER.test(source))
    return "nested quantifier (e.g. (a+)+): it can take exponential time on hostile log text";
  return null;
}

/** A configured redaction pattern: compiled once here to reject what would fail or hang later. */
export const regexSource = z.string().superRefine((source, ctx) => {
  const problem = patternProblem(source);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const redactSection = z
  .object({
    /** Extra regular expressions (JavaScript syntax); every match becomes [REDACTED:custom]. */
    patterns: z.array(regexSource).default([]),
    /** Extra field and label names (case-insensitive) whose values are always redacted whole. */
    fields: z.array(z.string().trim().min(1).max(128)).default([]),
  })
  .strict()
  .prefault({});

/** The `redact:` section after defaults. */
export type RedactSection = z.output<typeof redactSection>;

/** The section as the redaction functions take it: each pattern compiled once, global. */
export function redactExtras(section: RedactSection): { patterns: RegExp[]; fields: string[] } {
  return { patterns: section.patterns.map((source) => new RegExp(source, "g")), fields: section.fields };
}
