/**
 * What a person gives when resolving or acknowledging an incident (HTTP body or CLI flags), validated at the
 * edge: the incident id, an optional note and who did it. Control characters are refused so neither can
 * repaint a terminal or forge a line in a chat message later.
 */
import { z } from "zod";

// C0 controls other than tab and newline, DEL, C1 controls, bidirectional overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** An incident id as the store numbers them: a positive decimal integer that fits in a double exactly. */
export const incidentIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, "must be an incident id (a positive whole number)")
  .transform(Number)
  .refine(Number.isSafeInteger, "must be an incident id (a positive whole number)");

const by = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !CONTROL.test(s) && !/[\t\n]/.test(s), "must be one line without control characters");

/** Body of `POST /api/incidents/:id/resolve` (optional); the CLI checks `--note`/`--by` with it too. */
export const resolveInputSchema = z
  .object({
    note: z
      .string()
      .trim()
      .max(2000)
      .refine((s) => !CONTROL.test(s), "must not contain control characters")
      .optional(),
    by: by.optional(),
  })
  .strict();

/** Body of `POST /api/incidents/:id/ack` (optional). */
export const ackInputSchema = z.object({ by: by.optional() }).strict();

/** A validated resolve or ack input. */
export type ActionInput = z.infer<typeof resolveInputSchema>;

/** Pure: the store's input at `at` (an empty note is no note). */
export function toActionInput(input: ActionInput, at: number): { at: number; note?: string; by?: string } {
  return { at, ...(input.note ? { note: input.note } : {}), ...(input.by ? { by: input.by } : {}) };
}
