/**
 * A human verdict on a diagnosis as it arrives (HTTP body or CLI flags), validated at the edge: the verdict,
 * an optional note and who gave it. Control characters are refused so a note cannot repaint a terminal later.
 */
import { z } from "zod";
import type { DiagnosisFeedback } from "../store/store.js";

/** The verdicts a reviewer can give. */
export const VERDICTS = ["correct", "partial", "wrong"] as const;
/** Reviewer name when none is given. */
export const ANONYMOUS_REVIEWER = "anonymous";

// C0 controls other than tab and newline, DEL, C1 controls, bidirectional overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const noControl = (s: string) => !CONTROL.test(s);

/** Reviewers named `github:LOGIN` are GitHub users whose issue reaction was read as their verdict. */
export const GITHUB_REVIEWER_PREFIX = "github:";

/** A free-text note of up to 2,000 characters (verdicts, resolutions). */
export const noteSchema = z
  .string()
  .trim()
  .max(2000)
  .refine(noControl, "must not contain control characters");

/** Who did it: one line of up to 100 characters; `github:` names only come from GitHub reactions. */
export const reviewerSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => noControl(s) && !/[\t\n]/.test(s), "must be one line without control characters")
  .refine(
    (s) => !s.toLowerCase().startsWith(GITHUB_REVIEWER_PREFIX),
    "names starting with github: are kept for GitHub reactions",
  );

/** The body of `POST /api/incidents/:id/feedback`; the CLI and the page check their input with it too. */
export const feedbackInputSchema = z
  .object({
    verdict: z.enum(VERDICTS),
    note: noteSchema.nullable().optional(),
    by: reviewerSchema.optional(),
  })
  .strict();

/** A validated verdict. */
export type FeedbackInput = z.infer<typeof feedbackInputSchema>;

/** Pure: the record to store for `incidentId` at `at` (an empty note is no note). */
export function toFeedbackRecord(incidentId: string, input: FeedbackInput, at: number): DiagnosisFeedback {
  return {
    incidentId,
    reviewer: input.by ?? ANONYMOUS_REVIEWER,
    verdict: input.verdict,
    note: input.note ? input.note : null,
    at,
  };
}
