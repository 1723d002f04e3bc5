/** `ai-monitor feedback <id> <verdict>`: record a human verdict on an incident's diagnosis (for `report`). */
import type { Config } from "../config/schema.js";
import { zodIssues } from "../http/errors.js";
import type { Logger } from "../log.js";
import { openStore } from "../main.js";
import { feedbackInputSchema, toFeedbackRecord } from "../report/feedback-input.js";

/** What the command was given on the command line. */
export interface FeedbackOptions {
  incidentId: string;
  verdict: string;
  note?: string;
  by?: string;
}

/** Store the verdict; returns the exit code (0 stored, 1 unknown or undiagnosed incident, 2 invalid input). */
export async function runFeedback(
  config: Config,
  options: FeedbackOptions,
  io: { log: Logger; out: (text: string) => void; err: (text: string) => void; now?: () => number },
): Promise<number> {
  const parsed = feedbackInputSchema.safeParse({
    verdict: options.verdict,
    ...(options.note === undefined ? {} : { note: options.note }),
    ...(options.by === undefined ? {} : { by: options.by }),
  });
  if (!parsed.success) {
    for (const issue of zodIssues(parsed.error)) io.err(`${issue.path || "input"}: ${issue.message}\n`);
    return 2;
  }
  const store = await openStore(config, io.log, { existing: true });
  try {
    const incident = await store.getIncident(options.incidentId);
    if (!incident) {
      io.err(`incident ${JSON.stringify(options.incidentId)} not found\n`);
      return 1;
    }
    if (!incident.diagnosis) {
      io.err(`incident ${incident.id} has no diagnosis to review yet\n`);
      return 1;
    }
    const record = toFeedbackRecord(incident.id, parsed.data, (io.now ?? Date.now)());
    await store.saveDiagnosisFeedback(record);
    io.out(`incident ${incident.id}: diagnosis marked ${record.verdict} by ${record.reviewer}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
