/**
 * `ai-monitor resolve ID [--note TEXT] [--by NAME]` and `ai-monitor ack ID [--by NAME]`: a person resolves an
 * incident (its resolution is announced as an Alertmanager one is, by the running service's worker) or
 * acknowledges it (its recurrences stop paging people until it resolves).
 */
import type { Config } from "../config/schema.js";
import { zodIssues } from "../http/errors.js";
import {
  ackInputSchema,
  incidentIdSchema,
  resolveInputSchema,
  toActionInput,
} from "../http/incident-action-input.js";
import type { Logger } from "../log.js";
import { openStore } from "../main.js";

/** What the command was given on the command line. */
export interface IncidentActionOptions {
  action: "resolve" | "ack";
  incidentId: string;
  note?: string;
  by?: string;
}

const DONE: Record<string, string> = {
  resolved: "resolved; the resolution will be announced where the incident was",
  "already-resolved": "was already resolved: nothing changed",
  acked: "acknowledged; its recurrences will not notify anyone until it resolves",
  "already-acked": "was already acknowledged: nothing changed",
};

/** Resolve or acknowledge; returns the exit code (0 done or already so, 1 unknown incident or ack of a resolved one, 2 invalid input). */
export async function runIncidentAction(
  config: Config,
  options: IncidentActionOptions,
  io: { log: Logger; out: (text: string) => void; err: (text: string) => void; now?: () => number },
): Promise<number> {
  const id = incidentIdSchema.safeParse(options.incidentId);
  const fields = {
    ...(options.note === undefined ? {} : { note: options.note }),
    ...(options.by === undefined ? {} : { by: options.by }),
  };
  const input =
    options.action === "resolve" ? resolveInputSchema.safeParse(fields) : ackInputSchema.safeParse(fields);
  if (!id.success || !input.success) {
    if (!id.success)
      io.err(
        `ID: ${JSON.stringify(options.incidentId)} is not an incident id (see \`ai-monitor incidents\`)\n`,
      );
    if (!input.success)
      for (const issue of zodIssues(input.error)) io.err(`--${issue.path}: ${issue.message}\n`);
    return 2;
  }
  const store = await openStore(config, io.log);
  try {
    const at = (io.now ?? Date.now)();
    const outcome =
      options.action === "resolve"
        ? await store.resolveIncident(id.data, toActionInput(input.data, at))
        : await store.ackIncident(id.data, toActionInput(input.data, at));
    if (outcome === "not-found") {
      io.err(`incident ${id.data} not found (see \`ai-monitor incidents\`)\n`);
      return 1;
    }
    if (options.action === "ack" && outcome === "already-resolved") {
      io.err(
        `incident ${id.data} is already resolved: nothing acknowledged (an acknowledgement lasts only until the incident resolves)\n`,
      );
      return 1;
    }
    io.out(`incident ${id.data} ${DONE[outcome]}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
