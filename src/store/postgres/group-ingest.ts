/**
 * Group commit for the PostgreSQL ingest (see ../group-commit.ts): a replica pays the round trips and the
 * COMMIT's WAL flush once per group. A lost connection or a COMMIT whose answer was lost fails the whole
 * group at once: retrying its members one by one could store a committed group twice.
 */
import { createGroupCommit, type RunGroup } from "../group-commit.js";
import { CommitOutcomeUnknownError, isConnectionLost } from "./errors.js";

export { type IngestPart, type RunGroup, sameRules, takeGroup } from "../group-commit.js";

/** A failure that says nothing about the data: the database went away, or a COMMIT's answer was lost. */
const sharedFailure = (err: unknown) => err instanceof CommitOutcomeUnknownError || isConnectionLost(err);

/** Build the grouping front of `run` (one group transaction in flight per process, at most `maxSignals`). */
export function createGroupIngest(run: RunGroup, maxSignals = 500) {
  return createGroupCommit(run, { maxSignals, sharedFailure });
}
